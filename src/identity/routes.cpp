#include "skybill/core/identifiers.hpp"
#include "skybill/identity/routes.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "store.hpp"

namespace skybill::identity {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

db::AuditEntry merchant_entry(const Request& req, std::string action, std::string subject) {
  return audit::entry(req, req.caller().id, std::move(action), std::move(subject));
}

}  // namespace

void add_routes(http::Router& router, db::Pool& pool) {
  router.add("GET", "/v1/merchant", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    std::optional<nlohmann::json> merchant;
    co_await pool.read([&](db::Tx& tx) { merchant = store::merchant_json(tx, req.caller().id); });
    if (!merchant) throw core::not_found("merchant");
    (*merchant)["key"] = {{"id", req.caller().key_id}, {"mode", req.caller().live ? "live" : "test"}};
    co_return Response::json(200, *merchant);
  });

  router.add("POST", "/v1/clients", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    auto input = parse_client(req.json());
    co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
      const auto& merchant = req.caller().id;
      auto result = link_client(tx, merchant, input);
      auto id = result.client["id"].get<std::string>();
      if (result.created)
        db::audit(tx, merchant_entry(req, "client.created", id), result.client,
                  db::Changes().set("inn", nullptr, result.client["inn"]).set("kpp", nullptr, result.client["kpp"])
                      .set("name", nullptr, result.client["name"]));
      if (result.linked) {
        db::audit(tx, merchant_entry(req, "client.linked", id), nullptr, db::Changes().set("linked", false, true));
        db::enqueue_event(tx, merchant, "client.linked", {}, result.client);
      }
      // 201 when the client is new *to this merchant*: whether another airline knew it already
      // is not this caller's business.
      return Response::json(result.linked ? 201 : 200, result.client);
    });
  });

  router.add("GET", "/v1/clients/{id}", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    std::optional<nlohmann::json> client;
    if (core::is_uuid(id))
      co_await pool.read([&](db::Tx& tx) { client = find_linked_client(tx, req.caller().id, id); });
    if (!client) throw core::not_found("client " + id);
    co_return Response::json(200, *client);
  });

  router.add("GET", "/v1/clients", http::Access::merchant, [&pool](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    store::ClientFilter filter{req.query_param("inn"), req.query_param("kpp"), page.cursor, page.fetch()};
    std::vector<nlohmann::json> rows;
    co_await pool.read([&](db::Tx& tx) { rows = store::linked_clients(tx, req.caller().id, filter); });
    co_return Response::json(200, http::page_json(rows, page));
  });

  router.add("GET", "/admin/api/merchants", http::Access::staff, "merchants.read", [&pool](Request&) -> awaitable<Response> {
    std::vector<nlohmann::json> merchants;
    co_await pool.read([&](db::Tx& tx) { merchants = store::all_merchants(tx); });
    co_return Response::json(200, {{"data", merchants}});
  });
}

}  // namespace skybill::identity
