#pragma once
// VAT rates a line may carry, and the VAT contained in a VAT-inclusive amount.
#include <optional>
#include <string_view>

#include "skybill/core/money.hpp"

namespace skybill::core {

enum class VatRate { vat22, vat20, vat10, vat0, none };

// "22" "20" "10" "0" "none" -> rate; anything else -> nullopt.
std::optional<VatRate> parse_vat_rate(std::string_view text) noexcept;
std::string_view to_string(VatRate rate) noexcept;
// Percent for computing: 22, 20, 10, 0; 0 for none.
int percent(VatRate rate) noexcept;

// VAT contained in a VAT-inclusive amount: amount * rate / (100 + rate), rounded half-up
// (away from zero for negative amounts) to the minor unit. Zero for 0 % and none.
// 10 000.00 at 10 % -> 909.09; 499.50 at 22 % -> 90.07; 1 000.00 at 20 % -> 166.67.
Money vat_included(const Money& amount, VatRate rate);

}  // namespace skybill::core
