#include "http_post.hpp"
#include "secrets.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/log/log.hpp"
#include "skybill/webhooks/dispatch.hpp"
#include "skybill/webhooks/signature.hpp"

namespace skybill::webhooks {
namespace {

struct Claim {
  long long delivery_id = 0;
  std::string token, endpoint_id, merchant_id, url, event_id;
  int attempt = 0;
  core::TimePoint queued_at;
  std::vector<std::string> secrets;
  std::string body;
};

std::int64_t unix_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::optional<Claim> claim(db::Pool& pool, core::TimePoint now, std::chrono::milliseconds lease) {
  std::optional<Claim> out;
  auto ts = core::to_rfc3339(now);
  auto until = core::to_rfc3339(now + std::chrono::duration_cast<std::chrono::microseconds>(lease));
  pool.transact_sync([&](db::Tx& tx) {
    out.reset();
    // Deliveries of one endpoint and booking go one at a time, oldest event first: a later
    // one waits while an earlier one is still pending (in flight or waiting for its retry).
    auto rows = tx->exec_params(
        "WITH due AS ("
        "  SELECT d.id FROM webhook_deliveries d "
        "  JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.status = 'enabled' "
        "  WHERE d.status = 'pending' AND d.next_attempt_at <= $1::timestamptz "
        "    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id "
        "        AND p.order_key = d.order_key AND p.status = 'pending' AND p.event_seq < d.event_seq) "
        "  ORDER BY d.next_attempt_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED) "
        "UPDATE webhook_deliveries d SET claim_token = gen_random_uuid(), attempts = d.attempts + 1, "
        "       next_attempt_at = $2::timestamptz "
        "FROM due, webhook_endpoints e, outbox o "
        "WHERE d.id = due.id AND e.id = d.endpoint_id AND o.id = d.event_seq "
        "RETURNING d.id, d.claim_token, d.attempts, " + db::epoch_us("d.created_at") + " AS queued_us, "
        "  e.id AS endpoint_id, e.merchant_id, e.url, e.secret, "
        "  CASE WHEN e.previous_secret_until > $1::timestamptz THEN e.previous_secret END AS previous_secret, "
        "  o.event_id, o.topic, o.payload::text AS payload, " + db::epoch_us("o.created_at") + " AS created_us",
        ts, until);
    if (rows.empty()) return;
    const auto& r = rows[0];
    Claim c;
    c.delivery_id = r["id"].as<long long>();
    c.token = r["claim_token"].as<std::string>();
    c.attempt = r["attempts"].as<int>();
    c.queued_at = db::as_time(r["queued_us"]);
    c.endpoint_id = r["endpoint_id"].as<std::string>();
    c.merchant_id = r["merchant_id"].as<std::string>();
    c.url = r["url"].as<std::string>();
    c.secrets.push_back(usable_secret(r["secret"].as<std::string>()));
    if (!r["previous_secret"].is_null()) c.secrets.push_back(usable_secret(r["previous_secret"].as<std::string>()));
    c.event_id = r["event_id"].as<std::string>();
    c.body = event_body(c.event_id, r["topic"].as<std::string>(), db::as_time(r["created_us"]),
                        r["payload"].as<std::string>());
    out = std::move(c);
  });
  return out;
}

// An endpoint failing for the whole give-up period is disabled, and the airline told.
void note_endpoint_outcome(db::Tx& tx, const Claim& c, bool delivered, core::TimePoint started, core::TimePoint now,
                           const RetryPolicy& retry, const std::string& error) {
  if (delivered) {
    tx->exec_params("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1::uuid AND failing_since IS NOT NULL",
                    c.endpoint_id);
    return;
  }
  auto since = tx->exec_params1(
      "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2::timestamptz) WHERE id = $1::uuid "
      "RETURNING status, " + db::epoch_us("failing_since") + " AS since_us",
      c.endpoint_id, core::to_rfc3339(started));
  if (since["status"].as<std::string>() != "enabled") return;
  auto failing_since = db::as_time(since["since_us"]);
  if (now - failing_since < retry.give_up) return;
  auto ts = core::to_rfc3339(now);
  tx->exec_params("UPDATE webhook_endpoints SET status = 'disabled', disabled_at = $2::timestamptz WHERE id = $1::uuid",
                  c.endpoint_id, ts);
  db::Changes changes;
  changes.set("status", "enabled", "disabled");
  db::audit(tx, {"job:webhooks", c.merchant_id, "webhook_endpoint.disabled", c.endpoint_id, {}},
            {{"failing_since", core::to_rfc3339(failing_since)}, {"last_error", error}}, changes);
  db::enqueue_event(tx, c.merchant_id, "webhook_endpoint.disabled", {},
                    {{"id", c.endpoint_id},
                     {"url", c.url},
                     {"status", "disabled"},
                     {"failing_since", core::to_rfc3339(failing_since)},
                     {"last_error", error}});
  log::event(log::Level::warn, "webhook endpoint disabled", {{"endpoint_id", c.endpoint_id}, {"url", c.url}});
}

void record(db::Pool& pool, const Claim& c, const PostResult& result, core::TimePoint started, core::TimePoint now,
            const RetryPolicy& retry) {
  bool delivered = result.delivered();
  std::optional<core::TimePoint> next;
  if (!delivered) next = next_attempt(retry, c.attempt, c.queued_at, now, random_jitter());
  auto status = result.status ? std::to_string(*result.status) : std::string();
  pool.transact_sync([&](db::Tx& tx) {
    tx->exec_params(
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, latency_ms, http_status, error, response_excerpt) "
        "VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7)",
        c.delivery_id, c.attempt, core::to_rfc3339(started), static_cast<int>(result.latency.count()),
        status.empty() ? nullptr : status.c_str(),
        result.error.empty() ? nullptr : result.error.c_str(), result.excerpt);
    // Only the holder of the claim moves the delivery on; a sender whose lease ran out has
    // had its delivery taken over and just leaves its attempt on record.
    auto ts = core::to_rfc3339(now);
    if (delivered)
      tx->exec_params("UPDATE webhook_deliveries SET status = 'delivered', finished_at = $3::timestamptz, "
                      "claim_token = NULL WHERE id = $1 AND claim_token = $2::uuid",
                      c.delivery_id, c.token, ts);
    else if (next)
      tx->exec_params("UPDATE webhook_deliveries SET next_attempt_at = $3::timestamptz, claim_token = NULL "
                      "WHERE id = $1 AND claim_token = $2::uuid",
                      c.delivery_id, c.token, core::to_rfc3339(*next));
    else
      tx->exec_params("UPDATE webhook_deliveries SET status = 'dead', finished_at = $3::timestamptz, "
                      "claim_token = NULL WHERE id = $1 AND claim_token = $2::uuid",
                      c.delivery_id, c.token, ts);
    note_endpoint_outcome(tx, c, delivered, started, now, retry, result.error);
  });
}

}  // namespace

std::string event_body(const std::string& event_id, const std::string& topic, core::TimePoint created,
                       const std::string& payload_json) {
  std::string body = R"({"id":")" + event_id + R"(","type":")" + topic + R"(","created":")" + core::to_rfc3339(created);
  body += R"(","data":)";
  body += payload_json;
  body += '}';
  return body;
}

bool deliver_one(db::Pool& pool, const core::Clock& clock, const DeliverySettings& settings,
                 const std::atomic<bool>* cancel) {
  auto c = claim(pool, clock.now(), settings.lease());
  if (!c) return false;
  auto started = clock.now();
  auto result = post_json(c->url, c->body,
                          {{"Skybill-Signature", signature_header(unix_seconds(started), c->body, c->secrets)},
                           {"Skybill-Event-Id", c->event_id},
                           {"Skybill-Delivery-Attempt", std::to_string(c->attempt)}},
                          settings.timeout, settings.allow_private_targets, cancel);
  if (result.error == "cancelled") return true;  // shutting down: the lease lets another sender retry it
  record(pool, *c, result, started, clock.now(), settings.retry);
  log::event(result.delivered() ? log::Level::debug : log::Level::info, "webhook attempt",
             {{"delivery_id", c->delivery_id},
              {"event_id", c->event_id},
              {"attempt", c->attempt},
              {"status", result.status ? nlohmann::json(*result.status) : nlohmann::json(nullptr)},
              {"error", result.error},
              {"latency_ms", result.latency.count()}});
  return true;
}

}  // namespace skybill::webhooks
