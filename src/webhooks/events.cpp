#include <boost/asio/awaitable.hpp>

#include "skybill/api/idempotency.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/webhooks/routes.hpp"
#include "use_cases.hpp"

namespace skybill::webhooks {

using boost::asio::awaitable;
using http::Request;
using http::Response;

void add_endpoint_routes(http::Router& router, db::Pool& pool, const core::Clock& clock, bool allow_private_targets);

namespace {

const char* opt(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

nlohmann::json event_json(const pqxx::row& r) {
  return {{"id", r["event_id"].as<std::string>()},
          {"type", r["topic"].as<std::string>()},
          {"created", core::to_rfc3339(db::as_time(r["created_us"]))},
          {"booking_id", r["booking_id"].is_null() ? nlohmann::json(nullptr)
                                                   : nlohmann::json(r["booking_id"].as<std::string>())},
          {"data", nlohmann::json::parse(r["payload"].as<std::string>())}};
}

const std::string kEventColumns =
    "o.id AS seq, o.event_id, o.topic, o.booking_id, o.payload::text AS payload, " + db::epoch_us("o.created_at") +
    " AS created_us";
const std::string kRetained = "o.created_at > now() - interval '" + std::to_string(kEventRetentionDays) + " days'";

}  // namespace

std::optional<long long> event_seq(db::Tx& tx, const std::string& merchant, const std::string& event_id) {
  auto rows = tx->exec_params("SELECT o.id FROM outbox o WHERE o.event_id = $1::uuid AND o.merchant_id = $2::uuid AND " +
                                  kRetained,
                              event_id, merchant);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<long long>();
}

namespace {

const std::string& event_id(const Request& req) {
  const auto& id = req.param("id");
  if (!core::is_uuid(id)) throw core::not_found("event");
  return id;
}

nlohmann::json deliveries_json(db::Tx& tx, long long seq) {
  nlohmann::json out = nlohmann::json::array();
  auto rows = tx->exec_params(
      "SELECT d.id, d.endpoint_id, e.url, d.status, d.attempts, " + db::epoch_us("d.next_attempt_at") +
          " AS next_us, " + db::epoch_us("d.finished_at") + " AS finished_us, " + db::epoch_us("d.created_at") +
          " AS created_us, "
          "COALESCE((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.started_at, 'http_status', "
          "  a.http_status, 'latency_ms', a.latency_ms, 'error', a.error, 'response_excerpt', a.response_excerpt) "
          "  ORDER BY a.id) FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]')::text AS attempts_json "
          "FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id "
          "WHERE d.event_seq = $1 ORDER BY d.id",
      seq);
  for (const auto& r : rows) {
    auto attempts = nlohmann::json::parse(r["attempts_json"].as<std::string>());
    for (auto& a : attempts) {
      // json_build_object writes timestamptz in the session's format: make it RFC 3339 like the rest.
      if (auto t = core::parse_rfc3339(a["at"].get<std::string>())) a["at"] = core::to_rfc3339(*t);
    }
    auto status = r["status"].as<std::string>();
    out.push_back({{"id", std::to_string(r["id"].as<long long>())},
                   {"endpoint_id", r["endpoint_id"].as<std::string>()},
                   {"url", r["url"].as<std::string>()},
                   {"status", status},
                   {"created_at", core::to_rfc3339(db::as_time(r["created_us"]))},
                   {"next_attempt_at", status == "pending" ? nlohmann::json(core::to_rfc3339(db::as_time(r["next_us"])))
                                                          : nlohmann::json(nullptr)},
                   {"finished_at", r["finished_us"].is_null()
                                       ? nlohmann::json(nullptr)
                                       : nlohmann::json(core::to_rfc3339(db::as_time(r["finished_us"])))},
                   {"attempts", attempts}});
  }
  return out;
}

}  // namespace

nlohmann::json redeliver_event(db::Tx& tx, const std::string& merchant, const std::string& id,
                               const std::optional<std::string>& only, core::TimePoint now, db::AuditEntry who) {
  auto seq = event_seq(tx, merchant, id);
  if (!seq) throw core::not_found("event");
  auto ts = core::to_rfc3339(now);
  // To the endpoint named, or to every enabled endpoint subscribed to this type.
  auto rows = tx->exec_params(
      "INSERT INTO webhook_deliveries (event_seq, endpoint_id, order_key, next_attempt_at, created_at) "
      "SELECT o.id, e.id, o.booking_id, $3::timestamptz, $3::timestamptz FROM outbox o "
      "JOIN webhook_endpoints e ON e.merchant_id = o.merchant_id AND e.status = 'enabled' "
      "WHERE o.id = $1 AND ($2::uuid IS NULL OR e.id = $2::uuid) "
      "  AND ($2::uuid IS NOT NULL OR o.topic = ANY (e.events) OR '*' = ANY (e.events) OR split_part(o.topic, '.', 1) || '.*' = ANY (e.events)) "
      "RETURNING id, endpoint_id",
      *seq, opt(only), ts);
  if (rows.empty())
    throw core::Problem(409, "no-endpoint", "Nothing to redeliver to",
                        only ? "the endpoint is not this merchant's enabled endpoint"
                             : "no enabled endpoint is subscribed to this event type");
  nlohmann::json deliveries = nlohmann::json::array();
  for (const auto& r : rows)
    deliveries.push_back({{"id", std::to_string(r["id"].as<long long>())},
                          {"endpoint_id", r["endpoint_id"].as<std::string>()},
                          {"status", "pending"}});
  who.merchant_id = merchant;
  who.action = "event.redelivered";
  who.subject = id;
  db::audit(tx, who, {{"deliveries", deliveries}});
  return {{"event_id", id}, {"deliveries", deliveries}};
}

void add_routes(http::Router& router, db::Pool& pool, const core::Clock& clock, bool allow_private_targets) {
  add_endpoint_routes(router, pool, clock, allow_private_targets);

  router.add("GET", "/v1/events", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto type = req.query_param("type");
    if (type && std::find(event_types().begin(), event_types().end(), *type) == event_types().end())
      errors.push_back({"type", "unknown event type"});
    auto booking = req.query_param("booking");
    if (booking && !core::is_uuid(*booking)) errors.push_back({"booking", "must be a booking id"});
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json data;
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      // Newest first; the cursor is the last event id of the previous page.
      auto rows = tx->exec_params(
          "SELECT " + kEventColumns + " FROM outbox o WHERE o.merchant_id = $1::uuid AND " + kRetained +
              " AND ($2::text IS NULL OR o.topic = $2) AND ($3::uuid IS NULL OR o.booking_id = $3::uuid) "
              "AND ($4::uuid IS NULL OR o.id < (SELECT id FROM outbox WHERE event_id = $4::uuid)) "
              "ORDER BY o.id DESC LIMIT $5",
          req.caller().id, opt(type), opt(booking), opt(page.cursor), page.fetch());
      for (const auto& r : rows) data.push_back(event_json(r));
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });

  router.add("GET", "/v1/events/{id}", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    const auto& id = event_id(req);
    std::optional<nlohmann::json> out;
    co_await pool.read([&](db::Tx& tx) {
      auto rows = tx->exec_params("SELECT " + kEventColumns +
                                      " FROM outbox o WHERE o.event_id = $1::uuid AND o.merchant_id = $2::uuid AND " +
                                      kRetained,
                                  id, req.caller().id);
      out.reset();
      if (!rows.empty()) out = event_json(rows[0]);
    });
    if (!out) throw core::not_found("event");
    co_return Response::json(200, *out);
  });

  router.add("GET", "/v1/events/{id}/deliveries", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    const auto& id = event_id(req);
    std::optional<nlohmann::json> out;
    co_await pool.transact([&](db::Tx& tx) {
      auto seq = event_seq(tx, req.caller().id, id);
      if (!seq) throw core::not_found("event");
      out = deliveries_json(tx, *seq);
    });
    co_return Response::json(200, {{"data", *out}});
  });

  router.add("POST", "/v1/events/{id}/redeliver", http::Access::merchant,
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = event_id(req);
               std::optional<std::string> only;
               if (!req.body.empty()) {
                 auto body = req.json();
                 std::vector<core::FieldError> errors;
                 if (!body.is_object()) errors.push_back({"", "must be a JSON object"});
                 else {
                   for (const auto& [key, v] : body.items()) {
                     if (key != "endpoint_id") errors.push_back({key, "is not a field of a redelivery"});
                     else if (!v.is_string() || !core::is_uuid(v.get<std::string>()))
                       errors.push_back({"endpoint_id", "must be a webhook endpoint id"});
                     else only = v.get<std::string>();
                   }
                 }
                 if (!errors.empty()) throw core::validation_failed(std::move(errors));
               }
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 const auto& merchant = req.caller().id;
                 return Response::json(202, redeliver_event(tx, merchant, id, only, clock.now(),
                                                            {"api_key:" + req.caller().key_id, merchant, "", "",
                                                             req.request_id}));
               });
             });
}

}  // namespace skybill::webhooks
