#include "skybill/core/money.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "skybill/core/problem.hpp"

namespace skybill::core {
namespace {

// Active ISO 4217 currencies (codes and numbers as in Debian's iso-codes 4.15 list, minus
// withdrawn HRK and the non-currency X codes), sorted by code for binary search.
constexpr std::array kCurrencies = std::to_array<Currency>({
    {"AED", 2, 784}, {"AFN", 2, 971}, {"ALL", 2, 8},   {"AMD", 2, 51},  {"ANG", 2, 532},
    {"AOA", 2, 973}, {"ARS", 2, 32},  {"AUD", 2, 36},  {"AWG", 2, 533}, {"AZN", 2, 944},
    {"BAM", 2, 977}, {"BBD", 2, 52},  {"BDT", 2, 50},  {"BGN", 2, 975}, {"BHD", 3, 48},
    {"BIF", 0, 108}, {"BMD", 2, 60},  {"BND", 2, 96},  {"BOB", 2, 68},  {"BOV", 2, 984},
    {"BRL", 2, 986}, {"BSD", 2, 44},  {"BTN", 2, 64},  {"BWP", 2, 72},  {"BYN", 2, 933},
    {"BZD", 2, 84},  {"CAD", 2, 124}, {"CDF", 2, 976}, {"CHE", 2, 947}, {"CHF", 2, 756},
    {"CHW", 2, 948}, {"CLF", 4, 990}, {"CLP", 0, 152}, {"CNY", 2, 156}, {"COP", 2, 170},
    {"COU", 2, 970}, {"CRC", 2, 188}, {"CUC", 2, 931}, {"CUP", 2, 192}, {"CVE", 2, 132},
    {"CZK", 2, 203}, {"DJF", 0, 262}, {"DKK", 2, 208}, {"DOP", 2, 214}, {"DZD", 2, 12},
    {"EGP", 2, 818}, {"ERN", 2, 232}, {"ETB", 2, 230}, {"EUR", 2, 978}, {"FJD", 2, 242},
    {"FKP", 2, 238}, {"GBP", 2, 826}, {"GEL", 2, 981}, {"GHS", 2, 936}, {"GIP", 2, 292},
    {"GMD", 2, 270}, {"GNF", 0, 324}, {"GTQ", 2, 320}, {"GYD", 2, 328}, {"HKD", 2, 344},
    {"HNL", 2, 340}, {"HTG", 2, 332}, {"HUF", 2, 348}, {"IDR", 2, 360}, {"ILS", 2, 376},
    {"INR", 2, 356}, {"IQD", 3, 368}, {"IRR", 2, 364}, {"ISK", 0, 352}, {"JMD", 2, 388},
    {"JOD", 3, 400}, {"JPY", 0, 392}, {"KES", 2, 404}, {"KGS", 2, 417}, {"KHR", 2, 116},
    {"KMF", 0, 174}, {"KPW", 2, 408}, {"KRW", 0, 410}, {"KWD", 3, 414}, {"KYD", 2, 136},
    {"KZT", 2, 398}, {"LAK", 2, 418}, {"LBP", 2, 422}, {"LKR", 2, 144}, {"LRD", 2, 430},
    {"LSL", 2, 426}, {"LYD", 3, 434}, {"MAD", 2, 504}, {"MDL", 2, 498}, {"MGA", 2, 969},
    {"MKD", 2, 807}, {"MMK", 2, 104}, {"MNT", 2, 496}, {"MOP", 2, 446}, {"MRU", 2, 929},
    {"MUR", 2, 480}, {"MVR", 2, 462}, {"MWK", 2, 454}, {"MXN", 2, 484}, {"MXV", 2, 979},
    {"MYR", 2, 458}, {"MZN", 2, 943}, {"NAD", 2, 516}, {"NGN", 2, 566}, {"NIO", 2, 558},
    {"NOK", 2, 578}, {"NPR", 2, 524}, {"NZD", 2, 554}, {"OMR", 3, 512}, {"PAB", 2, 590},
    {"PEN", 2, 604}, {"PGK", 2, 598}, {"PHP", 2, 608}, {"PKR", 2, 586}, {"PLN", 2, 985},
    {"PYG", 0, 600}, {"QAR", 2, 634}, {"RON", 2, 946}, {"RSD", 2, 941}, {"RUB", 2, 643},
    {"RWF", 0, 646}, {"SAR", 2, 682}, {"SBD", 2, 90},  {"SCR", 2, 690}, {"SDG", 2, 938},
    {"SEK", 2, 752}, {"SGD", 2, 702}, {"SHP", 2, 654}, {"SLE", 2, 925}, {"SLL", 2, 694},
    {"SOS", 2, 706}, {"SRD", 2, 968}, {"SSP", 2, 728}, {"STN", 2, 930}, {"SVC", 2, 222},
    {"SYP", 2, 760}, {"SZL", 2, 748}, {"THB", 2, 764}, {"TJS", 2, 972}, {"TMT", 2, 934},
    {"TND", 3, 788}, {"TOP", 2, 776}, {"TRY", 2, 949}, {"TTD", 2, 780}, {"TWD", 2, 901},
    {"TZS", 2, 834}, {"UAH", 2, 980}, {"UGX", 0, 800}, {"USD", 2, 840}, {"USN", 2, 997},
    {"UYI", 0, 940}, {"UYU", 2, 858}, {"UYW", 4, 927}, {"UZS", 2, 860}, {"VED", 2, 926},
    {"VES", 2, 928}, {"VND", 0, 704}, {"VUV", 0, 548}, {"WST", 2, 882}, {"XAF", 0, 950},
    {"XCD", 2, 951}, {"XOF", 0, 952}, {"XPF", 0, 953}, {"YER", 2, 886}, {"ZAR", 2, 710},
    {"ZMW", 2, 967}, {"ZWL", 2, 932},
});

constexpr bool sorted_by_code() {
  for (std::size_t i = 1; i < kCurrencies.size(); ++i)
    if (!(kCurrencies[i - 1].code < kCurrencies[i].code)) return false;
  return true;
}
static_assert(sorted_by_code(), "kCurrencies must stay sorted and unique");

constexpr std::uint64_t kInt64MaxMagnitude = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "...\"";
}

[[noreturn]] void parse_error(std::string_view text, const Currency& cur, const std::string& why) {
  throw MoneyError("invalid " + std::string(cur.code) + " amount " + quoted(text) + ": " + why);
}

void require_same_currency(const Money& a, const Money& b) {
  if (a.currency().code != b.currency().code)
    throw MoneyError("currency mismatch: " + std::string(a.currency().code) + " and " +
                     std::string(b.currency().code));
}

[[noreturn]] void overflow(const char* op, const Money& a) {
  throw MoneyError(std::string("overflow in ") + op + " of " + std::string(a.currency().code) +
                   " amounts");
}

}  // namespace

const Currency* find_currency(std::string_view code) noexcept {
  auto it = std::lower_bound(kCurrencies.begin(), kCurrencies.end(), code,
                             [](const Currency& c, std::string_view k) { return c.code < k; });
  if (it == kCurrencies.end() || it->code != code) return nullptr;
  return &*it;
}

const Currency& currency(std::string_view code) {
  if (const Currency* c = find_currency(code)) return *c;
  throw Problem(422, "unknown-currency", "Unknown currency",
                quoted(code) + " is not an ISO 4217 currency code");
}

Money Money::parse(std::string_view text, const Currency& cur) {
  if (text.empty()) parse_error(text, cur, "empty string");
  std::string_view rest = text;
  bool negative = false;
  if (rest.front() == '+') parse_error(text, cur, "a '+' sign is not allowed");
  if (rest.front() == '-') {
    negative = true;
    rest.remove_prefix(1);
  }

  const std::size_t dot = rest.find('.');
  const std::string_view whole = rest.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);

  if (whole.empty()) parse_error(text, cur, "expected digits before the decimal point");
  if (!std::all_of(whole.begin(), whole.end(), is_digit) ||
      !std::all_of(fraction.begin(), fraction.end(), is_digit))
    parse_error(text, cur, "only digits, one optional leading '-' and a '.' are allowed");
  if (whole.size() > 1 && whole.front() == '0')
    parse_error(text, cur, "leading zeros are not allowed");

  if (cur.exponent == 0) {
    if (dot != std::string_view::npos)
      parse_error(text, cur,
                  std::string(cur.code) + " has no minor unit: no decimal point allowed");
  } else if (dot == std::string_view::npos ||
             fraction.size() != static_cast<std::size_t>(cur.exponent)) {
    parse_error(text, cur,
                "expected exactly " + std::to_string(cur.exponent) +
                    " digits after the decimal point for " + std::string(cur.code));
  }

  std::uint64_t magnitude = 0;
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (__builtin_mul_overflow(magnitude, 10u, &magnitude) ||
          __builtin_add_overflow(magnitude, static_cast<unsigned>(c - '0'), &magnitude))
        parse_error(text, cur, "out of range");
    }
  }
  // The magnitude of INT64_MIN is one more than INT64_MAX.
  if (magnitude > kInt64MaxMagnitude + (negative ? 1 : 0)) parse_error(text, cur, "out of range");
  const auto minor =
      negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return Money(minor, cur);
}

std::string Money::to_string() const {
  const bool negative = minor_ < 0;
  std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(minor_) : static_cast<std::uint64_t>(minor_);
  std::string digits = std::to_string(magnitude);
  const auto exponent = static_cast<std::size_t>(cur_->exponent);
  if (exponent > 0) {
    if (digits.size() <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
    digits.insert(digits.size() - exponent, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

Money Money::operator+(const Money& o) const {
  require_same_currency(*this, o);
  std::int64_t r;
  if (__builtin_add_overflow(minor_, o.minor_, &r)) overflow("addition", *this);
  return Money(r, *cur_);
}

Money Money::operator-(const Money& o) const {
  require_same_currency(*this, o);
  std::int64_t r;
  if (__builtin_sub_overflow(minor_, o.minor_, &r)) overflow("subtraction", *this);
  return Money(r, *cur_);
}

Money Money::operator-() const {
  std::int64_t r;
  if (__builtin_sub_overflow(std::int64_t{0}, minor_, &r)) overflow("negation", *this);
  return Money(r, *cur_);
}

Money Money::times(std::int64_t factor) const {
  std::int64_t r;
  if (__builtin_mul_overflow(minor_, factor, &r)) overflow("multiplication", *this);
  return Money(r, *cur_);
}

bool operator<(const Money& a, const Money& b) {
  require_same_currency(a, b);
  return a.minor_ < b.minor_;
}

}  // namespace skybill::core
