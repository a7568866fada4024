// The console's airline pages: an airline's settings as its own staff may read them, and its API
// keys (list, create with the secret shown once, revoke). Airline staff reach only their airline:
// another airline's id answers 404, as an unknown one does.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/identity/accounts.hpp"
#include "skybill/http/airline_scope.hpp"
#include "skybill/identity/keys.hpp"
#include "skybill/identity/routes.hpp"
#include "store.hpp"

namespace skybill::identity {

namespace {

using boost::asio::awaitable;
using http::Request;
using http::Response;

using http::airline_in_scope;

db::AuditEntry staff_did(const Request& req, const std::string& merchant, std::string action, std::string subject) {
  return {"staff:" + req.caller().id, merchant, std::move(action), std::move(subject), req.request_id};
}

std::string key_columns() {
  return "id, mode, last4, " + db::epoch_us("created_at") + " AS created_us, " + db::epoch_us("revoked_at") +
         " AS revoked_us";
}

nlohmann::json key_json(const pqxx::row& r) {
  return {{"id", r["id"].as<std::string>()},
          {"mode", r["mode"].as<std::string>()},
          {"last4", r["last4"].as<std::string>()},
          {"created", core::to_rfc3339(db::as_time(r["created_us"]))},
          {"revoked", r["revoked_us"].is_null() ? nlohmann::json(nullptr)
                                                : nlohmann::json(core::to_rfc3339(db::as_time(r["revoked_us"])))}};
}

std::optional<nlohmann::json> load_key(db::Tx& tx, const std::string& merchant, const std::string& key, bool lock) {
  auto rows = tx->exec_params("SELECT " + key_columns() + " FROM api_keys WHERE id = $1::uuid AND merchant_id = $2::uuid" +
                                  (lock ? " FOR UPDATE" : ""),
                              key, merchant);
  if (rows.empty()) return std::nullopt;
  return key_json(rows[0]);
}

bool parse_live(const Request& req) {
  if (req.body.empty()) return false;
  auto body = req.json();
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  bool live = false;
  for (const auto& [k, v] : body.items()) {
    if (k != "mode") errors.push_back({k, "is not a field here: only mode (test or live)"});
    else if (!v.is_string() || (v != "test" && v != "live")) errors.push_back({"mode", "must be test or live"});
    else live = v == "live";
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return live;
}

}  // namespace

void add_key_routes(http::Router& router, db::Pool& pool) {
  router.add("GET", "/admin/api/merchants/{id}", http::Access::any_staff, "merchants.read",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = airline_in_scope(req);
               std::optional<nlohmann::json> out;
               co_await pool.read([&](db::Tx& tx) { out = merchant_view(tx, id); });
               if (!out) throw core::not_found("airline");
               co_return Response::json(200, *out);
             });

  router.add("GET", "/admin/api/merchants/{id}/keys", http::Access::any_staff, "merchants.read",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = airline_in_scope(req);
               nlohmann::json data;
               bool exists = false;
               co_await pool.read([&](db::Tx& tx) {
                 data = nlohmann::json::array();
                 exists = store::merchant_exists(tx, id);
                 for (const auto& r : tx->exec_params("SELECT " + key_columns() +
                                                          " FROM api_keys WHERE merchant_id = $1::uuid "
                                                          "ORDER BY revoked_at IS NOT NULL, created_at DESC, id",
                                                      id))
                   data.push_back(key_json(r));
               });
               if (!exists) throw core::not_found("airline");
               co_return Response::json(200, {{"data", data}});
             });

  router.add("POST", "/admin/api/merchants/{id}/keys", http::Access::any_staff, "keys.write",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = airline_in_scope(req);
               bool live = parse_live(req);
               nlohmann::json out;
               co_await pool.transact([&](db::Tx& tx) {
                 if (!store::merchant_exists(tx, id)) throw core::not_found("airline");
                 auto key = generate_key(live ? KeyKind::merchant_live : KeyKind::merchant_test);
                 auto key_id = store::insert_api_key(tx, id, live, key.hash, key.last4);
                 db::audit(tx, staff_did(req, id, "api_key.created", key_id),
                           {{"last4", key.last4}, {"mode", live ? "live" : "test"}});
                 out = *load_key(tx, id, key_id, false);
                 out["secret"] = key.secret;
               });
               auto res = Response::json(201, out);
               res.with_header("Cache-Control", "no-store");
               co_return res;
             });

  router.add("POST", "/admin/api/merchants/{id}/keys/{key}/revoke", http::Access::any_staff, "keys.write",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = airline_in_scope(req);
               const auto& key = req.param("key");
               if (!core::is_uuid(key)) throw core::not_found("API key");
               nlohmann::json out;
               co_await pool.transact([&](db::Tx& tx) {
                 auto before = load_key(tx, id, key, true);
                 if (!before) throw core::not_found("API key");
                 if (!(*before)["revoked"].is_null())
                   throw core::Problem(409, "key-revoked", "Key already revoked", "API key " + key + " is revoked");
                 auto revoked = store::revoke_api_key(tx, key);
                 db::audit(tx, staff_did(req, id, "api_key.revoked", key), {{"last4", (*before)["last4"]}},
                           db::Changes().set("revoked_at", nullptr, revoked->revoked_at));
                 out = *load_key(tx, id, key, false);
               });
               co_return Response::json(200, out);
             });
}

}  // namespace skybill::identity
