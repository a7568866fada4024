#include "skybill/core/vat.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace skybill::core {
namespace {

__extension__ typedef __int128 Int128;

const Currency& rub() { return currency("RUB"); }
Money rub_amount(std::string_view text) { return Money::parse(text, rub()); }

// Independent reference: floor((2|a|p + d) / 2d) is |a|p/d rounded half up; sign restored.
std::int64_t reference_vat(std::int64_t amount, int p) {
  if (p == 0) return 0;
  const Int128 a = amount, d = 100 + p;
  const Int128 magnitude = a < 0 ? -a : a;
  const Int128 rounded = (2 * magnitude * p + d) / (2 * d);
  return static_cast<std::int64_t>(a < 0 ? -rounded : rounded);
}

TEST(VatRate, ParseAndFormat) {
  EXPECT_EQ(parse_vat_rate("22"), VatRate::vat22);
  EXPECT_EQ(parse_vat_rate("20"), VatRate::vat20);
  EXPECT_EQ(parse_vat_rate("10"), VatRate::vat10);
  EXPECT_EQ(parse_vat_rate("0"), VatRate::vat0);
  EXPECT_EQ(parse_vat_rate("none"), VatRate::none);
  for (const char* bad : {"", "18", "5", "7", "22%", " 22", "22 ", "NONE", "None", "00", "020",
                          "-10", "10.0", "22/122", "без НДС"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(parse_vat_rate(bad), std::nullopt);
  }
  for (VatRate r : {VatRate::vat22, VatRate::vat20, VatRate::vat10, VatRate::vat0, VatRate::none})
    EXPECT_EQ(parse_vat_rate(to_string(r)), r);
  EXPECT_EQ(to_string(VatRate::none), "none");
}

TEST(VatRate, Percent) {
  EXPECT_EQ(percent(VatRate::vat22), 22);
  EXPECT_EQ(percent(VatRate::vat20), 20);
  EXPECT_EQ(percent(VatRate::vat10), 10);
  EXPECT_EQ(percent(VatRate::vat0), 0);
  EXPECT_EQ(percent(VatRate::none), 0);
}

TEST(VatIncluded, DomainExamples) {
  EXPECT_EQ(vat_included(rub_amount("10000.00"), VatRate::vat10).to_string(), "909.09");
  EXPECT_EQ(vat_included(rub_amount("499.50"), VatRate::vat22).to_string(), "90.07");
  EXPECT_EQ(vat_included(rub_amount("1000.00"), VatRate::vat20).to_string(), "166.67");
  EXPECT_EQ(vat_included(rub_amount("122.00"), VatRate::vat22).to_string(), "22.00");
  EXPECT_EQ(vat_included(rub_amount("120.00"), VatRate::vat20).to_string(), "20.00");
  EXPECT_EQ(vat_included(rub_amount("110.00"), VatRate::vat10).to_string(), "10.00");
}

TEST(VatIncluded, KeepsTheCurrency) {
  const Money v = vat_included(Money::parse("1.000", currency("KWD")), VatRate::vat20);
  EXPECT_EQ(v.currency().code, "KWD");
  EXPECT_EQ(v.minor(), 167);
}

TEST(VatIncluded, ZeroRateAndNone) {
  for (VatRate r : {VatRate::vat0, VatRate::none}) {
    EXPECT_TRUE(vat_included(rub_amount("12345.67"), r).is_zero());
    EXPECT_TRUE(vat_included(rub_amount("-12345.67"), r).is_zero());
    EXPECT_EQ(vat_included(rub_amount("1.00"), r).currency().code, "RUB");
  }
  for (VatRate r : {VatRate::vat22, VatRate::vat20, VatRate::vat10})
    EXPECT_TRUE(vat_included(Money::zero(rub()), r).is_zero());
}

TEST(VatIncluded, HalfUpBoundaries) {
  // 20 %: 3 kopecks hold exactly 0.5 kopeck of VAT, the only exact ties (a = 6k + 3).
  EXPECT_EQ(vat_included(Money(3, rub()), VatRate::vat20).minor(), 1);
  EXPECT_EQ(vat_included(Money(9, rub()), VatRate::vat20).minor(), 2);    // 1.5
  EXPECT_EQ(vat_included(Money(15, rub()), VatRate::vat20).minor(), 3);   // 2.5
  EXPECT_EQ(vat_included(Money(2, rub()), VatRate::vat20).minor(), 0);    // 0.333
  EXPECT_EQ(vat_included(Money(4, rub()), VatRate::vat20).minor(), 1);    // 0.667
  EXPECT_EQ(vat_included(Money(-3, rub()), VatRate::vat20).minor(), -1);  // away from zero
  EXPECT_EQ(vat_included(Money(-9, rub()), VatRate::vat20).minor(), -2);
  EXPECT_EQ(vat_included(Money(-2, rub()), VatRate::vat20).minor(), 0);
  // 10 %: 5 -> 0.4545, 6 -> 0.5454.
  EXPECT_EQ(vat_included(Money(5, rub()), VatRate::vat10).minor(), 0);
  EXPECT_EQ(vat_included(Money(6, rub()), VatRate::vat10).minor(), 1);
  EXPECT_EQ(vat_included(Money(-6, rub()), VatRate::vat10).minor(), -1);
  // 22 %: 2 -> 0.3607, 3 -> 0.541; 8 -> 1.4426, 9 -> 1.623.
  EXPECT_EQ(vat_included(Money(2, rub()), VatRate::vat22).minor(), 0);
  EXPECT_EQ(vat_included(Money(3, rub()), VatRate::vat22).minor(), 1);
  EXPECT_EQ(vat_included(Money(8, rub()), VatRate::vat22).minor(), 1);
  EXPECT_EQ(vat_included(Money(9, rub()), VatRate::vat22).minor(), 2);
  EXPECT_EQ(vat_included(Money(-3, rub()), VatRate::vat22).minor(), -1);
}

TEST(VatIncluded, NegativeAmountsMirrorPositive) {
  for (std::int64_t a = 0; a < 5000; ++a)
    for (VatRate r : {VatRate::vat22, VatRate::vat20, VatRate::vat10})
      ASSERT_EQ(vat_included(Money(-a, rub()), r).minor(),
                -vat_included(Money(a, rub()), r).minor())
          << a << " at " << to_string(r);
  EXPECT_EQ(vat_included(rub_amount("-10000.00"), VatRate::vat10).to_string(), "-909.09");
  EXPECT_EQ(vat_included(rub_amount("-499.50"), VatRate::vat22).to_string(), "-90.07");
}

TEST(VatIncluded, ExtremeAmountsDoNotOverflow) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  for (VatRate r : {VatRate::vat22, VatRate::vat20, VatRate::vat10}) {
    EXPECT_EQ(vat_included(Money(kMax, rub()), r).minor(), reference_vat(kMax, percent(r)));
    EXPECT_EQ(vat_included(Money(kMin, rub()), r).minor(), reference_vat(kMin, percent(r)));
  }
  EXPECT_EQ(vat_included(Money(kMax, rub()), VatRate::vat20).minor(), 1537228672809129301);
}

TEST(VatIncluded, PropertyMatchesReferenceAndSplitsTheAmount) {
  std::mt19937_64 rng(425);
  std::vector<std::int64_t> amounts;
  for (std::int64_t a = -20000; a <= 20000; ++a) amounts.push_back(a);
  for (int i = 0; i < 50000; ++i) {
    amounts.push_back(static_cast<std::int64_t>(rng()));
    amounts.push_back(static_cast<std::int64_t>(rng() % 1'000'000'000) - 500'000'000);
  }
  for (VatRate r : {VatRate::vat22, VatRate::vat20, VatRate::vat10, VatRate::vat0, VatRate::none}) {
    for (std::int64_t a : amounts) {
      const Money amount(a, rub());
      const Money vat = vat_included(amount, r);
      ASSERT_EQ(vat.minor(), reference_vat(a, percent(r))) << a << " at " << to_string(r);
      const Money net = amount - vat;
      ASSERT_EQ(net + vat, amount);
      // VAT never exceeds the amount and never has the opposite sign.
      ASSERT_LE(vat.minor() < 0 ? -static_cast<Int128>(vat.minor()) : vat.minor(),
                a < 0 ? -static_cast<Int128>(a) : a);
      ASSERT_FALSE(a > 0 && vat.is_negative());
      ASSERT_FALSE(a < 0 && vat.minor() > 0);
    }
  }
}

}  // namespace
}  // namespace skybill::core
