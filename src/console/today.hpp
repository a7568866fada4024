#pragma once
#include "skybill/console/console.hpp"

namespace skybill::console {
// GET /admin/api/today.
void add_today_route(http::Router& router, const Context& ctx);
}  // namespace skybill::console
