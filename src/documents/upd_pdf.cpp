#include "skybill/documents/upd_pdf.hpp"

#include <algorithm>
#include <vector>

#include "closing_checks.hpp"
#include "form.hpp"
#include "tax_form.hpp"

namespace skybill::documents {
namespace {

using tax_form::kFont;
using tax_form::kLeftBlock;
using tax_form::kTop;

struct Labels {
  const char *kind, *status, *legend, *appendix, *invoice, *of, *fix, *seller, *address, *seller_ids, *consignor,
      *consignee, *payment, *shipping, *items, *buyer, *buyer_ids, *currency, *rouble, *contract, *continued;
  const char *code, *number, *name, *goods_kind, *unit, *unit_code, *unit_symbol, *quantity, *price, *net, *excise,
      *rate, *vat, *gross, *country, *country_code, *country_name, *declaration, *no_excise, *total;
  const char *basis, *basis_caption, *transport, *transport_caption, *handed, *shipped, *other_shipped,
      *other_shipped_caption, *responsible, *entity, *received, *received_on, *other_received,
      *other_received_caption, *entity_buyer;
};

const Labels kRu{
    .kind = "Универсальный передаточный документ",
    .status = "Статус:",
    .legend = "1 — счёт-фактура и передаточный документ (акт)\n2 — передаточный документ (акт)",
    .appendix = "Приложение № 1\nк постановлению Правительства Российской Федерации\nот 26 декабря 2011 г. № 1137",
    .invoice = "Счёт-фактура №",
    .of = "от",
    .fix = "Исправление №",
    .seller = "Продавец:",
    .address = "Адрес:",
    .seller_ids = "ИНН/КПП продавца:",
    .consignor = "Грузоотправитель и его адрес:",
    .consignee = "Грузополучатель и его адрес:",
    .payment = "К платёжно-расчётному документу",
    .shipping = "Документ об отгрузке",
    .items = "№ п/п",
    .buyer = "Покупатель:",
    .buyer_ids = "ИНН/КПП покупателя:",
    .currency = "Валюта: наименование, код",
    .rouble = "Российский рубль, 643",
    .contract = "Идентификатор государственного контракта, договора (соглашения) (при наличии):",
    .continued = "продолжение",
    .code = "Код товара/ работ, услуг",
    .number = "№\nп/п",
    .name = "Наименование товара (описание выполненных работ, оказанных услуг), имущественного права",
    .goods_kind = "Код вида товара",
    .unit = "Единица измерения",
    .unit_code = "код",
    .unit_symbol = "условное обозна\u00ADчение (нацио\u00ADнальное)",
    .quantity = "Коли\u00ADчество (объём)",
    .price = "Цена (тариф) за единицу измерения",
    .net = "Стоимость товаров (работ, услуг), имущественных прав без налога — всего",
    .excise = "В том числе сумма акциза",
    .rate = "Нало\u00ADговая ставка",
    .vat = "Сумма налога, предъяв\u00ADляемая покупателю",
    .gross = "Стоимость товаров (работ, услуг), имущественных прав с налогом — всего",
    .country = "Страна происхождения товара",
    .country_code = "циф\u00ADровой код",
    .country_name = "краткое наиме\u00ADнование",
    .declaration = "Регистра\u00ADционный номер декларации на товары или партии товара, подлежащего прослежи\u00ADваемости",
    .no_excise = "без акциза",
    .total = "Всего к оплате (9)",
    .basis = "Основание передачи (сдачи) / получения (приёмки)",
    .basis_caption = "(договор; доверенность и др.)",
    .transport = "Данные о транспортировке и грузе",
    .transport_caption = "(транспортная накладная, поручение экспедитору, экспедиторская / складская расписка и др. / "
                         "масса нетто / брутто груза, если не приведены ссылки на транспортные документы, содержащие "
                         "эти сведения)",
    .handed = "Товар (груз) передал / услуги, результаты работ, права сдал",
    .shipped = "Дата отгрузки, передачи (сдачи)",
    .other_shipped = "Иные сведения об отгрузке, передаче",
    .other_shipped_caption = "(ссылки на неотъемлемые приложения, сопутствующие документы, иные документы и т.п.)",
    .responsible = "Ответственный за правильность оформления факта хозяйственной жизни",
    .entity = "Наименование экономического субъекта – составителя документа (в т.ч. комиссионера / агента)",
    .received = "Товар (груз) получил / услуги, результаты работ, права принял",
    .received_on = "Дата получения (приёмки)",
    .other_received = "Иные сведения о получении, приёмке",
    .other_received_caption = "(информация о наличии / отсутствии претензии; ссылки на неотъемлемые приложения и "
                              "другие документы и т.п.)",
    .entity_buyer = "Наименование экономического субъекта – составителя документа"};

const Labels kEn{
    .kind = "Universal transfer document",
    .status = "Status:",
    .legend = "1 — VAT invoice and transfer document (act)\n2 — transfer document (act)",
    .appendix = "Appendix 1\nto Decree of the Government of the Russian Federation\nNo. 1137 of 26 December 2011",
    .invoice = "VAT invoice No.",
    .of = "of",
    .fix = "Revision No.",
    .seller = "Seller:",
    .address = "Address:",
    .seller_ids = "Seller's INN/KPP:",
    .consignor = "Consignor and its address:",
    .consignee = "Consignee and its address:",
    .payment = "To payment document",
    .shipping = "Shipping document",
    .items = "items",
    .buyer = "Buyer:",
    .buyer_ids = "Buyer's INN/KPP:",
    .currency = "Currency: name, code",
    .rouble = "Russian rouble, 643",
    .contract = "Government contract, agreement identifier (if any):",
    .continued = "continued",
    .code = "Code of goods / work, service",
    .number = "No.",
    .name = "Goods (description of work performed, services rendered), property right",
    .goods_kind = "Goods type code",
    .unit = "Unit of measure",
    .unit_code = "code",
    .unit_symbol = "symbol (national)",
    .quantity = "Quantity (volume)",
    .price = "Price (rate) per unit",
    .net = "Cost of goods (work, services), property rights without tax, total",
    .excise = "Including excise",
    .rate = "Tax rate",
    .vat = "Tax charged to the buyer",
    .gross = "Cost of goods (work, services), property rights with tax, total",
    .country = "Country of origin",
    .country_code = "digital code",
    .country_name = "short name",
    .declaration = "Customs declaration or traceable batch registration number",
    .no_excise = "no excise",
    .total = "Total payable (9)",
    .basis = "Basis of transfer (delivery) / receipt (acceptance)",
    .basis_caption = "(contract; power of attorney, etc.)",
    .transport = "Transport and cargo data",
    .transport_caption = "(consignment note, forwarding instruction, forwarder's / warehouse receipt, etc. / net / "
                         "gross weight unless the transport documents referred to state it)",
    .handed = "Goods (cargo) handed over / services, work results, rights delivered by",
    .shipped = "Date of shipment, transfer (delivery)",
    .other_shipped = "Other information on the shipment, transfer",
    .other_shipped_caption = "(references to annexes, accompanying and other documents, etc.)",
    .responsible = "Responsible for the correct recording of the business transaction",
    .entity = "Entity that drew up the document (including a commission agent / agent)",
    .received = "Goods (cargo) received / services, work results, rights accepted by",
    .received_on = "Date of receipt (acceptance)",
    .other_received = "Other information on the receipt, acceptance",
    .other_received_caption = "(claims or their absence; references to annexes and other documents, etc.)",
    .entity_buyer = "Entity that drew up the document"};

void check(const Upd& u) {
  Checks c;
  c.text("number", u.number);
  c.date("date", u.date);
  c.time("time", u.time);
  c.require(u.currency == "RUB", "currency", "must be RUB: the form states the currency as Российский рубль, 643");
  c.party("seller", u.seller);
  c.party("buyer", u.buyer);
  c.require(!u.lines.empty() && u.lines.size() <= 1000, "lines", "must have 1 to 1000 lines");
  c.date("shipped_on", u.shipped_on);
  std::int64_t total = 0, vat = 0;
  for (std::size_t i = 0; i < u.lines.size() && i < 1000; ++i) {
    const auto& d = u.lines[i];
    const std::string f = "lines[" + std::to_string(i) + "]";
    c.require(d.number == static_cast<int>(i) + 1, f + ".number", "must be " + std::to_string(i + 1));
    c.text(f + ".description", d.description);  // 1000: a row of the printed form fits a sheet
    c.text(f + ".unit_code", d.unit_code);
    c.text(f + ".unit_name", d.unit_name);
    c.require(d.quantity > 0 && d.quantity <= 1'000'000'000, f + ".quantity", "must be from 1 to 10^9");
    c.vat(f, "amount_minor", "vat_minor", d.amount_minor, d.vat_rate, d.vat_minor);
    c.rate_in_force(f + ".vat_rate", d.vat_rate, u.shipped_on);
    total += std::clamp<std::int64_t>(d.amount_minor, 0, kMaxAmountMinor);
    vat += std::clamp<std::int64_t>(d.vat_minor, 0, kMaxAmountMinor);
  }
  c.require(u.total_minor == total, "total_minor", "must be the sum of the lines: " + std::to_string(total));
  c.require(u.vat_minor == vat, "vat_minor", "must be the sum of the lines' VAT: " + std::to_string(vat));
  for (std::size_t i = 0; i < u.payments.size(); ++i) {
    c.text("payments[" + std::to_string(i) + "].number", u.payments[i].number);
    c.date("payments[" + std::to_string(i) + "].date", u.payments[i].date);
  }
  c.text("basis.number", u.basis.number);
  c.date("basis.date", u.basis.date);
  c.signer("signer", u.signer);
  c.throw_if_any();
}

class UpdForm {
 public:
  UpdForm(const Upd& u, Painter& p, double x, double right)
      : u_(u), l_(u.language == Language::ru ? kRu : kEn), p_(p), x_(x), right_(right),
        table_(x, right - x, columns(), kFont) {}

  const Table& table() const { return table_; }

  // The head of the first sheet: status, the VAT invoice's number and date, seller, buyer.
  double head(double y) {
    const double top = y;
    const double left_h = status_box(p_, x_, y, kLeftBlock, l_.kind, l_.status,
                                     u_.function == Upd::Function::schfdop ? 1 : 2, l_.legend);
    const double fx = x_ + kLeftBlock + 10, fw = right_ - fx;
    p_.text(right_ - 250, y, 250, l_.appendix, 5.5, false, PANGO_ALIGN_RIGHT);
    y += tax_form::title_row(p_, fx, y, l_.invoice, u_.number, ru_date(u_.date), "(1)", 9, true, u_.language);
    y += tax_form::title_row(p_, fx, y, l_.fix, "—", "—", "(1а)", kFont, false, u_.language) + 3;
    auto field = [&](const char* label, const std::string& value, const char* code) {
      y += form_field(p_, fx, y, 175, fw, label, value, code, kFont);
    };
    field(l_.seller, u_.seller.name, "(2)");
    field(l_.address, u_.seller.address, "(2а)");
    field(l_.seller_ids, inn_kpp(u_.seller), "(2б)");
    field(l_.consignor, "", "(3)");
    field(l_.consignee, "", "(4)");
    field(l_.payment, payments(), "(5)");
    field(l_.shipping, shipping(), "(5а)");
    field(l_.buyer, u_.buyer.name, "(6)");
    field(l_.address, u_.buyer.address, "(6а)");
    field(l_.buyer_ids, inn_kpp(u_.buyer), "(6б)");
    field(l_.currency, l_.rouble, "(7)");
    field(l_.contract, "", "(8)");
    y = std::max(y, top + left_h);
    p_.line(x_ + kLeftBlock + 4, top, x_ + kLeftBlock + 4, y, 1.2);
    return y - top + 5;
  }

  // The head of a further sheet.
  double continuation(double y) {
    std::string s = l_.invoice;
    s.append(" ").append(u_.number).append(" ").append(l_.of).append(" ").append(ru_date(u_.date));
    s.append(" (").append(l_.continued).append(")");
    return p_.text(x_, y, right_ - x_, s, 8, true) + 5;
  }

  std::vector<std::string> row(const DocumentLine& d) const {
    const std::int64_t net = d.amount_minor - d.vat_minor;
    const std::int64_t price = (net * 2 + d.quantity) / (2 * d.quantity);
    const bool none = d.vat_rate == "none";
    return {"—",
            std::to_string(d.number),
            d.description,
            "—",
            d.unit_code,
            d.unit_name,
            std::to_string(d.quantity),
            form_money(price),
            form_money(net),
            l_.no_excise,
            rate_text(d.vat_rate, u_.language),
            none ? rate_text(d.vat_rate, u_.language) : form_money(d.vat_minor),
            form_money(d.amount_minor),
            "—",
            "—",
            "—"};
  }

  // "Всего к оплате (9)" under the columns А to 4, then the totals of 5, 8 and 9.
  double totals(double y) {
    const Table& t = table_;
    const double pad = Table::kPad;
    const bool all_none = std::all_of(u_.lines.begin(), u_.lines.end(),
                                      [](const DocumentLine& d) { return d.vat_rate == "none"; });
    const std::string vat = all_none ? rate_text("none", u_.language) : form_money(u_.vat_minor);
    const double h = std::max({p_.measure(t.x(8) - t.x(0) - 2 * pad, l_.total, kFont, true) + 2 * pad,
                               t.cell_height(p_, 12, form_money(u_.total_minor), true)});
    p_.text(t.x(0) + pad, y + pad, t.x(8) - t.x(0) - 2 * pad, l_.total, kFont, true);
    t.cell(p_, 8, y, form_money(u_.total_minor - u_.vat_minor), true);
    p_.text(t.x(9), y + pad, t.x(11) - t.x(9), "X", kFont, false, PANGO_ALIGN_CENTER);
    t.cell(p_, 11, y, vat, true);
    t.cell(p_, 12, y, form_money(u_.total_minor), true);
    for (std::size_t i : {0, 8, 9, 11, 12, 13}) p_.line(t.x(i), y, t.x(i), y + h, 0.4);
    p_.line(t.x(0), y + h, t.x(13), y + h, 0.4);
    return h;
  }

  // The signatures of the VAT invoice and the transfer part: basis, shipment, who handed the
  // service over and who accepted it.
  double footer(double y, int sheets) {
    const double top = y;
    const Language lang = u_.language;
    y += 5;
    y += tax_form::signatures(p_, x_, y, right_, sheets, u_.signer, u_.seller, lang) + 3;
    p_.line(x_, y, right_, y, 1.2);
    y += 4;
    const double w = right_ - x_;
    y += form_field(p_, x_, y, 210, w, l_.basis, tax_form::numbered(u_.basis, u_.language), "[8]", kFont, false, l_.basis_caption);
    y += form_field(p_, x_, y, 210, w, l_.transport, "", "[9]", kFont, false, l_.transport_caption) + 3;
    const double mid = (x_ + right_) / 2, cw = mid - x_ - 8, rx = mid + 8;
    const double columns_top = y;
    double ly = y, ry = y;
    ly += tax_form::person(p_, x_, ly, cw, l_.handed, "[10]", &u_.signer, lang) + 2;
    ly += tax_form::dated(p_, x_, ly, cw, l_.shipped, date_in_words(u_.shipped_on, lang), "[11]") + 2;
    ly += form_field(p_, x_, ly, 150, cw, l_.other_shipped, u_.reference, "[12]", kFont, false,
                     l_.other_shipped_caption) + 2;
    ly += tax_form::person(p_, x_, ly, cw, l_.responsible, "[13]", &u_.signer, lang) + 2;
    ly += tax_form::entity(p_, x_, ly, cw, l_.entity, "[14]", u_.seller, u_.gateway_name, lang);
    ry += tax_form::person(p_, rx, ry, cw, l_.received, "[15]", nullptr, lang) + 2;
    ry += tax_form::dated(p_, rx, ry, cw, l_.received_on, tax_form::blank_date(lang), "[16]") + 2;
    ry += form_field(p_, rx, ry, 150, cw, l_.other_received, " ", "[17]", kFont, false, l_.other_received_caption) + 2;
    ry += tax_form::person(p_, rx, ry, cw, l_.responsible, "[18]", nullptr, lang) + 2;
    ry += tax_form::entity(p_, rx, ry, cw, l_.entity_buyer, "[19]", u_.buyer, "", lang);
    y = std::max(ly, ry);
    p_.line(mid, columns_top - 3, mid, y, 1.2);
    return y - top;
  }

 private:
  std::vector<Column> columns() const {
    return {{30, l_.code, "А"},
            {18, l_.number, "1"},
            {0, l_.name, "1а", "", PANGO_ALIGN_LEFT},
            {30, l_.goods_kind, "1б"},
            {26, l_.unit_code, "2", l_.unit},
            {40, l_.unit_symbol, "2а", l_.unit},
            {36, l_.quantity, "3", "", PANGO_ALIGN_RIGHT},
            {54, l_.price, "4", "", PANGO_ALIGN_RIGHT},
            {60, l_.net, "5", "", PANGO_ALIGN_RIGHT},
            {44, l_.excise, "6"},
            {38, l_.rate, "7"},
            {56, l_.vat, "8", "", PANGO_ALIGN_RIGHT},
            {60, l_.gross, "9", "", PANGO_ALIGN_RIGHT},
            {30, l_.country_code, "10", l_.country},
            {40, l_.country_name, "10а", l_.country},
            {60, l_.declaration, "11"}};
  }

  std::string payments() const {
    std::string s;
    for (const auto& ref : u_.payments) {
      if (!s.empty()) s += "; ";
      s += tax_form::numbered(ref, u_.language);
    }
    return s;
  }

  // The shipping document of an УПД is the УПД itself: "№ п/п 1–3 № DA-U-… от 07.12.2026".
  std::string shipping() const {
    std::string s = l_.items;
    s.append(" 1");
    if (u_.lines.size() > 1) s.append("–").append(std::to_string(u_.lines.size()));
    s.append(u_.language == Language::ru ? " " : ", ");
    return s.append(tax_form::numbered({u_.number, u_.date}, u_.language));
  }

  const Upd& u_;
  const Labels& l_;
  Painter& p_;
  double x_, right_;
  Table table_;
};

}  // namespace

std::string render_upd_pdf(const Upd& u) {
  check(u);
  std::string title = u.language == Language::ru ? "УПД " : "UPD ";
  PdfDocument pdf(Orientation::landscape, title.append(u.number), u.date, u.time.empty() ? "00:00:00" : u.time);
  Painter& p = pdf.painter();
  const double x = tax_form::kMargin, right = pdf.width() - tax_form::kMargin, limit = tax_form::bottom(pdf);
  UpdForm form(u, p, x, right);
  const Table& table = form.table();
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : u.lines) rows.push_back(form.row(d));

  // Lay out dry first: which lines go on which sheet, and how many sheets there are.
  p.set_dry(true);
  const double head_h = form.head(kTop), continuation_h = form.continuation(kTop);
  const double table_head_h = table.header(p, 0), totals_h = form.totals(0), footer_h = form.footer(0, 1);
  std::vector<double> heights;
  for (const auto& r : rows) heights.push_back(table.row_height(p, r));
  const tax_form::Plan plan = tax_form::plan(heights, kTop + head_h + table_head_h, kTop + continuation_h + table_head_h,
                                             totals_h, footer_h, limit);
  const std::vector<std::size_t>& starts = plan.starts;
  const int sheets = plan.sheets();
  p.set_dry(false);

  for (std::size_t k = 0; k < starts.size(); ++k) {
    if (k > 0) pdf.next_page();
    double y = kTop + (k == 0 ? form.head(kTop) : form.continuation(kTop));
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : rows.size();
    if (starts[k] < end) y += table.header(p, y);
    for (std::size_t i = starts[k]; i < end; ++i) y += table.row(p, y, rows[i]);
    if (k + 1 == starts.size()) {
      if (!plan.totals_apart) y += form.totals(y);
      if (!plan.footer_apart) form.footer(y, sheets);
    }
    if (sheets > 1) tax_form::sheet_number(p, pdf, static_cast<int>(k) + 1, sheets, u.language);
  }
  if (plan.footer_apart) {
    pdf.next_page();
    double y = kTop + form.continuation(kTop);
    if (plan.totals_apart) y += form.totals(y);
    form.footer(y, sheets);
    tax_form::sheet_number(p, pdf, sheets, sheets, u.language);
  }
  return pdf.finish();
}

}  // namespace skybill::documents
