#pragma once
// Helpers shared by the 1C and camt.053 parsers. Internal to src/statements.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skybill::statements::detail {

// Strips spaces, tabs, CR and LF at both ends.
std::string_view trim(std::string_view s) noexcept;

struct AmountSyntax {
  int exponent = 2;               // fraction digits of the currency
  bool comma_allowed = false;     // "12000,50" (1C) besides "12000.50"
  bool zero_padding_allowed = false;  // "12.340" for RUB (camt: the schema allows 5 decimals)
};
// The amount in minor units, or nullopt with `why` set: "is not an amount", "is zero",
// "is negative", "has more than 2 decimal places", "is too large".
std::optional<std::int64_t> parse_amount(std::string_view text, const AmountSyntax& syntax, std::string& why);

// "20.11.2026" -> "2026-11-20"; nullopt unless DD.MM.YYYY and a real calendar date.
std::optional<std::string> date_from_dmy(std::string_view text);
// "2026-11-20", "2026-11-20+03:00", "2026-11-20T10:15:00Z" -> "2026-11-20"; nullopt unless
// it starts with a real YYYY-MM-DD date followed by nothing, a time or an offset.
std::optional<std::string> date_from_iso(std::string_view text);

// ASCII letters to lower case, other bytes unchanged.
std::string ascii_lower(std::string_view s);

// The value in quotes for an error message, shortened to 60 characters.
std::string quoted(std::string_view value);

}  // namespace skybill::statements::detail
