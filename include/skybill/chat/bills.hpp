#pragma once
// Bills in the payment chat (docs/chat.md): an operator bills the customer in the dialog; the
// bill is an invoice of the same ledger, paid by card on the hosted page.
//
// A bill is a booking of its own (bookings.kind 'chat_bill', reference "chat-<invoice number>",
// one 'service' line, its time limit the bill's due time) whose payment method is chosen as
// 'card' through the same use case as a client's choice, so its invoice is numbered in the
// airline's series, paid through /pay/{token} with 3-D Secure, posted to the ledger, settled to
// the airline the next business day less the commission, refundable by lines, and announced by
// the usual invoice.* and booking.* webhooks (plus chat_bill.*). Its buyer is the chat customer
// as a private person (clients.kind 'person', no INN), one per customer: such a buyer gets the
// invoice PDF but no УПД, and a bill in another currency than roubles no Russian tax document
// (issuing::request_for), so no bill opens a document_blocked support case.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "skybill/chat/chat.hpp"

namespace skybill::chat {

// How long a bill may be paid: its booking's time limit; unpaid then, the expiry job expires
// the booking and voids the invoice, and the sweep turns the bill expired.
inline constexpr std::chrono::hours kBillLifetime{24};

// POST /admin/api/chat/dialogs/{id}/bills, POST /admin/api/chat/bills/{id}/cancel,
// GET /admin/api/chat/bills/{id}, GET /admin/api/chat/dialogs/{id}/bills (chat.operate).
void add_bill_routes(http::Router& router, const Context& ctx);

// The pay URLs in bills (the hosted page, absolute) start with the public URL that
// add_bill_routes was given.

// Called in the transaction that records a payment of `invoice_id`: when it is a chat bill's
// invoice and now paid, the bill turns paid and the dialog gets its bill.paid event, once.
void bill_invoice_paid(db::Tx& tx, const std::string& invoice_id, core::TimePoint now);

// The bills of a dialog as docs/chat.md shows them, oldest first (for the dialog's REST view).
nlohmann::json bills_of_dialog(db::Tx& tx, const std::string& dialog_id);

// The job (run it with the bookings' jobs; safe with many instances): bills whose booking or
// invoice changed elsewhere follow it, each with its event in the dialog: paid otherwise than
// by card (a transfer) -> paid; booking expired -> expired; booking cancelled through the API ->
// cancelled; every line refunded -> refunded. Returns how many bills changed.
boost::asio::awaitable<int> sweep_bills(db::Pool& pool, const core::Clock& clock);

}  // namespace skybill::chat
