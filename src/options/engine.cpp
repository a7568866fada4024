#include "skybill/options/engine.hpp"

#include <algorithm>
#include <limits>

namespace skybill::options {
namespace {

using std::chrono::days;
using std::chrono::microseconds;

// The product's promise ("отсрочка до 30 дней"): no setting may defer payment beyond it.
constexpr int kDeferralCapDays = 30;

std::string money_text(std::int64_t minor, const core::Currency& cur) {
  return core::Money(minor, cur).to_string() + " " + std::string(cur.code);
}

std::string plural(std::int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

Option unavailable(Method m, std::string reason) {
  return Option{m, false, std::move(reason), std::nullopt, false};
}

Option available(Method m, std::string reason, TimePoint due_at, bool ticket_at_once) {
  return Option{m, true, std::move(reason), due_at, ticket_at_once};
}

Option credit_line(const Input& in) {
  const auto m = Method::credit_line;
  if (!in.credit) return unavailable(m, "the client has no credit line");
  const CreditProfile& credit = *in.credit;
  if (!credit.approved) return unavailable(m, "the credit line is not approved");
  if (credit.blocked_by_overdue) return unavailable(m, "an overdue invoice blocks the credit line");

  // Saturating: a negative `used` (never valid, but not ours to trust) must not overflow.
  std::int64_t unused;
  if (__builtin_sub_overflow(credit.limit_minor, credit.used_minor, &unused))
    unused = credit.used_minor < 0 ? std::numeric_limits<std::int64_t>::max() : 0;
  unused = std::max<std::int64_t>(unused, 0);  // used beyond the limit leaves nothing
  const auto& cur = in.amount.currency();
  if (unused < in.amount.minor())
    return unavailable(m, "not enough unused credit: " + money_text(unused, cur) + " of " +
                              money_text(credit.limit_minor, cur) + " left, " +
                              money_text(in.amount.minor(), cur) + " needed");

  const int deferral = std::max(
      0, std::min({credit.deferral_days, in.settings.max_deferral_days, kDeferralCapDays}));
  if (deferral == 0) return available(m, "paid from the credit line, due now", in.now, true);
  return available(m, "paid from the credit line, due in " + plural(deferral, "day"),
                   in.now + days(deferral), true);
}

Option deposit(const Input& in) {
  const auto m = Method::deposit;
  if (in.deposit_balance_minor < in.amount.minor()) {
    const auto& cur = in.amount.currency();
    return unavailable(m, "not enough deposit: " + money_text(in.deposit_balance_minor, cur) +
                              " of " + money_text(in.amount.minor(), cur));
  }
  return available(m, "paid from the deposit now", in.now, true);
}

Option card_hold(const Input& in) {
  return available(Method::card_hold,
                   "the card is pre-authorised; the hold is captured if the invoice is not "
                   "paid by the due date",
                   in.now + in.settings.card_hold_due_after, true);
}

Option guarantee_letter(const Input& in, microseconds remaining) {
  const auto m = Method::guarantee_letter;
  const auto lead = in.settings.guarantee_letter_lead;
  if (remaining < lead)
    return unavailable(m, "staff need at least " + plural(lead.count(), "minute") +
                              " before the time limit to approve a guarantee letter");
  return available(m, "the ticket is issued once staff approve the guarantee letter",
                   in.now + in.settings.guarantee_letter_due_after, false);
}

Option card(const Input& in) { return available(Method::card, "paid by card now", in.now, true); }

Option invoice(const Input& in, microseconds remaining) {
  const auto m = Method::invoice;
  const auto& s = in.settings;
  // Strict: at exactly the window the booking is "within 24 hours" and needs a guarantee.
  if (remaining <= s.invoice_window)
    return unavailable(m, "the time limit is within " + plural(s.invoice_window.count(), "hour") +
                              ": a guarantee is needed");
  const TimePoint latest = in.ticketing_time_limit - s.invoice_safety_margin;
  // Only reachable with a margin configured wider than the window.
  if (latest <= in.now)
    return unavailable(m, "the time limit leaves no time to pay an invoice before it");
  return available(m, "the ticket is issued after payment",
                   std::min(in.now + s.invoice_due_after, latest), false);
}

}  // namespace

std::string_view to_string(Method m) noexcept {
  switch (m) {
    case Method::credit_line: return "credit_line";
    case Method::deposit: return "deposit";
    case Method::card_hold: return "card_hold";
    case Method::guarantee_letter: return "guarantee_letter";
    case Method::card: return "card";
    case Method::invoice: return "invoice";
  }
  return "unknown";
}

std::optional<Method> parse_method(std::string_view text) noexcept {
  for (Method m : kAllMethods)
    if (to_string(m) == text) return m;
  return std::nullopt;
}

bool is_guarantee(Method m) noexcept {
  return m == Method::credit_line || m == Method::deposit || m == Method::card_hold ||
         m == Method::guarantee_letter;
}

Option evaluate(const Input& in, Method m) {
  const microseconds remaining = in.ticketing_time_limit - in.now;
  if (remaining <= microseconds::zero())
    return unavailable(m, "the ticketing time limit has passed");
  if (in.amount.minor() <= 0) return unavailable(m, "the amount to pay must be positive");
  if (in.settings.disabled.contains(m)) return unavailable(m, "disabled by the airline");
  switch (m) {
    case Method::credit_line: return credit_line(in);
    case Method::deposit: return deposit(in);
    case Method::card_hold: return card_hold(in);
    case Method::guarantee_letter: return guarantee_letter(in, remaining);
    case Method::card: return card(in);
    case Method::invoice: return invoice(in, remaining);
  }
  return unavailable(m, "unknown payment method");
}

std::vector<Option> evaluate(const Input& in) {
  std::vector<Option> out;
  out.reserve(std::size(kAllMethods));
  for (Method m : kAllMethods) out.push_back(evaluate(in, m));
  return out;
}

}  // namespace skybill::options
