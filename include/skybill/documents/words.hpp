#pragma once
// An amount in words, as an invoice states its total ("Итого к оплате: … прописью").
#include <string>

#include "skybill/core/money.hpp"

namespace skybill::documents {

enum class Language { ru, en };

// The whole units in words (capitalised), the minor units in figures, as Russian accounting
// writes them:
//   RUB, ru: "Одиннадцать тысяч четыреста девяносто девять рублей 50 копеек"
//   RUB, en: "Eleven thousand four hundred ninety-nine roubles 50 kopecks"
// Another currency keeps its code: "Сто двадцать пять USD 00 центов" is not attempted; it reads
// "Сто двадцать пять USD 00/100" (en: "One hundred twenty-five USD 00/100").
// A negative amount starts with "минус" / "minus".
std::string amount_in_words(const core::Money& amount, Language language);

// A non-negative whole number in words, masculine in Russian: 21 -> "двадцать один".
std::string number_in_words(unsigned long long n, Language language);

}  // namespace skybill::documents
