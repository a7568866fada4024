#include "skybill/statements/statements.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "detail.hpp"

namespace skybill::statements {

ParseError::ParseError(std::string where_, std::string message)
    : std::runtime_error(where_ + ": " + message), where(std::move(where_)) {}

Statement parse(std::string_view file, const std::vector<std::string>& own_accounts) {
  std::string_view body = file;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.substr(0, 20) == "1CClientBankExchange") return parse_1c(file, own_accounts);
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '<') return parse_camt053(file, own_accounts);
  throw ParseError("line 1", "not a bank statement: neither a 1CClientBankExchange file nor XML");
}

std::string document_key(const Document& d) {
  std::string key;
  key.reserve(d.number.size() + d.payer.account.size() + 48);
  key += d.number;
  key += '|';
  key += d.date;
  key += '|';
  key += d.payer.account;
  key += '|';
  key += std::to_string(d.amount_minor);
  key += '|';
  key += d.direction == Direction::incoming ? "incoming" : "outgoing";
  return key;
}

namespace detail {

std::string_view trim(std::string_view s) noexcept {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}
}  // namespace

std::optional<std::int64_t> parse_amount(std::string_view text, const AmountSyntax& syntax, std::string& why) {
  auto fail = [&](std::string reason) -> std::optional<std::int64_t> {
    why = std::move(reason);
    return std::nullopt;
  };
  if (text.size() > 1 && text[0] == '-' && is_digit(text[1])) return fail("is negative");
  std::size_t sep = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.' || (syntax.comma_allowed && text[i] == ',')) {
      sep = i;
      break;
    }
  }
  const std::string_view whole = text.substr(0, sep);
  std::string_view fraction = sep == std::string_view::npos ? std::string_view{} : text.substr(sep + 1);
  if (!all_digits(whole) || (sep != std::string_view::npos && !all_digits(fraction)))
    return fail("is not an amount");
  const auto exponent = static_cast<std::size_t>(syntax.exponent);
  if (fraction.size() > exponent) {
    const auto extra = fraction.substr(exponent);
    if (!syntax.zero_padding_allowed || extra.find_first_not_of('0') != std::string_view::npos)
      return fail(exponent == 0 ? std::string("is not a whole number")
                                : "has more than " + std::to_string(exponent) + " decimal places");
    fraction = fraction.substr(0, exponent);
  }
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t value = 0;
  auto push = [&](int digit) {
    if (value > (kMax - digit) / 10) return false;
    value = value * 10 + digit;
    return true;
  };
  for (char c : whole)
    if (!push(c - '0')) return fail("is too large");
  for (std::size_t i = 0; i < exponent; ++i)
    if (!push(i < fraction.size() ? fraction[i] - '0' : 0)) return fail("is too large");
  if (value == 0) return fail("is zero");
  return value;
}

namespace {
std::optional<std::string> iso_date(int y, unsigned m, unsigned d) {
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  // y is 4 digits, m and d 1..31: "YYYY-MM-DD".
  std::string out = std::to_string(y);
  out.insert(0, 4 - std::min<std::size_t>(out.size(), 4), '0');
  out += m < 10 ? "-0" : "-";
  out += std::to_string(m);
  out += d < 10 ? "-0" : "-";
  out += std::to_string(d);
  return out;
}
int number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}
}  // namespace

std::optional<std::string> date_from_dmy(std::string_view t) {
  if (t.size() != 10 || t[2] != '.' || t[5] != '.') return std::nullopt;
  const auto dd = t.substr(0, 2), mm = t.substr(3, 2), yyyy = t.substr(6, 4);
  if (!all_digits(dd) || !all_digits(mm) || !all_digits(yyyy)) return std::nullopt;
  return iso_date(number(yyyy), static_cast<unsigned>(number(mm)), static_cast<unsigned>(number(dd)));
}

std::optional<std::string> date_from_iso(std::string_view t) {
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  const auto yyyy = t.substr(0, 4), mm = t.substr(5, 2), dd = t.substr(8, 2);
  if (!all_digits(dd) || !all_digits(mm) || !all_digits(yyyy)) return std::nullopt;
  if (t.size() > 10 && t[10] != 'T' && t[10] != 'Z' && t[10] != '+' && t[10] != '-') return std::nullopt;
  return iso_date(number(yyyy), static_cast<unsigned>(number(mm)), static_cast<unsigned>(number(dd)));
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string quoted(std::string_view value) {
  constexpr std::size_t kMaxChars = 60;
  std::size_t chars = 0, i = 0;
  for (; i < value.size(); ++i) {
    if ((static_cast<unsigned char>(value[i]) & 0xC0) != 0x80) {
      if (chars == kMaxChars) break;
      ++chars;
    }
  }
  std::string out = "\"";
  out += value.substr(0, i);
  if (i < value.size()) out += "…";
  out += '"';
  return out;
}

}  // namespace detail
}  // namespace skybill::statements
