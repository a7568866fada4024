#include "store.hpp"

#include <nlohmann/json.hpp>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::chat {

namespace {

const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

std::string utf8_length_error(const std::string& text) {
  std::size_t chars = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++chars;
  if (text.empty() || text.find_first_not_of(" \t\r\n") == std::string::npos) return "the message is empty";
  if (chars > store::kMaxText) return "a message may hold at most " + std::to_string(store::kMaxText) + " characters";
  return {};
}

// A stored message as the "message" frame.
constexpr const char* kMessageJson =
    "json_build_object('type', 'message', 'dialog', m.dialog_id, 'seq', m.seq, 'kind', m.kind, "
    "'author', json_build_object('kind', m.author_kind, 'id', m.author_id, "
    "  'name', coalesce(s.name, v.name, '')), "
    "'private', m.private, 'text', m.body, 'data', m.data, 'client_id', m.client_id, "
    "'at', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))::text";
constexpr const char* kMessageFrom =
    " FROM chat_messages m LEFT JOIN staff_users s ON m.author_kind = 'staff' AND s.id = m.author_id "
    "LEFT JOIN chat_visitors v ON m.author_kind = 'visitor' AND v.id = m.author_id ";

}  // namespace

// A dialog for staff and for the customer.
const char* const store::kDialogSelect =
    "SELECT d.id, d.merchant_id, d.visitor_id, d.status, d.support_requested, d.last_seq, "
    "coalesce((SELECT array_agg(p.staff_id::text) FROM chat_participants p "
    "          WHERE p.dialog_id = d.id AND p.left_at IS NULL), '{}'), "
    "json_build_object('id', d.id, 'merchant', d.merchant_id, 'status', d.status, "
    "  'visitor', json_build_object('id', v.id, 'name', v.name, 'email', v.email, 'language', v.language, "
    "                               'read_seq', d.visitor_read_seq), "
    "  'assignee', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('id', a.id, 'name', a.name) END, "
    "  'participants', coalesce((SELECT json_agg(json_build_object('id', ps.id, 'name', ps.name, 'role', p.role, "
    "                                   'read_seq', p.last_read_seq) ORDER BY p.joined_at) "
    "                  FROM chat_participants p JOIN staff_users ps ON ps.id = p.staff_id "
    "                  WHERE p.dialog_id = d.id AND p.left_at IS NULL), '[]'::json), "
    "  'support_requested', d.support_requested, 'last_seq', d.last_seq, 'page_url', d.page_url, "
    "  'preview', (SELECT left(pm.body, 200) FROM chat_messages pm WHERE pm.dialog_id = d.id "
    "              AND pm.kind = 'text' AND NOT pm.private ORDER BY pm.seq DESC LIMIT 1), "
    "  'created_at', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "  'updated_at', to_char(d.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))::text, "
    "json_build_object('id', d.id, 'status', d.status, "
    "  'assignee', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object('name', a.name) END, "
    "  'last_seq', d.last_seq, 'read_seq', d.visitor_read_seq, "
    "  'created_at', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))::text "
    "FROM chat_dialogs d JOIN chat_visitors v ON v.id = d.visitor_id "
    "LEFT JOIN staff_users a ON a.id = d.assignee_id ";

std::vector<store::DialogRow> store::dialog_rows(const pqxx::result& r) {
  std::vector<store::DialogRow> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    store::DialogRow d;
    d.id = row[0].as<std::string>();
    d.merchant_id = row[1].as<std::string>();
    d.visitor_id = row[2].as<std::string>();
    d.status = row[3].as<std::string>();
    d.support_requested = row[4].as<bool>();
    d.last_seq = row[5].as<int>();
    auto arr = row[6].as_array();
    for (auto [kind, value] = arr.get_next(); kind != pqxx::array_parser::done; std::tie(kind, value) = arr.get_next())
      if (kind == pqxx::array_parser::string_value) d.staff.push_back(value);
    d.staff_json = row[7].as<std::string>();
    d.visitor_json = row[8].as<std::string>();
    out.push_back(std::move(d));
  }
  return out;
}

namespace {

// Staff on a socket as the principal the REST routes check.
http::Principal principal_of(const store::Who& s) {
  http::Principal p;
  p.kind = http::Principal::Kind::staff;
  p.id = s.id;
  p.role = s.role;
  p.merchant_id = s.merchant_id;
  return p;
}

std::string message_payload(const std::string& merchant, const std::string& dialog, int seq, bool is_private,
                            bool waiting) {
  return nlohmann::json{{"t", "m"}, {"m", merchant}, {"d", dialog}, {"s", seq}, {"p", is_private}, {"w", waiting}}
      .dump();
}

}  // namespace

// --- the public part (chat.hpp) ---

Appended append_message(db::Tx& tx, const NewMessage& m, core::TimePoint now) {
  if (!core::is_uuid(m.dialog_id)) throw core::not_found("dialog");
  auto d = tx->exec_params("SELECT last_seq, merchant_id, status FROM chat_dialogs WHERE id = $1::uuid FOR UPDATE",
                           m.dialog_id);
  if (d.empty()) throw core::not_found("dialog");
  if (!m.client_id.empty()) {
    auto dup = tx->exec_params(
        "SELECT seq FROM chat_messages WHERE dialog_id = $1::uuid AND author_kind = $2 "
        "AND author_id IS NOT DISTINCT FROM $3::uuid AND client_id = $4",
        m.dialog_id, m.author_kind, or_null(m.author_id), m.client_id);
    if (!dup.empty()) return {dup[0][0].as<int>(), true};
  }
  int seq = d[0][0].as<int>() + 1;
  auto ts = core::to_rfc3339(now);
  tx->exec_params(
      "INSERT INTO chat_messages (dialog_id, seq, kind, author_kind, author_id, private, client_id, body, data, "
      "created_at) VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7, $8, $9::jsonb, $10::timestamptz)",
      m.dialog_id, seq, m.kind, m.author_kind, or_null(m.author_id), m.is_private, or_null(m.client_id), m.body,
      m.data.dump(), ts);
  tx->exec_params("UPDATE chat_dialogs SET last_seq = $2, updated_at = $3::timestamptz WHERE id = $1::uuid",
                  m.dialog_id, seq, ts);
  store::notify(tx, message_payload(d[0][1].as<std::string>(), m.dialog_id, seq, m.is_private,
                                    d[0][2].as<std::string>() == "waiting"));
  return {seq, false};
}

void announce_dialog(db::Tx& tx, const std::string& dialog_id) {
  auto r = tx->exec_params("SELECT merchant_id FROM chat_dialogs WHERE id = $1::uuid", dialog_id);
  if (r.empty()) return;
  store::notify(tx, nlohmann::json{{"t", "d"}, {"m", r[0][0].as<std::string>()}, {"d", dialog_id}}.dump());
}

DialogRef dialog_for_staff(db::Tx& tx, const http::Principal& who, const std::string& dialog_id, bool lock) {
  if (!core::is_uuid(dialog_id)) throw core::not_found("dialog");
  std::string sql =
      "SELECT id, merchant_id, visitor_id, status, support_requested, "
      "EXISTS (SELECT 1 FROM chat_participants p WHERE p.dialog_id = d.id AND p.staff_id = $2::uuid "
      "        AND p.left_at IS NULL) "
      "FROM chat_dialogs d WHERE id = $1::uuid";
  if (lock) sql += " FOR UPDATE";
  auto r = tx->exec_params(sql, dialog_id, who.id);
  if (r.empty()) throw core::not_found("dialog");
  DialogRef ref{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
                r[0][3].as<std::string>()};
  bool support = r[0][4].as<bool>(), participant = r[0][5].as<bool>();
  if (!who.merchant_id.empty()) {
    if (who.merchant_id != ref.merchant_id) throw core::not_found("dialog");
  } else if (who.role != "admin" && !support && !participant) {
    // The gateway's support sees an airline's dialog only when asked in.
    throw core::not_found("dialog");
  }
  return ref;
}

namespace store {

void notify(db::Tx& tx, const std::string& payload) { tx->exec_params("SELECT pg_notify($1, $2)", kChannel, payload); }

std::optional<Who> visitor_by_token(db::Tx& tx, const std::string& token, core::TimePoint now) {
  if (token.size() < 16 || token.size() > 128) return std::nullopt;
  auto r = tx->exec_params(
      "UPDATE chat_visitors v SET last_seen_at = $2::timestamptz FROM chat_visitor_tokens t "
      "WHERE t.token_hash = $1 AND v.id = t.visitor_id RETURNING v.id, v.name, v.merchant_id",
      crypto::sha256_hex(token), core::to_rfc3339(now));
  if (r.empty()) return std::nullopt;
  Who w;
  w.kind = Who::Kind::visitor;
  w.id = r[0][0].as<std::string>();
  w.name = r[0][1].as<std::string>();
  w.merchant_id = r[0][2].as<std::string>();
  return w;
}

Who staff_who(db::Tx& tx, const http::Principal& p) {
  Who w;
  w.kind = Who::Kind::staff;
  w.id = p.id;
  w.merchant_id = p.merchant_id;
  w.role = p.role;
  auto r = tx->exec_params("SELECT name FROM staff_users WHERE id = $1::uuid", p.id);
  if (!r.empty()) w.name = r[0][0].as<std::string>();
  return w;
}

Sent visitor_send(db::Tx& tx, const Who& v, const std::string& client_id, const std::string& text,
                  const std::string& page_url, core::TimePoint now) {
  if (auto e = utf8_length_error(text); !e.empty()) throw core::validation_failed({{"text", e}});
  auto ts = core::to_rfc3339(now);
  Sent out;
  // Its live dialog (the one given, when live), else a new one: one live dialog per customer.
  auto live = tx->exec_params(
      "SELECT id FROM chat_dialogs WHERE visitor_id = $1::uuid AND status <> 'closed' FOR UPDATE", v.id);
  if (!live.empty()) {
    out.dialog_id = live[0][0].as<std::string>();
  } else {
    auto made = tx->exec_params(
        "INSERT INTO chat_dialogs (merchant_id, visitor_id, page_url, created_at, updated_at) "
        "VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz, $4::timestamptz) "
        "ON CONFLICT (visitor_id) WHERE status <> 'closed' DO NOTHING RETURNING id",
        v.merchant_id, v.id, page_url.substr(0, 2000), ts);
    if (made.empty())  // another socket of the same customer made it just now
      out.dialog_id =
          tx->exec_params1("SELECT id FROM chat_dialogs WHERE visitor_id = $1::uuid AND status <> 'closed'", v.id)[0]
              .as<std::string>();
    else {
      out.dialog_id = made[0][0].as<std::string>();
      out.new_dialog = true;
    }
  }
  auto a = append_message(tx, {.dialog_id = out.dialog_id, .kind = "text", .author_kind = "visitor",
                               .author_id = v.id, .client_id = client_id, .body = text},
                          now);
  if (out.new_dialog) announce_dialog(tx, out.dialog_id);
  out.seq = a.seq;
  out.duplicate = a.duplicate;
  return out;
}

Sent staff_send(db::Tx& tx, const Who& s, const std::string& dialog, const std::string& client_id,
                const std::string& text, bool is_private, core::TimePoint now) {
  if (auto e = utf8_length_error(text); !e.empty()) throw core::validation_failed({{"text", e}});
  auto ref = dialog_for_staff(tx, principal_of(s), dialog, true);
  if (ref.status == "closed") throw core::Problem(409, "dialog-closed", "Dialog closed", "the dialog is closed");
  auto ts = core::to_rfc3339(now);
  // Writing in a dialog takes it when nobody has, and makes the writer a participant.
  auto role = tx->exec_params(
      "SELECT role FROM chat_participants WHERE dialog_id = $1::uuid AND staff_id = $2::uuid AND left_at IS NULL",
      ref.id, s.id);
  if (role.empty()) {
    bool take = ref.status == "waiting";
    std::string as = take ? "assignee" : (s.merchant_id.empty() ? "support" : "operator");
    tx->exec_params(
        "INSERT INTO chat_participants (dialog_id, staff_id, role, joined_at) VALUES ($1::uuid, $2::uuid, $3, "
        "$4::timestamptz) ON CONFLICT (dialog_id, staff_id) DO UPDATE SET role = $3, joined_at = $4::timestamptz, "
        "left_at = NULL",
        ref.id, s.id, as, ts);
    if (take)
      tx->exec_params("UPDATE chat_dialogs SET status = 'open', assignee_id = $2::uuid WHERE id = $1::uuid", ref.id,
                      s.id);
    append_message(tx, {.dialog_id = ref.id, .kind = "event", .author_kind = "system",
                        .data = {{"event", take ? "dialog.taken" : "dialog.joined"},
                                 {"staff", {{"id", s.id}, {"name", s.name}}}}},
                   now);
    announce_dialog(tx, ref.id);
  }
  auto a = append_message(tx, {.dialog_id = ref.id, .kind = "text", .author_kind = "staff", .author_id = s.id,
                               .is_private = is_private, .client_id = client_id, .body = text},
                          now);
  return {ref.id, a.seq, a.duplicate, false};
}

bool may_follow(db::Tx& tx, const Who& who, const std::string& dialog) {
  if (!core::is_uuid(dialog)) return false;
  if (who.visitor())
    return !tx->exec_params("SELECT 1 FROM chat_dialogs WHERE id = $1::uuid AND visitor_id = $2::uuid", dialog, who.id)
                .empty();
  try {
    dialog_for_staff(tx, principal_of(who), dialog, false);
    return true;
  } catch (const core::Problem&) {
    return false;
  }
}

std::vector<MessageRow> messages_after(db::Tx& tx, const std::string& dialog, int after, bool with_private, int limit,
                                       int& last_seq) {
  std::string sql = "SELECT m.dialog_id, m.seq, m.private, ";
  sql += kMessageJson;
  sql += ", (SELECT last_seq FROM chat_dialogs WHERE id = $1::uuid)";
  sql += kMessageFrom;
  sql += "WHERE m.dialog_id = $1::uuid AND m.seq > $2";
  if (!with_private) sql += " AND NOT m.private";
  sql += " ORDER BY m.seq LIMIT $3";
  auto r = tx->exec_params(sql, dialog, after, limit);
  std::vector<MessageRow> out;
  out.reserve(r.size());
  last_seq = after;
  for (const auto& row : r) {
    out.push_back({row[0].as<std::string>(), row[1].as<int>(), row[2].as<bool>(), row[3].as<std::string>()});
    last_seq = row[4].as<int>();
  }
  if (r.empty()) {
    auto d = tx->exec_params("SELECT last_seq FROM chat_dialogs WHERE id = $1::uuid", dialog);
    if (!d.empty()) last_seq = std::max(after, d[0][0].as<int>());
  } else if (static_cast<int>(r.size()) == limit) {
    last_seq = out.back().seq;  // more to come: only as far as read
  }
  return out;
}

std::vector<MessageRow> messages_by_key(db::Tx& tx, const std::vector<std::pair<std::string, int>>& keys) {
  if (keys.empty()) return {};
  std::vector<std::string> dialog_ids;
  std::vector<std::int64_t> seq_numbers;
  for (const auto& [d, seq] : keys) dialog_ids.push_back(d), seq_numbers.push_back(seq);
  auto dialogs = db::text_array(dialog_ids);
  auto seqs = db::bigint_array(seq_numbers);
  std::string sql = "SELECT m.dialog_id, m.seq, m.private, ";
  sql += kMessageJson;
  sql += kMessageFrom;
  sql += "JOIN unnest($1::uuid[], $2::int[]) AS k(dialog_id, seq) ON k.dialog_id = m.dialog_id AND k.seq = m.seq";
  auto r = tx->exec_params(sql, dialogs, seqs);
  std::vector<MessageRow> out;
  out.reserve(r.size());
  for (const auto& row : r)
    out.push_back({row[0].as<std::string>(), row[1].as<int>(), row[2].as<bool>(), row[3].as<std::string>()});
  return out;
}

std::vector<DialogRow> dialogs_by_id(db::Tx& tx, const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  return dialog_rows(
      tx->exec_params(std::string(store::kDialogSelect) + "WHERE d.id = ANY($1::uuid[])", db::text_array(ids)));
}

std::vector<DialogRow> visitor_dialogs(db::Tx& tx, const std::string& visitor_id) {
  return dialog_rows(tx->exec_params(std::string(store::kDialogSelect) +
                                         "WHERE d.visitor_id = $1::uuid "
                                         "ORDER BY (d.status <> 'closed') DESC, d.created_at DESC LIMIT 20",
                                     visitor_id));
}

std::vector<DialogRow> staff_dialogs(db::Tx& tx, const Who& s) {
  std::string sql = std::string(store::kDialogSelect) +
                    "WHERE d.status <> 'closed' AND (EXISTS (SELECT 1 FROM chat_participants p "
                    "WHERE p.dialog_id = d.id AND p.staff_id = $1::uuid AND p.left_at IS NULL) OR ";
  if (!s.merchant_id.empty()) {
    sql += "(d.merchant_id = $2::uuid AND d.status = 'waiting')) ORDER BY d.created_at LIMIT 500";
    return dialog_rows(tx->exec_params(sql, s.id, s.merchant_id));
  }
  sql += "d.support_requested) ORDER BY d.created_at LIMIT 500";
  return dialog_rows(tx->exec_params(sql, s.id));
}

void set_read(db::Tx& tx, const Who& who, const std::string& dialog, int seq) {
  if (who.visitor())
    tx->exec_params(
        "UPDATE chat_dialogs SET visitor_read_seq = greatest(visitor_read_seq, least($3, last_seq)) "
        "WHERE id = $1::uuid AND visitor_id = $2::uuid",
        dialog, who.id, seq);
  else
    tx->exec_params(
        "UPDATE chat_participants p SET last_read_seq = greatest(p.last_read_seq, least($3, d.last_seq)) "
        "FROM chat_dialogs d WHERE d.id = p.dialog_id AND p.dialog_id = $1::uuid AND p.staff_id = $2::uuid",
        dialog, who.id, seq);
}

}  // namespace store
}  // namespace skybill::chat

