#pragma once
// Internal: reading invoice numbers and deposit references out of a payment purpose.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skybill::matching::detail {

struct Number {
  std::string prefix;        // folded to [A-Z0-9]; empty: a bare sequence (prefix unknown)
  int year = 0;
  int seq = 0;
  bool year_stated = true;   // false: a bare sequence that took the payment's year
  std::size_t at = 0;        // where it starts in the purpose (code points)
};

// "SB-2026-000123", "*-2026-000123"
std::string normalised(const Number& n);

struct Scan {
  std::vector<Number> numbers;          // in order of appearance, de-duplicated
  std::optional<std::string> deposit;   // "DEP-XXXXXXXX"
};

Scan scan(std::string_view purpose, int payment_year);

// An invoice's own number "<prefix>-<year>-<sequence>" with its prefix folded like the
// purpose's (a prefix with characters that have no fold is kept as written: it then matches
// nothing in a purpose). nullopt when the number has another shape.
std::optional<Number> parse_invoice_number(std::string_view number);

}  // namespace skybill::matching::detail
