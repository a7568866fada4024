#pragma once
// The staff console's own API (issue 14): the Today screen, the bookings search and list (JSON
// and CSV), and a booking's whole story on one page. Every route is Access::any_staff: an
// airline's staff see only their airline (another airline's booking is a 404).
#include <chrono>

#include "skybill/booking/routes.hpp"
#include "skybill/http/router.hpp"

namespace skybill::console {

struct Context {
  const booking::RouteContext& bookings;  // the pool, the clock, the booking JSON and its options
  std::chrono::hours refund_at_risk{24};  // refunds.at_risk_hours: a refund this close to its deadline
};

// GET /admin/api/today, GET /admin/api/bookings, GET /admin/api/bookings/{id}.
void add_routes(http::Router& router, const Context& ctx);

}  // namespace skybill::console
