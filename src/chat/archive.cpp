// The archive: every dialog searched by words (Russian and English stems, the messages' GIN
// index), customer, operator, dates and bill status; a dialog's transcript as text.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "routes.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "store.hpp"

namespace skybill::chat {

using boost::asio::awaitable;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

constexpr int kPage = 50;

struct Sql {
  std::vector<std::string> params;
  std::string where;
  std::string p(std::string v) {
    params.push_back(std::move(v));
    std::string n = "$";  // appended, not "$" + string (GCC 12 -O3 -Wrestrict in the release build)
    n += std::to_string(params.size());
    return n;
  }
  void and_(const std::string& cond) { where += (where.empty() ? "WHERE " : " AND ") + cond; }
};

struct DateParam {
  std::string at;      // RFC 3339
  bool whole_day = false;  // given as a plain date
};

DateParam date_param(const Request& req, const char* name, std::vector<core::FieldError>& errors) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return {};
  if (auto t = core::parse_rfc3339(*v)) return {core::to_rfc3339(*t), false};
  if (v->size() == 10 && core::parse_rfc3339(*v + "T00:00:00Z")) return {*v + "T00:00:00Z", true};
  errors.push_back({name, "a date (YYYY-MM-DD, UTC) or an RFC 3339 time"});
  return {};
}

awaitable<Response> search(const Shared& ctx, Request& req) {
  std::vector<core::FieldError> errors;
  auto q = req.query_param("q").value_or("");
  auto client = req.query_param("client").value_or("");
  auto op = req.query_param("operator").value_or("");
  auto bill_status = req.query_param("bill_status").value_or("");
  auto from = date_param(req, "from", errors);
  auto to = date_param(req, "to", errors);
  auto cursor = req.query_param("cursor").value_or("");
  if (q.size() > 500) errors.push_back({"q", "at most 500 characters"});
  if (!op.empty() && !core::is_uuid(op)) errors.push_back({"operator", "a staff user id"});
  static const std::set<std::string> statuses = {"open", "paid", "cancelled", "expired", "refunded"};
  if (!bill_status.empty() && !statuses.contains(bill_status))
    errors.push_back({"bill_status", "open, paid, cancelled, expired or refunded"});
  // cursor: "<created_at>|<id>" of the last row of the previous page.
  std::string cursor_at, cursor_id;
  if (!cursor.empty()) {
    auto bar = cursor.find('|');
    if (bar == std::string::npos || !core::parse_rfc3339(cursor.substr(0, bar)) || !core::is_uuid(cursor.substr(bar + 1)))
      errors.push_back({"cursor", "the next_cursor of the previous page"});
    else
      cursor_at = cursor.substr(0, bar), cursor_id = cursor.substr(bar + 1);
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));

  const auto& who = req.caller();
  Sql s;
  std::string query_param;
  if (!who.merchant_id.empty()) s.and_("d.merchant_id = " + s.p(who.merchant_id) + "::uuid");
  else if (who.role != "admin")
    s.and_("(d.support_requested OR EXISTS (SELECT 1 FROM chat_participants p WHERE p.dialog_id = d.id "
           "AND p.staff_id = " + s.p(who.id) + "::uuid))");
  if (!q.empty()) {
    query_param = s.p(q);
    s.and_("EXISTS (SELECT 1 FROM chat_messages m WHERE m.dialog_id = d.id AND m.search @@ "
           "(websearch_to_tsquery('russian', " + query_param + ") || websearch_to_tsquery('english', " +
           query_param + ")))");
  }
  if (!client.empty()) {
    auto c = s.p(client);
    s.and_("((v.name || ' ' || v.email) ILIKE '%' || " + c + " || '%' OR v.external_id = " + c + ")");
  }
  if (!op.empty())
    s.and_("EXISTS (SELECT 1 FROM chat_participants p WHERE p.dialog_id = d.id AND p.staff_id = " + s.p(op) + "::uuid)");
  if (!from.at.empty()) s.and_("d.created_at >= " + s.p(from.at) + "::timestamptz");
  // A plain date as the end takes that whole day in.
  if (!to.at.empty())
    s.and_(to.whole_day ? "d.created_at < " + s.p(to.at) + "::timestamptz + interval '1 day'"
                        : "d.created_at <= " + s.p(to.at) + "::timestamptz");
  if (!bill_status.empty())
    s.and_("EXISTS (SELECT 1 FROM chat_bills b WHERE b.dialog_id = d.id AND b.status = " + s.p(bill_status) + ")");
  if (!cursor_at.empty())
    s.and_("(d.created_at, d.id) < (" + s.p(cursor_at) + "::timestamptz, " + s.p(cursor_id) + "::uuid)");

  std::string sql = store::kDialogSelect;
  sql += s.where;
  sql += " ORDER BY d.created_at DESC, d.id DESC LIMIT " + std::to_string(kPage + 1);
  json list = json::array();
  std::string next;
  co_await ctx.pool.read([&](db::Tx& tx) {
    auto rows = store::dialog_rows(tx->exec_params(sql, pqxx::prepare::make_dynamic_params(s.params)));
    list = json::array();
    next.clear();
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(kPage); ++i)
      list.push_back(json::parse(rows[i].staff_json));
    if (rows.size() > static_cast<std::size_t>(kPage)) {
      const auto& last = list.back();
      next = last["created_at"].get<std::string>() + "|" + last["id"].get<std::string>();
    }
  });
  std::vector<std::string> page_ids;
  for (const auto& d : list) page_ids.push_back(d["id"].get<std::string>());
  auto ids = db::text_array(page_ids);
  // The matching words of each dialog, for the list: a second short query on the page's ids.
  if (!q.empty() && !list.empty()) {
    std::map<std::string, std::string> snippets;
    co_await ctx.pool.read([&](db::Tx& tx) {
      snippets.clear();
      auto r = tx->exec_params(
          "SELECT DISTINCT ON (m.dialog_id) m.dialog_id, ts_headline('russian', m.body, "
          "websearch_to_tsquery('russian', $2) || websearch_to_tsquery('english', $2), "
          "'StartSel=«,StopSel=»,MaxWords=20,MinWords=5') FROM chat_messages m "
          "WHERE m.dialog_id = ANY($1::uuid[]) AND m.search @@ (websearch_to_tsquery('russian', $2) || "
          "websearch_to_tsquery('english', $2)) ORDER BY m.dialog_id, m.seq",
          ids, q);
      for (const auto& row : r) snippets[row[0].as<std::string>()] = row[1].as<std::string>();
    });
    for (auto& d : list)
      if (auto it = snippets.find(d["id"].get<std::string>()); it != snippets.end()) d["snippet"] = it->second;
  }
  // Each dialog's bills in brief, for the list: one statement for the page.
  if (!list.empty()) {
    std::map<std::string, json> bills;
    co_await ctx.pool.read([&](db::Tx& tx) {
      bills.clear();
      auto r = tx->exec_params(
          "SELECT dialog_id, id, number, currency, amount_minor, status FROM chat_bills "
          "WHERE dialog_id = ANY($1::uuid[]) ORDER BY created_at, id",
          ids);
      for (const auto& row : r) {
        auto& b = bills[row[0].as<std::string>()];
        if (b.is_null()) b = json::array();
        const auto* cur = core::find_currency(row[3].as<std::string>());
        b.push_back({{"id", row[1].as<std::string>()},
                     {"number", row[2].as<std::string>()},
                     {"currency", row[3].as<std::string>()},
                     {"amount", cur ? core::Money(row[4].as<std::int64_t>(), *cur).to_string() : ""},
                     {"status", row[5].as<std::string>()}});
      }
    });
    for (auto& d : list) {
      auto it = bills.find(d["id"].get<std::string>());
      d["bills"] = it == bills.end() ? json::array() : it->second;
    }
  }
  co_return Response::json(200, {{"data", std::move(list)}, {"next_cursor", next.empty() ? json() : json(next)}});
}

// GET /admin/api/chat/dialogs/{id}/transcript: plain text in the airline's time zone; private
// messages only when asked for (?private=1).
awaitable<Response> transcript(const Shared& ctx, Request& req) {
  const auto& id = req.param("id");
  bool with_private = req.query_param("private").value_or("0") == "1";
  std::string out;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    dialog_for_staff(tx, req.caller(), id, false);
    auto head = tx->exec_params1(
        "SELECT mc.name, v.name, v.email, to_char(d.created_at AT TIME ZONE mc.timezone, 'YYYY-MM-DD HH24:MI'), "
        "mc.timezone, d.status FROM chat_dialogs d JOIN merchants mc ON mc.id = d.merchant_id "
        "JOIN chat_visitors v ON v.id = d.visitor_id WHERE d.id = $1::uuid",
        id);
    out = "Dialog " + id + "\n" + head[0].as<std::string>() + " · " +
          (head[1].as<std::string>().empty() ? "customer" : head[1].as<std::string>());
    if (!head[2].as<std::string>().empty()) out += " <" + head[2].as<std::string>() + ">";
    out += "\nStarted " + head[3].as<std::string>() + " (" + head[4].as<std::string>() + "), " +
           head[5].as<std::string>() + "\n\n";
    auto r = tx->exec_params(
        "SELECT to_char(m.created_at AT TIME ZONE $3, 'YYYY-MM-DD HH24:MI:SS'), m.kind, m.author_kind, "
        "coalesce(s.name, v.name, ''), m.private, m.body, m.data::text "
        "FROM chat_messages m LEFT JOIN staff_users s ON m.author_kind = 'staff' AND s.id = m.author_id "
        "LEFT JOIN chat_visitors v ON m.author_kind = 'visitor' AND v.id = m.author_id "
        "WHERE m.dialog_id = $1::uuid AND ($2 OR NOT m.private) ORDER BY m.seq",
        id, with_private, head[4].as<std::string>());
    for (const auto& row : r) {
      auto data = json::parse(row[6].as<std::string>());
      auto kind = row[1].as<std::string>();
      out += '[';
      out += row[0].as<std::string>();
      out += "] ";
      if (kind == "event") {
        out += "— " + data.value("event", std::string("event"));
        if (data.contains("bill")) {
          const auto& b = data["bill"];
          out += ": " + b.value("number", std::string()) + " " + b.value("amount", std::string()) + " " +
                 b.value("currency", std::string());
        }
        out += "\n";
        continue;
      }
      auto name = row[3].as<std::string>();
      if (name.empty()) name = row[2].as<std::string>() == "visitor" ? "Customer" : "Staff";
      out += name;
      if (row[4].as<bool>()) out += " (private)";
      out += ": ";
      if (kind == "bill" && data.contains("bill")) {
        const auto& b = data["bill"];
        out += "bill " + b.value("number", std::string()) + ", " + b.value("amount", std::string()) + " " +
               b.value("currency", std::string()) + " — " + b.value("description", std::string());
      } else {
        out += row[5].as<std::string>();
      }
      out += "\n";
    }
  });
  auto res = Response::text(200, std::move(out));
  res.with_header("Content-Disposition", "attachment; filename=\"dialog-" + id + ".txt\"");
  co_return res;
}

}  // namespace

void add_archive_routes(http::Router& router, std::shared_ptr<const Shared> ctx) {
  router.add("GET", "/admin/api/chat/archive", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return search(*ctx, req); });
  router.add("GET", "/admin/api/chat/dialogs/{id}/transcript", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return transcript(*ctx, req); });
}

}  // namespace skybill::chat
