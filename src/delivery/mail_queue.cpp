#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/delivery/delivery.hpp"
#include "skybill/log/log.hpp"

namespace skybill::delivery {
namespace {

struct Claim {
  std::string id, token;
  int attempt = 0;
  core::TimePoint queued_at;
  mail::Message message;
};

std::optional<Claim> claim(db::Pool& pool, core::TimePoint now, std::chrono::milliseconds lease) {
  std::optional<Claim> out;
  pool.transact_sync([&](db::Tx& tx) {
    out.reset();
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id FROM email_messages WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz "
        "  ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "UPDATE email_messages m SET claim_token = gen_random_uuid(), attempts = m.attempts + 1, "
        "  next_attempt_at = $2::timestamptz FROM due WHERE m.id = due.id "
        "RETURNING m.id, m.claim_token, m.attempts, m.recipient, m.subject, m.body, " +
            db::epoch_us("m.created_at") + " AS queued_us",
        core::to_rfc3339(now), core::to_rfc3339(now + std::chrono::duration_cast<std::chrono::microseconds>(lease)));
    if (rows.empty()) return;
    const auto& r = rows[0];
    Claim c;
    c.id = r["id"].as<std::string>();
    c.token = r["claim_token"].as<std::string>();
    c.attempt = r["attempts"].as<int>();
    c.queued_at = db::as_time(r["queued_us"]);
    c.message = {r["recipient"].as<std::string>(), r["subject"].as<std::string>(), r["body"].as<std::string>(),
                 "<" + c.id + "@skybill>"};
    out = std::move(c);
  });
  return out;
}

}  // namespace

bool send_one_email(db::Pool& pool, const core::Clock& clock, const mail::SmtpSender& smtp,
                    const webhooks::RetryPolicy& retry, std::chrono::milliseconds lease) {
  auto c = claim(pool, clock.now(), lease);
  if (!c) return false;
  std::string error;
  bool permanent = false;
  try {
    smtp.send(c->message);
  } catch (const mail::SendError& e) {
    error = e.what();
    permanent = e.permanent;
  } catch (const std::invalid_argument& e) {
    error = e.what();
    permanent = true;  // a malformed message will not get better
  }
  auto now = clock.now();
  std::optional<core::TimePoint> next;
  if (!error.empty() && !permanent) next = webhooks::next_attempt(retry, c->attempt, c->queued_at, now, webhooks::random_jitter());
  auto ts = core::to_rfc3339(now);
  pool.transact_sync([&](db::Tx& tx) {
    if (error.empty())
      tx->exec_params("UPDATE email_messages SET status = 'sent', finished_at = $3::timestamptz, claim_token = NULL, "
                      "last_error = NULL WHERE id = $1::uuid AND claim_token = $2::uuid",
                      c->id, c->token, ts);
    else if (next)
      tx->exec_params("UPDATE email_messages SET next_attempt_at = $3::timestamptz, claim_token = NULL, last_error = $4 "
                      "WHERE id = $1::uuid AND claim_token = $2::uuid",
                      c->id, c->token, core::to_rfc3339(*next), error);
    else
      tx->exec_params("UPDATE email_messages SET status = 'dead', finished_at = $3::timestamptz, claim_token = NULL, "
                      "last_error = $4 WHERE id = $1::uuid AND claim_token = $2::uuid",
                      c->id, c->token, ts, error);
  });
  if (error.empty())
    log::event(log::Level::debug, "e-mail sent", {{"id", c->id}, {"attempt", c->attempt}});
  else
    log::event(next ? log::Level::info : log::Level::error, next ? "e-mail failed, will retry" : "e-mail given up",
               {{"id", c->id}, {"attempt", c->attempt}, {"error", error}});
  return true;
}

}  // namespace skybill::delivery
