#pragma once
// The payment-option engine: which ways a client may pay for a booking, given its ticketing
// time limit. A pure function: no I/O, no clock of its own.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/core/money.hpp"

namespace skybill::options {

using core::TimePoint;

// In the order they are offered.
enum class Method { credit_line, deposit, card_hold, guarantee_letter, card, invoice };
inline constexpr Method kAllMethods[] = {Method::credit_line, Method::deposit,  Method::card_hold,
                                         Method::guarantee_letter, Method::card, Method::invoice};

std::string_view to_string(Method m) noexcept;
std::optional<Method> parse_method(std::string_view text) noexcept;
// credit_line, deposit, card_hold, guarantee_letter: the client guarantees payment later.
bool is_guarantee(Method m) noexcept;

// The client's credit line with the gateway, in the booking's currency.
struct CreditProfile {
  bool approved = false;
  bool blocked_by_overdue = false;  // an invoice under this line is overdue
  std::int64_t limit_minor = 0;
  std::int64_t used_minor = 0;
  int deferral_days = 0;  // as agreed with the client; capped by Settings::max_deferral_days
};

// Per merchant (merchants.settings), defaults as the product describes.
struct Settings {
  std::set<Method> disabled;
  std::chrono::minutes guarantee_letter_lead{30};  // staff need this long before TL to approve
  std::chrono::hours invoice_window{24};           // `invoice` needs TL further away than this
  std::chrono::hours invoice_due_after{24};        // an invoice is due this long after issue...
  std::chrono::minutes invoice_safety_margin{60};  // ...but never later than TL minus this
  std::chrono::hours card_hold_due_after{72};      // a card hold is captured if unpaid by then
  std::chrono::hours guarantee_letter_due_after{120};
  int max_deferral_days = 30;                      // the product's cap; settings above it are capped
};

struct Input {
  TimePoint now;
  TimePoint ticketing_time_limit;
  core::Money amount;                   // the booking's total, VAT included
  std::optional<CreditProfile> credit;  // nullopt: the client has no credit line
  std::int64_t deposit_balance_minor = 0;  // in the amount's currency
  Settings settings;
};

struct Option {
  Method method;
  bool available = false;
  std::string reason;               // why (not) available, for a human
  std::optional<TimePoint> due_at;  // when the client must have paid, if this is chosen now
  bool ticket_at_once = false;      // may the airline issue the ticket as soon as it is chosen
};

// Every method, in kAllMethods order.
std::vector<Option> evaluate(const Input& in);
// The one for `m` (a convenience over evaluate).
Option evaluate(const Input& in, Method m);

}  // namespace skybill::options
