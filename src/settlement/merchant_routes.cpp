// GET and PATCH /v1/merchants/{id}: operators read and change an airline's settings, its own
// fields (identity) and how it is settled, in one transaction with their audit rows.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/identity/accounts.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

using boost::asio::awaitable;
using http::Request;
using http::Response;

void add_merchant_routes(http::Router& router, const Context& ctx) {
  router.add("GET", "/v1/merchants/{id}", http::Access::staff, "merchants.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    std::optional<nlohmann::json> merchant;
    if (core::is_uuid(id)) co_await ctx.pool.read([&](db::Tx& tx) { merchant = identity::merchant_view(tx, id); });
    if (!merchant) throw core::not_found("merchant " + id);
    co_return Response::json(200, *merchant);
  });

  router.add("PATCH", "/v1/merchants/{id}", http::Access::staff, "merchants.write", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("merchant " + id);
    auto body = req.json();
    if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
    auto own = body;
    nlohmann::json settlement;
    if (auto it = own.find("settlement"); it != own.end()) {
      settlement = *it;
      own.erase("settlement");
      if (!settlement.is_object()) throw core::validation_failed({{"settlement", "must be a JSON object"}});
    }
    auto patch = identity::parse_merchant_patch(own);
    nlohmann::json out;
    co_await ctx.pool.transact([&](db::Tx& tx) {
      auto who = audit::entry(req, id, "", id);
      identity::update_merchant(tx, id, patch, who);
      if (!settlement.is_null()) configure_merchant(tx, id, settlement, who, ctx.default_cutoff);
      out = *identity::merchant_view(tx, id);
    });
    co_return Response::json(200, out);
  });
}

}  // namespace skybill::settlement
