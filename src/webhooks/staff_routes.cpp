// The console's webhook pages: an airline's endpoints with the health of their recent
// deliveries, an endpoint's deliveries, redelivering an event and enabling a disabled endpoint,
// through the same use cases as the merchant API. Airline staff reach only their airline
// (another airline's objects answer 404).
#include <algorithm>
#include <boost/asio/awaitable.hpp>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/airline_scope.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/webhooks/routes.hpp"
#include "use_cases.hpp"

namespace skybill::webhooks {

namespace {

using boost::asio::awaitable;
using http::Request;
using http::Response;

using http::airline_in_scope;

const std::string& uuid_param(const Request& req, const char* name, const char* what) {
  const auto& v = req.param(name);
  if (!core::is_uuid(v)) throw core::not_found(what);
  return v;
}

db::AuditEntry staff_did(const Request& req) {
  return {"staff:" + req.caller().id, {}, {}, {}, req.request_id};
}

bool is_row_id(const std::string& s) {
  return !s.empty() && s.size() <= 18 && s.front() != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

nlohmann::json time_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(core::to_rfc3339(db::as_time(f)));
}

}  // namespace

void add_staff_routes(http::Router& router, db::Pool& pool, const core::Clock& clock) {
  // Health: what the last day's deliveries came to, and the last one.
  router.add("GET", "/admin/api/merchants/{id}/webhook-endpoints", http::Access::any_staff, "webhooks.read",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& merchant = airline_in_scope(req);
               auto now = clock.now();
               nlohmann::json data;
               co_await pool.read([&](db::Tx& tx) {
                 data = nlohmann::json::array();
                 auto since = core::to_rfc3339(now - std::chrono::hours(24));
                 auto rows = tx->exec_params(
                     "SELECT " + endpoint_columns(now) +
                         ", h.delivered, h.dead, h.pending, " + db::epoch_us("h.last_at") + " AS last_us, h.last_status "
                         "FROM webhook_endpoints w CROSS JOIN LATERAL ("
                         "  SELECT count(*) FILTER (WHERE d.status = 'delivered') AS delivered, "
                         "         count(*) FILTER (WHERE d.status = 'dead') AS dead, "
                         "         count(*) FILTER (WHERE d.status = 'pending') AS pending, "
                         "         max(d.created_at) AS last_at, "
                         "         (SELECT d2.status FROM webhook_deliveries d2 WHERE d2.endpoint_id = w.id "
                         "          ORDER BY d2.id DESC LIMIT 1) AS last_status "
                         "  FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.created_at > $2::timestamptz) h "
                         "WHERE w.merchant_id = $1::uuid AND w.status <> 'deleted' ORDER BY w.created_at, w.id",
                     merchant, since);
                 for (const auto& r : rows) {
                   auto e = endpoint_json(r);
                   e["health"] = {{"delivered_24h", r["delivered"].as<long long>()},
                                  {"dead_24h", r["dead"].as<long long>()},
                                  {"pending_24h", r["pending"].as<long long>()},
                                  {"last_delivery_at", time_or_null(r["last_us"])},
                                  {"last_status", r["last_status"].is_null()
                                                      ? nlohmann::json(nullptr)
                                                      : nlohmann::json(r["last_status"].as<std::string>())}};
                   data.push_back(std::move(e));
                 }
               });
               co_return Response::json(200, {{"data", data}});
             });

  // Newest first; the cursor is the last delivery id of the previous page.
  router.add("GET", "/admin/api/merchants/{id}/webhook-endpoints/{endpoint}/deliveries", http::Access::any_staff,
             "webhooks.read", [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& merchant = airline_in_scope(req);
               const auto& endpoint = uuid_param(req, "endpoint", "webhook endpoint");
               std::vector<core::FieldError> errors, paging;
               auto page = http::page_of(req, paging);
               for (auto& e : paging)
                 if (e.field != "cursor") errors.push_back(std::move(e));
               if (page.cursor && !is_row_id(*page.cursor))
                 errors.push_back({"cursor", "must be the next_cursor of a previous page"});
               auto status = req.query_param("status");
               if (status && *status != "pending" && *status != "delivered" && *status != "dead")
                 errors.push_back({"status", "must be pending, delivered or dead"});
               if (!errors.empty()) throw core::validation_failed(std::move(errors));
               nlohmann::json data;
               bool found = false;
               co_await pool.read([&](db::Tx& tx) {
                 data = nlohmann::json::array();
                 found = load_endpoint(tx, merchant, endpoint, false, clock.now()).has_value();
                 if (!found) return;
                 auto rows = tx->exec_params(
                     "SELECT d.id, o.event_id, o.topic, d.status, d.attempts, " + db::epoch_us("d.created_at") +
                         " AS created_us, " + db::epoch_us("d.finished_at") + " AS finished_us, " +
                         db::epoch_us("d.next_attempt_at") + " AS next_us, a.http_status, a.error, a.latency_ms "
                         "FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_seq "
                         "LEFT JOIN LATERAL (SELECT http_status, error, latency_ms FROM webhook_attempts "
                         "  WHERE delivery_id = d.id ORDER BY id DESC LIMIT 1) a ON true "
                         "WHERE d.endpoint_id = $1::uuid AND ($2::bigint IS NULL OR d.id < $2::bigint) "
                         "AND ($4::text IS NULL OR d.status = $4) ORDER BY d.id DESC LIMIT $3",
                     endpoint, page.cursor ? page.cursor->c_str() : nullptr, page.fetch(),
                     status ? status->c_str() : nullptr);
                 for (const auto& r : rows) {
                   auto st = r["status"].as<std::string>();
                   data.push_back({{"id", std::to_string(r["id"].as<long long>())},
                                   {"event_id", r["event_id"].as<std::string>()},
                                   {"event_type", r["topic"].as<std::string>()},
                                   {"status", st},
                                   {"attempts", r["attempts"].as<int>()},
                                   {"created_at", core::to_rfc3339(db::as_time(r["created_us"]))},
                                   {"finished_at", time_or_null(r["finished_us"])},
                                   {"next_attempt_at", st == "pending" ? time_or_null(r["next_us"]) : nlohmann::json(nullptr)},
                                   {"last_http_status", r["http_status"].is_null() ? nlohmann::json(nullptr)
                                                                                   : nlohmann::json(r["http_status"].as<int>())},
                                   {"last_error", r["error"].is_null() ? nlohmann::json(nullptr)
                                                                       : nlohmann::json(r["error"].as<std::string>())}});
                 }
               });
               if (!found) throw core::not_found("webhook endpoint");
               co_return Response::json(200, http::page_json(std::move(data), page));
             });

  router.add("POST", "/admin/api/merchants/{id}/webhook-endpoints/{endpoint}/enable", http::Access::any_staff,
             "webhooks.write", [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& merchant = airline_in_scope(req);
               const auto& endpoint = uuid_param(req, "endpoint", "webhook endpoint");
               nlohmann::json out;
               co_await pool.transact(
                   [&](db::Tx& tx) { out = enable_endpoint(tx, merchant, endpoint, clock.now(), staff_did(req)); });
               co_return Response::json(200, out);
             });

  // Body (optional): {"endpoint_id": "…"} to send to that endpoint only.
  router.add("POST", "/admin/api/merchants/{id}/events/{event}/redeliver", http::Access::any_staff, "webhooks.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& merchant = airline_in_scope(req);
               const auto& event = uuid_param(req, "event", "event");
               std::optional<std::string> only;
               if (!req.body.empty()) {
                 auto body = req.json();
                 std::vector<core::FieldError> errors;
                 if (!body.is_object()) errors.push_back({"", "must be a JSON object"});
                 else
                   for (const auto& [key, v] : body.items()) {
                     if (key != "endpoint_id") errors.push_back({key, "is not a field of a redelivery"});
                     else if (v.is_null()) continue;
                     else if (!v.is_string() || !core::is_uuid(v.get<std::string>()))
                       errors.push_back({"endpoint_id", "must be a webhook endpoint id"});
                     else only = v.get<std::string>();
                   }
                 if (!errors.empty()) throw core::validation_failed(std::move(errors));
               }
               nlohmann::json out;
               co_await pool.transact(
                   [&](db::Tx& tx) { out = redeliver_event(tx, merchant, event, only, clock.now(), staff_did(req)); });
               co_return Response::json(202, out);
             });
}

}  // namespace skybill::webhooks
