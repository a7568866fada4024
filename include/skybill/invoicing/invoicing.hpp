#pragma once
// Payment options for a booking, the client's choice of one, and the invoices issued for it.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "skybill/booking/routes.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/options/engine.hpp"

namespace skybill::invoicing {

// Merchant settings (merchants.settings) as the engine reads them. Unknown or malformed keys
// are ignored in favour of the defaults; the product caps (30 days deferral) always hold.
//   {"disabled_methods": ["card_hold"], "guarantee_letter_lead_minutes": 30,
//    "invoice_due_hours": 24, "invoice_safety_margin_minutes": 60, "max_deferral_days": 30}
options::Settings settings_from_json(const nlohmann::json& settings);

// The booking's options now and its current invoice, added to its JSON.
booking::Enrich enricher();

// {"method": "invoice"}: 422 naming what is wrong.
options::Method parse_choice(const nlohmann::json& body);
// The client's choice of a payment method for the booking `booking_id` of who.merchant_id, the
// one use case behind POST /v1/bookings/{id}/payment-choice and the hosted page's choice: in
// the caller's transaction, the booking locked; audited as who.actor. Returns 200 with the
// booking as the API shows it, or the 409 booking-expired problem (kept: it opened a support
// case); throws core::Problem for the other refusals (404, 409).
// `due_at`: the invoice's due date instead of the method's (a chat bill is due when it expires).
http::Response choose_payment_method(db::Tx& tx, const booking::RouteContext& ctx, const std::string& booking_id,
                                     options::Method method, const db::AuditEntry& who, const std::string& instance,
                                     std::optional<core::TimePoint> due_at = std::nullopt);

// Cancels the open booking `b` (locked by the caller): its unpaid invoice void, the booking
// cancelled, audited as who.actor, booking.cancelled sent; 409 booking-not-cancellable when it
// is no longer open. The use case behind POST /v1/bookings/{id}/cancel and a chat bill's cancel.
// Returns the booking as the API shows it.
nlohmann::json cancel_booking(db::Tx& tx, const booking::RouteContext& ctx, const booking::Booking& b,
                              const db::AuditEntry& who);

// POST /v1/bookings/{id}/payment-choice, /cancel, /tickets, /ticketing-failed; GET /v1/invoices.
void add_routes(http::Router& router, const booking::RouteContext& ctx);

// The expiry job: bookings whose time limit passed unpaid and unguaranteed become expired and
// their open invoice void. Safe with many instances. Returns how many expired.
boost::asio::awaitable<int> expire_bookings(db::Pool& pool, const core::Clock& clock);
// Open invoices past their due date become overdue (an overdue credit-line invoice blocks the
// client's credit line). Safe with many instances. Returns how many.
boost::asio::awaitable<int> mark_overdue_invoices(db::Pool& pool, const core::Clock& clock);
// Open bookings whose time limit is less than kExpiryNotice away get one booking.expiring
// event (and so an e-mail to the client). Safe with many instances. Returns how many.
inline constexpr std::chrono::minutes kExpiryNotice{120};
// The gateway's requisites (gateway.* settings), shown as every invoice's `payee`. Set once at
// start-up, before serving.
void configure_payee(nlohmann::json payee);
// An invoice as the API shows it (events carry it); throws when there is none with this id.
nlohmann::json invoice_json_by_id(db::Tx& tx, const std::string& invoice_id);
boost::asio::awaitable<int> remind_expiring_bookings(db::Pool& pool, const core::Clock& clock);
// Unpaid credit-line invoices get invoice.payment_reminder (and an e-mail) 3 days before their
// due date, on it, and the day after: once per stage. Returns how many.
boost::asio::awaitable<int> remind_credit_invoices(db::Pool& pool, const core::Clock& clock);

}  // namespace skybill::invoicing
