#pragma once
#include <boost/asio/awaitable.hpp>

#include "skybill/booking/routes.hpp"

namespace skybill::invoicing {
// POST /v1/bookings/{id}/cancel, /tickets, /ticketing-failed.
void add_lifecycle_routes(http::Router& router, const booking::RouteContext& ctx);
}  // namespace skybill::invoicing
