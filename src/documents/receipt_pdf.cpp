#include "skybill/documents/receipt_pdf.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "closing_checks.hpp"
#include "form.hpp"
#include "painter.hpp"
#include "skybill/core/money.hpp"

namespace skybill::documents {
namespace {

constexpr double kMargin = 42, kBottom = 42;

struct Labels {
  const char *title, *of, *passenger, *document, *ticket, *pnr, *carrier, *issued, *route, *flight, *from, *to,
      *departure, *arrival, *fare_class, *charges, *item, *amount, *vat_incl, *no_vat, *total, *vat_total, *payment,
      *buyer, *inn, *kpp, *emd, *note, *continued;
};

const Labels kRu{.title = "Маршрутная квитанция электронного билета",
                 .of = "от",
                 .passenger = "Пассажир",
                 .document = "Документ",
                 .ticket = "Номер билета",
                 .pnr = "Код бронирования",
                 .carrier = "Перевозчик",
                 .issued = "Дата оформления",
                 .route = "Маршрут",
                 .flight = "Рейс",
                 .from = "Откуда",
                 .to = "Куда",
                 .departure = "Вылет",
                 .arrival = "Прибытие",
                 .fare_class = "Класс",
                 .charges = "Стоимость перевозки, таксы и сборы",
                 .item = "Наименование",
                 .amount = "Сумма",
                 .vat_incl = "в т.ч. НДС",
                 .no_vat = "Без НДС",
                 .total = "Итого",
                 .vat_total = "Всего НДС",
                 .payment = "Форма оплаты",
                 .buyer = "Покупатель",
                 .inn = "ИНН",
                 .kpp = "КПП",
                 .emd = "EMD",
                 .note = "Суммы НДС выделены отдельной строкой по каждой ставке (п. 7 ст. 171 НК РФ). Время вылета и "
                         "прибытия местное.",
                 .continued = "продолжение"};

const Labels kEn{.title = "E-ticket itinerary receipt",
                 .of = "of",
                 .passenger = "Passenger",
                 .document = "Document",
                 .ticket = "Ticket number",
                 .pnr = "Booking reference",
                 .carrier = "Carrier",
                 .issued = "Issued on",
                 .route = "Itinerary",
                 .flight = "Flight",
                 .from = "From",
                 .to = "To",
                 .departure = "Departure",
                 .arrival = "Arrival",
                 .fare_class = "Class",
                 .charges = "Fare, taxes and fees",
                 .item = "Description",
                 .amount = "Amount",
                 .vat_incl = "incl. VAT",
                 .no_vat = "No VAT",
                 .total = "Total",
                 .vat_total = "VAT in all",
                 .payment = "Form of payment",
                 .buyer = "Buyer",
                 .inn = "INN",
                 .kpp = "KPP",
                 .emd = "EMD",
                 .note = "VAT is shown as a separate line for each rate (Tax Code of the Russian Federation, art. 171 "
                         "§7). Departure and arrival times are local.",
                 .continued = "continued"};

bool digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool iata(const std::string& s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// "2026-12-20T10:30" -> "20.12.2026 10:30"
std::string local_time(const std::string& s) {
  if (s.size() < 16 || s[10] != 'T') return s;
  return ru_date(s.substr(0, 10)).append(" ").append(s, 11, 5);
}

void check_moment(Checks& c, const std::string& field, const std::string& value) {
  const bool shape = value.size() == 16 && value[10] == 'T' && value[13] == ':' &&
                     digits(value.substr(11, 2)) && digits(value.substr(14, 2)) && value.compare(11, 2, "24") < 0 &&
                     value[14] < '6';
  if (!shape) {
    c.fail(field, "must be a local date and time, YYYY-MM-DDTHH:MM");
    return;
  }
  c.date(field, value.substr(0, 10));
}

void check(const ItineraryReceipt& r) {
  Checks c;
  c.text("number", r.number);
  c.date("issued_on", r.issued_on);
  c.text("passenger", r.passenger);
  c.require(r.ticket_number.size() == 13 && digits(r.ticket_number), "ticket_number", "must be 13 digits");
  c.text("pnr", r.pnr);
  c.require(core::find_currency(r.currency) != nullptr, "currency", "must be an ISO 4217 code");
  c.party("carrier", r.carrier, false);
  c.party("buyer", r.buyer, false);
  c.require(!r.segments.empty() && r.segments.size() <= 16, "segments", "must have 1 to 16 segments");
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const auto& s = r.segments[i];
    const std::string f = "segments[" + std::to_string(i) + "]";
    c.text(f + ".flight", s.flight);
    c.require(iata(s.from), f + ".from", "must be an IATA airport code");
    c.require(iata(s.to), f + ".to", "must be an IATA airport code");
    check_moment(c, f + ".departure", s.departure);
    if (!s.arrival.empty()) check_moment(c, f + ".arrival", s.arrival);
  }
  c.require(!r.lines.empty() && r.lines.size() <= 100, "lines", "must have 1 to 100 lines");
  std::int64_t total = 0;
  for (std::size_t i = 0; i < r.lines.size() && i < 100; ++i) {
    const auto& d = r.lines[i];
    const std::string f = "lines[" + std::to_string(i) + "]";
    static const std::array<std::string, 5> kinds{"fare", "tax", "fee", "service", "penalty"};
    c.require(std::find(kinds.begin(), kinds.end(), d.kind) != kinds.end(), f + ".kind",
              "must be fare, tax, fee, service or penalty");
    c.text(f + ".description", d.description);
    c.vat(f, "amount_minor", "vat_minor", d.amount_minor, d.vat_rate, d.vat_minor);
    c.rate_in_force(f + ".vat_rate", d.vat_rate, r.issued_on);
    total += std::clamp<std::int64_t>(d.amount_minor, 0, kMaxAmountMinor);
  }
  c.require(r.total_minor == total, "total_minor", "must be the sum of the lines: " + std::to_string(total));
  c.text("payment", r.payment);
  c.throw_if_any();
}

class ReceiptForm {
 public:
  ReceiptForm(const ItineraryReceipt& r, PdfDocument& pdf, Painter& p)
      : r_(r), l_(r.language == Language::ru ? kRu : kEn), pdf_(pdf), p_(p), right_(pdf.width() - kMargin),
        width_(right_ - kMargin) {}

  void draw() {
    y_ = kMargin;
    y_ += p_.text(kMargin, y_, width_, l_.title, 15, true) + 2;
    std::string number = r_.language == Language::ru ? "№ " : "No. ";
    number.append(r_.number).append(" ").append(l_.of).append(" ").append(ru_date(r_.issued_on));
    y_ += p_.text(kMargin, y_, width_, number, 10) + 6;
    p_.line(kMargin, y_, right_, y_, 1.2);
    y_ += 8;
    field(l_.passenger, r_.passenger, true);
    if (!r_.passenger_document.empty()) field(l_.document, r_.passenger_document, false);
    field(l_.ticket, r_.ticket_number, true);
    field(l_.pnr, r_.pnr, true);
    field(l_.carrier, party(r_.carrier), false);
    field(l_.issued, ru_date(r_.issued_on), false);
    y_ += 8;
    segments();
    y_ += 10;
    charges();
    y_ += 8;
    field(l_.payment, r_.payment, false);
    field(l_.buyer, party(r_.buyer), false);
    y_ += 8;
    room(20);
    p_.line(kMargin, y_, right_, y_, 0.6);
    y_ += 4;
    p_.text(kMargin, y_, width_, l_.note, 7.5);
  }

 private:
  // A new page when `h` more does not fit on this one.
  bool room(double h) {
    if (y_ + h <= pdf_.height() - kBottom) return false;
    pdf_.next_page();
    y_ = kMargin;
    std::string s = l_.title;
    s.append(" ").append(r_.ticket_number).append(" (").append(l_.continued).append(")");
    y_ += p_.text(kMargin, y_, width_, s, 9, true) + 8;
    return true;
  }

  void field(const std::string& label, const std::string& value, bool bold) {
    const double h = std::max(p_.measure(140, label, 9.5), p_.measure(width_ - 145, value, 9.5, bold));
    room(h);
    p_.text(kMargin, y_, 140, label, 9.5);
    p_.text(kMargin + 145, y_, width_ - 145, value, 9.5, bold);
    y_ += h + 4;
  }

  std::string party(const Party& who) const {
    std::string s = who.name;
    s.append(", ").append(l_.inn).append(" ").append(who.inn);
    if (!who.kpp.empty()) s.append(", ").append(l_.kpp).append(" ").append(who.kpp);
    return s;
  }

  std::string money(std::int64_t minor) const { return money_text(minor, r_.currency, Language::ru); }

  void heading(const std::string& s) {
    room(40);
    y_ += p_.text(kMargin, y_, width_, s, 11, true) + 4;
  }

  void segments() {
    heading(l_.route);
    Table t(kMargin, width_,
                  {{62, l_.flight, "", "", PANGO_ALIGN_LEFT},
                   {62, l_.from, "", "", PANGO_ALIGN_LEFT},
                   {62, l_.to, "", "", PANGO_ALIGN_LEFT},
                   {110, l_.departure, "", "", PANGO_ALIGN_LEFT},
                   {110, l_.arrival, "", "", PANGO_ALIGN_LEFT},
                   {0, l_.fare_class, "", "", PANGO_ALIGN_LEFT}},
                  9);
    t.plain();
    y_ += t.header(p_, y_);
    for (const auto& s : r_.segments) {
      const std::vector<std::string> values{s.flight,
                                            s.from,
                                            s.to,
                                            local_time(s.departure),
                                            s.arrival.empty() ? "—" : local_time(s.arrival),
                                            s.fare_class.empty() ? "—" : s.fare_class};
      if (room(t.row_height(p_, values))) y_ += t.header(p_, y_);
      y_ += t.row(p_, y_, values);
    }
  }

  // Each line with its amount, and under it its VAT: "в т.ч. НДС 10%: 909,09" or "Без НДС".
  void charges() {
    heading(l_.charges);
    std::string amount = l_.amount;
    amount.append(", ").append(r_.currency);
    Table t(kMargin, width_, {{0, l_.item, "", "", PANGO_ALIGN_LEFT}, {120, amount, "", "", PANGO_ALIGN_RIGHT}}, 9.5);
    t.plain();
    y_ += t.header(p_, y_);
    for (const auto& d : r_.lines) {
      std::string item = d.description;
      if (!d.emd.empty()) item.append(", ").append(l_.emd).append(" ").append(d.emd);
      const std::string vat = vat_text(d.vat_rate, d.vat_minor);
      const double item_h = t.cell_height(p_, 0, item), vat_h = p_.measure(t.width(0) - 22, vat, 8.5);
      if (room(item_h + vat_h + 4)) y_ += t.header(p_, y_);
      t.cell(p_, 0, y_, item);
      t.cell(p_, 1, y_, money(d.amount_minor));
      p_.text(t.x(0) + 18, y_ + item_h - 2, t.width(0) - 22, vat, 8.5);
      const double h = item_h + vat_h + 1;
      t.rules(p_, y_, y_ + h);
      p_.line(t.left(), y_ + h, t.right(), y_ + h, 0.4);
      y_ += h;
    }
    // The total, then the VAT of each rate and of all.
    std::map<int, std::int64_t, std::greater<>> by_rate;
    std::int64_t vat_all = 0;
    bool any_vat = false;
    for (const auto& d : r_.lines) {
      if (d.vat_rate == "none") continue;
      by_rate[std::stoi(d.vat_rate)] += d.vat_minor;
      vat_all += d.vat_minor;
      any_vat = true;
    }
    y_ += 4;
    total_row(std::string(l_.total) + ":", money(r_.total_minor), true);
    for (const auto& [rate, vat] : by_rate) {
      std::string label = l_.vat_incl;
      total_row(label.append(" ").append(std::to_string(rate)).append("%:"), money(vat), false);
    }
    if (any_vat)
      total_row(std::string(l_.vat_total) + ":", money(vat_all), false);
    else
      total_row(l_.no_vat, "", false);
  }

  void total_row(const std::string& label, const std::string& value, bool bold) {
    const double amount_x = right_ - 120;
    room(14);
    if (value.empty()) {
      y_ += p_.text(kMargin, y_, width_ - 2, label, 9.5, bold, PANGO_ALIGN_RIGHT) + 2;
      return;
    }
    p_.text(kMargin, y_, amount_x - kMargin - 6, label, 9.5, bold, PANGO_ALIGN_RIGHT);
    y_ += p_.text(amount_x, y_, 116, value, 9.5, bold, PANGO_ALIGN_RIGHT) + 2;
  }

  std::string vat_text(const std::string& rate, std::int64_t vat) const {
    if (rate == "none") return l_.no_vat;
    std::string s = l_.vat_incl;
    return s.append(" ").append(rate).append("%: ").append(money(vat));
  }

  const ItineraryReceipt& r_;
  const Labels& l_;
  PdfDocument& pdf_;
  Painter& p_;
  double right_, width_;
  double y_ = 0;
};

}  // namespace

std::string render_receipt_pdf(const ItineraryReceipt& r) {
  check(r);
  std::string title = r.language == Language::ru ? "Маршрутная квитанция " : "Itinerary receipt ";
  PdfDocument pdf(Orientation::portrait, title.append(r.ticket_number), r.issued_on);
  Painter& p = pdf.painter();
  ReceiptForm(r, pdf, p).draw();
  return pdf.finish();
}

}  // namespace skybill::documents
