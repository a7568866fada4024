#include "skybill/options/engine.hpp"

#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <optional>
#include <string>

namespace skybill::options {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::microseconds;

const TimePoint kNow{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2} + 9h};
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

const core::Currency& rub() { return core::currency("RUB"); }

// Everything available: TL in 48 h, 10000.00 RUB, an approved line of 100000.00 with 14 days,
// a deposit of 50000.00.
Input base() {
  return Input{.now = kNow,
               .ticketing_time_limit = kNow + 48h,
               .amount = core::Money(1'000'000, rub()),
               .credit = CreditProfile{.approved = true,
                                       .blocked_by_overdue = false,
                                       .limit_minor = 10'000'000,
                                       .used_minor = 0,
                                       .deferral_days = 14},
               .deposit_balance_minor = 5'000'000,
               .settings = {}};
}

using Setup = void (*)(Input&);

Input make(Setup setup) {
  Input in = base();
  setup(in);
  return in;
}

void set_tl(Input& in, microseconds remaining) { in.ticketing_time_limit = in.now + remaining; }
void set_amount(Input& in, std::int64_t minor, const char* code) {
  in.amount = core::Money(minor, core::currency(code));
}

std::string test_name(const char* name) { return name; }

// ---- One method under one input -------------------------------------------------------------

struct MethodCase {
  const char* name;
  Setup setup;
  Method method;
  bool available;
  std::optional<microseconds> due_after_now;  // expected due_at − now; nullopt: no due_at
  bool ticket_at_once;
  const char* reason;  // expected exactly
};

void PrintTo(const MethodCase& c, std::ostream* os) { *os << c.name; }

class MethodRule : public testing::TestWithParam<MethodCase> {};

TEST_P(MethodRule, Holds) {
  const MethodCase& c = GetParam();
  const Option o = evaluate(make(c.setup), c.method);
  EXPECT_EQ(o.method, c.method);
  EXPECT_EQ(o.available, c.available);
  EXPECT_EQ(o.reason, c.reason);
  EXPECT_EQ(o.ticket_at_once, c.ticket_at_once);
  if (c.due_after_now) {
    ASSERT_TRUE(o.due_at.has_value());
    EXPECT_EQ(*o.due_at - kNow, *c.due_after_now);
  } else {
    EXPECT_FALSE(o.due_at.has_value());
  }
}

constexpr auto kNone = std::nullopt;

const MethodCase kCreditLineCases[] = {
    {"approved_with_room", [](Input&) {}, Method::credit_line, true, days(14), true,
     "paid from the credit line, due in 14 days"},
    {"limit_equal_to_amount", [](Input& in) { in.credit->limit_minor = 1'000'000; },
     Method::credit_line, true, days(14), true, "paid from the credit line, due in 14 days"},
    {"one_kopeck_short",
     [](Input& in) {
       in.credit->limit_minor = 1'000'000;
       in.credit->used_minor = 1;
     },
     Method::credit_line, false, kNone, false,
     "not enough unused credit: 9999.99 RUB of 10000.00 RUB left, 10000.00 RUB needed"},
    {"used_beyond_limit",
     [](Input& in) {
       in.credit->limit_minor = 1'000'000;
       in.credit->used_minor = 1'500'000;
     },
     Method::credit_line, false, kNone, false,
     "not enough unused credit: 0.00 RUB of 10000.00 RUB left, 10000.00 RUB needed"},
    {"not_approved", [](Input& in) { in.credit->approved = false; }, Method::credit_line, false,
     kNone, false, "the credit line is not approved"},
    {"blocked_by_overdue", [](Input& in) { in.credit->blocked_by_overdue = true; },
     Method::credit_line, false, kNone, false, "an overdue invoice blocks the credit line"},
    {"no_credit_line", [](Input& in) { in.credit.reset(); }, Method::credit_line, false, kNone,
     false, "the client has no credit line"},
    {"settings_allow_45_days_capped_at_30",
     [](Input& in) {
       in.settings.max_deferral_days = 45;
       in.credit->deferral_days = 45;
     },
     Method::credit_line, true, days(30), true, "paid from the credit line, due in 30 days"},
    {"profile_45_days_capped_at_30", [](Input& in) { in.credit->deferral_days = 45; },
     Method::credit_line, true, days(30), true, "paid from the credit line, due in 30 days"},
    {"settings_cap_below_profile", [](Input& in) { in.settings.max_deferral_days = 7; },
     Method::credit_line, true, days(7), true, "paid from the credit line, due in 7 days"},
    {"deferral_one_day", [](Input& in) { in.credit->deferral_days = 1; }, Method::credit_line, true,
     days(1), true, "paid from the credit line, due in 1 day"},
    {"deferral_zero_due_now", [](Input& in) { in.credit->deferral_days = 0; }, Method::credit_line,
     true, 0us, true, "paid from the credit line, due now"},
    {"deferral_negative_due_now", [](Input& in) { in.credit->deferral_days = -3; },
     Method::credit_line, true, 0us, true, "paid from the credit line, due now"},
    {"tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, Method::credit_line, true, days(14),
     true, "paid from the credit line, due in 14 days"},
    {"extreme_used_does_not_overflow",
     [](Input& in) {
       in.credit->limit_minor = kMax;
       in.credit->used_minor = kMin;
     },
     Method::credit_line, true, days(14), true, "paid from the credit line, due in 14 days"},
    {"kwd_one_fils_short",
     [](Input& in) {
       set_amount(in, 1000, "KWD");
       in.credit->limit_minor = 999;
     },
     Method::credit_line, false, kNone, false,
     "not enough unused credit: 0.999 KWD of 0.999 KWD left, 1.000 KWD needed"},
    {"kwd_limit_equal",
     [](Input& in) {
       set_amount(in, 1000, "KWD");
       in.credit->limit_minor = 1000;
     },
     Method::credit_line, true, days(14), true, "paid from the credit line, due in 14 days"},
};
INSTANTIATE_TEST_SUITE_P(CreditLine, MethodRule, testing::ValuesIn(kCreditLineCases),
                         [](const auto& i) { return test_name(i.param.name); });

const MethodCase kDepositCases[] = {
    {"balance_equal_to_amount", [](Input& in) { in.deposit_balance_minor = 1'000'000; },
     Method::deposit, true, 0us, true, "paid from the deposit now"},
    {"one_kopeck_short", [](Input& in) { in.deposit_balance_minor = 999'999; }, Method::deposit,
     false, kNone, false, "not enough deposit: 9999.99 RUB of 10000.00 RUB"},
    {"empty", [](Input& in) { in.deposit_balance_minor = 0; }, Method::deposit, false, kNone, false,
     "not enough deposit: 0.00 RUB of 10000.00 RUB"},
    {"jpy_equal",
     [](Input& in) {
       set_amount(in, 125, "JPY");
       in.deposit_balance_minor = 125;
     },
     Method::deposit, true, 0us, true, "paid from the deposit now"},
    {"jpy_one_yen_short",
     [](Input& in) {
       set_amount(in, 125, "JPY");
       in.deposit_balance_minor = 124;
     },
     Method::deposit, false, kNone, false, "not enough deposit: 124 JPY of 125 JPY"},
    {"kwd_one_fils_short",
     [](Input& in) {
       set_amount(in, 12'345, "KWD");
       in.deposit_balance_minor = 12'344;
     },
     Method::deposit, false, kNone, false, "not enough deposit: 12.344 KWD of 12.345 KWD"},
    {"tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, Method::deposit, true, 0us, true,
     "paid from the deposit now"},
};
INSTANTIATE_TEST_SUITE_P(Deposit, MethodRule, testing::ValuesIn(kDepositCases),
                         [](const auto& i) { return test_name(i.param.name); });

constexpr const char* kHoldReason =
    "the card is pre-authorised; the hold is captured if the invoice is not paid by the due date";
constexpr const char* kLetterReason =
    "the ticket is issued once staff approve the guarantee letter";
constexpr const char* kLetterTooLate =
    "staff need at least 30 minutes before the time limit to approve a guarantee letter";

const MethodCase kCardCases[] = {
    {"hold_default_72h", [](Input&) {}, Method::card_hold, true, 72h, true, kHoldReason},
    {"hold_configured_24h", [](Input& in) { in.settings.card_hold_due_after = 24h; },
     Method::card_hold, true, 24h, true, kHoldReason},
    {"hold_tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, Method::card_hold, true, 72h,
     true, kHoldReason},
    {"card_paid_now", [](Input&) {}, Method::card, true, 0us, true, "paid by card now"},
    {"card_tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, Method::card, true, 0us, true,
     "paid by card now"},
    {"card_tl_in_one_microsecond", [](Input& in) { set_tl(in, 1us); }, Method::card, true, 0us,
     true, "paid by card now"},
};
INSTANTIATE_TEST_SUITE_P(Card, MethodRule, testing::ValuesIn(kCardCases),
                         [](const auto& i) { return test_name(i.param.name); });

const MethodCase kGuaranteeLetterCases[] = {
    {"tl_in_48h", [](Input&) {}, Method::guarantee_letter, true, 120h, false, kLetterReason},
    {"tl_exactly_30min", [](Input& in) { set_tl(in, 30min); }, Method::guarantee_letter, true, 120h,
     false, kLetterReason},
    {"tl_30min_minus_1us", [](Input& in) { set_tl(in, 30min - 1us); }, Method::guarantee_letter,
     false, kNone, false, kLetterTooLate},
    {"tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, Method::guarantee_letter, false,
     kNone, false, kLetterTooLate},
    {"configured_lead_45min",
     [](Input& in) {
       in.settings.guarantee_letter_lead = 45min;
       set_tl(in, 40min);
     },
     Method::guarantee_letter, false, kNone, false,
     "staff need at least 45 minutes before the time limit to approve a guarantee letter"},
    {"configured_due_after_48h", [](Input& in) { in.settings.guarantee_letter_due_after = 48h; },
     Method::guarantee_letter, true, 48h, false, kLetterReason},
};
INSTANTIATE_TEST_SUITE_P(GuaranteeLetter, MethodRule, testing::ValuesIn(kGuaranteeLetterCases),
                         [](const auto& i) { return test_name(i.param.name); });

constexpr const char* kInvoiceReason = "the ticket is issued after payment";
constexpr const char* kWithin24h = "the time limit is within 24 hours: a guarantee is needed";

const MethodCase kInvoiceCases[] = {
    {"tl_in_48h_due_in_24h", [](Input&) {}, Method::invoice, true, 24h, false, kInvoiceReason},
    {"tl_exactly_24h", [](Input& in) { set_tl(in, 24h); }, Method::invoice, false, kNone, false,
     kWithin24h},
    {"tl_24h_plus_1us_due_at_tl_minus_margin", [](Input& in) { set_tl(in, 24h + 1us); },
     Method::invoice, true, 23h + 1us, false, kInvoiceReason},
    {"tl_24h30min_due_at_tl_minus_60min", [](Input& in) { set_tl(in, 24h + 30min); },
     Method::invoice, true, 23h + 30min, false, kInvoiceReason},
    {"tl_25h_both_limits_meet", [](Input& in) { set_tl(in, 25h); }, Method::invoice, true, 24h,
     false, kInvoiceReason},
    {"tl_in_30_days", [](Input& in) { set_tl(in, days(30)); }, Method::invoice, true, 24h, false,
     kInvoiceReason},
    {"tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, Method::invoice, false, kNone, false,
     kWithin24h},
    {"configured_due_after_48h",
     [](Input& in) {
       in.settings.invoice_due_after = 48h;
       set_tl(in, 72h);
     },
     Method::invoice, true, 48h, false, kInvoiceReason},
    {"configured_due_after_capped_by_tl",
     [](Input& in) {
       in.settings.invoice_due_after = 48h;
       set_tl(in, 36h);
     },
     Method::invoice, true, 35h, false, kInvoiceReason},
    {"configured_margin_2h", [](Input& in) { in.settings.invoice_safety_margin = 120min; },
     Method::invoice, true, 24h, false, kInvoiceReason},
    {"configured_margin_2h_caps",
     [](Input& in) {
       in.settings.invoice_safety_margin = 120min;
       set_tl(in, 25h);
     },
     Method::invoice, true, 23h, false, kInvoiceReason},
    {"margin_wider_than_tl",
     [](Input& in) {
       in.settings.invoice_safety_margin = 30h;
       set_tl(in, 25h);
     },
     Method::invoice, false, kNone, false,
     "the time limit leaves no time to pay an invoice before it"},
    {"configured_window_48h",
     [](Input& in) {
       in.settings.invoice_window = 48h;
       set_tl(in, 36h);
     },
     Method::invoice, false, kNone, false,
     "the time limit is within 48 hours: a guarantee is needed"},
    {"jpy", [](Input& in) { set_amount(in, 125, "JPY"); }, Method::invoice, true, 24h, false,
     kInvoiceReason},
};
INSTANTIATE_TEST_SUITE_P(Invoice, MethodRule, testing::ValuesIn(kInvoiceCases),
                         [](const auto& i) { return test_name(i.param.name); });

// ---- Which methods are on offer, all at once ------------------------------------------------

struct OfferCase {
  const char* name;
  Setup setup;
  // In kAllMethods order: credit_line, deposit, card_hold, guarantee_letter, card, invoice.
  std::array<bool, 6> available;
  const char* common_reason;  // when set, every option carries exactly this reason
};

void PrintTo(const OfferCase& c, std::ostream* os) { *os << c.name; }

class Offer : public testing::TestWithParam<OfferCase> {};

TEST_P(Offer, AvailabilityPerMethod) {
  const OfferCase& c = GetParam();
  const auto options = evaluate(make(c.setup));
  ASSERT_EQ(options.size(), std::size(kAllMethods));
  for (std::size_t i = 0; i < options.size(); ++i) {
    SCOPED_TRACE(std::string(to_string(kAllMethods[i])));
    EXPECT_EQ(options[i].available, c.available[i]) << options[i].reason;
    if (c.common_reason) {
      EXPECT_EQ(options[i].reason, c.common_reason);
    }
  }
}

constexpr std::array<bool, 6> kAll{true, true, true, true, true, true};
constexpr std::array<bool, 6> kNoInvoice{true, true, true, true, true, false};
constexpr std::array<bool, 6> kNoLetterNoInvoice{true, true, true, false, true, false};
constexpr std::array<bool, 6> kNothing{};
constexpr const char* kPassed = "the ticketing time limit has passed";
constexpr const char* kNotPositive = "the amount to pay must be positive";

const OfferCase kOfferCases[] = {
    {"tl_in_48h", [](Input&) {}, kAll, nullptr},
    {"tl_24h_plus_1us", [](Input& in) { set_tl(in, 24h + 1us); }, kAll, nullptr},
    {"tl_exactly_24h", [](Input& in) { set_tl(in, 24h); }, kNoInvoice, nullptr},
    {"tl_exactly_30min", [](Input& in) { set_tl(in, 30min); }, kNoInvoice, nullptr},
    {"tl_30min_minus_1us", [](Input& in) { set_tl(in, 30min - 1us); }, kNoLetterNoInvoice, nullptr},
    {"tl_in_one_minute", [](Input& in) { set_tl(in, 1min); }, kNoLetterNoInvoice, nullptr},
    {"tl_in_one_microsecond", [](Input& in) { set_tl(in, 1us); }, kNoLetterNoInvoice, nullptr},
    {"tl_now", [](Input& in) { set_tl(in, 0us); }, kNothing, kPassed},
    {"tl_1us_ago", [](Input& in) { set_tl(in, -1us); }, kNothing, kPassed},
    {"tl_an_hour_ago", [](Input& in) { set_tl(in, -1h); }, kNothing, kPassed},
    {"tl_passed_beats_zero_amount",
     [](Input& in) {
       set_tl(in, -1h);
       set_amount(in, 0, "RUB");
     },
     kNothing, kPassed},
    {"tl_passed_beats_disabled",
     [](Input& in) {
       set_tl(in, 0us);
       in.settings.disabled = {Method::card};
     },
     kNothing, kPassed},
    {"zero_amount", [](Input& in) { set_amount(in, 0, "RUB"); }, kNothing, kNotPositive},
    {"negative_amount", [](Input& in) { set_amount(in, -1, "RUB"); }, kNothing, kNotPositive},
    {"all_disabled",
     [](Input& in) {
       in.settings.disabled = {std::begin(kAllMethods), std::end(kAllMethods)};
     },
     kNothing, "disabled by the airline"},
    {"no_credit_no_deposit",
     [](Input& in) {
       in.credit.reset();
       in.deposit_balance_minor = 0;
     },
     {false, false, true, true, true, true},
     nullptr},
    {"jpy_within_24h",
     [](Input& in) {
       set_amount(in, 125'000, "JPY");
       set_tl(in, 3h);
     },
     kNoInvoice, nullptr},
    {"kwd_over_24h", [](Input& in) { set_amount(in, 1'500, "KWD"); }, kAll, nullptr},
};
INSTANTIATE_TEST_SUITE_P(Engine, Offer, testing::ValuesIn(kOfferCases),
                         [](const auto& i) { return test_name(i.param.name); });

// ---- The merchant disables one method -------------------------------------------------------

class DisabledByMerchant : public testing::TestWithParam<Method> {};

TEST_P(DisabledByMerchant, OnlyThatMethodGoes) {
  Input in = base();
  in.settings.disabled = {GetParam()};
  for (const Option& o : evaluate(in)) {
    SCOPED_TRACE(std::string(to_string(o.method)));
    if (o.method == GetParam()) {
      EXPECT_FALSE(o.available);
      EXPECT_EQ(o.reason, "disabled by the airline");
      EXPECT_FALSE(o.due_at.has_value());
      EXPECT_FALSE(o.ticket_at_once);
    } else {
      EXPECT_TRUE(o.available) << o.reason;
    }
  }
}

// Disabling wins over the method's own reason (here: no credit line, TL too close for invoice).
TEST_P(DisabledByMerchant, CheckedBeforeTheMethodsOwnRules) {
  Input in = base();
  in.credit.reset();
  in.deposit_balance_minor = 0;
  set_tl(in, 1min);
  in.settings.disabled = {GetParam()};
  EXPECT_EQ(evaluate(in, GetParam()).reason, "disabled by the airline");
}

INSTANTIATE_TEST_SUITE_P(Engine, DisabledByMerchant, testing::ValuesIn(kAllMethods),
                         [](const auto& i) { return std::string(to_string(i.param)); });

// ---- Invariants over every input above ------------------------------------------------------

class Invariants : public testing::TestWithParam<OfferCase> {};

TEST_P(Invariants, Hold) {
  const Input in = make(GetParam().setup);
  const auto options = evaluate(in);
  ASSERT_EQ(options.size(), std::size(kAllMethods));
  for (std::size_t i = 0; i < options.size(); ++i) {
    const Option& o = options[i];
    SCOPED_TRACE(std::string(to_string(kAllMethods[i])));
    EXPECT_EQ(o.method, kAllMethods[i]);
    EXPECT_FALSE(o.reason.empty());
    EXPECT_EQ(o.available, o.due_at.has_value());
    if (!o.available) {
      EXPECT_FALSE(o.ticket_at_once);
    }
    if (o.due_at) {
      EXPECT_GE(*o.due_at, in.now);
    }
    if (o.available && o.method == Method::invoice) {
      EXPECT_LT(*o.due_at, in.ticketing_time_limit);
    }

    const Option single = evaluate(in, kAllMethods[i]);
    EXPECT_EQ(single.method, o.method);
    EXPECT_EQ(single.available, o.available);
    EXPECT_EQ(single.reason, o.reason);
    EXPECT_EQ(single.due_at, o.due_at);
    EXPECT_EQ(single.ticket_at_once, o.ticket_at_once);
  }
}

INSTANTIATE_TEST_SUITE_P(Engine, Invariants, testing::ValuesIn(kOfferCases),
                         [](const auto& i) { return test_name(i.param.name); });

// ---- Names ----------------------------------------------------------------------------------

TEST(MethodNames, RoundTripInSnakeCase) {
  const char* names[] = {"credit_line",      "deposit", "card_hold",
                         "guarantee_letter", "card",    "invoice"};
  for (std::size_t i = 0; i < std::size(kAllMethods); ++i) {
    EXPECT_EQ(to_string(kAllMethods[i]), names[i]);
    EXPECT_EQ(parse_method(names[i]), kAllMethods[i]);
  }
}

TEST(MethodNames, UnknownOrMiscasedIsNullopt) {
  for (const char* text : {"", "Card", "CARD", "credit-line", "creditLine", "card ", "cards"})
    EXPECT_EQ(parse_method(text), std::nullopt) << '"' << text << '"';
}

TEST(MethodNames, GuaranteesAreTheFirstFour) {
  EXPECT_TRUE(is_guarantee(Method::credit_line));
  EXPECT_TRUE(is_guarantee(Method::deposit));
  EXPECT_TRUE(is_guarantee(Method::card_hold));
  EXPECT_TRUE(is_guarantee(Method::guarantee_letter));
  EXPECT_FALSE(is_guarantee(Method::card));
  EXPECT_FALSE(is_guarantee(Method::invoice));
}

}  // namespace
}  // namespace skybill::options
