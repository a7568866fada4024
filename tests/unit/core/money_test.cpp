#include "skybill/core/money.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "skybill/core/problem.hpp"

namespace skybill::core {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

const Currency& rub() { return currency("RUB"); }
const Currency& jpy() { return currency("JPY"); }
const Currency& kwd() { return currency("KWD"); }

std::string parse_error(std::string_view text, const Currency& cur) {
  try {
    Money::parse(text, cur);
  } catch (const MoneyError& e) {
    return e.message;
  }
  return "<no error>";
}

TEST(Currency, RequiredTableEntries) {
  struct Row {
    const char* code;
    int exponent;
    int numeric;
  };
  const Row rows[] = {{"RUB", 2, 643}, {"USD", 2, 840}, {"EUR", 2, 978}, {"CNY", 2, 156},
                      {"KZT", 2, 398}, {"BYN", 2, 933}, {"UZS", 2, 860}, {"AMD", 2, 51},
                      {"AZN", 2, 944}, {"GEL", 2, 981}, {"KGS", 2, 417}, {"TRY", 2, 949},
                      {"AED", 2, 784}, {"GBP", 2, 826}, {"CHF", 2, 756}, {"JPY", 0, 392},
                      {"KRW", 0, 410}, {"KWD", 3, 414}, {"BHD", 3, 48},  {"OMR", 3, 512},
                      {"JOD", 3, 400}, {"TND", 3, 788}, {"INR", 2, 356}, {"THB", 2, 764}};
  for (const Row& r : rows) {
    SCOPED_TRACE(r.code);
    const Currency& c = currency(r.code);
    EXPECT_EQ(c.code, r.code);
    EXPECT_EQ(c.exponent, r.exponent);
    EXPECT_EQ(c.numeric, r.numeric);
    EXPECT_EQ(find_currency(r.code), &c);
  }
}

TEST(Currency, UnknownCodes) {
  for (const char* code : {"", "rub", "Rub", "XXX", "ABC", "RUBB", "RU", " RUB", "HRK"}) {
    SCOPED_TRACE(code);
    EXPECT_EQ(find_currency(code), nullptr);
    try {
      currency(code);
      ADD_FAILURE() << "no Problem thrown";
    } catch (const Problem& p) {
      EXPECT_EQ(p.status, 422);
      EXPECT_EQ(p.type, "unknown-currency");
      EXPECT_NE(p.detail.find("ISO 4217"), std::string::npos);
    }
  }
}

TEST(MoneyParse, AcceptsCanonicalForms) {
  EXPECT_EQ(Money::parse("12500.00", rub()).minor(), 1250000);
  EXPECT_EQ(Money::parse("0.05", rub()).minor(), 5);
  EXPECT_EQ(Money::parse("-0.05", rub()).minor(), -5);
  EXPECT_EQ(Money::parse("0.00", rub()).minor(), 0);
  EXPECT_EQ(Money::parse("-0.00", rub()).minor(), 0);
  EXPECT_TRUE(Money::parse("-0.00", rub()).is_zero());
  EXPECT_EQ(Money::parse("125", jpy()).minor(), 125);
  EXPECT_EQ(Money::parse("0", jpy()).minor(), 0);
  EXPECT_EQ(Money::parse("-7", jpy()).minor(), -7);
  EXPECT_EQ(Money::parse("1.500", kwd()).minor(), 1500);
  EXPECT_EQ(Money::parse("0.001", kwd()).minor(), 1);
  EXPECT_EQ(Money::parse("10.00", rub()).currency().code, "RUB");
}

TEST(MoneyParse, AcceptsInt64Limits) {
  EXPECT_EQ(Money::parse("92233720368547758.07", rub()).minor(), kMax);
  EXPECT_EQ(Money::parse("-92233720368547758.08", rub()).minor(), kMin);
  EXPECT_EQ(Money::parse("9223372036854775807", jpy()).minor(), kMax);
  EXPECT_EQ(Money::parse("-9223372036854775808", jpy()).minor(), kMin);
  EXPECT_EQ(Money::parse("9223372036854775.807", kwd()).minor(), kMax);
}

TEST(MoneyParse, RejectsEveryMalformedString) {
  const char* bad_rub[] = {"",       "-",     ".",     "-.00",   ".50",      "1",        "1.",
                           "1.5",    "1.500", "01.00", "00.00",  "-01.00",   "+1.00",    " 1.00",
                           "1.00 ",  "1,00",  "1e3",   "1E3",    "1 000.00", "1_000.00", "--1.00",
                           "1-.00",  "1.0-",  "1.2.3", "0x1.00", "abc",      "１.00",    "1.00\n",
                           "-+1.00", "NaN",   "inf",   "∞"};
  for (const char* text : bad_rub) {
    SCOPED_TRACE(text);
    EXPECT_THROW(Money::parse(text, rub()), MoneyError);
  }
  for (const char* text : {"1.0", "1.", "01", "00", "+5", "1e3", "-", ""}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(Money::parse(text, jpy()), MoneyError);
  }
  for (const char* text : {"1.00", "1.0000", "1", "01.000", "1.5"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW(Money::parse(text, kwd()), MoneyError);
  }
}

TEST(MoneyParse, RejectsOverflow) {
  for (const char* text : {"92233720368547758.08", "-92233720368547758.09", "100000000000000000.00",
                           "99999999999999999999999999.99", "18446744073709551616.00"}) {
    SCOPED_TRACE(text);
    EXPECT_NE(parse_error(text, rub()).find("out of range"), std::string::npos);
  }
  EXPECT_THROW(Money::parse("9223372036854775808", jpy()), MoneyError);
  EXPECT_THROW(Money::parse("-9223372036854775809", jpy()), MoneyError);
  EXPECT_THROW(Money::parse("9223372036854775.808", kwd()), MoneyError);
}

TEST(MoneyParse, MessagesSayWhatIsWrong) {
  EXPECT_NE(
      parse_error("1.5", rub()).find("expected exactly 2 digits after the decimal point for RUB"),
      std::string::npos);
  EXPECT_NE(parse_error("1", rub()).find("expected exactly 2 digits"), std::string::npos);
  EXPECT_NE(
      parse_error("1.00", kwd()).find("expected exactly 3 digits after the decimal point for KWD"),
      std::string::npos);
  EXPECT_NE(parse_error("1.0", jpy()).find("no decimal point"), std::string::npos);
  EXPECT_NE(parse_error("+1.00", rub()).find("'+'"), std::string::npos);
  EXPECT_NE(parse_error("01.00", rub()).find("leading zeros"), std::string::npos);
  EXPECT_NE(parse_error("1,00", rub()).find("only digits"), std::string::npos);
  EXPECT_NE(parse_error("", rub()).find("empty"), std::string::npos);
  EXPECT_NE(parse_error("-", rub()).find("digits before the decimal point"), std::string::npos);
  EXPECT_NE(parse_error("1,00", rub()).find("\"1,00\""), std::string::npos);
  EXPECT_NE(parse_error("1,00", rub()).find("RUB"), std::string::npos);
}

TEST(MoneyParse, LongInputIsTruncatedInTheMessage) {
  const std::string text(5000, '1');
  EXPECT_LT(parse_error(text, rub()).size(), 200u);
}

TEST(MoneyFormat, Examples) {
  EXPECT_EQ(Money(1250000, rub()).to_string(), "12500.00");
  EXPECT_EQ(Money(-5, rub()).to_string(), "-0.05");
  EXPECT_EQ(Money(0, rub()).to_string(), "0.00");
  EXPECT_EQ(Money(7, rub()).to_string(), "0.07");
  EXPECT_EQ(Money(100, rub()).to_string(), "1.00");
  EXPECT_EQ(Money(125, jpy()).to_string(), "125");
  EXPECT_EQ(Money(-125, jpy()).to_string(), "-125");
  EXPECT_EQ(Money(0, jpy()).to_string(), "0");
  EXPECT_EQ(Money(1, kwd()).to_string(), "0.001");
  EXPECT_EQ(Money(-1500, kwd()).to_string(), "-1.500");
  EXPECT_EQ(Money(kMax, rub()).to_string(), "92233720368547758.07");
  EXPECT_EQ(Money(kMin, rub()).to_string(), "-92233720368547758.08");
  EXPECT_EQ(Money(kMin, jpy()).to_string(), "-9223372036854775808");
}

TEST(MoneyFormat, RoundTripsForExponents0_2_3) {
  std::mt19937_64 rng(20260101);
  std::vector<std::int64_t> values{0,   1,    -1,    9,    10,   99,       100,     101,
                                   999, 1000, -1000, kMax, kMin, kMax - 1, kMin + 1};
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<std::int64_t>(rng()));
    values.push_back(static_cast<std::int64_t>(rng() % 1000000) - 500000);
  }
  for (const Currency* cur : {&jpy(), &rub(), &kwd()}) {
    for (std::int64_t v : values) {
      const std::string text = Money(v, *cur).to_string();
      SCOPED_TRACE(text);
      EXPECT_EQ(Money::parse(text, *cur).minor(), v);
    }
  }
}

TEST(MoneyArithmetic, SameCurrency) {
  const Money a(1050, rub()), b(-300, rub());
  EXPECT_EQ((a + b).minor(), 750);
  EXPECT_EQ((a - b).minor(), 1350);
  EXPECT_EQ((-a).minor(), -1050);
  EXPECT_EQ(a.times(3).minor(), 3150);
  EXPECT_EQ(a.times(-2).minor(), -2100);
  EXPECT_EQ(a.times(0).minor(), 0);
  Money c = a;
  c += b;
  EXPECT_EQ(c.minor(), 750);
  c -= a;
  EXPECT_EQ(c, b);
  EXPECT_TRUE(b < a);
  EXPECT_FALSE(a < b);
  EXPECT_FALSE(a < a);
  EXPECT_TRUE(b.is_negative());
  EXPECT_FALSE(a.is_negative());
  EXPECT_TRUE(Money::zero(rub()).is_zero());
}

TEST(MoneyArithmetic, OverflowThrows) {
  const Money max(kMax, rub()), min(kMin, rub()), one(1, rub());
  EXPECT_THROW(max + one, MoneyError);
  EXPECT_THROW(min + (-one), MoneyError);
  EXPECT_THROW(min - one, MoneyError);
  EXPECT_THROW(max - (-one), MoneyError);
  EXPECT_THROW(-min, MoneyError);
  EXPECT_THROW(max.times(2), MoneyError);
  EXPECT_THROW(min.times(-1), MoneyError);
  EXPECT_THROW(Money(kMax / 2 + 1, rub()).times(2), MoneyError);
  EXPECT_THROW(Money(kMin / 3 - 1, rub()).times(3), MoneyError);
  Money m = max;
  EXPECT_THROW(m += one, MoneyError);
  EXPECT_EQ(m, max);  // unchanged after a failed operation
  EXPECT_EQ((max + min).minor(), -1);
  EXPECT_EQ((-max).minor(), kMin + 1);
  EXPECT_EQ(Money(kMax / 2, rub()).times(2).minor(), kMax - 1);
  EXPECT_EQ(min.times(1), min);
}

TEST(MoneyArithmetic, CurrencyMismatchThrows) {
  const Money r(100, rub()), u(100, currency("USD"));
  EXPECT_THROW(r + u, MoneyError);
  EXPECT_THROW(r - u, MoneyError);
  EXPECT_THROW((void)(r < u), MoneyError);
  Money m = r;
  EXPECT_THROW(m += u, MoneyError);
  EXPECT_THROW(m -= u, MoneyError);
  EXPECT_FALSE(r == u);
  try {
    (void)(r + u);
  } catch (const MoneyError& e) {
    EXPECT_NE(e.message.find("RUB"), std::string::npos);
    EXPECT_NE(e.message.find("USD"), std::string::npos);
  }
}

TEST(MoneyEquality, ComparesAmountAndCurrency) {
  EXPECT_EQ(Money(5, rub()), Money(5, rub()));
  EXPECT_FALSE(Money(5, rub()) == Money(6, rub()));
  EXPECT_FALSE(Money(5, rub()) == Money(5, jpy()));
}

}  // namespace
}  // namespace skybill::core
