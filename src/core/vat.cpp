#include "skybill/core/vat.hpp"

namespace skybill::core {
namespace {
// amount * percent never fits in int64 for the largest amounts.
__extension__ typedef __int128 Int128;
}  // namespace

std::optional<VatRate> parse_vat_rate(std::string_view text) noexcept {
  if (text == "22") return VatRate::vat22;
  if (text == "20") return VatRate::vat20;
  if (text == "10") return VatRate::vat10;
  if (text == "0") return VatRate::vat0;
  if (text == "none") return VatRate::none;
  return std::nullopt;
}

std::string_view to_string(VatRate rate) noexcept {
  switch (rate) {
    case VatRate::vat22: return "22";
    case VatRate::vat20: return "20";
    case VatRate::vat10: return "10";
    case VatRate::vat0: return "0";
    case VatRate::none: return "none";
  }
  return "none";
}

int percent(VatRate rate) noexcept {
  switch (rate) {
    case VatRate::vat22: return 22;
    case VatRate::vat20: return 20;
    case VatRate::vat10: return 10;
    case VatRate::vat0:
    case VatRate::none: return 0;
  }
  return 0;
}

Money vat_included(const Money& amount, VatRate rate) {
  const int p = percent(rate);
  if (p == 0) return Money::zero(amount.currency());
  const Int128 numerator = static_cast<Int128>(amount.minor()) * p;
  const Int128 denominator = 100 + p;
  Int128 quotient = numerator / denominator;  // truncates toward zero
  const Int128 remainder = numerator % denominator;
  // Half-up away from zero: round the magnitude up when the dropped part is >= 1/2.
  if (remainder > 0 && 2 * remainder >= denominator) ++quotient;
  if (remainder < 0 && -2 * remainder >= denominator) --quotient;
  // |VAT| < |amount|, so the result always fits.
  return Money(static_cast<std::int64_t>(quotient), amount.currency());
}

}  // namespace skybill::core
