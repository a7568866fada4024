#pragma once
// Money received for invoices: applying a payment (ledger, invoice and booking status, events,
// cases), bank statement import with automatic matching, and the reconciliation queue.
#include <cstdint>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::payments {

struct Source {
  std::string method;               // transfer | card
  std::string bank_document_id{};   // a transfer's bank document; empty otherwise
  std::string reference{};          // a card payment's id
  // Where the money is: just arrived at the gateway's bank (booked here), or already booked
  // to the gateway's unallocated account (a payment staff match from the queue).
  bool from_bank = false;
};

struct Applied {
  std::string payment_id;
  std::string invoice_status;  // paid | partially_paid | (unchanged when closed)
  std::int64_t applied_minor = 0, surplus_minor = 0, outstanding_minor = 0;
  bool closed = false;  // the invoice was void or its booking expired: the money waits for staff
};

// Applies a payment to an invoice in the caller's transaction, as one ledger entry: from the
// gateway's bank or unallocated account to the client, paying the invoice (fully or in part);
// a fully paid invoice is settled to the airline (or repays the credit line), a surplus goes to
// the client's deposit. Sets invoice and booking status, writes events, audit rows and cases.
// Throws core::Problem 409 when the currency differs (money is never converted).
Applied apply_to_invoice(db::Tx& tx, const Source& source, const std::string& invoice_id, std::int64_t amount_minor,
                         const std::string& currency, const std::string& actor, const std::string& request_id,
                         core::TimePoint now);

// Card money captured by the acquirer (in the callback's or the hold job's transaction): booked
// to the gateway's bank, then applied to the invoice as above (actor "acquirer:card").
void card_captured(db::Tx& tx, const std::string& invoice_id, std::int64_t amount_minor, const std::string& currency,
                   const std::string& attempt_id, core::TimePoint now);

struct StatementSettings {
  std::vector<std::string> own_accounts;  // the gateway's settlement accounts
};

// POST /v1/statements, GET/POST /v1/reconciliation... (staff keys).
void add_routes(http::Router& router, db::Pool& pool, const core::Clock& clock, StatementSettings settings);

}  // namespace skybill::payments
