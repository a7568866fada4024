#include "system_routes.hpp"

#include <nlohmann/json.hpp>

#include "skybill/db/pool.hpp"

namespace skybill::app {

using boost::asio::awaitable;
using http::Request;
using http::Response;

nlohmann::json calendar_status(const core::BusinessCalendar& calendar, const core::Clock& clock) {
  auto today = core::Date{std::chrono::floor<std::chrono::days>(clock.now())};
  auto c = core::calendar_coverage(calendar, today);
  nlohmann::json out = {{"last_day", c.last_day ? nlohmann::json(core::to_iso_string(*c.last_day)) : nlohmann::json()},
                        {"days_left", c.days_left}};
  if (c.warn) out["warning"] = c.message;
  return out;
}

void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                       const std::vector<db::Migration>& migrations, const core::BusinessCalendar& calendar,
                       const core::Clock& clock) {
  metrics.add_gauge("skybill_calendar_days_left",
                    "Days until the last day the production calendars cover (-1: today is not covered).",
                    [&calendar, &clock] { return calendar_status(calendar, clock)["days_left"].get<double>(); });

  router.add("GET", "/healthz", http::Access::anyone, [](Request&) -> awaitable<Response> {
    co_return Response::json(200, {{"status", "ok"}});
  });

  // A calendar running out is a warning, not unreadiness: the API still serves, and taking
  // every instance out of the load balancer at once would be the outage it warns of.
  router.add("GET", "/readyz", http::Access::anyone,
             [&pool, &migrations, &calendar, &clock](Request&) -> awaitable<Response> {
               std::string drift;
               co_await pool.read([&](db::Tx& tx) { drift = db::schema_drift(tx, migrations); });
               if (!drift.empty()) throw core::Problem(503, "not-ready", "Not ready", drift);
               nlohmann::json body = {{"status", "ready"},
                                      {"migrations", migrations.size()},
                                      {"calendar", calendar_status(calendar, clock)},
                                      {"warnings", nlohmann::json::array()}};
               if (body["calendar"].contains("warning")) body["warnings"].push_back(body["calendar"]["warning"]);
               co_return Response::json(200, body);
             });

  router.add("GET", "/metrics", http::Access::anyone, [&metrics](Request&) -> awaitable<Response> {
    co_return Response::text(200, metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace skybill::app
