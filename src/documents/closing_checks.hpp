#pragma once
// The checks a closing document's data must pass before it is drawn: what would make an
// unsound document (no number, an INN that fails its control digits, VAT that is not the
// line's rate, lines that do not add up to the total). Cheap: no I/O, no lookups.
#include <cstdint>
#include <string>
#include <vector>

#include "skybill/core/problem.hpp"
#include "skybill/documents/closing.hpp"

namespace skybill::documents {

// Collects field errors; throw_if_any() throws core::validation_failed (422) with all of them.
class Checks {
 public:
  // The same error twice is told once.
  void fail(std::string field, std::string message);
  void require(bool ok, const std::string& field, const std::string& message) {
    if (!ok) fail(field, message);
  }
  // Non-empty, no line breaks or other control characters, at most `max` characters (as the
  // tax service's formats allow for a name or an address; a line's name may have 2000 there,
  // but a row of the printed form that long would not fit on a sheet).
  void text(const std::string& field, const std::string& value, std::size_t max = 1000);
  // A real calendar date, YYYY-MM-DD.
  void date(const std::string& field, const std::string& value);
  // HH:MM:SS; empty allowed.
  void time(const std::string& field, const std::string& value);
  // Name and address present; INN with good control digits; KPP required for a 10-digit INN
  // (a legal entity), absent for a 12-digit one (a sole proprietor).
  void party(const std::string& field, const Party& party, bool with_address = true);
  void signer(const std::string& field, const Signer& signer);
  // A non-negative amount, a rate skybill knows, and the VAT the rate gives for the amount;
  // `field` is the line ("lines[2]"), `amount` and `vat` name its fields ("amount_minor").
  void vat(const std::string& field, const char* amount, const char* vat, std::int64_t amount_minor,
           const std::string& rate, std::int64_t vat_minor);
  // `rate` as of `date`: 22 % from 2026, 20 % before it.
  void rate_in_force(const std::string& field, const std::string& rate, const std::string& date);
  void throw_if_any() const;

 private:
  std::vector<core::FieldError> errors_;
};

// Amounts above this (ten trillion roubles) are refused, so that sums cannot overflow.
inline constexpr std::int64_t kMaxAmountMinor = 1'000'000'000'000'000;

}  // namespace skybill::documents
