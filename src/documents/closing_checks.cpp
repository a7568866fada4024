#include "closing_checks.hpp"

#include "skybill/core/calendar.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/vat.hpp"

namespace skybill::documents {
namespace {

bool has_control(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

bool digits_at(const std::string& s, std::initializer_list<std::size_t> at) {
  for (std::size_t i : at)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

void Checks::fail(std::string field, std::string message) {
  for (const auto& e : errors_)
    if (e.field == field && e.message == message) return;
  errors_.push_back({std::move(field), std::move(message)});
}

void Checks::text(const std::string& field, const std::string& value, std::size_t max) {
  std::size_t characters = 0;
  for (unsigned char c : value) characters += (c & 0xC0) != 0x80;
  if (value.empty())
    fail(field, "is required");
  else if (has_control(value))
    fail(field, "must not hold control characters (line breaks, tabs)");
  else if (characters > max)
    fail(field, "must have at most " + std::to_string(max) + " characters");
}

void Checks::date(const std::string& field, const std::string& value) {
  bool ok = value.size() == 10 && value[4] == '-' && value[7] == '-' && digits_at(value, {0, 1, 2, 3, 5, 6, 8, 9});
  if (ok) {
    try {
      core::parse_iso_date(value);
    } catch (const core::CalendarError&) {
      ok = false;
    }
  }
  if (!ok) fail(field, "must be a date, YYYY-MM-DD");
}

void Checks::time(const std::string& field, const std::string& value) {
  if (value.empty()) return;
  bool ok = value.size() == 8 && value[2] == ':' && value[5] == ':' && digits_at(value, {0, 1, 3, 4, 6, 7}) &&
            value.compare(0, 2, "24") < 0 && value[3] < '6' && value[6] < '6';
  if (!ok) fail(field, "must be a time, HH:MM:SS");
}

void Checks::party(const std::string& field, const Party& p, bool with_address) {
  text(field + ".name", p.name);
  if (with_address) text(field + ".address", p.address);
  if (!core::is_valid_inn(p.inn)) {
    fail(field + ".inn", "must be a valid INN (10 or 12 digits, control digits checked)");
  } else if (p.inn.size() == 10 && !core::is_valid_kpp(p.kpp)) {
    fail(field + ".kpp", "must be a KPP (NNNNXXNNN) for an organisation");
  } else if (p.inn.size() == 12 && !p.kpp.empty()) {
    fail(field + ".kpp", "must be empty for a sole proprietor");
  }
}

void Checks::signer(const std::string& field, const Signer& s) {
  text(field + ".last_name", s.last_name);
  text(field + ".first_name", s.first_name);
  text(field + ".position", s.position);
}

void Checks::vat(const std::string& field, const char* amount, const char* vat, std::int64_t amount_minor,
                 const std::string& rate, std::int64_t vat_minor) {
  if (amount_minor < 0 || amount_minor > kMaxAmountMinor) {
    fail(field + "." + amount, "must be from 0 to 10^15");
    return;
  }
  auto parsed = core::parse_vat_rate(rate);
  if (!parsed) {
    fail(field + ".vat_rate", "must be one of 22, 20, 10, 0, none");
    return;
  }
  auto expected = core::vat_included(core::Money(amount_minor, core::currency("RUB")), *parsed).minor();
  if (vat_minor != expected)
    fail(field + "." + vat, "must be " + std::to_string(expected) + " (amount × rate / (100 + rate), half-up)");
}

void Checks::rate_in_force(const std::string& field, const std::string& rate, const std::string& date) {
  if (date.size() != 10) return;  // the date's own check reports it
  const bool from_2026 = date >= "2026-01-01";
  if (rate == "22" && !from_2026) fail(field, "22 % applies from 1 January 2026");
  if (rate == "20" && from_2026) fail(field, "20 % applies before 1 January 2026");
}

void Checks::throw_if_any() const {
  if (!errors_.empty()) throw core::validation_failed(errors_);
}

}  // namespace skybill::documents
