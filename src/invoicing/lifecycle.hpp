#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>

#include "invoices.hpp"
#include "skybill/booking/routes.hpp"
#include "skybill/db/journal.hpp"

namespace skybill::invoicing {
// The merchant's booking named by the route's {id}, locked for update (every state change of
// one booking is serialized on its row); 404 when it is not the caller's.
booking::Booking locked_booking(db::Tx& tx, const http::Request& req);

// The booking as every invoicing route answers with it: its JSON, options now and invoice.
nlohmann::json booking_reply(db::Tx& tx, const booking::RouteContext& ctx, const std::string& merchant,
                             const std::string& booking_id, core::TimePoint now);

// The status (open or overdue) of the booking's unpaid invoice, locked until commit so that the
// overdue job cannot change it before void_open_invoice: the audit row's "from". nullopt when none.
std::optional<std::string> lock_unpaid_invoice(db::Tx& tx, const std::string& booking_id);
// What voiding `voided` (as void_open_invoice returns it) changed, for its invoice.voided row.
db::Changes voiding(const Invoice& voided, const std::string& previous_status);

// Runs `batch` in its own transaction again and again until it handles fewer than `size`
// rows; returns the total. For time-driven jobs that claim rows with SKIP LOCKED.
boost::asio::awaitable<int> in_batches(db::Pool& pool, int size, std::function<int(db::Tx&)> batch);

// POST /admin/api/bookings/{id}/approve-guarantee-letter (staff: admin or support).
void add_staff_routes(http::Router& router, const booking::RouteContext& ctx);

// POST /v1/bookings/{id}/cancel, /tickets, /ticketing-failed.
void add_lifecycle_routes(http::Router& router, const booking::RouteContext& ctx);
}  // namespace skybill::invoicing
