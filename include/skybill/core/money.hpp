#pragma once
// Money: an amount in integer minor units of one ISO 4217 currency. Never a floating point.
#include <cstdint>
#include <string>
#include <string_view>

namespace skybill::core {

struct Currency {
  std::string_view code;  // "RUB"
  int exponent;           // 2 for RUB, 0 for JPY, 3 for KWD
  int numeric;            // 643 for RUB
};

// Looks a currency up by its alphabetic code (upper case only); throws Problem (422 style
// "unknown-currency") when the code is not ISO 4217.
const Currency& currency(std::string_view code);
// Returns nullptr when unknown.
const Currency* find_currency(std::string_view code) noexcept;

class Money {
 public:
  Money(std::int64_t minor, const Currency& cur) noexcept : minor_(minor), cur_(&cur) {}
  static Money zero(const Currency& cur) noexcept { return Money(0, cur); }

  // Strict parse of a decimal string in the currency's exponent: "12500.00" for RUB,
  // "125" for JPY. Optional leading '-', no '+', no spaces, no exponent, no thousands
  // separators, exactly `exponent` fraction digits (none and no '.' when exponent is 0).
  // Throws MoneyError with a human message on any deviation or overflow.
  static Money parse(std::string_view text, const Currency& cur);

  std::int64_t minor() const noexcept { return minor_; }
  const Currency& currency() const noexcept { return *cur_; }
  // "12500.00", "-0.05", "125"
  std::string to_string() const;

  // Overflow-checked arithmetic; mixing currencies or overflowing throws MoneyError.
  Money operator+(const Money& o) const;
  Money operator-(const Money& o) const;
  Money operator-() const;
  Money times(std::int64_t factor) const;
  Money& operator+=(const Money& o) { return *this = *this + o; }
  Money& operator-=(const Money& o) { return *this = *this - o; }

  bool is_zero() const noexcept { return minor_ == 0; }
  bool is_negative() const noexcept { return minor_ < 0; }
  friend bool operator==(const Money& a, const Money& b) noexcept {
    return a.minor_ == b.minor_ && a.cur_->code == b.cur_->code;
  }
  // Comparing different currencies throws MoneyError.
  friend bool operator<(const Money& a, const Money& b);

 private:
  std::int64_t minor_;
  const Currency* cur_;
};

struct MoneyError : std::exception {
  explicit MoneyError(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
  std::string message;
};

}  // namespace skybill::core
