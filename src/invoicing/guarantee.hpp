#pragma once
// The bookkeeping of a guarantee: the gateway owes the airline the invoice at once (it is paid
// out the next business day like a payment) and the client owes it on the guarantee's account.
#include <optional>
#include <string>

#include "invoices.hpp"
#include "skybill/booking/bookings.hpp"

namespace skybill::invoicing {

// Posts the guarantee of `inv` (credit_line: credit_receivable; deposit: paid from the deposit;
// card_hold, guarantee_letter: receivable), marks the invoice guaranteed and records what the
// airline is owed. Returns the ledger entry id.
std::string book_guarantee(db::Tx& tx, const booking::Booking& b, const Invoice& inv, core::TimePoint now);
// Reverses the guarantee of a guaranteed invoice (ticketing failed): the airline gives back
// what it was owed for it. Returns the entry id, or nullopt when the invoice was not guaranteed.
std::optional<std::string> release_guarantee_booking(db::Tx& tx, const booking::Booking& b, const Invoice& inv,
                                                     core::TimePoint now);

}  // namespace skybill::invoicing
