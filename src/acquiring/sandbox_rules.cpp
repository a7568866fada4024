#include <chrono>

#include "skybill/acquiring/sandbox.hpp"

namespace skybill::acquiring::sandbox {

std::optional<std::string> card_digits(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c >= '0' && c <= '9') out += c;
    else if (c != ' ' && c != '-') return std::nullopt;
  }
  if (out.size() < 12 || out.size() > 19) return std::nullopt;
  return out;
}

bool luhn_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::string brand_of(std::string_view digits) {
  if (digits.starts_with("4")) return "visa";
  if (digits.size() >= 4) {
    int four = std::stoi(std::string(digits.substr(0, 4)));
    if (four >= 2200 && four <= 2204) return "mir";
    if ((four >= 5100 && four <= 5599) || (four >= 2221 && four <= 2720)) return "mastercard";
  }
  return "card";
}

std::optional<Expiry> parse_expiry(std::string_view text) {
  std::string compact;
  for (char c : text)
    if (c != ' ') compact += c;
  auto slash = compact.find('/');
  if (slash == std::string::npos || slash == 0 || slash > 2) return std::nullopt;
  auto mm = compact.substr(0, slash), yy = compact.substr(slash + 1);
  if (yy.size() != 2 && yy.size() != 4) return std::nullopt;
  for (char c : mm + yy)
    if (c < '0' || c > '9') return std::nullopt;
  Expiry e{std::stoi(mm), std::stoi(yy)};
  if (yy.size() == 2) e.year += 2000;
  if (e.month < 1 || e.month > 12) return std::nullopt;
  return e;
}

bool is_expired(const Expiry& e, core::TimePoint now) {
  using namespace std::chrono;
  // The first instant of the month after the expiry month.
  auto next = year_month{year{e.year}, month{static_cast<unsigned>(e.month)}} + months{1};
  auto end = sys_days{next / 1};
  return now >= time_point_cast<microseconds>(end);
}

Checked check_card(const CardForm& form, core::TimePoint now) {
  Checked out;
  auto digits = card_digits(form.number);
  if (!digits) out.errors.push_back({"number", "enter the 12-19 digits of the card number"});
  else if (!luhn_valid(*digits)) out.errors.push_back({"number", "this card number is not valid; check it"});
  auto expiry = parse_expiry(form.expiry);
  if (!expiry) out.errors.push_back({"expiry", "enter the expiry date as MM/YY"});
  bool cvc_ok = form.cvc.size() == 3 || form.cvc.size() == 4;
  for (char c : form.cvc) cvc_ok = cvc_ok && c >= '0' && c <= '9';
  if (!cvc_ok) out.errors.push_back({"cvc", "enter the 3 or 4 digits on the back of the card"});
  bool holder_ok = !form.holder.empty() && form.holder.size() <= 100 &&
                   form.holder.find_first_not_of(' ') != std::string::npos;
  if (!holder_ok) out.errors.push_back({"holder", "enter the name on the card"});
  if (!out.errors.empty()) return out;

  auto& d = out.decision;
  d.last4 = digits->substr(digits->size() - 4);
  d.brand = brand_of(*digits);
  if (is_expired(*expiry, now)) {
    d.outcome = Outcome::declined;
    d.reason = "card expired";
  } else if (*digits == kCardApproved || *digits == kCardApprovedMastercard) {
    d.outcome = Outcome::approved;
  } else if (*digits == kCardChallenge) {
    d.outcome = Outcome::challenge;
  } else if (*digits == kCardDeclined) {
    d.outcome = Outcome::declined;
    d.reason = "declined by the issuer";
  } else {
    d.outcome = Outcome::declined;
    d.reason = "not a sandbox test card";
  }
  return out;
}

}  // namespace skybill::acquiring::sandbox
