#include "skybill/settlement/rules.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skybill/core/problem.hpp"

namespace skybill::settlement {
namespace {

using namespace std::chrono_literals;
using core::Date;

Date D(const char* iso) { return core::parse_iso_date(iso); }

const core::BusinessCalendar& ru() {
  static const auto cal = core::BusinessCalendar::load(std::string(SKYBILL_SOURCE_DIR) + "/config/calendars");
  return cal;
}

std::vector<std::string> fields_of(const core::Problem& p) {
  std::vector<std::string> out;
  for (const auto& e : p.errors) out.push_back(e.field);
  return out;
}

// --- commission ---

TEST(Fee, PercentIsRoundedHalfUpToTheKopeck) {
  Commission c{.percent_millionths = 15'000};  // 1.5 %
  EXPECT_EQ(fee(c, 100'00, "RUB"), 1'50);
  EXPECT_EQ(fee(c, 33, "RUB"), 0);     // 0.495 kopecks -> 0
  EXPECT_EQ(fee(c, 34, "RUB"), 1);     // 0.51 -> 1
  EXPECT_EQ(fee(c, 100, "RUB"), 2);    // 1.5 -> 2 (half up)
  EXPECT_EQ(fee(c, 12'345'67, "RUB"), 18'519);  // 18518.505 -> 18519
  Commission smallest{.percent_millionths = 1};  // 0.0001 %
  EXPECT_EQ(fee(smallest, 1'000'000'00, "RUB"), 1'00);
  EXPECT_EQ(fee(smallest, 499'999, "RUB"), 0);
  EXPECT_EQ(fee(smallest, 500'000, "RUB"), 1);
}

TEST(Fee, FixedPartIsPerPaymentAndPerCurrency) {
  Commission c{.percent_millionths = 10'000, .fixed_minor = {{"RUB", 30'00}}};
  EXPECT_EQ(fee(c, 1'000'00, "RUB"), 10'00 + 30'00);
  EXPECT_EQ(fee(c, 1'000'00, "EUR"), 10'00);  // no fixed fee in EUR
  Commission fixed_only{.fixed_minor = {{"RUB", 30'00}}};
  EXPECT_EQ(fee(fixed_only, 5'000'00, "RUB"), 30'00);
}

TEST(Fee, NeverMoreThanThePaymentNorNegative) {
  Commission c{.percent_millionths = 50'000, .fixed_minor = {{"RUB", 30'00}}};
  EXPECT_EQ(fee(c, 10'00, "RUB"), 10'00);
  EXPECT_EQ(fee(c, 0, "RUB"), 0);
  EXPECT_EQ(fee(c, -5'00, "RUB"), 0);
  EXPECT_EQ(fee(Commission{}, 1'000'00, "RUB"), 0);
}

TEST(Fee, HugeAmountsDoNotOverflow) {
  Commission c{.percent_millionths = 999'999};  // 99.9999 %
  const std::int64_t big = 9'000'000'000'000'000'000;  // near INT64_MAX
  auto f = fee(c, big, "RUB");
  EXPECT_GT(f, 0);
  EXPECT_LE(f, big);
  EXPECT_EQ(f, big / 1'000'000 * 999'999);
}

TEST(Percent, ParsesUpToFourDecimals) {
  EXPECT_EQ(parse_percent("1.5"), 15'000);
  EXPECT_EQ(parse_percent("0"), 0);
  EXPECT_EQ(parse_percent("2"), 20'000);
  EXPECT_EQ(parse_percent("0.0001"), 1);
  EXPECT_EQ(parse_percent("99.9999"), 999'999);
  EXPECT_EQ(parse_percent("02.50"), 25'000);
  for (const char* bad : {"", "1.", ".5", "100", "1.23456", "-1", "1,5", "1.5%", " 1", "1e2", "abc"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_percent(bad), core::Problem);
  }
  EXPECT_EQ(percent_text(15'000), "1.5");
  EXPECT_EQ(percent_text(1), "0.0001");
  EXPECT_EQ(percent_text(20'000), "2");
}

TEST(Cutoff, ParsesLocalTimes) {
  EXPECT_EQ(parse_cutoff("18:00"), 18h);
  EXPECT_EQ(parse_cutoff("00:00"), 0min);
  EXPECT_EQ(parse_cutoff("23:59"), 23h + 59min);
  for (const char* bad : {"24:00", "18:60", "8:00", "18.00", "18:00:00", "", "ab:cd", "-1:00"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_cutoff(bad), core::Problem);
  }
  EXPECT_EQ(cutoff_text(18h + 5min), "18:05");
}

TEST(Settings, DefaultsWhenAbsent) {
  auto s = settings_from_json(nullptr, 17h);
  EXPECT_EQ(s.cutoff, 17h);
  EXPECT_EQ(s.commission.percent_millionths, 0);
  EXPECT_TRUE(s.commission.fixed_minor.empty());
}

TEST(Settings, ReadsEveryField) {
  auto s = settings_from_json(nlohmann::json::parse(R"({
    "commission_percent": "1.25", "commission_fixed": {"RUB": "30.00", "JPY": "100"}, "cutoff": "16:30",
    "payee": {"account": "40702810000000000042", "bic": "044525225", "bank": "Bank",
              "correspondent_account": "30101810400000000225", "name": "Air", "inn": "7707083893"}})"),
                              18h);
  EXPECT_EQ(s.commission.percent_millionths, 12'500);
  EXPECT_EQ(s.commission.fixed_minor.at("RUB"), 30'00);
  EXPECT_EQ(s.commission.fixed_minor.at("JPY"), 100);
  EXPECT_EQ(s.cutoff, 16h + 30min);
  EXPECT_EQ(s.payee["account"], "40702810000000000042");
}

TEST(Settings, ListsEveryBadField) {
  try {
    settings_from_json(nlohmann::json::parse(R"({
      "commission_percent": 1.5, "commission_fixed": {"XXX": "1.00", "RUB": "1.5", "EUR": "-1.00"},
      "cutoff": "25:00", "payee": {"account": "123", "bic": "x", "iban": "DE"}, "color": "red"})"),
                       18h);
    FAIL() << "accepted";
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    auto f = fields_of(p);
    for (const char* want : {"commission_percent", "commission_fixed.XXX", "commission_fixed.RUB", "commission_fixed.EUR",
                             "cutoff", "payee.account", "payee.bic", "payee.iban", "color"}) {
      SCOPED_TRACE(want);
      EXPECT_NE(std::find(f.begin(), f.end(), want), f.end());
    }
  }
}

// --- business days (RU 2026 calendar) ---

TEST(SettlementDay, BeforeTheCutoffOfABusinessDayItIsThatDay) {
  EXPECT_EQ(settlement_day(ru(), D("2026-11-20"), 17h + 59min, 18h), D("2026-11-20"));  // Friday
  EXPECT_EQ(payout_day(ru(), D("2026-11-20")), D("2026-11-23"));                       // paid Monday
  EXPECT_EQ(settlement_day(ru(), D("2026-11-18"), 0min, 18h), D("2026-11-18"));
  EXPECT_EQ(payout_day(ru(), D("2026-11-18")), D("2026-11-19"));
}

TEST(SettlementDay, AtOrAfterTheCutoffItIsTheNextBusinessDay) {
  EXPECT_EQ(settlement_day(ru(), D("2026-11-20"), 18h, 18h), D("2026-11-23"));
  EXPECT_EQ(payout_day(ru(), D("2026-11-23")), D("2026-11-24"));
  EXPECT_EQ(settlement_day(ru(), D("2026-11-18"), 23h + 59min, 18h), D("2026-11-19"));
}

TEST(SettlementDay, DaysOffGoToTheNextBusinessDay) {
  EXPECT_EQ(settlement_day(ru(), D("2026-11-21"), 10h, 18h), D("2026-11-23"));  // Saturday
  EXPECT_EQ(settlement_day(ru(), D("2026-11-22"), 23h, 18h), D("2026-11-23"));  // Sunday
  EXPECT_EQ(settlement_day(ru(), D("2026-11-04"), 9h, 18h), D("2026-11-05"));   // Unity Day
}

TEST(SettlementDay, NewYearHolidays) {
  // 30 December 2026 (Wednesday) before the cut-off: paid on the first business day of 2027.
  EXPECT_EQ(settlement_day(ru(), D("2026-12-30"), 12h, 18h), D("2026-12-30"));
  auto first_2027 = ru().next_business_day(D("2026-12-30"));
  EXPECT_EQ(payout_day(ru(), D("2026-12-30")), first_2027);
  EXPECT_GE(first_2027, D("2027-01-09"));
  // After the cut-off on 30 December, or on 31 December (a day off in 2026): settled on that
  // first business day of 2027 and paid the day after it.
  EXPECT_EQ(settlement_day(ru(), D("2026-12-30"), 18h, 18h), first_2027);
  EXPECT_EQ(settlement_day(ru(), D("2026-12-31"), 10h, 18h), first_2027);
  EXPECT_EQ(settlement_day(ru(), D("2027-01-03"), 10h, 18h), first_2027);
  EXPECT_EQ(payout_day(ru(), first_2027), ru().next_business_day(first_2027));
}

TEST(LastClosedDay, IsTodayAfterTheCutoffElseThePreviousBusinessDay) {
  EXPECT_EQ(last_closed_day(ru(), D("2026-11-20"), 18h, 18h), D("2026-11-20"));
  EXPECT_EQ(last_closed_day(ru(), D("2026-11-20"), 17h, 18h), D("2026-11-19"));
  EXPECT_EQ(last_closed_day(ru(), D("2026-11-21"), 12h, 18h), D("2026-11-20"));  // Saturday
  EXPECT_EQ(last_closed_day(ru(), D("2026-11-23"), 9h, 18h), D("2026-11-20"));   // Monday morning
  EXPECT_EQ(last_closed_day(ru(), D("2027-01-04"), 9h, 18h), D("2026-12-30"));   // holidays
}

TEST(RefundDeadline, TwoBusinessDaysAfterAcceptance) {
  EXPECT_EQ(refund_deadline_day(ru(), D("2026-11-18")), D("2026-11-20"));  // Wednesday -> Friday
  EXPECT_EQ(refund_deadline_day(ru(), D("2026-11-19")), D("2026-11-23"));  // Thursday -> Monday
  EXPECT_EQ(refund_deadline_day(ru(), D("2026-11-20")), D("2026-11-24"));  // Friday -> Tuesday
  EXPECT_EQ(refund_deadline_day(ru(), D("2026-11-21")), D("2026-11-24"));  // Saturday -> Tuesday
  EXPECT_EQ(refund_deadline_day(ru(), D("2026-11-03")), D("2026-11-06"));  // over 4 November
  EXPECT_GE(refund_deadline_day(ru(), D("2026-12-30")), D("2027-01-10"));  // over the New Year
}

// --- refund allocation ---

TEST(Allocate, UnpaidPartOfAGuaranteeFirst) {
  auto legs = allocate(70'00, 100'00, "credit_line", {});
  ASSERT_EQ(legs.size(), 1u);
  EXPECT_EQ(legs[0].route, "credit_line");
  EXPECT_EQ(legs[0].amount_minor, 70'00);
}

TEST(Allocate, ThenPaymentsNewestFirst) {
  std::vector<Source> paid = {{"transfer", "p1", 50'00}, {"card", "p2", 30'00}};
  auto legs = allocate(60'00, 20'00, "receivable", paid);
  ASSERT_EQ(legs.size(), 3u);
  EXPECT_EQ(legs[0].route, "receivable");
  EXPECT_EQ(legs[0].amount_minor, 20'00);
  EXPECT_EQ(legs[1].route, "card");
  EXPECT_EQ(legs[1].payment_id, "p2");
  EXPECT_EQ(legs[1].amount_minor, 30'00);
  EXPECT_EQ(legs[2].route, "transfer");
  EXPECT_EQ(legs[2].amount_minor, 10'00);
}

TEST(Allocate, SkipsSourcesAlreadyRefunded) {
  std::vector<Source> paid = {{"transfer", "p1", 50'00}, {"card", "p2", 0}};
  auto legs = allocate(50'00, 0, "receivable", paid);
  ASSERT_EQ(legs.size(), 1u);
  EXPECT_EQ(legs[0].payment_id, "p1");
}

TEST(Allocate, DepositPaidBooking) {
  auto legs = allocate(10'00, 0, "receivable", {{"deposit", "", 100'00}});
  ASSERT_EQ(legs.size(), 1u);
  EXPECT_EQ(legs[0].route, "deposit");
}

TEST(Allocate, MoreThanWasPaidIsRefused) {
  try {
    allocate(100'01, 50'00, "receivable", {{"card", "p", 50'00}});
    FAIL() << "accepted";
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.type, "refund-too-large");
  }
  EXPECT_THROW(allocate(0, 50'00, "receivable", {}), core::Problem);
  EXPECT_THROW(allocate(-1, 50'00, "receivable", {}), core::Problem);
  EXPECT_THROW(allocate(1, 0, "receivable", {}), core::Problem);
}

TEST(Allocate, LegsAlwaysAddUpToTheRefund) {
  std::vector<Source> paid = {{"transfer", "a", 7}, {"card", "b", 11}, {"transfer", "c", 13}};
  for (std::int64_t unpaid = 0; unpaid <= 5; ++unpaid)
    for (std::int64_t amount = 1; amount <= 31 + unpaid; ++amount) {
      auto legs = allocate(amount, unpaid, "receivable", paid);
      std::int64_t sum = 0;
      for (const auto& l : legs) {
        EXPECT_GT(l.amount_minor, 0);
        sum += l.amount_minor;
      }
      EXPECT_EQ(sum, amount);
    }
}

}  // namespace
}  // namespace skybill::settlement
