// Notice texts: one table row per kind, Russian and English.
//
// Template syntax: {fact} is replaced by the fact's value (times and codes rendered for
// reading); a body line starting with {?fact} is kept only when that fact is non-empty.
#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <vector>

#include "skybill/core/time.hpp"
#include "skybill/mail/mail.hpp"

namespace skybill::mail {
namespace {

enum class Format { text, time, method, case_type };

struct Fact {
  std::string_view name;
  bool required = true;
  Format format = Format::text;
};

struct Text {
  std::string_view subject, body;
};

struct Template {
  std::string_view kind;
  std::vector<Fact> facts;
  Text ru, en;
};

std::vector<Fact> client_facts(std::vector<Fact> more) {
  std::vector<Fact> facts = {{"merchant_name"}, {"reference"}, {"pnr"}};
  facts.insert(facts.end(), more.begin(), more.end());
  return facts;
}

const std::vector<Template>& templates() {
  static const std::vector<Template> table = {
      {"invoice_issued",
       client_facts({{"invoice_number"}, {"amount"}, {"due_at", true, Format::time}, {"pay_url"}, {"pdf_url", false}}),
       {"Счёт № {invoice_number} на оплату бронирования {reference}",
        R"(Здравствуйте!

Для оплаты бронирования выставлен счёт № {invoice_number}.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})
Сумма: {amount}
Оплатить до: {due_at}

Оплатить счёт: {pay_url}
{?pdf_url}Счёт в PDF (с QR-кодом для оплаты в приложении банка): {pdf_url}

Если счёт уже оплачен, это письмо можно не учитывать.)"},
       {"Invoice {invoice_number} for booking {reference}",
        R"(Hello,

Invoice {invoice_number} has been issued for your booking.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})
Amount: {amount}
Due by: {due_at}

Pay the invoice: {pay_url}
{?pdf_url}The invoice as a PDF (with a QR code for your banking app): {pdf_url}

If you have already paid it, please disregard this message.)"}},

      {"tl_expiring",
       client_facts({{"ticketing_time_limit", true, Format::time}, {"pay_url"}, {"amount"}}),
       {"Бронирование {reference}: оплатите до {ticketing_time_limit}",
        R"(Здравствуйте!

Срок оплаты бронирования скоро истечёт. Если оплата не поступит до {ticketing_time_limit}, бронирование будет аннулировано.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})
Сумма к оплате: {amount}
Оплатить до: {ticketing_time_limit}

Оплатить: {pay_url})"},
       {"Booking {reference}: please pay by {ticketing_time_limit}",
        R"(Hello,

The time limit for paying for your booking is approaching. If payment is not received by {ticketing_time_limit}, the booking will be cancelled.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})
Amount due: {amount}
Pay by: {ticketing_time_limit}

Pay now: {pay_url})"}},

      {"booking_expired",
       client_facts({{"ticketing_time_limit", true, Format::time}}),
       {"Бронирование {reference} аннулировано",
        R"(Здравствуйте!

Бронирование не было оплачено до {ticketing_time_limit} и аннулировано.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})

Если поездка ещё актуальна, оформите новое бронирование.)"},
       {"Booking {reference} has been cancelled",
        R"(Hello,

Your booking was not paid by {ticketing_time_limit} and has been cancelled.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})

If you still plan to travel, please make a new booking.)"}},

      {"payment_received",
       client_facts({{"invoice_number"}, {"amount"}, {"outstanding", false}}),
       {"Оплата по счёту № {invoice_number} получена",
        R"(Здравствуйте!

Спасибо! Мы получили оплату по счёту № {invoice_number}.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})
Сумма: {amount}
{?outstanding}Остаток к оплате: {outstanding}. Пожалуйста, доплатите его, чтобы билет был выписан.)"},
       {"Payment received for invoice {invoice_number}",
        R"(Hello,

Thank you! We have received your payment for invoice {invoice_number}.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})
Amount: {amount}
{?outstanding}Still to pay: {outstanding}. Please pay the rest so that the ticket can be issued.)"}},

      {"payment_reminder",
       client_facts({{"invoice_number"}, {"amount"}, {"due_at", true, Format::time}}),
       {"Напоминание об оплате счёта № {invoice_number}",
        R"(Здравствуйте!

Напоминаем об оплате счёта № {invoice_number} по кредитной линии.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})
К оплате: {amount}
Срок оплаты: {due_at}

Пока счёт просрочен, новые бронирования в кредит недоступны.)"},
       {"Payment reminder: invoice {invoice_number}",
        R"(Hello,

This is a reminder to pay invoice {invoice_number} under your credit line.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})
To pay: {amount}
Due: {due_at}

While an invoice is overdue, new bookings on credit are not available.)"}},

      {"ticketing_authorized",
       client_facts({{"method", false, Format::method}}),
       {"Бронирование {reference}: оплата подтверждена",
        R"(Здравствуйте!

Оплата бронирования подтверждена, авиакомпания может выписывать билеты.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})
{?method}Способ оплаты: {method})"},
       {"Booking {reference}: payment confirmed",
        R"(Hello,

Payment for your booking is confirmed; the airline can now issue the tickets.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})
{?method}Payment method: {method})"}},

      {"refund_done",
       client_facts({{"amount"}, {"reason", false}}),
       {"Возврат по бронированию {reference}",
        R"(Здравствуйте!

По бронированию оформлен возврат на сумму {amount}.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})
Сумма возврата: {amount}
{?reason}Причина: {reason})"},
       {"Refund for booking {reference}",
        R"(Hello,

A refund of {amount} has been made for your booking.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})
Refund amount: {amount}
{?reason}Reason: {reason})"}},

      {"document_issued",
       client_facts({{"document_title"}, {"number"}, {"pdf_url"}, {"xml_url", false}}),
       {"{document_title} № {number} по бронированию {reference}",
        R"(Здравствуйте!

Оформлен документ: {document_title} № {number}.

Авиакомпания: {merchant_name}
Бронирование: {reference} (PNR {pnr})

Документ в PDF: {pdf_url}
{?xml_url}Файл для ЭДО (формат ФНС 5.03): {xml_url}

Оригинал придёт по выбранному вами способу: через оператора ЭДО или почтой.)"},
       {"{document_title} {number} for booking {reference}",
        R"(Hello,

A document has been issued: {document_title} {number}.

Airline: {merchant_name}
Booking: {reference} (PNR {pnr})

The document as a PDF: {pdf_url}
{?xml_url}The file for electronic document exchange (tax service format 5.03): {xml_url}

The original reaches you the way you chose: through your EDO operator or by post.)"}},

      {"endpoint_disabled",
       {{"url"}, {"since", true, Format::time}, {"last_error"}},
       {"Отправка вебхуков остановлена: {url}",
        R"(Здравствуйте!

Мы остановили отправку уведомлений (вебхуков) на ваш адрес: доставить их не удаётся.

Адрес: {url}
Ошибки доставки с: {since}
{?last_error}Последняя ошибка: {last_error}

Когда адрес снова будет принимать запросы и отвечать кодом 2xx, включите его повторно.)"},
       {"Webhook endpoint disabled: {url}",
        R"(Hello,

We have stopped sending webhooks to your endpoint because deliveries to it keep failing.

Endpoint: {url}
Failing since: {since}
{?last_error}Last error: {last_error}

Once the endpoint accepts requests and answers with a 2xx status again, please re-enable it.)"}},

      {"support_case_opened",
       {{"case_id"}, {"type", true, Format::case_type}, {"notes"}, {"booking_id"}},
       {"Открыто обращение: {type}",
        R"(Открыто новое обращение, его нужно рассмотреть.

Обращение: {case_id}
Тип: {type}
{?booking_id}Бронирование: {booking_id}
{?notes}Примечания: {notes})"},
       {"Support case opened: {type}",
        R"(A new support case needs attention.

Case: {case_id}
Type: {type}
{?booking_id}Booking: {booking_id}
{?notes}Notes: {notes})"}},
  };
  return table;
}

constexpr std::string_view kFooterRu = "--\nЭто письмо отправлено автоматически, отвечать на него не нужно.";
constexpr std::string_view kFooterEn = "--\nThis message was sent automatically; please do not reply to it.";

// Readable names of codes; an unknown code is shown as it is.
const std::map<std::string_view, std::pair<std::string_view, std::string_view>> kMethods = {
    {"credit_line", {"кредитная линия", "credit line"}},
    {"deposit", {"депозит", "deposit"}},
    {"card_hold", {"блокировка суммы на карте", "card hold"}},
    {"guarantee_letter", {"гарантийное письмо", "guarantee letter"}},
    {"invoice", {"оплата по счёту", "bank transfer against invoice"}},
    {"card", {"банковская карта", "card"}},
};
const std::map<std::string_view, std::pair<std::string_view, std::string_view>> kCaseTypes = {
    {"ticketing_failed", {"не удалось выписать билеты", "ticketing failed"}},
    {"price_change_after_guarantee",
     {"изменение цены после гарантии оплаты", "price change after the payment was guaranteed"}},
    {"choice_after_expiry",
     {"выбор способа оплаты после аннулирования бронирования", "payment choice after the booking expired"}},
};

std::string_view label(const std::map<std::string_view, std::pair<std::string_view, std::string_view>>& labels,
                       const std::string& code, Language lang) {
  auto it = labels.find(code);
  if (it == labels.end()) return code;
  return lang == Language::ru ? it->second.first : it->second.second;
}

// "21.11.2026 18:00 UTC" / "21 Nov 2026 18:00 UTC".
std::string readable_time(core::TimePoint t, Language lang) {
  using namespace std::chrono;
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<minutes> tod{floor<minutes>(t - day)};
  auto d = static_cast<unsigned>(ymd.day()), m = static_cast<unsigned>(ymd.month());
  auto y = static_cast<int>(ymd.year());
  auto h = static_cast<int>(tod.hours().count()), mi = static_cast<int>(tod.minutes().count());
  char buf[48];
  int n = lang == Language::ru
              ? std::snprintf(buf, sizeof buf, "%02u.%02u.%04d %02d:%02d UTC", d, m, y, h, mi)
              : std::snprintf(buf, sizeof buf, "%u %s %04d %02d:%02d UTC", d, kMonths[m - 1], y, h, mi);
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string fact_value(const Template& t, const Fact& f, const nlohmann::json& facts, Language lang) {
  auto it = facts.find(f.name);
  if (it == facts.end() || it->is_null()) {
    if (f.required)
      throw std::invalid_argument("mail: " + std::string(t.kind) + " needs fact \"" + std::string(f.name) + "\"");
    return "";
  }
  if (!it->is_string())
    throw std::invalid_argument("mail: " + std::string(t.kind) + ": fact \"" + std::string(f.name) +
                                "\" must be a string");
  const auto& value = it->get_ref<const std::string&>();
  switch (f.format) {
    case Format::text:
      return value;
    case Format::time:
      if (auto tp = core::parse_rfc3339(value)) return readable_time(*tp, lang);
      throw std::invalid_argument("mail: " + std::string(t.kind) + ": fact \"" + std::string(f.name) +
                                  "\" must be an RFC 3339 time, got \"" + value + "\"");
    case Format::method:
      return std::string(label(kMethods, value, lang));
    case Format::case_type: {
      auto readable = label(kCaseTypes, value, lang);
      return readable == value ? value : std::string(readable) + " (" + value + ")";
    }
  }
  return value;
}

// Replaces each {name}; a name the template's kind does not declare is a bug in the table.
std::string substitute(std::string_view text, const std::map<std::string_view, std::string>& values,
                       std::string_view kind) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    auto close = text.find('}', open);
    auto it = values.find(text.substr(open + 1, close - open - 1));
    if (close == std::string_view::npos || it == values.end())
      throw std::logic_error("mail: template " + std::string(kind) + " has an unknown placeholder");
    out.append(text, pos, open - pos).append(it->second);
    pos = close + 1;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

std::string render_body(std::string_view body, const std::map<std::string_view, std::string>& values,
                        std::string_view kind) {
  std::string kept;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto end = std::min(body.find('\n', pos), body.size());
    auto line = body.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with("{?")) {
      auto close = line.find('}');
      auto it = values.find(line.substr(2, close - 2));
      if (close == std::string_view::npos || it == values.end())
        throw std::logic_error("mail: template " + std::string(kind) + " has an unknown condition");
      if (it->second.empty()) continue;
      line.remove_prefix(close + 1);
    }
    kept.append(line).append("\n");
  }
  return substitute(kept, values, kind);
}

}  // namespace

Language language_of(std::string_view code) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  bool en = code.size() >= 2 && lower(code[0]) == 'e' && lower(code[1]) == 'n' &&
            (code.size() == 2 || code[2] == '-' || code[2] == '_');
  return en ? Language::en : Language::ru;
}

Notice render(const std::string& kind, Language lang, const nlohmann::json& facts) {
  const auto& table = templates();
  auto t = std::find_if(table.begin(), table.end(), [&](const Template& e) { return e.kind == kind; });
  if (t == table.end()) throw std::invalid_argument("mail: unknown notice kind \"" + kind + "\"");
  if (!facts.is_object()) throw std::invalid_argument("mail: " + kind + ": facts must be a JSON object");

  std::map<std::string_view, std::string> values;
  for (const auto& f : t->facts) values[f.name] = fact_value(*t, f, facts, lang);
  const Text& text = lang == Language::ru ? t->ru : t->en;

  Notice n{substitute(text.subject, values, kind), render_body(text.body, values, kind)};
  // A fact with a line break must not break the subject (a header) in two.
  std::replace_if(n.subject.begin(), n.subject.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  n.body += "\n";
  n.body += lang == Language::ru ? kFooterRu : kFooterEn;
  n.body += "\n";
  return n;
}

}  // namespace skybill::mail
