// Outgoing payment orders: the 1CClientBankExchange 1.03 file a bank's client imports, and CSV.
#include "skybill/settlement/payment_order.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"

namespace skybill::settlement {
namespace {

constexpr std::size_t kMaxPurpose = 210;
constexpr std::size_t kMaxNumberDigits = 6;
constexpr std::string_view kCrlf = "\r\n";

// ---- UTF-8 -------------------------------------------------------------------------------

// Decodes the code point at s[i]; returns its length, 0 when the bytes there are not UTF-8.
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string hex(char32_t v, int digits) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kHex[v & 0xF];
  return out;
}

std::string code_point_name(char32_t cp) { return "U+" + hex(cp, cp > 0xFFFFF ? 6 : cp > 0xFFFF ? 5 : 4); }

// The value in quotes for a message: at most 60 characters, control characters and bytes that
// are not UTF-8 written as \xNN so the message itself stays printable UTF-8.
std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  std::size_t chars = 0, i = 0;
  while (i < s.size() && chars < kMax) {
    char32_t cp = 0;
    const std::size_t len = utf8_at(s, i, cp);
    if (len == 0 || is_control(cp)) {
      const std::size_t n = len == 0 ? 1 : len;
      for (std::size_t k = 0; k < n; ++k) out += "\\x" + hex(static_cast<unsigned char>(s[i + k]), 2);
      i += n;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
    ++chars;
  }
  if (i < s.size()) out += "...";
  return out + "\"";
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

// ---- Windows-1251 ------------------------------------------------------------------------

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

class Cp1251 {
 public:
  Cp1251() : cd_(open()) {}

  // The encoded bytes, or nullopt with `bad` set to the first code point Windows-1251 lacks.
  // `utf8` must be valid UTF-8.
  std::optional<std::string> encode(std::string_view utf8, char32_t& bad) {
    const auto cd = static_cast<iconv_t>(cd_.get());
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // initial state
    // Every code point is at least one byte of UTF-8 and exactly one byte of Windows-1251.
    std::string out(utf8.size(), '\0');
    char* in = const_cast<char*>(utf8.data());
    std::size_t in_left = utf8.size();
    char* o = out.data();
    std::size_t out_left = out.size();
    if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<std::size_t>(-1)) {
      const auto offset = static_cast<std::size_t>(in - utf8.data());
      if (errno != EILSEQ || offset >= utf8.size() || utf8_at(utf8, offset, bad) == 0)
        throw std::runtime_error("iconv failed to convert UTF-8 to CP1251");
      return std::nullopt;
    }
    out.resize(out.size() - out_left);
    return out;
  }

 private:
  static void* open() {
    const iconv_t cd = iconv_open("CP1251", "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv cannot convert UTF-8 to CP1251");
    return cd;
  }
  std::unique_ptr<void, IconvCloser> cd_;
};

// ---- Validation --------------------------------------------------------------------------

enum class Target { one_c, csv };

[[noreturn]] void invalid(std::size_t index, const PaymentOrder& o, std::string_view field,
                          const std::string& problem) {
  std::string what = "payment order " + std::to_string(index + 1);
  if (!o.number.empty()) what += " (number " + quoted(o.number) + ")";
  what += ": ";
  what += field;
  what += ": ";
  what += problem;
  throw std::invalid_argument(what);
}

// Valid UTF-8, and no control characters unless `controls_allowed`.
void check_text(std::size_t index, const PaymentOrder& o, std::string_view field, std::string_view value,
                bool controls_allowed = false) {
  for (std::size_t i = 0; i < value.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8_at(value, i, cp);
    if (len == 0)
      invalid(index, o, field,
              quoted(value) + " is not valid UTF-8 (byte 0x" + hex(static_cast<unsigned char>(value[i]), 2) +
                  " at offset " + std::to_string(i) + ")");
    if (!controls_allowed && is_control(cp))
      invalid(index, o, field, quoted(value) + " holds a control character (" + code_point_name(cp) + ")");
    i += len;
  }
}

void check_requisites(std::size_t index, const PaymentOrder& o, const Requisites& r, const std::string& side) {
  const auto field = [&](const char* name) { return side + "." + name; };
  for (const auto& [name, value] : {std::pair{"name", &r.name}, {"inn", &r.inn}, {"kpp", &r.kpp},
                                    {"account", &r.account}, {"bank", &r.bank}, {"bic", &r.bic},
                                    {"correspondent_account", &r.correspondent_account}})
    check_text(index, o, field(name), *value);
  if (is_blank(r.name)) invalid(index, o, field("name"), "is empty");
  if (r.inn.empty()) invalid(index, o, field("inn"), "is empty");
  if (!core::is_valid_inn(r.inn))
    invalid(index, o, field("inn"),
            quoted(r.inn) + " is not a valid INN (10 or 12 digits, control digits checked)");
  if (!r.kpp.empty() && !core::is_valid_kpp(r.kpp))
    invalid(index, o, field("kpp"), quoted(r.kpp) + " is not a valid KPP (9 characters, NNNNXXNNN)");
  if (r.account.empty()) invalid(index, o, field("account"), "is empty");
  if (r.account.size() != 20 || !all_digits(r.account))
    invalid(index, o, field("account"), quoted(r.account) + " is not 20 digits");
  if (r.bic.empty()) invalid(index, o, field("bic"), "is empty");
  if (r.bic.size() != 9 || !all_digits(r.bic)) invalid(index, o, field("bic"), quoted(r.bic) + " is not 9 digits");
  const auto& corr = r.correspondent_account;
  if (!corr.empty() && (corr.size() != 20 || !all_digits(corr)))
    invalid(index, o, field("correspondent_account"), quoted(corr) + " is not 20 digits");
}

// The number without leading zeros: "007" and "7" are the same payment order number.
std::string_view significant(std::string_view number) { return number.substr(number.find_first_not_of('0')); }

// The currency of a valid order.
const core::Currency& check_order(std::size_t index, const PaymentOrder& o, Target target) {
  check_text(index, o, "number", o.number);
  if (o.number.empty()) invalid(index, o, "number", "is empty");
  if (o.number.size() > kMaxNumberDigits || !all_digits(o.number))
    invalid(index, o, "number", quoted(o.number) + " is not 1 to 6 digits");
  if (o.number.find_first_not_of('0') == std::string::npos) invalid(index, o, "number", "is zero");

  if (!o.date.ok()) invalid(index, o, "date", "is not a calendar date");
  if (o.date.year() < std::chrono::year{1} || o.date.year() > std::chrono::year{9999})
    invalid(index, o, "date", "the year " + std::to_string(static_cast<int>(o.date.year())) + " is not 1..9999");

  if (o.amount_minor <= 0) invalid(index, o, "amount_minor", std::to_string(o.amount_minor) + " is not > 0");

  check_text(index, o, "currency", o.currency);
  const core::Currency* currency = core::find_currency(o.currency);
  if (target == Target::one_c && o.currency != "RUB")
    invalid(index, o, "currency", quoted(o.currency) + ": a 1CClientBankExchange file carries RUB only");
  if (!currency) invalid(index, o, "currency", quoted(o.currency) + " is not an ISO 4217 currency code");

  check_requisites(index, o, o.payer, "payer");
  check_requisites(index, o, o.payee, "payee");

  check_text(index, o, "purpose", o.purpose);
  if (is_blank(o.purpose)) invalid(index, o, "purpose", "is empty");
  if (const auto n = code_points(o.purpose); n > kMaxPurpose)
    invalid(index, o, "purpose", "is " + std::to_string(n) + " characters long, more than 210");

  // The reference goes to CSV only, quoted when needed: any text, as long as it is UTF-8.
  if (target == Target::csv) check_text(index, o, "reference", o.reference, /*controls_allowed=*/true);
  return *currency;
}

// Every order valid, numbers unique per payer account and year; the currency of each.
std::vector<const core::Currency*> validate(const std::vector<PaymentOrder>& orders, Target target) {
  if (orders.empty()) throw std::invalid_argument("no payment orders");
  std::vector<const core::Currency*> currencies;
  currencies.reserve(orders.size());
  std::map<std::tuple<std::string_view, int, std::string_view>, std::size_t> seen;
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto& o = orders[i];
    currencies.push_back(&check_order(i, o, target));
    const auto [it, fresh] =
        seen.try_emplace({o.payer.account, static_cast<int>(o.date.year()), significant(o.number)}, i);
    if (!fresh)
      invalid(i, o, "number",
              "repeats payment order " + std::to_string(it->second + 1) + " of the same payer account and year");
  }
  return currencies;
}

// ---- Formatting --------------------------------------------------------------------------

std::string padded(unsigned value, std::size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

// Valid dates in years 1..9999 only.
std::string dmy(std::chrono::year_month_day d) {
  return padded(static_cast<unsigned>(d.day()), 2) + "." + padded(static_cast<unsigned>(d.month()), 2) + "." +
         padded(static_cast<unsigned>(static_cast<int>(d.year())), 4);
}

std::string iso(std::chrono::year_month_day d) {
  return padded(static_cast<unsigned>(static_cast<int>(d.year())), 4) + "-" +
         padded(static_cast<unsigned>(d.month()), 2) + "-" + padded(static_cast<unsigned>(d.day()), 2);
}

// "12345.67": integer arithmetic in the currency's exponent.
std::string decimal(std::int64_t minor, const core::Currency& currency) {
  return core::Money(minor, currency).to_string();
}

bool is_time(std::string_view t) {
  if (t.size() != 8 || t[2] != ':' || t[5] != ':') return false;
  const auto two = [&](std::size_t at, int max) {
    return all_digits(t.substr(at, 2)) && (t[at] - '0') * 10 + (t[at + 1] - '0') <= max;
  };
  return two(0, 23) && two(3, 59) && two(6, 59);
}

// ---- 1C ----------------------------------------------------------------------------------

class OneCWriter {
 public:
  explicit OneCWriter(Cp1251& cp1251) : cp1251_(cp1251) {}

  // A Key=Value line; keys are our constants, values checked for encodability by the caller.
  void line(std::string_view key, std::string_view value = {}, bool with_equals = true) {
    text_.append(key);
    if (with_equals) {
      text_ += '=';
      text_.append(value);
    }
    text_.append(kCrlf);
  }
  void bare(std::string_view key) { line(key, {}, false); }

  std::string bytes() {
    char32_t bad = 0;
    auto out = cp1251_.encode(text_, bad);
    // Unreachable: every value was checked before it was written.
    if (!out) throw std::logic_error("payment order file: " + code_point_name(bad) + " is not in Windows-1251");
    return std::move(*out);
  }

 private:
  Cp1251& cp1251_;
  std::string text_;
};

void check_encodable(Cp1251& cp1251, std::size_t index, const PaymentOrder& o) {
  const auto check = [&](const std::string& field, const std::string& value) {
    char32_t bad = 0;
    if (!cp1251.encode(value, bad))
      invalid(index, o, field,
              quoted(value) + " holds " + code_point_name(bad) + ", which Windows-1251 cannot encode");
  };
  for (const auto& [side, r] : {std::pair<std::string, const Requisites*>{"payer", &o.payer}, {"payee", &o.payee}}) {
    check(side + ".name", r->name);
    check(side + ".bank", r->bank);
  }
  check("purpose", o.purpose);
  // number, INN, KPP, accounts and BIC are ASCII once valid.
}

void write_side(OneCWriter& w, const Requisites& r, std::string_view who) {
  const std::string k(who);  // "Плательщик" or "Получатель"
  w.line(k + "Счет", r.account);
  w.line(k, "ИНН " + r.inn + " " + r.name);
  w.line(k + "ИНН", r.inn);
  w.line(k + "КПП", r.kpp);
  w.line(k + "1", r.name);
  w.line(k + "РасчСчет", r.account);
  w.line(k + "Банк1", r.bank);
  w.line(k + "БИК", r.bic);
  w.line(k + "Корсчет", r.correspondent_account);
}

// ---- CSV ---------------------------------------------------------------------------------

void csv_cell(std::string& out, std::string_view value) {
  std::string cell;
  // Formula injection: a spreadsheet runs a cell that starts with one of these.
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) cell = "'";
  cell.append(value);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void csv_record(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (const auto cell : cells) {
    if (!first) out += ',';
    first = false;
    csv_cell(out, cell);
  }
  out.append(kCrlf);
}

}  // namespace

std::string to_one_c(const std::vector<PaymentOrder>& orders, std::chrono::year_month_day created,
                     const std::string& created_time) {
  if (!created.ok() || created.year() < std::chrono::year{1} || created.year() > std::chrono::year{9999})
    throw std::invalid_argument("created: not a calendar date in years 1..9999");
  if (!is_time(created_time))
    throw std::invalid_argument("created_time: " + quoted(created_time) + " is not a time HH:MM:SS");
  const auto currencies = validate(orders, Target::one_c);
  Cp1251 cp1251;
  for (std::size_t i = 0; i < orders.size(); ++i) check_encodable(cp1251, i, orders[i]);

  auto first = orders.front().date, last = orders.front().date;
  std::vector<std::string_view> accounts;
  for (const auto& o : orders) {
    first = std::min(first, o.date);
    last = std::max(last, o.date);
    if (std::find(accounts.begin(), accounts.end(), o.payer.account) == accounts.end())
      accounts.push_back(o.payer.account);
  }

  OneCWriter w(cp1251);
  w.bare("1CClientBankExchange");
  w.line("ВерсияФормата", "1.03");
  w.line("Кодировка", "Windows");
  w.line("Отправитель", "skybill");
  w.line("Получатель");
  w.line("ДатаСоздания", dmy(created));
  w.line("ВремяСоздания", created_time);
  w.line("ДатаНачала", dmy(first));
  w.line("ДатаКонца", dmy(last));
  for (const auto account : accounts) w.line("РасчСчет", account);
  w.line("Документ", "Платежное поручение");
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto& o = orders[i];
    w.line("СекцияДокумент", "Платежное поручение");
    w.line("Номер", o.number);
    w.line("Дата", dmy(o.date));
    w.line("Сумма", decimal(o.amount_minor, *currencies[i]));
    write_side(w, o.payer, "Плательщик");
    write_side(w, o.payee, "Получатель");
    w.line("ВидПлатежа");
    w.line("ВидОплаты", "01");
    w.line("Очередность", "5");
    w.line("НазначениеПлатежа", o.purpose);
    w.bare("КонецДокумента");
  }
  w.bare("КонецФайла");
  return w.bytes();
}

std::string to_csv(const std::vector<PaymentOrder>& orders) {
  const auto currencies = validate(orders, Target::csv);
  std::string out;
  csv_record(out, {"number", "date", "amount", "currency", "payer_name", "payer_inn", "payer_account", "payer_bic",
                   "payee_name", "payee_inn", "payee_kpp", "payee_account", "payee_bank", "payee_bic",
                   "payee_correspondent_account", "purpose", "reference"});
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto& o = orders[i];
    csv_record(out, {o.number, iso(o.date), decimal(o.amount_minor, *currencies[i]), o.currency, o.payer.name,
                     o.payer.inn, o.payer.account, o.payer.bic, o.payee.name, o.payee.inn, o.payee.kpp,
                     o.payee.account, o.payee.bank, o.payee.bic, o.payee.correspondent_account, o.purpose,
                     o.reference});
  }
  return out;
}

}  // namespace skybill::settlement
