#pragma once
// What the hosted page reads beyond the other modules' own views, inside the caller's transaction.
#include <optional>
#include <string>

#include "skybill/core/clock.hpp"

namespace skybill::db { class Tx; }

namespace skybill::paypage {

std::string merchant_name(db::Tx& tx, const std::string& merchant_id);

// The booking's invoice that may still be paid (open, overdue, partially paid), if any.
std::optional<std::string> unpaid_invoice_id(db::Tx& tx, const std::string& booking_id);

// What the status stream watches, read in one query by the pay token.
struct Status {
  bool found = false;      // false: the token is no longer the booking's (rotated)
  bool usable = false;     // not revoked, not expired at `now`
  std::string booking_status, invoice_status, paid, outstanding, card_status;
  long long documents = 0;
};
Status read_status(db::Tx& tx, const std::string& token, core::TimePoint now);

}  // namespace skybill::paypage
