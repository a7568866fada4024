#include "sandbox_store.hpp"

#include "skybill/core/time.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::acquiring::sandbox {
namespace {

const std::string kColumns =
    "id, reference, amount_minor, currency, capture, description, callback_url, return_url, status, card_last4, "
    "card_brand, challenge_code, failure_reason, challenge_attempts, captured_minor, refunded_minor, " +
    db::epoch_us("created_at") + ", " + db::epoch_us("updated_at");

std::optional<std::string> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

const char* c_or_null(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

Session from_row(const pqxx::row& r) {
  Session s;
  s.id = r[0].as<std::string>();
  s.reference = r[1].as<std::string>();
  s.amount_minor = r[2].as<std::int64_t>();
  s.currency = r[3].as<std::string>();
  s.capture = r[4].as<bool>();
  s.description = r[5].as<std::string>();
  s.callback_url = r[6].as<std::string>();
  s.return_url = r[7].as<std::string>();
  s.status = r[8].as<std::string>();
  s.card_last4 = opt(r[9]);
  s.card_brand = opt(r[10]);
  s.challenge_code = opt(r[11]);
  s.failure_reason = opt(r[12]);
  s.challenge_attempts = r[13].as<int>();
  s.captured_minor = r[14].as<std::int64_t>();
  s.refunded_minor = r[15].as<std::int64_t>();
  s.created_at = db::as_time(r[16]);
  s.updated_at = db::as_time(r[17]);
  return s;
}

}  // namespace

void insert_session(db::Tx& tx, const Session& s, core::TimePoint now) {
  auto ts = core::to_rfc3339(now);
  tx->exec_params(
      "INSERT INTO sandbox_acquirer_sessions (id, reference, amount_minor, currency, capture, description, "
      "callback_url, return_url, status, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9::timestamptz, $9::timestamptz)",
      s.id, s.reference, s.amount_minor, s.currency, s.capture, s.description, s.callback_url, s.return_url, ts);
}

std::optional<Session> load_session(db::Tx& tx, const std::string& id, bool lock) {
  auto rows = tx->exec_params("SELECT " + kColumns + " FROM sandbox_acquirer_sessions WHERE id = $1" +
                                  (lock ? " FOR UPDATE" : ""),
                              id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

void save_session(db::Tx& tx, const Session& s, core::TimePoint now) {
  tx->exec_params(
      "UPDATE sandbox_acquirer_sessions SET status = $2, card_last4 = $3, card_brand = $4, challenge_code = $5, "
      "failure_reason = $6, challenge_attempts = $7, captured_minor = $8, refunded_minor = $9, "
      "updated_at = $10::timestamptz WHERE id = $1",
      s.id, s.status, c_or_null(s.card_last4), c_or_null(s.card_brand), c_or_null(s.challenge_code),
      c_or_null(s.failure_reason), s.challenge_attempts, s.captured_minor, s.refunded_minor, core::to_rfc3339(now));
}

bool record_operation(db::Tx& tx, const std::string& session_id, const std::string& kind, std::int64_t amount_minor,
                      const std::string& reference, core::TimePoint now) {
  auto rows = tx->exec_params(
      "INSERT INTO sandbox_acquirer_operations (session_id, kind, amount_minor, reference, created_at) "
      "VALUES ($1, $2, $3, $4, $5::timestamptz) ON CONFLICT (session_id, kind, reference) DO NOTHING RETURNING id",
      session_id, kind, amount_minor, reference, core::to_rfc3339(now));
  return !rows.empty();
}

std::int64_t enqueue_callback(db::Tx& tx, const std::string& session_id, const std::string& url,
                              const std::string& body, core::TimePoint now, core::TimePoint lease_until) {
  auto rows = tx->exec_params(
      "INSERT INTO sandbox_acquirer_callbacks (session_id, url, body, attempts, next_attempt_at, created_at) "
      "VALUES ($1, $2, $3, 1, $4::timestamptz, $5::timestamptz) RETURNING id",
      session_id, url, body, core::to_rfc3339(lease_until), core::to_rfc3339(now));
  return rows[0][0].as<std::int64_t>();
}

std::vector<Callback> claim_due_callbacks(db::Tx& tx, core::TimePoint now, core::TimePoint lease_until, int limit) {
  auto rows = tx->exec_params(
      "WITH due AS (SELECT id FROM sandbox_acquirer_callbacks WHERE status = 'pending' "
      "  AND next_attempt_at <= $1::timestamptz ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
      "UPDATE sandbox_acquirer_callbacks c SET attempts = c.attempts + 1, next_attempt_at = $2::timestamptz "
      "FROM due WHERE c.id = due.id RETURNING c.id, c.session_id, c.url, c.body, c.attempts",
      core::to_rfc3339(now), core::to_rfc3339(lease_until), limit);
  std::vector<Callback> out;
  for (const auto& r : rows)
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                   r[4].as<int>()});
  return out;
}

void callback_delivered(db::Tx& tx, std::int64_t id, core::TimePoint now) {
  tx->exec_params(
      "UPDATE sandbox_acquirer_callbacks SET status = 'delivered', delivered_at = $2::timestamptz, last_error = NULL "
      "WHERE id = $1",
      id, core::to_rfc3339(now));
}

void callback_failed(db::Tx& tx, std::int64_t id, const std::string& error, core::TimePoint next_attempt_at,
                     bool give_up) {
  tx->exec_params(
      "UPDATE sandbox_acquirer_callbacks SET status = CASE WHEN $4 THEN 'dead' ELSE 'pending' END, "
      "last_error = $2, next_attempt_at = $3::timestamptz WHERE id = $1 AND status = 'pending'",
      id, error, core::to_rfc3339(next_attempt_at), give_up);
}

}  // namespace skybill::acquiring::sandbox
