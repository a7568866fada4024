#include "skybill/documents/words.hpp"

#include <array>
#include <cstdio>
#include <string_view>
#include <vector>

namespace skybill::documents {
namespace {

enum class Gender { masculine, feminine };

// Russian nouns after a number: 1 рубль, 2 рубля, 5 рублей (11–14 take the third form).
struct Forms {
  std::string_view one, few, many;
};

std::string_view plural(unsigned long long n, const Forms& f) {
  auto last2 = n % 100, last = n % 10;
  if (last2 >= 11 && last2 <= 14) return f.many;
  if (last == 1) return f.one;
  if (last >= 2 && last <= 4) return f.few;
  return f.many;
}

constexpr std::array<std::string_view, 20> kRuUnits{
    "",           "один",       "два",       "три",         "четыре",       "пять",        "шесть",
    "семь",       "восемь",     "девять",    "десять",      "одиннадцать",  "двенадцать",  "тринадцать",
    "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"};
constexpr std::array<std::string_view, 10> kRuTens{"",         "",         "двадцать",  "тридцать",  "сорок",
                                                   "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
constexpr std::array<std::string_view, 10> kRuHundreds{"",        "сто",       "двести",   "триста",    "четыреста",
                                                       "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"};
// Thousands are feminine (одна тысяча, две тысячи); the larger groups masculine.
constexpr std::array<Forms, 6> kRuGroups{{{"", "", ""},
                                          {"тысяча", "тысячи", "тысяч"},
                                          {"миллион", "миллиона", "миллионов"},
                                          {"миллиард", "миллиарда", "миллиардов"},
                                          {"триллион", "триллиона", "триллионов"},
                                          {"квадриллион", "квадриллиона", "квадриллионов"}}};

constexpr std::array<std::string_view, 20> kEnUnits{
    "",        "one",     "two",       "three",    "four",     "five",    "six",
    "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
    "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
constexpr std::array<std::string_view, 10> kEnTens{"",      "",      "twenty",  "thirty", "forty",
                                                   "fifty", "sixty", "seventy", "eighty", "ninety"};
constexpr std::array<std::string_view, 7> kEnGroups{"", "thousand", "million", "billion", "trillion", "quadrillion",
                                                    "quintillion"};

void append(std::string& out, std::string_view word) {
  if (word.empty()) return;
  if (!out.empty()) out += ' ';
  out += word;
}

// 1..999 in Russian.
void ru_triple(std::string& out, unsigned n, Gender g) {
  append(out, kRuHundreds[n / 100]);
  unsigned rest = n % 100;
  if (rest < 20) {
    if (g == Gender::feminine && rest == 1) append(out, "одна");
    else if (g == Gender::feminine && rest == 2) append(out, "две");
    else append(out, kRuUnits[rest]);
    return;
  }
  append(out, kRuTens[rest / 10]);
  unsigned unit = rest % 10;
  if (g == Gender::feminine && unit == 1) append(out, "одна");
  else if (g == Gender::feminine && unit == 2) append(out, "две");
  else append(out, kRuUnits[unit]);
}

void en_triple(std::string& out, unsigned n) {
  if (n >= 100) {
    append(out, kEnUnits[n / 100]);
    append(out, "hundred");
  }
  unsigned rest = n % 100;
  if (rest < 20) {
    append(out, kEnUnits[rest]);
  } else if (rest % 10 == 0) {
    append(out, kEnTens[rest / 10]);
  } else {
    append(out, std::string(kEnTens[rest / 10]) + "-" + std::string(kEnUnits[rest % 10]));
  }
}

std::vector<unsigned> triples(unsigned long long n) {  // least significant first
  std::vector<unsigned> t;
  do {
    t.push_back(static_cast<unsigned>(n % 1000));
    n /= 1000;
  } while (n > 0);
  return t;
}

std::string ru_number(unsigned long long n, Gender last_gender) {
  if (n == 0) return "ноль";
  auto t = triples(n);
  std::string out;
  for (std::size_t i = t.size(); i-- > 0;) {
    if (t[i] == 0) continue;
    Gender g = i == 1 ? Gender::feminine : i == 0 ? last_gender : Gender::masculine;
    ru_triple(out, t[i], g);
    if (i > 0) append(out, plural(t[i], kRuGroups[i]));
  }
  return out;
}

std::string en_number(unsigned long long n) {
  if (n == 0) return "zero";
  auto t = triples(n);
  std::string out;
  for (std::size_t i = t.size(); i-- > 0;) {
    if (t[i] == 0) continue;
    en_triple(out, t[i]);
    append(out, kEnGroups[i]);
  }
  return out;
}

// Upper-cases the first letter: Latin, or a two-byte Cyrillic letter (а..я in UTF-8).
std::string capitalised(std::string s) {
  if (s.empty()) return s;
  auto c0 = static_cast<unsigned char>(s[0]);
  if (c0 >= 'a' && c0 <= 'z') {
    s[0] = static_cast<char>(c0 - 'a' + 'A');
  } else if (s.size() >= 2) {
    auto c1 = static_cast<unsigned char>(s[1]);
    unsigned code = ((c0 & 0x1Fu) << 6) | (c1 & 0x3Fu);
    if (c0 >= 0xC0 && code >= 0x430 && code <= 0x44F) {
      code -= 0x20;
      s[0] = static_cast<char>(0xC0 | (code >> 6));
      s[1] = static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  return s;
}

std::string minor_figures(unsigned long long minor, int exponent) {
  std::string digits = std::to_string(minor);
  while (static_cast<int>(digits.size()) < exponent) digits.insert(digits.begin(), '0');
  return digits;
}

}  // namespace

std::string number_in_words(unsigned long long n, Language language) {
  return language == Language::ru ? ru_number(n, Gender::masculine) : en_number(n);
}

std::string amount_in_words(const core::Money& amount, Language language) {
  const auto& cur = amount.currency();
  // |minor| without overflow for INT64_MIN.
  unsigned long long magnitude = amount.minor() < 0 ? 0ULL - static_cast<unsigned long long>(amount.minor())
                                                    : static_cast<unsigned long long>(amount.minor());
  unsigned long long scale = 1;
  for (int i = 0; i < cur.exponent; ++i) scale *= 10;
  unsigned long long whole = magnitude / scale, minor = magnitude % scale;
  const bool rub = cur.code == "RUB";
  std::string out;
  if (amount.is_negative()) out = language == Language::ru ? "минус " : "minus ";
  // Appends only: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string.
  auto word = [&out](std::string_view w) {
    out += ' ';
    out += w;
  };
  if (language == Language::ru) {
    out += ru_number(whole, Gender::masculine);
    if (rub) {
      word(plural(whole, {"рубль", "рубля", "рублей"}));
      word(minor_figures(minor, cur.exponent));
      word(plural(minor, {"копейка", "копейки", "копеек"}));
      return capitalised(out);
    }
  } else {
    out += en_number(whole);
    if (rub) {
      word(whole == 1 ? "rouble" : "roubles");
      word(minor_figures(minor, cur.exponent));
      word(minor == 1 ? "kopeck" : "kopecks");
      return capitalised(out);
    }
  }
  word(cur.code);
  if (cur.exponent > 0) {
    word(minor_figures(minor, cur.exponent));
    out += '/';
    out += std::to_string(scale);
  }
  return capitalised(out);
}

}  // namespace skybill::documents
