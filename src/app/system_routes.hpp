#pragma once
// /healthz, /readyz and /metrics.
#include <nlohmann/json.hpp>
#include <vector>

#include "skybill/core/calendar.hpp"
#include "skybill/core/clock.hpp"

#include "skybill/db/migrations.hpp"
#include "skybill/http/metrics.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db { class Pool; }

namespace skybill::app {

// /readyz also tells how long the production calendar lasts (a warning from 60 days before
// its last day); so does the gauge skybill_calendar_days_left.
void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                       const std::vector<db::Migration>& migrations, const core::BusinessCalendar& calendar,
                       const core::Clock& clock);

// The calendar's coverage on the clock's date (UTC) as JSON: last_day, days_left, warning.
nlohmann::json calendar_status(const core::BusinessCalendar& calendar, const core::Clock& clock);

}  // namespace skybill::app
