#include "skybill/core/identifiers.hpp"

#include <cctype>

#include <algorithm>
#include <array>
#include <cstddef>

namespace skybill::core {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }
int digit(std::string_view s, std::size_t i) { return s[i] - '0'; }

// Control digit over the digits preceding it: (sum of d_i * w_i) mod 11 mod 10.
template <std::size_t N>
int control_digit(std::string_view s, const std::array<int, N>& weights) {
  int sum = 0;
  for (std::size_t i = 0; i < N; ++i) sum += digit(s, i) * weights[i];
  return sum % 11 % 10;
}

constexpr std::array<int, 9> kInn10{2, 4, 10, 3, 5, 9, 4, 6, 8};
constexpr std::array<int, 10> kInn12First{7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
constexpr std::array<int, 11> kInn12Second{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};

bool all_zeros(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

}  // namespace

bool is_valid_inn(std::string_view inn) noexcept {
  if ((inn.size() != 10 && inn.size() != 12) || !all_digits(inn)) return false;
  // All zeros passes the checksum but is no taxpayer's number.
  if (all_zeros(inn)) return false;
  if (inn.size() == 10) return control_digit(inn, kInn10) == digit(inn, 9);
  return control_digit(inn, kInn12First) == digit(inn, 10) &&
         control_digit(inn, kInn12Second) == digit(inn, 11);
}

bool is_legal_entity_inn(std::string_view inn) noexcept {
  return inn.size() == 10 && is_valid_inn(inn);
}

bool is_valid_kpp(std::string_view kpp) noexcept {
  if (kpp.size() != 9) return false;
  auto digit_or_capital = [](char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); };
  if (!all_digits(kpp.substr(0, 4)) || !all_digits(kpp.substr(6, 3)) || !digit_or_capital(kpp[4]) ||
      !digit_or_capital(kpp[5]))
    return false;
  const bool one_repeated_digit =
      std::all_of(kpp.begin(), kpp.end(), [&](char c) { return c == kpp[0]; });
  return !one_repeated_digit;
}

bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace skybill::core
