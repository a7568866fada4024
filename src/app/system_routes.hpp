#pragma once
// /healthz, /readyz and /metrics.
#include <vector>

#include "skybill/db/migrations.hpp"
#include "skybill/http/metrics.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db { class Pool; }

namespace skybill::app {

void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                       const std::vector<db::Migration>& migrations);

}  // namespace skybill::app
