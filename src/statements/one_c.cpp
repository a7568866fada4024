// 1CClientBankExchange (1C's bank exchange standard, version 1.03): decoding and parsing.
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "detail.hpp"
#include "skybill/statements/statements.hpp"

namespace skybill::statements {
namespace {

using detail::quoted;
using detail::trim;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kMagic = "1CClientBankExchange";

std::string at_line(int line) { return "line " + std::to_string(line); }

// The line (1-based) holding byte `offset`; CRLF, LF and a lone CR each end a line.
int line_at(std::string_view text, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++line;
  }
  return line;
}

// ---- Encoding ----------------------------------------------------------------------------

struct Utf8Scan {
  bool valid = true;
  bool cyrillic = false;  // holds a code point of U+0400..U+04FF
  std::size_t bad_offset = 0;
};

Utf8Scan scan_utf8(std::string_view s) {
  Utf8Scan r;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    char32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      r.valid = false, r.bad_offset = i;
      return r;
    }
    if (i + len > s.size()) {
      r.valid = false, r.bad_offset = i;
      return r;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        r.valid = false, r.bad_offset = i;
        return r;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      r.valid = false, r.bad_offset = i;
      return r;
    }
    if (cp >= 0x400 && cp <= 0x4FF) r.cyrillic = true;
    i += len;
  }
  return r;
}

struct SingleByteEncoding {
  const char* iconv_name;
  const char* label;  // as reported in Statement::encoding
  // "Кодировка" and "КонецФайла" in this encoding: where either is found, the file is in it.
  std::string_view encoding_key, end_of_file;
};
constexpr std::array<SingleByteEncoding, 2> kSingleByte{{
    {"CP1251", "windows-1251", "\xCA\xEE\xE4\xE8\xF0\xEE\xE2\xEA\xE0", "\xCA\xEE\xED\xE5\xF6\xD4\xE0\xE9\xEB\xE0"},
    {"CP866", "cp866", "\x8A\xAE\xA4\xA8\xE0\xAE\xA2\xAA\xA0", "\x8A\xAE\xAD\xA5\xE6\x94\xA0\xA9\xAB\xA0"},
}};

// True when `key` starts a line of `bytes` (the header's keys are at the start of their line).
bool has_key_at_line_start(std::string_view bytes, std::string_view key) {
  for (std::size_t pos = bytes.find(key); pos != std::string_view::npos; pos = bytes.find(key, pos + 1)) {
    std::size_t b = pos;
    while (b > 0 && (bytes[b - 1] == ' ' || bytes[b - 1] == '\t')) --b;
    if (b == 0 || bytes[b - 1] == '\n' || bytes[b - 1] == '\r') return true;
  }
  return false;
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

std::string single_byte_to_utf8(std::string_view bytes, const SingleByteEncoding& enc) {
  const iconv_t cd = iconv_open("UTF-8", enc.iconv_name);
  if (cd == reinterpret_cast<iconv_t>(-1))
    throw std::runtime_error(std::string("iconv cannot convert from ") + enc.iconv_name);
  const std::unique_ptr<void, IconvCloser> guard(cd);
  // One byte of CP1251 or CP866 is at most 3 bytes of UTF-8.
  std::string out(bytes.size() * 3, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<std::size_t>(-1)) {
    const auto offset = static_cast<std::size_t>(in - bytes.data());
    constexpr std::string_view kHex = "0123456789ABCDEF";
    const auto byte = static_cast<unsigned char>(bytes[offset]);
    const std::string hex{'0', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
    throw ParseError(at_line(line_at(bytes, offset)), std::string("byte ") + hex + " is not " + enc.label);
  }
  out.resize(out.size() - out_left);
  return out;
}

struct Decoded {
  std::string text;  // UTF-8, without a BOM
  std::string encoding;
};

Decoded decode(std::string_view file) {
  if (file.substr(0, kBom.size()) == kBom) {
    const auto body = file.substr(kBom.size());
    const auto scan = scan_utf8(body);
    if (!scan.valid)
      throw ParseError(at_line(line_at(body, scan.bad_offset)),
                       "invalid UTF-8 in a file that starts with a UTF-8 BOM");
    return {std::string(body), "utf-8"};
  }
  const auto scan = scan_utf8(file);
  if (scan.valid && scan.cyrillic) return {std::string(file), "utf-8"};
  // Not UTF-8: the header's keys tell which single-byte encoding it is, whatever
  // `Кодировка=` claims. A file where neither is found is read as Windows-1251 (the default).
  const SingleByteEncoding* chosen = &kSingleByte[0];
  for (const auto& enc : kSingleByte) {
    if (has_key_at_line_start(file, enc.encoding_key) || has_key_at_line_start(file, enc.end_of_file)) {
      chosen = &enc;
      break;
    }
  }
  return {single_byte_to_utf8(file, *chosen), chosen->label};
}

// ---- Lines and sections ------------------------------------------------------------------

struct Field {
  std::string_view key, value;
  int line = 0;
};

// The document keys the parser reads; every other key is ignored.
enum Key : int {
  kNumber, kDate, kSum, kReceived, kWrittenOff,
  kPayerAccount, kPayerSettlementAccount, kPayer, kPayer1, kPayerInn, kPayerKpp, kPayerBic, kPayerBank1, kPayerBank2,
  kPayeeAccount, kPayeeSettlementAccount, kPayee, kPayee1, kPayeeInn, kPayeeKpp, kPayeeBic, kPayeeBank1, kPayeeBank2,
  kPurpose, kPurpose1, kPurpose2, kPurpose3, kPurpose4, kPurpose5, kPurpose6,
  kKeyCount
};
constexpr std::array<std::string_view, kKeyCount> kKeyNames{
    "Номер", "Дата", "Сумма", "ДатаПоступило", "ДатаСписано",
    "ПлательщикСчет", "ПлательщикРасчСчет", "Плательщик", "Плательщик1", "ПлательщикИНН", "ПлательщикКПП",
    "ПлательщикБИК", "ПлательщикБанк1", "ПлательщикБанк2",
    "ПолучательСчет", "ПолучательРасчСчет", "Получатель", "Получатель1", "ПолучательИНН", "ПолучательКПП",
    "ПолучательБИК", "ПолучательБанк1", "ПолучательБанк2",
    "НазначениеПлатежа", "НазначениеПлатежа1", "НазначениеПлатежа2", "НазначениеПлатежа3", "НазначениеПлатежа4",
    "НазначениеПлатежа5", "НазначениеПлатежа6"};

std::optional<Key> key_of(std::string_view name) {
  static const std::unordered_map<std::string_view, Key> index = [] {
    std::unordered_map<std::string_view, Key> m;
    for (int k = 0; k < kKeyCount; ++k) m.emplace(kKeyNames[static_cast<std::size_t>(k)], static_cast<Key>(k));
    return m;
  }();
  const auto it = index.find(name);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

struct RawDocument {
  std::string_view kind;
  int line;
  // 1 + the index in Scanned::fields of each key's line; 0: the key is absent. A repeated key:
  // the last wins.
  std::array<std::uint32_t, kKeyCount> slot{};
};

struct Scanned {
  std::vector<Field> accounts;  // every РасчСчет, header first, then СекцияРасчСчет
  std::optional<Field> period_from, period_to;
  std::vector<RawDocument> documents;
  std::vector<Field> fields;  // the known keys of all documents
};

// One document's fields.
struct DocumentView {
  const RawDocument& raw;
  const std::vector<Field>& fields;

  const Field* find(Key key) const {
    const auto slot = raw.slot[static_cast<std::size_t>(key)];
    return slot ? &fields[slot - 1] : nullptr;
  }
  std::string_view value(Key key) const {
    const Field* f = find(key);
    return f ? f->value : std::string_view{};
  }
  static std::string_view name_of(Key key) { return kKeyNames[static_cast<std::size_t>(key)]; }
};

// Calls f(line_number, trimmed_line) for each line until f returns false; CRLF, LF and a lone
// CR each end a line.
template <class F>
void for_each_line(std::string_view text, F&& f) {
  if (text.empty()) {
    f(1, std::string_view{});
    return;
  }
  const char* p = text.data();
  const char* const end = p + text.size();
  for (int number = 1;; ++number) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    const char* next = nl ? nl + 1 : end;
    bool lone_cr = false;
    if (const auto* cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(line_end - p)))) {
      if (cr + 1 != line_end) next = cr + 1, lone_cr = true;
      line_end = cr;
    }
    if (!f(number, trim(std::string_view(p, static_cast<std::size_t>(line_end - p))))) return;
    if (!nl && !lone_cr) return;  // the last line had no line end
    p = next;
    if (p == end) return;
  }
}

Field split(std::string_view line, int number) {
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return {line, {}, number};
  return {trim(line.substr(0, eq)), trim(line.substr(eq + 1)), number};
}

Scanned scan_sections(std::string_view text) {
  enum class In { top, account_section, document };
  Scanned s;
  In in = In::top;
  bool first = true, finished = false;
  int last_line = 1;
  std::optional<Field> section_from, section_to;

  for_each_line(text, [&](int number, std::string_view line) {
    if (!line.empty()) last_line = number;
    if (first) {
      first = false;
      if (line != kMagic)
        throw ParseError(at_line(number), "not a 1CClientBankExchange file: the first line is " + quoted(line));
      return true;
    }
    if (line.empty()) return true;
    const Field f = split(line, number);
    if (in == In::document) {
      if (f.key == "КонецДокумента") {
        in = In::top;
      } else if (f.key == "СекцияДокумент" || f.key == "КонецФайла") {
        throw ParseError(at_line(s.documents.back().line), "СекцияДокумент without КонецДокумента");
      } else if (const auto key = key_of(f.key)) {
        s.fields.push_back(f);
        s.documents.back().slot[static_cast<std::size_t>(*key)] = static_cast<std::uint32_t>(s.fields.size());
      }
      return true;
    }
    // A СекцияДокумент or КонецФайла also ends an unclosed СекцияРасчСчет: its balances are not used.
    if (f.key == "СекцияДокумент") {
      in = In::document;
      s.documents.push_back({f.value, number, {}});
    } else if (f.key == "КонецФайла") {
      finished = true;
      return false;
    } else if (f.key == "СекцияРасчСчет") {
      in = In::account_section;
    } else if (f.key == "КонецРасчСчет") {
      in = In::top;
    } else if (f.key == "РасчСчет" && !f.value.empty()) {
      s.accounts.push_back(f);
    } else if (f.key == "ДатаНачала" && !f.value.empty()) {
      auto& target = in == In::top ? s.period_from : section_from;
      if (!target) target = f;
    } else if (f.key == "ДатаКонца" && !f.value.empty()) {
      auto& target = in == In::top ? s.period_to : section_to;
      if (!target) target = f;
    }
    return true;
  });

  if (first) throw ParseError(at_line(1), "not a 1CClientBankExchange file: it is empty");
  if (!finished) {
    if (in == In::document)
      throw ParseError(at_line(s.documents.back().line),
                       "truncated file: СекцияДокумент without КонецДокумента, and no КонецФайла");
    throw ParseError(at_line(last_line), "truncated file: КонецФайла missing");
  }
  if (!s.period_from) s.period_from = section_from;
  if (!s.period_to) s.period_to = section_to;
  return s;
}

// ---- Documents ---------------------------------------------------------------------------

std::string date_of(const Field& f) {
  auto d = detail::date_from_dmy(f.value);
  if (!d)
    throw ParseError(at_line(f.line), std::string(f.key) + ": " + quoted(f.value) + " is not a date (DD.MM.YYYY)");
  return *d;
}

const Field& required(const DocumentView& doc, Key key) {
  const Field* f = doc.find(key);
  if (!f || f->value.empty()) throw ParseError(at_line(doc.raw.line), std::string(doc.name_of(key)) + ": missing");
  return *f;
}

std::optional<std::string> optional_date(const DocumentView& doc, Key key) {
  const Field* f = doc.find(key);
  if (!f || f->value.empty()) return std::nullopt;
  return date_of(*f);
}

// "ИНН 7728168971 ООО «Ромашка»" (Плательщик= in some exports) -> "ООО «Ромашка»".
std::string_view without_inn_prefix(std::string_view name) {
  constexpr std::string_view kInn = "ИНН ";
  if (name.substr(0, kInn.size()) != kInn) return name;
  std::size_t i = kInn.size();
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
  if (i == kInn.size() || i >= name.size() || name[i] != ' ') return name;
  return trim(name.substr(i));
}

// The keys of one side of a document.
struct Side {
  Key account, settlement_account, name, name1, inn, kpp, bic, bank1, bank2;
};
constexpr Side kPayerSide{kPayerAccount, kPayerSettlementAccount, kPayer, kPayer1, kPayerInn,
                          kPayerKpp,     kPayerBic,              kPayerBank1, kPayerBank2};
constexpr Side kPayeeSide{kPayeeAccount, kPayeeSettlementAccount, kPayee, kPayee1, kPayeeInn,
                          kPayeeKpp,     kPayeeBic,              kPayeeBank1, kPayeeBank2};

Party party_of(const DocumentView& doc, const Side& side, const std::string& our_account, bool ours) {
  Party p;
  const auto name1 = doc.value(side.name1);
  p.name = name1.empty() ? without_inn_prefix(doc.value(side.name)) : name1;
  p.inn = doc.value(side.inn);
  p.kpp = doc.value(side.kpp);
  p.bic = doc.value(side.bic);
  const auto bank1 = doc.value(side.bank1), bank2 = doc.value(side.bank2);
  p.bank = bank1;
  if (!bank2.empty()) {
    if (!p.bank.empty()) p.bank += ' ';
    p.bank += bank2;
  }
  if (ours) {
    p.account = our_account;
  } else {
    const auto account = doc.value(side.account);
    p.account = account.empty() ? doc.value(side.settlement_account) : account;
  }
  return p;
}

bool names_account(const DocumentView& doc, const Side& side, const std::string& account) {
  return doc.value(side.account) == account || doc.value(side.settlement_account) == account;
}

bool same_ignoring_spaces(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  for (;;) {
    while (i < a.size() && (a[i] == ' ' || a[i] == '\t')) ++i;
    while (j < b.size() && (b[j] == ' ' || b[j] == '\t')) ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

// НазначениеПлатежа, continued by НазначениеПлатежа1..6. Some exports carry both the whole
// text and the same text split into lines: then the lines are not added again.
std::string purpose_of(const DocumentView& doc) {
  const std::string_view main = doc.value(kPurpose);
  std::string lines;
  for (Key k : {kPurpose1, kPurpose2, kPurpose3, kPurpose4, kPurpose5, kPurpose6}) {
    const auto v = doc.value(k);
    if (v.empty()) continue;
    if (!lines.empty()) lines += ' ';
    lines += v;
  }
  if (lines.empty() || same_ignoring_spaces(main, lines)) return std::string(main);
  if (main.empty()) return lines;
  std::string purpose(main);
  purpose += ' ';
  purpose += lines;
  return purpose;
}

// Fills `d` from `raw`; false when the document is not one of ours or not executed yet.
bool read_document(const DocumentView& doc, const std::string& account, Document& d) {
  const bool payer_ours = names_account(doc, kPayerSide, account);
  const bool payee_ours = names_account(doc, kPayeeSide, account);
  if (!payer_ours && !payee_ours) return false;

  d.number = required(doc, kNumber).value;
  d.date = date_of(required(doc, kDate));
  const Field& sum = required(doc, kSum);
  std::string why;
  const auto amount = detail::parse_amount(sum.value, {.exponent = 2, .comma_allowed = true}, why);
  if (!amount) throw ParseError(at_line(sum.line), "Сумма: " + quoted(sum.value) + " " + why);
  d.amount_minor = *amount;
  const auto received = optional_date(doc, kReceived);
  const auto written_off = optional_date(doc, kWrittenOff);
  if (payee_ours && received) {
    d.direction = Direction::incoming;
    d.value_date = *received;
  } else if (payer_ours && written_off) {
    d.direction = Direction::outgoing;
    d.value_date = *written_off;
  } else {
    return false;  // not executed yet on our side
  }
  d.currency = "RUB";
  d.payer = party_of(doc, kPayerSide, account, payer_ours);
  d.payee = party_of(doc, kPayeeSide, account, payee_ours);
  d.purpose = purpose_of(doc);
  d.kind = doc.raw.kind;
  d.line = doc.raw.line;
  return true;
}

bool is_ours(std::string_view account, const std::vector<std::string>& own_accounts) {
  return std::find(own_accounts.begin(), own_accounts.end(), account) != own_accounts.end();
}

}  // namespace

Statement parse_1c(std::string_view file, const std::vector<std::string>& own_accounts) {
  Decoded decoded = decode(file);
  const Scanned scanned = scan_sections(decoded.text);

  if (scanned.accounts.empty())
    throw ParseError(at_line(1), "РасчСчет missing: the file does not say which account it is for");
  const Field* ours = nullptr;
  for (const auto& f : scanned.accounts) {
    if (!is_ours(f.value, own_accounts)) continue;
    if (ours && ours->value != f.value)
      throw ParseError(at_line(f.line), "the file holds statements for several of our accounts (" +
                                            std::string(ours->value) + ", " + std::string(f.value) +
                                            "); export one account per file");
    if (!ours) ours = &f;
  }
  if (!ours)
    throw ParseError(at_line(scanned.accounts.front().line),
                     "statement is for account " + std::string(scanned.accounts.front().value) + ", not ours");

  Statement st;
  st.format = Format::one_c;
  st.account = ours->value;
  if (scanned.period_from) st.period_from = date_of(*scanned.period_from);
  if (scanned.period_to) st.period_to = date_of(*scanned.period_to);
  st.encoding = std::move(decoded.encoding);
  st.documents.reserve(scanned.documents.size());
  for (const auto& raw : scanned.documents) {
    st.documents.emplace_back();
    if (!read_document({raw, scanned.fields}, st.account, st.documents.back())) st.documents.pop_back();
  }
  return st;
}

}  // namespace skybill::statements
