#pragma once
// Bills in the payment chat (docs/chat.md): an operator bills the customer in the dialog; the
// bill is an invoice of the same ledger, paid by card on the hosted page.
#include <string>

#include "skybill/chat/chat.hpp"

namespace skybill::chat {

// POST /admin/api/chat/dialogs/{id}/bills, POST /admin/api/chat/bills/{id}/cancel, ...
void add_bill_routes(http::Router& router, const Context& ctx);

// Called in the transaction that records a payment of `invoice_id`: when it is a chat bill's
// invoice and now paid, the bill turns paid and the dialog gets its bill.paid event.
void bill_invoice_paid(db::Tx& tx, const std::string& invoice_id, core::TimePoint now);

}  // namespace skybill::chat
