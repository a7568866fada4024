#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <boost/url/parse.hpp>

#include "secrets.hpp"
#include "use_cases.hpp"
#include "skybill/outbound/targets.hpp"

#include "skybill/api/idempotency.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/webhooks/routes.hpp"

namespace skybill::webhooks {

using boost::asio::awaitable;
using http::Request;
using http::Response;

const std::vector<std::string>& event_types() {
  static const std::vector<std::string> all = {
      "booking.created",          "booking.price_changed", "booking.ticketing_authorized", "booking.ticketed",
      "booking.ticketing_failed", "booking.cancelled",     "booking.expiring",             "booking.expired",
      "booking.paid",             "invoice.issued",        "invoice.voided",               "invoice.overdue",
      "invoice.paid",             "invoice.partially_paid",       "invoice.payment_reminder", "client.linked",         "support_case.opened",          "webhook_endpoint.disabled",
      "refund.created",           "refund.succeeded",      "refund.failed",                "payout.created",
      "payout.sent",              "payout.confirmed",      "payout.failed",
      "document.issued",          "document.sent",         "document.delivered",           "document.signed",
      "document.refused",         "document.failed",       "document.posted",
      // Bills in the payment chat (chat/bills.cpp): the bill as docs/chat.md shows it.
      "chat_bill.issued",         "chat_bill.paid",        "chat_bill.cancelled",          "chat_bill.expired",
      "chat_bill.refunded",
  };
  return all;
}

namespace {

struct EndpointInput {
  std::string url;
  std::vector<std::string> events;
};

EndpointInput parse_endpoint(const nlohmann::json& body, bool allow_private_targets) {
  std::vector<core::FieldError> errors;
  EndpointInput in;
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  if (!body.contains("url") || !body["url"].is_string()) {
    errors.push_back({"url", "is required: an http or https URL"});
  } else {
    in.url = body["url"].get<std::string>();
    auto parsed = boost::urls::parse_absolute_uri(in.url);
    if (in.url.size() > 2048) errors.push_back({"url", "must be at most 2048 characters"});
    else if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty())
      errors.push_back({"url", "must be an absolute http or https URL with a host"});
    else if (parsed->has_userinfo())
      errors.push_back({"url", "must not carry credentials; verify the signature instead"});
    else if (parsed->has_fragment())
      errors.push_back({"url", "must not have a fragment"});
    else if (!allow_private_targets && !outbound::is_allowed_host(std::string(parsed->host())))
      errors.push_back({"url", "must point at a public internet address, not " + std::string(parsed->host()) +
                                   " (a loopback, private or link-local address)"});
  }
  if (!body.contains("events") || !body["events"].is_array() || body["events"].empty()) {
    errors.push_back({"events", "is required: a non-empty list of event types (\"booking.created\"), families (\"booking.*\") or [\"*\"] for all"});
  } else {
    for (std::size_t i = 0; i < body["events"].size(); ++i) {
      const auto& e = body["events"][i];
      auto field = "events[" + std::to_string(i) + "]";
      if (!e.is_string()) {
        errors.push_back({field, "must be a string"});
        continue;
      }
      auto name = e.get<std::string>();
      const auto& known = event_types();
      auto family = name.ends_with(".*") ? name.substr(0, name.size() - 1) : std::string();
      bool known_family = !family.empty() && std::any_of(known.begin(), known.end(), [&](const std::string& t) {
                            return t.starts_with(family);
                          });
      if (name != "*" && !known_family && std::find(known.begin(), known.end(), name) == known.end())
        errors.push_back({field, "unknown event type \"" + name + "\"; see GET /v1/webhook-endpoints/event-types"});
      else if (std::find(in.events.begin(), in.events.end(), name) != in.events.end())
        errors.push_back({field, "is listed twice"});
      else
        in.events.push_back(name);
    }
  }
  for (const auto& [key, _] : body.items())
    if (key != "url" && key != "events") errors.push_back({key, "is not a field of a webhook endpoint"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return in;
}

std::string new_secret() { return "whsec_" + crypto::random_base62(40); }

}  // namespace

nlohmann::json endpoint_json(const pqxx::row& r) {
  auto ts = [&](const char* col) {
    return r[col].is_null() ? nlohmann::json(nullptr) : nlohmann::json(core::to_rfc3339(db::as_time(r[col])));
  };
  auto events = nlohmann::json::parse(r["events_json"].as<std::string>());
  return {{"id", r["id"].as<std::string>()},
          {"url", r["url"].as<std::string>()},
          {"events", events},
          {"status", r["status"].as<std::string>()},
          {"failing_since", ts("failing_since_us")},
          {"disabled_at", ts("disabled_at_us")},
          {"secret_rotated_until", ts("previous_until_us")},
          {"created_at", ts("created_us")}};
}

// A rotated-out secret is shown while it still signs, by the instance's clock.
std::string endpoint_columns(core::TimePoint now) {
  return "id, url, array_to_json(events)::text AS events_json, status, " + db::epoch_us("failing_since") + " AS failing_since_us, " +
         db::epoch_us("disabled_at") + " AS disabled_at_us, " + db::epoch_us("created_at") + " AS created_us, " +
         "CASE WHEN previous_secret_until > '" + core::to_rfc3339(now) + "'::timestamptz THEN " + db::epoch_us("previous_secret_until") +
         " END AS previous_until_us";
}

static db::AuditEntry entry(const Request& req, std::string action, std::string subject) {
  return {"api_key:" + req.caller().key_id, req.caller().id, std::move(action), std::move(subject), req.request_id};
}

std::optional<nlohmann::json> load_endpoint(db::Tx& tx, const std::string& merchant, const std::string& id,
                                            bool for_update, core::TimePoint now) {
  auto rows = tx->exec_params("SELECT " + endpoint_columns(now) +
                                  " FROM webhook_endpoints WHERE id = $1::uuid AND merchant_id = $2::uuid "
                                  "AND status <> 'deleted'" + (for_update ? " FOR UPDATE" : ""),
                              id, merchant);
  if (rows.empty()) return std::nullopt;
  return endpoint_json(rows[0]);
}

nlohmann::json enable_endpoint(db::Tx& tx, const std::string& merchant, const std::string& id, core::TimePoint now,
                               db::AuditEntry who) {
  auto before = load_endpoint(tx, merchant, id, true, now);
  if (!before) throw core::not_found("webhook endpoint");
  if ((*before)["status"] != "disabled")
    throw core::Problem(409, "endpoint-not-disabled", "Endpoint not disabled",
                        "webhook endpoint " + id + " is " + (*before)["status"].get<std::string>());
  tx->exec_params("UPDATE webhook_endpoints SET status = 'enabled', disabled_at = NULL, "
                  "failing_since = NULL WHERE id = $1::uuid",
                  id);
  db::Changes changes;
  changes.set("status", "disabled", "enabled");
  who.action = "webhook_endpoint.enabled";
  who.subject = id;
  who.merchant_id = merchant;
  db::audit(tx, who, {{"url", (*before)["url"]}}, changes);
  return *load_endpoint(tx, merchant, id, false, now);
}

namespace {

const std::string& endpoint_id(const Request& req) {
  const auto& id = req.param("id");
  if (!core::is_uuid(id)) throw core::not_found("webhook endpoint");
  return id;
}

}  // namespace

void add_endpoint_routes(http::Router& router, db::Pool& pool, const core::Clock& clock, bool allow_private_targets) {
  router.add("GET", "/v1/webhook-endpoints/event-types", http::Access::merchant,
             [](Request&) -> awaitable<Response> {
               co_return Response::json(200, {{"data", event_types()}});
             });

  router.add("POST", "/v1/webhook-endpoints", http::Access::merchant,
             [&pool, &clock, allow_private_targets](Request& req) -> awaitable<Response> {
               auto input = parse_endpoint(req.json(), allow_private_targets);
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 const auto& merchant = req.caller().id;
                 // Serialises creations of one merchant so that the cap holds.
                 tx->exec_params("SELECT 1 FROM merchants WHERE id = $1::uuid FOR UPDATE", merchant);
                 auto count = tx->exec_params1("SELECT count(*) FROM webhook_endpoints WHERE merchant_id = $1::uuid "
                                               "AND status <> 'deleted'",
                                               merchant)[0]
                                  .as<int>();
                 if (count >= kMaxEndpointsPerMerchant)
                   throw core::Problem(409, "too-many-endpoints", "Too many webhook endpoints",
                                       "a merchant may have " + std::to_string(kMaxEndpointsPerMerchant) +
                                           " endpoints; delete one first");
                 auto secret = new_secret();
                 auto id = tx->exec_params1("INSERT INTO webhook_endpoints (merchant_id, url, events, secret, created_at) "
                                            "VALUES ($1::uuid, $2, $3::text[], $4, $5::timestamptz) RETURNING id",
                                            merchant, input.url, db::text_array(input.events), stored_secret(secret),
                                            core::to_rfc3339(clock.now()))[0]
                               .as<std::string>();
                 auto out = *load_endpoint(tx, merchant, id, false, clock.now());
                 db::audit(tx, entry(req, "webhook_endpoint.created", id), {{"url", input.url}, {"events", input.events}});
                 out["secret"] = secret;
                 return Response::json(201, out);
               });
             });

  router.add("GET", "/v1/webhook-endpoints", http::Access::merchant, [&pool, &clock](Request& req) -> awaitable<Response> {
    nlohmann::json data = nlohmann::json::array();
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      for (const auto& r : tx->exec_params("SELECT " + endpoint_columns(clock.now()) +
                                               " FROM webhook_endpoints WHERE merchant_id = $1::uuid "
                                               "AND status <> 'deleted' ORDER BY created_at, id",
                                           req.caller().id))
        data.push_back(endpoint_json(r));
    });
    co_return Response::json(200, {{"data", data}});
  });

  router.add("GET", "/v1/webhook-endpoints/{id}", http::Access::merchant, [&pool, &clock](Request& req) -> awaitable<Response> {
    const auto& id = endpoint_id(req);
    std::optional<nlohmann::json> out;
    co_await pool.read([&](db::Tx& tx) { out = load_endpoint(tx, req.caller().id, id, false, clock.now()); });
    if (!out) throw core::not_found("webhook endpoint");
    co_return Response::json(200, *out);
  });

  router.add("DELETE", "/v1/webhook-endpoints/{id}", http::Access::merchant,
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = endpoint_id(req);
               co_await pool.transact([&](db::Tx& tx) {
                 auto before = load_endpoint(tx, req.caller().id, id, true, clock.now());
                 if (!before) throw core::not_found("webhook endpoint");
                 auto ts = core::to_rfc3339(clock.now());
                 tx->exec_params("UPDATE webhook_endpoints SET status = 'deleted', deleted_at = $2::timestamptz "
                                 "WHERE id = $1::uuid",
                                 id, ts);
                 // Nothing more goes to a deleted endpoint.
                 tx->exec_params("UPDATE webhook_deliveries SET status = 'dead', finished_at = $2::timestamptz, "
                                 "claim_token = NULL WHERE endpoint_id = $1::uuid AND status = 'pending'",
                                 id, ts);
                 db::Changes changes;
                 changes.set("status", (*before)["status"], "deleted");
                 db::audit(tx, entry(req, "webhook_endpoint.deleted", id), {{"url", (*before)["url"]}}, changes);
               });
               Response gone;
               gone.status = 204;
               co_return gone;
             });

  // A disabled endpoint (failing for the whole give-up period) takes events again once the
  // airline has fixed its receiver; what was dropped meanwhile can be redelivered from /v1/events.
  router.add("POST", "/v1/webhook-endpoints/{id}/enable", http::Access::merchant,
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = endpoint_id(req);
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 return Response::json(200, enable_endpoint(tx, req.caller().id, id, clock.now(),
                                                            entry(req, "webhook_endpoint.enabled", id)));
               });
             });

  router.add("POST", "/v1/webhook-endpoints/{id}/rotate-secret", http::Access::merchant,
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = endpoint_id(req);
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 if (!load_endpoint(tx, req.caller().id, id, true, clock.now())) throw core::not_found("webhook endpoint");
                 auto secret = new_secret();
                 auto until = core::to_rfc3339(clock.now() + std::chrono::hours(24));
                 tx->exec_params("UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = "
                                 "$2::timestamptz, secret = $3 WHERE id = $1::uuid",
                                 id, until, stored_secret(secret));
                 db::audit(tx, entry(req, "webhook_endpoint.secret_rotated", id), {{"previous_valid_until", until}});
                 auto out = *load_endpoint(tx, req.caller().id, id, false, clock.now());
                 out["secret"] = secret;
                 out["previous_secret_valid_until"] = until;
                 return Response::json(200, out);
               });
             });
}

}  // namespace skybill::webhooks
