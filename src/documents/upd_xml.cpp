#include "skybill/documents/upd_xml.hpp"

#include <libxml/xmlwriter.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "skybill/core/calendar.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/vat.hpp"

#ifndef SKYBILL_VERSION
#define SKYBILL_VERSION "dev"
#endif

namespace skybill::documents {
namespace {

using core::FieldError;

// ---- What the formats fix -----------------------------------------------------------------

constexpr const char* kProgram = "skybill " SKYBILL_VERSION;

// The file name's tail N2…N7 (order ЕД-7-26/970@, the exchange file's name; the УКД 5.02 names
// its files the same way): traceable goods, marked goods, marked alcohol, tobacco, oil
// products — none is ever sold here — and "00", no entry of the tax service's list.
constexpr const char* kFileNameFlags = "_0_0_0_0_0_00";

constexpr const char* kRussiaCode = "643";  // ОКСМ
constexpr const char* kRussiaName = "Россия";
constexpr const char* kRoubleCode = "643";  // ОКВ
constexpr const char* kRoubleName = "Российский рубль";

constexpr const char* kShipmentDocument =
    "Документ об отгрузке товаров (выполнении работ), передаче имущественных прав (документ об оказании услуг)";
constexpr const char* kInvoiceAndShipmentDocument =
    "Счет-фактура и документ об отгрузке товаров (выполнении работ), передаче имущественных прав (документ об "
    "оказании услуг)";
constexpr const char* kServicesRendered = "Услуги оказаны в полном объеме";
constexpr const char* kInvoiceName = "Счет на оплату";
constexpr const char* kUpdName = "Универсальный передаточный документ";
constexpr const char* kNote = "Примечание";
// The УКД's schema insists on this exact wording for КСЧФДИС.
constexpr const char* kConsentDocument =
    "Документ, подтверждающий согласие (факт уведомления) покупателя на изменение стоимости отгруженных товаров "
    "(выполненных работ, оказанных услуг), переданных имущественных прав";
constexpr const char* kCorrectionName =
    "Корректировочный счет-фактура и документ об изменении стоимости отгруженных товаров (выполненных работ, "
    "оказанных услуг), переданных имущественных прав";

constexpr std::int64_t kMaxAmountMinor = 1'000'000'000'000'000;  // ten trillion roubles
constexpr std::int64_t kMaxQuantity = 1'000'000'000;
constexpr std::size_t kMaxLines = 999'999;  // НомСтр has six digits

// ---- Text ---------------------------------------------------------------------------------

// Strict UTF-8: no overlong forms, surrogates or code points above U+10FFFF.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;  // continuation bytes
    std::uint32_t cp = 0;
    if ((c >> 5) == 0x6) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c >> 4) == 0xE) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c >> 3) == 0x1E) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const std::uint32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

// Characters, as the schemas' length limits count them (valid UTF-8 assumed).
std::size_t length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// ---- Values as the formats write them ------------------------------------------------------

std::string rub(std::int64_t minor) { return core::Money(minor, core::currency("RUB")).to_string(); }

// "2026-12-07" -> "07.12.2026"
std::string dotted_date(const std::string& iso) { return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4); }

// "15:30:00" -> "15.30.00"
std::string dotted_time(std::string time) {
  for (char& c : time)
    if (c == ':') c = '.';
  return time;
}

// "2026-12-07" -> "20261207"
std::string compact_date(const std::string& iso) {
  std::string out;
  for (char c : iso)
    if (c != '-') out += c;
  return out;
}

std::string rate_label(const std::string& rate) { return rate == "none" ? "без НДС" : rate + "%"; }

// The price of one unit without VAT, exact to the 11 decimals the formats allow (rounded
// half-up) and without trailing zeros past the kopecks: 9090.91, 33.33333333333.
std::string unit_price(std::int64_t net_minor, std::int64_t quantity) {
  constexpr std::int64_t kScale = 1'000'000'000;  // nine digits after the kopecks
  std::int64_t minor = net_minor / quantity;
  std::int64_t fraction = (net_minor % quantity * kScale * 2 + quantity) / (2 * quantity);
  if (fraction == kScale) {
    ++minor;
    fraction = 0;
  }
  std::string out = rub(minor);
  if (fraction == 0) return out;
  std::string digits = std::to_string(fraction);
  digits.insert(0, 9 - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + digits;
}

struct Fio {
  std::string last, first, middle;
};

// "ИП Петров Иван Сергеевич" -> {Петров, Иван, Сергеевич}; nullopt unless two or three words.
std::optional<Fio> proprietor_fio(std::string_view name) {
  for (std::string_view prefix : {"Индивидуальный предприниматель ", "ИП "})
    if (name.starts_with(prefix)) {
      name.remove_prefix(prefix.size());
      break;
    }
  std::vector<std::string> words;
  for (std::size_t i = 0; i < name.size();) {
    const auto end = std::min(name.find(' ', i), name.size());
    if (end > i) words.emplace_back(name.substr(i, end - i));
    i = end + 1;
  }
  if (words.size() < 2 || words.size() > 3) return std::nullopt;
  for (const auto& w : words)
    if (length(w) > 60) return std::nullopt;
  return Fio{words[0], words[1], words.size() == 3 ? words[2] : ""};
}

// ---- Checks -------------------------------------------------------------------------------

class Problems {
 public:
  void add(std::string field, std::string message) { list_.push_back({std::move(field), std::move(message)}); }

  // Present, at most `max` characters, valid UTF-8, no line breaks or other control characters.
  void text(const std::string& field, const std::string& what, const std::string& value, std::size_t max) {
    if (value.empty())
      add(field, what + " is empty");
    else
      optional_text(field, what, value, max);
  }

  void optional_text(const std::string& field, const std::string& what, const std::string& value, std::size_t max) {
    if (!valid_utf8(value))
      add(field, what + " is not valid UTF-8");
    else if (has_control(value))
      add(field, what + " holds a line break or another control character");
    else if (length(value) > max)
      add(field, what + " is longer than the format's " + std::to_string(max) + " characters");
  }

  // YYYY-MM-DD, a real day from 1900 to 2099 (the formats' ДатаТип).
  void date(const std::string& field, const std::string& what, const std::string& value) {
    bool ok = value.size() == 10 && value[4] == '-' && value[7] == '-' && all_digits(value.substr(0, 4)) &&
              all_digits(value.substr(5, 2)) && all_digits(value.substr(8, 2)) && value >= "1900" && value < "2100";
    if (ok) {
      try {
        core::parse_iso_date(value);
      } catch (const core::CalendarError&) {
        ok = false;
      }
    }
    if (!ok) add(field, what + " " + quoted(value) + " is not a date YYYY-MM-DD between 1900 and 2099");
  }

  void time(const std::string& field, const std::string& what, const std::string& value) {
    const bool ok = value.size() == 8 && value[2] == ':' && value[5] == ':' && all_digits(value.substr(0, 2)) &&
                    all_digits(value.substr(3, 2)) && all_digits(value.substr(6, 2)) && value.substr(0, 2) < "24" &&
                    value[3] < '6' && value[6] < '6';
    if (!ok) add(field, what + " " + quoted(value) + " is not a time HH:MM:SS");
  }

  std::vector<FieldError> take() { return std::move(list_); }

 private:
  std::vector<FieldError> list_;
};

// 10 digits, control digit checked, not starting 00 (the schemas' ИННЮЛТип); likewise 12.
bool valid_inn(const std::string& inn) { return core::is_valid_inn(inn) && !inn.starts_with("00"); }
bool valid_kpp(const std::string& kpp) { return core::is_valid_kpp(kpp) && !kpp.starts_with("00"); }

// An EDO participant id: the operator's three characters, then up to 43 more; no '_', which
// separates the file name's parts.
bool valid_edo_id(const std::string& id) {
  if (id.size() < 4 || id.size() > 46) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

void check_identity(Problems& p, const std::string& field, const std::string& who, const Party& party,
                    bool proprietor_allowed) {
  if (!valid_inn(party.inn)) {
    p.add(field + ".inn", who + "'s INN " + quoted(party.inn) +
                              " is not valid (10 digits for an organisation, 12 for a sole proprietor, control "
                              "digits checked)");
  } else if (party.inn.size() == 10) {
    if (party.kpp.empty())
      p.add(field + ".kpp", who + " is an organisation (10-digit INN) without a KPP (КПП)");
    else if (!valid_kpp(party.kpp))
      p.add(field + ".kpp", who + "'s KPP " + quoted(party.kpp) + " is not NNNNXXNNN (КПП)");
  } else {
    if (!party.kpp.empty())
      p.add(field + ".kpp", who + " is a sole proprietor (12-digit INN), who has no KPP, yet KPP " +
                                quoted(party.kpp) + " is given");
    if (!proprietor_allowed)
      p.add(field + ".inn", who + " is a sole proprietor (12-digit INN); the УКД 5.02 then needs their ОГРНИП and "
                                  "its date, which the correction does not carry");
    else if (!proprietor_fio(party.name))
      p.add(field + ".name", who + " is a sole proprietor (12-digit INN); the name must read \"ИП Фамилия Имя "
                                   "[Отчество]\" to fill the ФИО");
  }
}

void check_bank(Problems& p, const std::string& field, const std::string& who, const Party& party) {
  if (party.account.empty()) return;  // no БанкРекв at all
  p.optional_text(field + ".account", who + "'s account (НомерСчета)", party.account, 34);
  p.optional_text(field + ".bank", who + "'s bank (НаимБанк)", party.bank, 1000);
  p.optional_text(field + ".correspondent_account", who + "'s correspondent account (КорСчет)",
                  party.correspondent_account, 34);
  if (!party.bic.empty() && (party.bic.size() != 9 || !all_digits(party.bic)))
    p.add(field + ".bic", who + "'s BIC " + quoted(party.bic) + " is not 9 digits (БИК)");
}

void check_party(Problems& p, const std::string& field, const std::string& who, const Party& party,
                 bool proprietor_allowed) {
  p.text(field + ".name", who + "'s name (НаимОрг)", party.name, 1000);
  p.text(field + ".address", who + "'s address (Адрес)", party.address, 1000);
  check_identity(p, field, who, party, proprietor_allowed);
  if (party.edo_id.empty())
    p.add(field + ".edo_id", who + " has no EDO identifier, which the file's name (ИдФайл) needs");
  else if (!valid_edo_id(party.edo_id))
    p.add(field + ".edo_id", who + "'s EDO identifier " + quoted(party.edo_id) +
                                 " is not 4 to 46 Latin letters, digits and hyphens");
  check_bank(p, field, who, party);
}

void check_signer(Problems& p, const Signer& s) {
  p.text("signer.last_name", "the signer's last name (Фамилия)", s.last_name, 60);
  p.text("signer.first_name", "the signer's first name (Имя)", s.first_name, 60);
  p.optional_text("signer.middle_name", "the signer's middle name (Отчество)", s.middle_name, 60);
  p.text("signer.position", "the signer's position (Должн)", s.position, 255);
}

void check_currency(Problems& p, const std::string& currency, const std::string& document) {
  if (currency != "RUB")
    p.add("currency", "the " + document + " states amounts in roubles only (ОКВ 643); the booking is in " +
                          (currency.empty() ? "no currency" : currency));
}

void check_guid(Problems& p, const std::string& guid) {
  if (!core::is_uuid(guid))
    p.add("file_guid", "the file's GUID " + quoted(guid) +
                           " is not 8-4-4-4-12 hexadecimal digits, which the file's name (ИдФайл) needs");
}

// A rate skybill knows, in force for a document of `date` (22 % from 2026, 20 % before).
void check_rate(Problems& p, const std::string& field, const std::string& line, const std::string& rate,
                const std::string& date) {
  if (!core::parse_vat_rate(rate)) {
    p.add(field, line + ": VAT rate " + quoted(rate) + " is not one of 22, 20, 10, 0, none");
    return;
  }
  if (date.size() != 10) return;  // the date's own check speaks
  if (rate == "22" && date < "2026-01-01") p.add(field, line + ": 22 % applies to documents from 1 January 2026 on");
  if (rate == "20" && date >= "2026-01-01") p.add(field, line + ": 20 % applies to documents before 1 January 2026");
}

bool amount_in_range(std::int64_t minor, std::int64_t min) { return minor >= min && minor <= kMaxAmountMinor; }

// VAT = amount × rate / (100 + rate), rounded half-up (DOMAIN "Money and VAT").
void check_vat(Problems& p, const std::string& field, const std::string& line, std::int64_t amount,
               const std::string& rate, std::int64_t vat) {
  const auto parsed = core::parse_vat_rate(rate);
  if (!parsed || !amount_in_range(amount, 0)) return;  // reported already
  const auto expected = core::vat_included(core::Money(amount, core::currency("RUB")), *parsed).minor();
  if (vat != expected) {
    const std::string rate_percent = std::to_string(core::percent(*parsed));
    p.add(field, line + ": VAT " + rub(vat) + " is not " + rub(amount) + " × " + rate_percent + " / (100 + " +
                     rate_percent + ") = " + rub(expected) + ", rounded half-up");
  }
}

void check_unit(Problems& p, const std::string& f, const std::string& line, const std::string& code,
                const std::string& name) {
  if (code.size() < 3 || code.size() > 4 || !all_digits(code))
    p.add(f + ".unit_code", line + ": unit code " + quoted(code) + " is not an OKEI code of 3 or 4 digits (ОКЕИ_Тов)");
  p.text(f + ".unit_name", line + ": the unit's name (НаимЕдИзм)", name, 255);
}

template <class Range, class Value>
std::optional<std::int64_t> sum(const Range& range, Value value) {
  std::int64_t total = 0;
  for (const auto& item : range)
    if (__builtin_add_overflow(total, value(item), &total)) return std::nullopt;
  return total;
}

void check_sum(Problems& p, const std::string& field, const std::string& what, std::optional<std::int64_t> lines,
               std::int64_t stated) {
  if (!lines)
    p.add(field, "the lines' " + what + " overflow");
  else if (*lines != stated)
    p.add(field, "the lines' " + what + " add up to " + rub(*lines) + ", not the stated " + rub(stated));
}

std::string line_name(std::size_t index) { return "line " + std::to_string(index + 1); }

void check_upd_line(Problems& p, std::size_t i, const DocumentLine& l, const std::string& date) {
  const std::string f = "lines[" + std::to_string(i) + "]";
  const std::string line = line_name(i);
  if (l.number != static_cast<int>(i) + 1)
    p.add(f + ".number", line + " is numbered " + std::to_string(l.number) + "; lines are numbered 1, 2, … (НомСтр)");
  p.text(f + ".description", line + ": the description (НаимТов)", l.description, 2000);
  check_unit(p, f, line, l.unit_code, l.unit_name);
  if (l.quantity < 1 || l.quantity > kMaxQuantity)
    p.add(f + ".quantity", line + ": quantity " + std::to_string(l.quantity) + " is not a whole number from 1 (КолТов)");
  if (!amount_in_range(l.amount_minor, 1))
    p.add(f + ".amount_minor", line + ": amount " + std::to_string(l.amount_minor) +
                                   " (minor units) must be positive, the format's price (ЦенаТов) is above zero");
  check_rate(p, f + ".vat_rate", line, l.vat_rate, date);
  check_vat(p, f + ".vat_minor", line, l.amount_minor, l.vat_rate, l.vat_minor);
}

// ---- Writing ------------------------------------------------------------------------------

// libxml2's writer, which escapes what must be escaped and encodes the output in windows-1251
// (characters outside it become character references).
class XmlWriter {
 public:
  XmlWriter() : buffer_(xmlBufferCreate()) {
    if (!buffer_) throw std::bad_alloc();
    writer_ = xmlNewTextWriterMemory(buffer_.get(), 0);
    if (!writer_) throw std::bad_alloc();
    check(xmlTextWriterSetIndent(writer_, 1));
    check(xmlTextWriterSetIndentString(writer_, x("  ")));
    check(xmlTextWriterStartDocument(writer_, "1.0", "windows-1251", nullptr));
  }
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;
  ~XmlWriter() {
    if (writer_) xmlFreeTextWriter(writer_);
  }

  // Writes <name>, whatever `body` writes (attributes first), and </name>.
  template <class Body>
  void element(const char* name, Body&& body) {
    check(xmlTextWriterStartElement(writer_, x(name)));
    body();
    check(xmlTextWriterEndElement(writer_));
  }
  void attr(const char* name, const std::string& value) {
    check(xmlTextWriterWriteAttribute(writer_, x(name), x(value.c_str())));
  }
  void attr_if(const char* name, const std::string& value) {
    if (!value.empty()) attr(name, value);
  }
  void text_element(const char* name, const std::string& text) {
    check(xmlTextWriterWriteElement(writer_, x(name), x(text.c_str())));
  }

  std::string finish() {
    check(xmlTextWriterEndDocument(writer_));
    xmlFreeTextWriter(writer_);  // flushes into the buffer
    writer_ = nullptr;
    const auto* bytes = reinterpret_cast<const char*>(xmlBufferContent(buffer_.get()));
    return std::string(bytes, static_cast<std::size_t>(xmlBufferLength(buffer_.get())));
  }

 private:
  struct BufferFree {
    void operator()(xmlBuffer* b) const { xmlBufferFree(b); }
  };
  static const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
  static void check(int rc) {
    if (rc < 0) throw std::runtime_error("libxml2 could not write the XML document");
  }

  std::unique_ptr<xmlBuffer, BufferFree> buffer_;
  xmlTextWriterPtr writer_ = nullptr;
};

void write_fio(XmlWriter& w, const std::string& last, const std::string& first, const std::string& middle) {
  w.element("ФИО", [&] {
    w.attr("Фамилия", last);
    w.attr("Имя", first);
    w.attr_if("Отчество", middle);
  });
}

// УчастникТип, the same in both formats: identity, the address as the registry states it (free
// text: skybill holds no ФИАС/ГАР codes), the bank account when there is one.
void write_party(XmlWriter& w, const char* element, const Party& party) {
  w.element(element, [&] {
    w.element("ИдСв", [&] {
      if (party.inn.size() == 12) {
        const auto fio = proprietor_fio(party.name);
        w.element("СвИП", [&] {
          w.attr("ИННФЛ", party.inn);
          write_fio(w, fio->last, fio->first, fio->middle);
        });
      } else {
        w.element("СвЮЛУч", [&] {
          w.attr("НаимОрг", party.name);
          w.attr("ИННЮЛ", party.inn);
          w.attr("КПП", party.kpp);
        });
      }
    });
    w.element("Адрес", [&] {
      w.element("АдрИнф", [&] {
        w.attr("КодСтр", kRussiaCode);
        w.attr("НаимСтран", kRussiaName);
        w.attr("АдрТекст", party.address);
      });
    });
    if (party.account.empty()) return;
    w.element("БанкРекв", [&] {
      w.attr("НомерСчета", party.account);
      if (party.bank.empty() && party.bic.empty() && party.correspondent_account.empty()) return;
      w.element("СвБанк", [&] {
        w.attr_if("НаимБанк", party.bank);
        w.attr_if("БИК", party.bic);
        w.attr_if("КорСчет", party.correspondent_account);
      });
    });
  });
}

void write_currency(XmlWriter& w) {
  w.element("ДенИзм", [&] {
    w.attr("КодОКВ", kRoubleCode);
    w.attr("НаимОКВ", kRoubleName);
  });
}

void write_note(XmlWriter& w, const std::string& reference) {
  if (reference.empty()) return;
  w.element("ИнфПолФХЖ1", [&] {
    w.element("ТекстИнф", [&] {
      w.attr("Идентиф", kNote);
      w.attr("Значен", reference);
    });
  });
}

void write_document_ref(XmlWriter& w, const char* element, const std::string& name, const std::string& number,
                        const std::string& date) {
  w.element(element, [&] {
    w.attr("РеквНаимДок", name);
    w.attr("РеквНомерДок", number);
    w.attr("РеквДатаДок", dotted_date(date));
  });
}

// СумНДСТип: the amount (named СумНал in the УПД 5.03, СумНДС in the УКД 5.02) or "без НДС".
void write_vat(XmlWriter& w, const char* element, const char* amount_element, bool without_vat, std::int64_t vat) {
  w.element(element, [&] {
    if (without_vat)
      w.text_element("БезНДС", "без НДС");
    else
      w.text_element(amount_element, rub(vat));
  });
}

void write_no_excise(XmlWriter& w, const char* element) {
  w.element(element, [&] { w.text_element("БезАкциз", "без акциза"); });
}

// Powers as the signer's own qualified signature shows them (СпосПодтПолном 1: a head of the
// organisation); skybill holds no power of attorney to cite.
void write_signer(XmlWriter& w, const Signer& s) {
  w.element("Подписант", [&] {
    w.attr("Должн", s.position);
    w.attr("СпосПодтПолном", "1");
    write_fio(w, s.last_name, s.first_name, s.middle_name);
  });
}

// ---- УПД 5.03 -----------------------------------------------------------------------------

bool schfdop(const Upd& u) { return u.function == Upd::Function::schfdop; }

// Who composes the file: the gateway when it issues for the airline, else the seller. The
// format's ОснДоверОргСост (the agency contract) would go with the gateway; the data has none.
const std::string& composer(const Upd& u) { return u.gateway_name.empty() ? u.seller.name : u.gateway_name; }

void write_invoice_part(XmlWriter& w, const Upd& u) {
  w.element("СвСчФакт", [&] {
    w.attr("НомерДок", u.number);
    w.attr("ДатаДок", dotted_date(u.date));
    write_party(w, "СвПрод", u.seller);
    for (const auto& payment : u.payments)
      w.element("СвПРД", [&] {
        w.attr("НомерПРД", payment.number);
        w.attr("ДатаПРД", dotted_date(payment.date));
      });
    write_party(w, "СвПокуп", u.buyer);
    write_currency(w);
    write_note(w, u.reference);
  });
}

void write_upd_line(XmlWriter& w, const DocumentLine& l) {
  const std::int64_t net = l.amount_minor - l.vat_minor;
  w.element("СведТов", [&] {
    w.attr("НомСтр", std::to_string(l.number));
    w.attr("НаимТов", l.description);
    w.attr("ОКЕИ_Тов", l.unit_code);
    w.attr("НаимЕдИзм", l.unit_name);
    w.attr("КолТов", std::to_string(l.quantity));
    w.attr("ЦенаТов", unit_price(net, l.quantity));
    w.attr("СтТовБезНДС", rub(net));
    w.attr("НалСт", rate_label(l.vat_rate));
    w.attr("СтТовУчНал", rub(l.amount_minor));
    write_no_excise(w, "Акциз");
    write_vat(w, "СумНал", "СумНал", l.vat_rate == "none", l.vat_minor);
  });
}

void write_upd_table(XmlWriter& w, const Upd& u) {
  bool without_vat = true;
  for (const auto& l : u.lines) without_vat = without_vat && l.vat_rate == "none";
  w.element("ТаблСчФакт", [&] {
    for (const auto& l : u.lines) write_upd_line(w, l);
    w.element("ВсегоОпл", [&] {
      w.attr("СтТовБезНДСВсего", rub(u.total_minor - u.vat_minor));
      w.attr("СтТовУчНалВсего", rub(u.total_minor));
      write_vat(w, "СумНалВсего", "СумНал", without_vat, u.vat_minor);
    });
  });
}

// The transfer: services rendered on the date of the service, by the invoice they were
// ordered by, handed over by the seller's signer.
void write_transfer(XmlWriter& w, const Upd& u) {
  w.element("СвПродПер", [&] {
    w.element("СвПер", [&] {
      w.attr("СодОпер", kServicesRendered);
      w.attr("ДатаПер", dotted_date(u.shipped_on));
      write_document_ref(w, "ОснПер", kInvoiceName, u.basis.number, u.basis.date);
      w.element("СвЛицПер", [&] {
        w.element("РабОргПрод", [&] {
          w.attr("Должность", u.signer.position);
          write_fio(w, u.signer.last_name, u.signer.first_name, u.signer.middle_name);
        });
      });
    });
  });
}

std::string write_upd(const Upd& u) {
  XmlWriter w;
  w.element("Файл", [&] {
    w.attr("ИдФайл", upd_file_id(u));
    w.attr("ВерсФорм", "5.03");
    w.attr("ВерсПрог", kProgram);
    w.element("Документ", [&] {
      w.attr("КНД", "1115131");
      w.attr("Функция", schfdop(u) ? "СЧФДОП" : "ДОП");
      w.attr("ПоФактХЖ", kShipmentDocument);
      w.attr("НаимДокОпр", schfdop(u) ? kInvoiceAndShipmentDocument : kShipmentDocument);
      w.attr("ДатаИнфПр", dotted_date(u.date));
      w.attr("ВремИнфПр", dotted_time(u.time));
      w.attr("НаимЭконСубСост", composer(u));
      write_invoice_part(w, u);
      write_upd_table(w, u);
      write_transfer(w, u);
      write_signer(w, u.signer);
    });
  });
  return w.finish();
}

// ---- УКД 5.02 -----------------------------------------------------------------------------

// The cost of a line without VAT, VAT and with VAT, before or after.
struct Costs {
  std::int64_t net = 0, vat = 0, total = 0;
};

Costs before(const CorrectionLine& l) {
  return {l.amount_before_minor - l.vat_before_minor, l.vat_before_minor, l.amount_before_minor};
}
Costs after(const CorrectionLine& l) { return {l.amount_after_minor - l.vat_after_minor, l.vat_after_minor, l.amount_after_minor}; }

// The sums of ВсегоУвел or ВсегоУм: the lines whose cost rose, or fell.
struct Change {
  Costs sum;
  bool any = false, with_vat = false;
  void add(const CorrectionLine& l, std::int64_t sign) {
    sum.net += sign * (after(l).net - before(l).net);
    sum.vat += sign * (after(l).vat - before(l).vat);
    sum.total += sign * (after(l).total - before(l).total);
    any = true;
    with_vat = with_vat || l.vat_rate != "none";
  }
};

void check_correction_line(Problems& p, std::size_t i, const CorrectionLine& l, const std::string& rate_date,
                           std::set<int>& numbers) {
  const std::string f = "lines[" + std::to_string(i) + "]";
  const std::string line = line_name(i);
  if (l.number < 1 || l.number > 999'999 || !numbers.insert(l.number).second)
    p.add(f + ".number", line + " refers to line " + std::to_string(l.number) +
                             " of the corrected УПД, which must be a distinct number from 1 (ПорНомТовВСЧФ)");
  p.text(f + ".description", line + ": the description (НаимТов)", l.description, 2000);
  check_unit(p, f, line, l.unit_code, l.unit_name);
  if (l.quantity_before < 1 || l.quantity_before > kMaxQuantity)
    p.add(f + ".quantity_before", line + ": the quantity before " + std::to_string(l.quantity_before) +
                                      " is not a whole number from 1 (КолТовДо)");
  if (l.quantity_after < 0 || l.quantity_after > kMaxQuantity)
    p.add(f + ".quantity_after", line + ": the quantity after " + std::to_string(l.quantity_after) +
                                     " is not a whole number from 0 (КолТовПосле)");
  if (!amount_in_range(l.amount_before_minor, 1))
    p.add(f + ".amount_before_minor", line + ": the amount before must be positive (ЦенаТовДо)");
  if (!amount_in_range(l.amount_after_minor, 0))
    p.add(f + ".amount_after_minor", line + ": the amount after must be from 0 (СтоимПослеИзм)");
  else if (l.quantity_after == 0 && l.amount_after_minor != 0)
    p.add(f + ".amount_after_minor", line + ": nothing remains (quantity after 0) yet the amount after is " +
                                         rub(l.amount_after_minor));
  else if (l.quantity_after > 0 && l.amount_after_minor == 0)
    p.add(f + ".amount_after_minor", line + ": the price after the change would be 0; the format wants a positive "
                                            "price (ЦенаТовПосле)");
  check_rate(p, f + ".vat_rate", line, l.vat_rate, rate_date);
  check_vat(p, f + ".vat_before_minor", line + " before", l.amount_before_minor, l.vat_rate, l.vat_before_minor);
  check_vat(p, f + ".vat_after_minor", line + " after", l.amount_after_minor, l.vat_rate, l.vat_after_minor);
}

void check_correction_totals(Problems& p, const Correction& c) {
  using L = CorrectionLine;
  check_sum(p, "total_before_minor", "amounts before", sum(c.lines, [](const L& l) { return l.amount_before_minor; }),
            c.total_before_minor);
  check_sum(p, "total_after_minor", "amounts after", sum(c.lines, [](const L& l) { return l.amount_after_minor; }),
            c.total_after_minor);
  check_sum(p, "vat_before_minor", "VAT before", sum(c.lines, [](const L& l) { return l.vat_before_minor; }),
            c.vat_before_minor);
  check_sum(p, "vat_after_minor", "VAT after", sum(c.lines, [](const L& l) { return l.vat_after_minor; }),
            c.vat_after_minor);
  bool changes = false;
  for (const auto& l : c.lines) changes = changes || l.amount_before_minor != l.amount_after_minor;
  if (!c.lines.empty() && !changes)
    p.add("lines", "the correction changes no line's amount; an УКД states an increase or a decrease (ВсегоУвел, "
                   "ВсегоУм)");
}

void write_change(XmlWriter& w, const char* element, std::int64_t was, std::int64_t is) {
  w.element(element, [&] {
    w.attr("СтоимДоИзм", rub(was));
    w.attr("СтоимПослеИзм", rub(is));
    if (is > was) w.attr("СтоимУвел", rub(is - was));
    if (is < was) w.attr("СтоимУм", rub(was - is));
  });
}

void write_correction_line(XmlWriter& w, std::size_t i, const CorrectionLine& l) {
  const Costs was = before(l), is = after(l);
  const bool without_vat = l.vat_rate == "none";
  const std::string price_before = unit_price(was.net, l.quantity_before);
  w.element("СведТов", [&] {
    w.attr("НомСтр", std::to_string(i + 1));
    w.attr("ПорНомТовВСЧФ", std::to_string(l.number));
    w.attr("НаимТов", l.description);
    w.attr("ОКЕИ_Тов", l.unit_code);
    w.attr("НаимЕдИзм", l.unit_name);
    w.attr("КолТовДо", std::to_string(l.quantity_before));
    w.attr("КолТовПосле", std::to_string(l.quantity_after));
    w.attr("ЦенаТовДо", price_before);
    // Nothing left: the unit price stands, the quantity went to zero (the price must be > 0).
    w.attr("ЦенаТовПосле", l.quantity_after > 0 ? unit_price(is.net, l.quantity_after) : price_before);
    w.attr("НалСт", rate_label(l.vat_rate));
    write_change(w, "СтТовБезНДС", was.net, is.net);
    write_no_excise(w, "АкцизДо");
    write_no_excise(w, "АкцизПосле");
    write_vat(w, "СумНалДо", "СумНДС", without_vat, was.vat);
    write_vat(w, "СумНалПосле", "СумНДС", without_vat, is.vat);
    w.element("СумНалРазн", [&] {
      if (is.vat > was.vat)
        w.text_element("СумУвел", rub(is.vat - was.vat));
      else
        w.text_element("СумУм", rub(was.vat - is.vat));
    });
    write_change(w, "СтТовУчНал", was.total, is.total);
  });
}

void write_change_total(XmlWriter& w, const char* element, const Change& change) {
  if (!change.any) return;
  w.element(element, [&] {
    w.attr("СтТовБезНДСВсего", rub(change.sum.net));
    w.attr("СтТовУчНалВсего", rub(change.sum.total));
    write_vat(w, "СумНалВсего", "СумНДС", !change.with_vat, change.sum.vat);
  });
}

void write_correction_table(XmlWriter& w, const Correction& c) {
  Change increase, decrease;
  for (const auto& l : c.lines) {
    if (l.amount_after_minor > l.amount_before_minor) increase.add(l, 1);
    if (l.amount_after_minor < l.amount_before_minor) decrease.add(l, -1);
  }
  w.element("ТаблКСчФ", [&] {
    for (std::size_t i = 0; i < c.lines.size(); ++i) write_correction_line(w, i, c.lines[i]);
    write_change_total(w, "ВсегоУвел", increase);
    write_change_total(w, "ВсегоУм", decrease);
  });
}

// The fact of the change: the corrected УПД, and the refund or price change that causes it,
// known by the reason and the booking. СодОпер 2 — "уведомляю об изменении стоимости": the
// buyer is told of a change made, not asked to agree to one.
void write_consent(XmlWriter& w, const Correction& c) {
  w.element("СодФХЖ3", [&] {
    w.attr("СодОпер", "2");
    write_document_ref(w, "ПередатДокум", kUpdName, c.corrected.number, c.corrected.date);
    write_document_ref(w, "ДокумОснКор", c.reason, c.reference, c.date);
  });
}

std::string write_correction(const Correction& c) {
  XmlWriter w;
  w.element("Файл", [&] {
    w.attr("ИдФайл", correction_file_id(c));
    w.attr("ВерсФорм", "5.02");
    w.attr("ВерсПрог", kProgram);
    w.element("Документ", [&] {
      w.attr("КНД", "1115133");
      w.attr("Функция", "КСЧФДИС");
      w.attr("ПоФактХЖ", kConsentDocument);
      w.attr("НаимДокОпр", kCorrectionName);
      w.attr("ДатаИнфПр", dotted_date(c.date));
      w.attr("ВремИнфПр", dotted_time(c.time));
      w.element("СвКСчФ", [&] {
        w.attr("НомерДок", c.number);
        w.attr("ДатаДок", dotted_date(c.date));
        w.element("СчФ", [&] {
          w.attr("НомерСчФ", c.corrected.number);
          w.attr("ДатаСчФ", dotted_date(c.corrected.date));
        });
        write_party(w, "СвПрод", c.seller);
        write_party(w, "СвПокуп", c.buyer);
        write_currency(w);
        write_note(w, c.reference);
      });
      write_correction_table(w, c);
      write_consent(w, c);
      write_signer(w, c.signer);
    });
  });
  return w.finish();
}

std::string file_id(const char* prefix, const Party& buyer, const Party& seller, const std::string& date,
                    const std::string& guid) {
  return std::string(prefix) + "_" + buyer.edo_id + "_" + seller.edo_id + "_" + compact_date(date) + "_" + guid +
         kFileNameFlags;
}

}  // namespace

// ---- Public -------------------------------------------------------------------------------

// Order ЕД-7-26/970@ names the file R_T_A_O_GGGGMMDD_N1_N2_N3_N4_N5_N6_N7: R_T the prefix,
// A the recipient's (buyer's) EDO id, O the sender's (seller's), the date the file is formed,
// N1 a GUID, then the flags above.
std::string upd_file_id(const Upd& upd) {
  return file_id("ON_NSCHFDOPPR", upd.buyer, upd.seller, upd.date, upd.file_guid);
}

std::string correction_file_id(const Correction& correction) {
  return file_id("ON_NKORSCHFDOPPR", correction.buyer, correction.seller, correction.date, correction.file_guid);
}

std::vector<FieldError> upd_problems(const Upd& u) {
  Problems p;
  p.text("number", "the document's number (НомерДок)", u.number, 1000);
  p.date("date", "the document's date (ДатаДок)", u.date);
  p.time("time", "the time the file is formed (ВремИнфПр)", u.time);
  check_currency(p, u.currency, "UPD");
  check_party(p, "seller", "the seller", u.seller, true);
  check_party(p, "buyer", "the buyer", u.buyer, true);
  p.optional_text("gateway_name", "the composer's name (НаимЭконСубСост)", u.gateway_name, 1000);
  check_guid(p, u.file_guid);
  if (u.lines.empty()) p.add("lines", "the UPD has no lines (СведТов)");
  if (u.lines.size() > kMaxLines) p.add("lines", "the UPD has more lines than the format's 999999");
  for (std::size_t i = 0; i < u.lines.size(); ++i) check_upd_line(p, i, u.lines[i], u.date);
  check_sum(p, "total_minor", "amounts", sum(u.lines, [](const DocumentLine& l) { return l.amount_minor; }),
            u.total_minor);
  check_sum(p, "vat_minor", "VAT", sum(u.lines, [](const DocumentLine& l) { return l.vat_minor; }), u.vat_minor);
  for (std::size_t i = 0; i < u.payments.size(); ++i) {
    const std::string f = "payments[" + std::to_string(i) + "]";
    p.text(f + ".number", "payment document " + std::to_string(i + 1) + "'s number (НомерПРД)", u.payments[i].number, 30);
    p.date(f + ".date", "payment document " + std::to_string(i + 1) + "'s date (ДатаПРД)", u.payments[i].date);
  }
  p.text("basis.number", "the basis of transfer's number (ОснПер)", u.basis.number, 255);
  p.date("basis.date", "the basis of transfer's date (ОснПер)", u.basis.date);
  p.date("shipped_on", "the date of the service (ДатаПер)", u.shipped_on);
  p.optional_text("reference", "the reference (ИнфПолФХЖ1)", u.reference, 2000);
  check_signer(p, u.signer);
  return p.take();
}

std::vector<FieldError> correction_problems(const Correction& c) {
  Problems p;
  p.text("number", "the correction's number (НомерДок)", c.number, 1000);
  p.date("date", "the correction's date (ДатаДок)", c.date);
  p.time("time", "the time the file is formed (ВремИнфПр)", c.time);
  check_currency(p, c.currency, "УКД");
  check_party(p, "seller", "the seller", c.seller, false);
  check_party(p, "buyer", "the buyer", c.buyer, false);
  p.optional_text("gateway_name", "the gateway's name", c.gateway_name, 1000);
  check_guid(p, c.file_guid);
  p.text("corrected.number", "the corrected UPD's number (НомерСчФ)", c.corrected.number, 255);
  p.date("corrected.date", "the corrected UPD's date (ДатаСчФ)", c.corrected.date);
  p.text("reason", "the reason, which names the basis of the correction (ДокумОснКор)", c.reason, 255);
  p.text("reference", "the booking reference, which numbers the basis of the correction (ДокумОснКор)", c.reference,
         255);
  if (c.lines.empty()) p.add("lines", "the correction has no lines (СведТов)");
  if (c.lines.size() > kMaxLines) p.add("lines", "the correction has more lines than the format's 999999");
  std::set<int> numbers;
  // A correction keeps the rates of the document it corrects (20 % for one dated before 2026).
  for (std::size_t i = 0; i < c.lines.size(); ++i) check_correction_line(p, i, c.lines[i], c.corrected.date, numbers);
  check_correction_totals(p, c);
  check_signer(p, c.signer);
  return p.take();
}

std::string render_upd_xml(const Upd& upd) {
  if (auto problems = upd_problems(upd); !problems.empty()) throw core::validation_failed(std::move(problems));
  return write_upd(upd);
}

std::string render_correction_xml(const Correction& correction) {
  if (auto problems = correction_problems(correction); !problems.empty())
    throw core::validation_failed(std::move(problems));
  return write_correction(correction);
}

}  // namespace skybill::documents
