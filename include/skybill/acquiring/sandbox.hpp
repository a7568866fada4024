#pragma once
// The sandbox acquirer's rules, pure: which test card does what (docs/cards.md).
//   4242 4242 4242 4242, 5555 5555 5555 4444  approved without a challenge
//   4000 0000 0000 3220                       3-D Secure challenge; code 1234 approves, three
//                                             wrong codes fail the payment
//   4000 0000 0000 0002                       declined
//   any other number passing the Luhn check   declined ("not a sandbox test card")
//   a number failing the Luhn check           the form again, with an error
//   an expiry date in the past                declined ("card expired")
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/core/problem.hpp"

namespace skybill::acquiring::sandbox {

inline constexpr std::string_view kCardApproved = "4242424242424242";
inline constexpr std::string_view kCardApprovedMastercard = "5555555555554444";
inline constexpr std::string_view kCardChallenge = "4000000000003220";
inline constexpr std::string_view kCardDeclined = "4000000000000002";
inline constexpr std::string_view kChallengeCode = "1234";
inline constexpr int kChallengeTries = 3;

// The digits of a card number typed with optional spaces or dashes; nullopt when anything else
// is in it or it is not 12-19 digits long.
std::optional<std::string> card_digits(std::string_view typed);
bool luhn_valid(std::string_view digits) noexcept;
// "visa", "mastercard", "mir" or "card".
std::string brand_of(std::string_view digits);

struct Expiry {
  int month;  // 1-12
  int year;   // four digits
};
// "MM/YY", "MM / YY" or "MM/YYYY"; nullopt otherwise.
std::optional<Expiry> parse_expiry(std::string_view text);
// A card is valid through the last day of its expiry month (UTC).
bool is_expired(const Expiry& e, core::TimePoint now);

struct CardForm {
  std::string number, expiry, cvc, holder;
};

enum class Outcome { approved, challenge, declined };

struct Decision {
  Outcome outcome = Outcome::declined;
  std::string reason;  // why it was declined
  std::string last4, brand;
};

// Field errors (the form is shown again) or the decision on a well-formed card.
struct Checked {
  std::vector<core::FieldError> errors;
  Decision decision;
};
Checked check_card(const CardForm& form, core::TimePoint now);

}  // namespace skybill::acquiring::sandbox
