#include "skybill/documents/words.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace skybill::documents {
namespace {

core::Money rub(std::int64_t kopecks) { return core::Money(kopecks, core::currency("RUB")); }

TEST(AmountInWords, TheInvoiceTotalInRussianAndEnglish) {
  EXPECT_EQ(amount_in_words(rub(1149950), Language::ru), "Одиннадцать тысяч четыреста девяносто девять рублей 50 копеек");
  EXPECT_EQ(amount_in_words(rub(1149950), Language::en), "Eleven thousand four hundred ninety-nine roubles 50 kopecks");
}

TEST(AmountInWords, RussianRoublesAndKopecksAgreeWithTheirNumber) {
  EXPECT_EQ(amount_in_words(rub(100), Language::ru), "Один рубль 00 копеек");
  EXPECT_EQ(amount_in_words(rub(201), Language::ru), "Два рубля 01 копейка");
  EXPECT_EQ(amount_in_words(rub(502), Language::ru), "Пять рублей 02 копейки");
  EXPECT_EQ(amount_in_words(rub(1105), Language::ru), "Одиннадцать рублей 05 копеек");
  EXPECT_EQ(amount_in_words(rub(2111), Language::ru), "Двадцать один рубль 11 копеек");
  EXPECT_EQ(amount_in_words(rub(11221), Language::ru), "Сто двенадцать рублей 21 копейка");
  EXPECT_EQ(amount_in_words(rub(31422), Language::ru), "Триста четырнадцать рублей 22 копейки");
  EXPECT_EQ(amount_in_words(rub(0), Language::ru), "Ноль рублей 00 копеек");
  EXPECT_EQ(amount_in_words(rub(99), Language::ru), "Ноль рублей 99 копеек");
}

TEST(AmountInWords, ThousandsAreFeminineTheLargerGroupsMasculine) {
  EXPECT_EQ(number_in_words(1000, Language::ru), "одна тысяча");
  EXPECT_EQ(number_in_words(2000, Language::ru), "две тысячи");
  EXPECT_EQ(number_in_words(5000, Language::ru), "пять тысяч");
  EXPECT_EQ(number_in_words(11000, Language::ru), "одиннадцать тысяч");
  EXPECT_EQ(number_in_words(21000, Language::ru), "двадцать одна тысяча");
  EXPECT_EQ(number_in_words(22000, Language::ru), "двадцать две тысячи");
  EXPECT_EQ(number_in_words(1000000, Language::ru), "один миллион");
  EXPECT_EQ(number_in_words(2000000, Language::ru), "два миллиона");
  EXPECT_EQ(number_in_words(12000000, Language::ru), "двенадцать миллионов");
  EXPECT_EQ(number_in_words(1001001, Language::ru), "один миллион одна тысяча один");
  EXPECT_EQ(number_in_words(2000000002, Language::ru), "два миллиарда два");
  EXPECT_EQ(number_in_words(999999, Language::ru), "девятьсот девяносто девять тысяч девятьсот девяносто девять");
  EXPECT_EQ(number_in_words(100, Language::ru), "сто");
  EXPECT_EQ(number_in_words(240, Language::ru), "двести сорок");
}

TEST(AmountInWords, EnglishNumbers) {
  EXPECT_EQ(number_in_words(0, Language::en), "zero");
  EXPECT_EQ(number_in_words(15, Language::en), "fifteen");
  EXPECT_EQ(number_in_words(40, Language::en), "forty");
  EXPECT_EQ(number_in_words(101, Language::en), "one hundred one");
  EXPECT_EQ(number_in_words(1000001, Language::en), "one million one");
  EXPECT_EQ(number_in_words(123456, Language::en), "one hundred twenty-three thousand four hundred fifty-six");
  EXPECT_EQ(amount_in_words(rub(101), Language::en), "One rouble 01 kopeck");
}

TEST(AmountInWords, TheLargestAmountsAndNegativeOnes) {
  EXPECT_EQ(amount_in_words(rub(-250), Language::ru), "Минус два рубля 50 копеек");
  EXPECT_EQ(amount_in_words(rub(-250), Language::en), "Minus two roubles 50 kopecks");
  auto max = amount_in_words(rub(std::numeric_limits<std::int64_t>::max()), Language::ru);
  EXPECT_EQ(max,
            "Девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать миллиардов триста шестьдесят "
            "восемь миллионов пятьсот сорок семь тысяч семьсот пятьдесят восемь рублей 07 копеек");
  auto min = amount_in_words(rub(std::numeric_limits<std::int64_t>::min()), Language::en);
  EXPECT_EQ(min.substr(0, 27), "Minus ninety-two quadrillio") << min;
  EXPECT_TRUE(min.ends_with("roubles 08 kopecks")) << min;
}

TEST(AmountInWords, OtherCurrenciesKeepTheirCode) {
  EXPECT_EQ(amount_in_words(core::Money(12500, core::currency("USD")), Language::ru), "Сто двадцать пять USD 00/100");
  EXPECT_EQ(amount_in_words(core::Money(125, core::currency("JPY")), Language::en), "One hundred twenty-five JPY");
  EXPECT_EQ(amount_in_words(core::Money(1005, core::currency("KWD")), Language::en), "One KWD 005/1000");
}

TEST(AmountInWords, EveryNumberUpToTenThousandHasWordsWithoutDoubleSpaces) {
  for (unsigned long long n = 0; n <= 10000; ++n)
    for (auto l : {Language::ru, Language::en}) {
      auto w = number_in_words(n, l);
      ASSERT_FALSE(w.empty()) << n;
      ASSERT_EQ(w.find("  "), std::string::npos) << n << ": " << w;
      ASSERT_NE(w.front(), ' ') << n;
      ASSERT_NE(w.back(), ' ') << n;
    }
}

}  // namespace
}  // namespace skybill::documents
