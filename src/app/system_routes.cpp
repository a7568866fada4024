#include "system_routes.hpp"

#include <nlohmann/json.hpp>

#include "skybill/db/pool.hpp"

namespace skybill::app {

using boost::asio::awaitable;
using http::Request;
using http::Response;

void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                       const std::vector<db::Migration>& migrations) {
  router.add("GET", "/healthz", http::Access::anyone, [](Request&) -> awaitable<Response> {
    co_return Response::json(200, {{"status", "ok"}});
  });

  router.add("GET", "/readyz", http::Access::anyone, [&pool, &migrations](Request&) -> awaitable<Response> {
    std::string drift;
    co_await pool.read([&](db::Tx& tx) { drift = db::schema_drift(tx, migrations); });
    if (!drift.empty()) throw core::Problem(503, "not-ready", "Not ready", drift);
    co_return Response::json(200, {{"status", "ready"}, {"migrations", migrations.size()}});
  });

  router.add("GET", "/metrics", http::Access::anyone, [&metrics](Request&) -> awaitable<Response> {
    co_return Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace skybill::app
