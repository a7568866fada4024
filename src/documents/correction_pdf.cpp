#include "skybill/documents/correction_pdf.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <vector>

#include "closing_checks.hpp"
#include "form.hpp"
#include "tax_form.hpp"

namespace skybill::documents {
namespace {

using tax_form::kFont;
using tax_form::kLeftBlock;
using tax_form::kTop;

// Columns: 0 №, 1 name, 2 goods type, 3-4 unit, 5 the row's letter, 6 quantity, 7 price,
// 8 cost without VAT, 9 excise, 10 rate, 11 VAT, 12 cost with VAT.
constexpr std::size_t kLetter = 5, kNet = 8, kExcise = 9, kVat = 11, kGross = 12, kColumns = 13;
constexpr double kRowPad = 1;  // the four rows of a line sit closer than the table's rows

struct Labels {
  const char *kind, *status, *legend, *appendix, *invoice, *fix, *to_invoice, *with_fix, *seller, *address,
      *seller_ids, *buyer, *buyer_ids, *currency, *rouble, *contract, *continued;
  const char *number, *name, *goods_kind, *unit, *unit_code, *unit_symbol, *quantity, *price, *net, *excise, *rate,
      *vat, *gross, *no_excise, *increase_total, *decrease_total;
  std::array<const char*, 4> rows;
  const char *reason, *reason_caption, *other, *other_caption, *responsible,
      *entity, *agreed, *received_on, *other_received, *other_received_caption, *entity_buyer;
};

const Labels kRu{
    .kind = "Универсальный корректировочный документ",
    .status = "Статус:",
    .legend = "1 — корректировочный счёт-фактура и документ об изменении стоимости\n"
              "2 — документ об изменении стоимости",
    .appendix = "Приложение № 2\nк постановлению Правительства Российской Федерации\nот 26 декабря 2011 г. № 1137",
    .invoice = "Корректировочный счёт-фактура №",
    .fix = "Исправление корректировочного счёта-фактуры №",
    .to_invoice = "к счёту-фактуре (счетам-фактурам)",
    .with_fix = ", с учётом исправления № — от —",
    .seller = "Продавец:",
    .address = "Адрес:",
    .seller_ids = "ИНН/КПП продавца:",
    .buyer = "Покупатель:",
    .buyer_ids = "ИНН/КПП покупателя:",
    .currency = "Валюта: наименование, код",
    .rouble = "Российский рубль, 643",
    .contract = "Идентификатор государственного контракта, договора (соглашения) (при наличии):",
    .continued = "продолжение",
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
    .vat = "Сумма налога",
    .gross = "Стоимость товаров (работ, услуг), имущественных прав с налогом — всего",
    .no_excise = "без акциза",
    .increase_total = "Всего увеличение (сумма строк В)",
    .decrease_total = "Всего уменьшение (сумма строк Г)",
    .rows = {"А (до изменения)", "Б (после изменения)", "В (увеличение)", "Г (уменьшение)"},
    .reason = "Основание для корректировки (изменения) стоимости",
    .reason_caption = "(договор, соглашение, иной документ, подтверждающий согласие (факт уведомления) покупателя "
                      "на изменение стоимости)",
    .other = "Иные сведения об изменении стоимости",
    .other_caption = "(ссылки на неотъемлемые приложения и другие документы и т.п.)",
    .responsible = "Ответственный за правильность оформления факта хозяйственной жизни",
    .entity = "Наименование экономического субъекта – составителя документа (в т.ч. комиссионера / агента)",
    .agreed = "Подтверждаю согласие с изменением стоимости / уведомлён об изменении стоимости",
    .received_on = "Дата получения (приёмки)",
    .other_received = "Иные сведения о получении, приёмке",
    .other_received_caption = "(информация о наличии / отсутствии претензии; ссылки на неотъемлемые приложения и "
                              "другие документы и т.п.)",
    .entity_buyer = "Наименование экономического субъекта – составителя документа"};

const Labels kEn{
    .kind = "Universal correction document",
    .status = "Status:",
    .legend = "1 — corrective VAT invoice and document on the change in cost\n2 — document on the change in cost",
    .appendix = "Appendix 2\nto Decree of the Government of the Russian Federation\nNo. 1137 of 26 December 2011",
    .invoice = "Corrective VAT invoice No.",
    .fix = "Revision of the corrective VAT invoice No.",
    .to_invoice = "to VAT invoice(s)",
    .with_fix = ", as revised by No. — of —",
    .seller = "Seller:",
    .address = "Address:",
    .seller_ids = "Seller's INN/KPP:",
    .buyer = "Buyer:",
    .buyer_ids = "Buyer's INN/KPP:",
    .currency = "Currency: name, code",
    .rouble = "Russian rouble, 643",
    .contract = "Government contract, agreement identifier (if any):",
    .continued = "continued",
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
    .vat = "Tax amount",
    .gross = "Cost of goods (work, services), property rights with tax, total",
    .no_excise = "no excise",
    .increase_total = "Total increase (sum of rows В)",
    .decrease_total = "Total decrease (sum of rows Г)",
    .rows = {"А (before)", "Б (after)", "В (increase)", "Г (decrease)"},
    .reason = "Reason for the correction (change) of the cost",
    .reason_caption = "(contract, agreement or other document confirming the buyer's consent to (notice of) the change "
                      "in cost)",
    .other = "Other information on the change in cost",
    .other_caption = "(references to annexes and other documents, etc.)",
    .responsible = "Responsible for the correct recording of the business transaction",
    .entity = "Entity that drew up the document (including a commission agent / agent)",
    .agreed = "I confirm consent to the change in cost / have been notified of the change in cost",
    .received_on = "Date of receipt (acceptance)",
    .other_received = "Other information on the receipt, acceptance",
    .other_received_caption = "(claims or their absence; references to annexes and other documents, etc.)",
    .entity_buyer = "Entity that drew up the document"};

std::int64_t net(std::int64_t amount, std::int64_t vat) { return amount - vat; }

void check(const Correction& k) {
  Checks c;
  c.text("number", k.number);
  c.date("date", k.date);
  c.time("time", k.time);
  c.require(k.currency == "RUB", "currency", "must be RUB: the form states the currency as Российский рубль, 643");
  c.party("seller", k.seller);
  c.party("buyer", k.buyer);
  c.text("corrected.number", k.corrected.number);
  c.date("corrected.date", k.corrected.date);
  c.require(k.corrected.date.size() != 10 || k.date.size() != 10 || k.corrected.date <= k.date, "corrected.date",
            "must not be later than the correction");
  c.text("reason", k.reason);
  c.require(!k.lines.empty() && k.lines.size() <= 1000, "lines", "must have 1 to 1000 lines");
  std::int64_t before = 0, after = 0, vat_before = 0, vat_after = 0;
  bool changes = false;
  for (std::size_t i = 0; i < k.lines.size() && i < 1000; ++i) {
    const auto& d = k.lines[i];
    const std::string f = "lines[" + std::to_string(i) + "]";
    c.require(d.number == static_cast<int>(i) + 1, f + ".number", "must be " + std::to_string(i + 1));
    c.text(f + ".description", d.description);  // 1000: a row of the printed form fits a sheet
    c.text(f + ".unit_code", d.unit_code);
    c.text(f + ".unit_name", d.unit_name);
    for (auto [name, q, amount] : {std::tuple{".quantity_before", d.quantity_before, d.amount_before_minor},
                                   std::tuple{".quantity_after", d.quantity_after, d.amount_after_minor}}) {
      c.require(q >= 0 && q <= 1'000'000'000, f + name, "must be from 0 to 10^9");
      c.require(q != 0 || amount == 0, f + name, "is 0, so the amount must be 0 too");
    }
    c.vat(f, "amount_before_minor", "vat_before_minor", d.amount_before_minor, d.vat_rate, d.vat_before_minor);
    c.vat(f, "amount_after_minor", "vat_after_minor", d.amount_after_minor, d.vat_rate, d.vat_after_minor);
    c.rate_in_force(f + ".vat_rate", d.vat_rate, k.corrected.date);
    changes = changes || d.amount_before_minor != d.amount_after_minor || d.quantity_before != d.quantity_after;
    before += std::clamp<std::int64_t>(d.amount_before_minor, 0, kMaxAmountMinor);
    after += std::clamp<std::int64_t>(d.amount_after_minor, 0, kMaxAmountMinor);
    vat_before += std::clamp<std::int64_t>(d.vat_before_minor, 0, kMaxAmountMinor);
    vat_after += std::clamp<std::int64_t>(d.vat_after_minor, 0, kMaxAmountMinor);
  }
  c.require(changes || k.lines.empty(), "lines", "must change the quantity or the cost of at least one line");
  c.require(k.total_before_minor == before, "total_before_minor", "must be the sum of the lines: " + std::to_string(before));
  c.require(k.total_after_minor == after, "total_after_minor", "must be the sum of the lines: " + std::to_string(after));
  c.require(k.vat_before_minor == vat_before, "vat_before_minor",
            "must be the sum of the lines' VAT: " + std::to_string(vat_before));
  c.require(k.vat_after_minor == vat_after, "vat_after_minor",
            "must be the sum of the lines' VAT: " + std::to_string(vat_after));
  c.signer("signer", k.signer);
  c.throw_if_any();
}

// The increases (В) and decreases (Г) of one line or of the document: cost without VAT, VAT,
// cost with VAT.
struct Change {
  std::int64_t net = 0, vat = 0, gross = 0;
};

class CorrectionForm {
 public:
  CorrectionForm(const Correction& k, Painter& p, double x, double right)
      : k_(k), l_(k.language == Language::ru ? kRu : kEn), p_(p), x_(x), right_(right),
        table_(x, right - x, columns(), kFont) {
    for (const auto& d : k.lines) {
      auto [up, down] = changes(d);
      increase_.net += up.net, increase_.vat += up.vat, increase_.gross += up.gross;
      decrease_.net += down.net, decrease_.vat += down.vat, decrease_.gross += down.gross;
    }
  }

  const Table& table() const { return table_; }

  double head(double y) {
    const double top = y;
    const Language lang = k_.language;
    const double left_h = status_box(p_, x_, y, kLeftBlock, l_.kind, l_.status, 1, l_.legend);
    const double fx = x_ + kLeftBlock + 10, fw = right_ - fx;
    p_.text(right_ - 250, y, 250, l_.appendix, 5.5, false, PANGO_ALIGN_RIGHT);
    y += tax_form::title_row(p_, fx, y, l_.invoice, k_.number, ru_date(k_.date), "(1)", 9, true, lang);
    y += tax_form::title_row(p_, fx, y, l_.fix, "—", "—", "(1а)", kFont, false, lang) + 3;
    auto field = [&](const char* label, const std::string& value, const char* code) {
      y += form_field(p_, fx, y, 175, fw, label, value, code, kFont);
    };
    field(l_.to_invoice, tax_form::numbered(k_.corrected, lang) + l_.with_fix, "(1б)");
    field(l_.seller, k_.seller.name, "(2)");
    field(l_.address, k_.seller.address, "(2а)");
    field(l_.seller_ids, inn_kpp(k_.seller), "(2б)");
    field(l_.buyer, k_.buyer.name, "(3)");
    field(l_.address, k_.buyer.address, "(3а)");
    field(l_.buyer_ids, inn_kpp(k_.buyer), "(3б)");
    field(l_.currency, l_.rouble, "(4)");
    field(l_.contract, "", "(5)");
    y = std::max(y, top + left_h);
    p_.line(x_ + kLeftBlock + 4, top, x_ + kLeftBlock + 4, y, 1.2);
    return y - top + 5;
  }

  double continuation(double y) {
    std::string s = l_.invoice;
    s.append(" ").append(k_.number).append(k_.language == Language::ru ? " от " : " of ").append(ru_date(k_.date));
    s.append(" (").append(l_.continued).append(")");
    return p_.text(x_, y, right_ - x_, s, 8, true) + 5;
  }

  // One line: its name and unit over four rows, А before, Б after, В increase, Г decrease.
  double line(double y, const CorrectionLine& d) {
    const auto rows = values(d);
    std::array<double, 4> heights{};
    for (std::size_t r = 0; r < 4; ++r)
      for (std::size_t i = kLetter; i < kColumns; ++i)
        heights[r] = std::max(heights[r], table_.cell_height(p_, i, rows[r][i - kLetter], false, kRowPad));
    const std::array<std::string, 5> fixed{std::to_string(d.number), d.description, "—", d.unit_code, d.unit_name};
    double fixed_h = 0, rows_h = 0;
    for (std::size_t i = 0; i < fixed.size(); ++i) fixed_h = std::max(fixed_h, table_.cell_height(p_, i, fixed[i]));
    for (double h : heights) rows_h += h;
    // A long name stretches the four rows alike.
    if (fixed_h > rows_h)
      for (double& h : heights) h += (fixed_h - rows_h) / 4;
    const double total = std::max(fixed_h, rows_h);
    if (p_.dry()) return total;
    for (std::size_t i = 0; i < fixed.size(); ++i) table_.cell(p_, i, y, fixed[i]);
    double ry = y;
    for (std::size_t r = 0; r < 4; ++r) {
      for (std::size_t i = kLetter; i < kColumns; ++i) table_.cell(p_, i, ry, rows[r][i - kLetter], false, kRowPad);
      ry += heights[r];
      if (r < 3) p_.line(table_.x(kLetter), ry, table_.right(), ry, 0.3);
    }
    table_.rules(p_, y, y + total);
    p_.line(table_.left(), y + total, table_.right(), y + total, 0.4);
    return total;
  }

  // "Всего увеличение (сумма строк В)" and "Всего уменьшение (сумма строк Г)".
  double totals(double y) {
    const double top = y;
    y += total_row(y, l_.increase_total, increase_);
    y += total_row(y, l_.decrease_total, decrease_);
    return y - top;
  }

  double footer(double y, int sheets) {
    const double top = y;
    const Language lang = k_.language;
    y += 5;
    y += tax_form::signatures(p_, x_, y, right_, sheets, k_.signer, k_.seller, lang) + 3;
    p_.line(x_, y, right_, y, 1.2);
    y += 4;
    const double mid = (x_ + right_) / 2, cw = mid - x_ - 8, rx = mid + 8;
    const double columns_top = y;
    double ly = y, ry = y;
    ly += form_block(p_, x_, ly, cw, l_.reason, k_.reason, "", l_.reason_caption, kFont) + 2;
    ly += form_field(p_, x_, ly, 150, cw, l_.other, k_.reference, "", kFont, false, l_.other_caption) + 2;
    ly += tax_form::person(p_, x_, ly, cw, l_.responsible, "", &k_.signer, lang) + 2;
    ly += tax_form::entity(p_, x_, ly, cw, l_.entity, "", k_.seller, k_.gateway_name, lang);
    ry += tax_form::person(p_, rx, ry, cw, l_.agreed, "", nullptr, lang) + 2;
    ry += tax_form::dated(p_, rx, ry, cw, l_.received_on, tax_form::blank_date(lang), "") + 2;
    ry += form_field(p_, rx, ry, 150, cw, l_.other_received, " ", "", kFont, false, l_.other_received_caption) + 2;
    ry += tax_form::person(p_, rx, ry, cw, l_.responsible, "", nullptr, lang) + 2;
    ry += tax_form::entity(p_, rx, ry, cw, l_.entity_buyer, "", k_.buyer, "", lang);
    y = std::max(ly, ry);
    p_.line(mid, columns_top - 3, mid, y, 1.2);
    return y - top;
  }

 private:
  std::vector<Column> columns() const {
    return {{18, l_.number, "1"},
            {0, l_.name, "1а", "", PANGO_ALIGN_LEFT},
            {30, l_.goods_kind, "1б"},
            {26, l_.unit_code, "2", l_.unit},
            {40, l_.unit_symbol, "2а", l_.unit},
            {86, "", "", "", PANGO_ALIGN_LEFT},
            {40, l_.quantity, "3", "", PANGO_ALIGN_RIGHT},
            {58, l_.price, "4", "", PANGO_ALIGN_RIGHT},
            {66, l_.net, "5", "", PANGO_ALIGN_RIGHT},
            {44, l_.excise, "6"},
            {40, l_.rate, "7"},
            {62, l_.vat, "8", "", PANGO_ALIGN_RIGHT},
            {66, l_.gross, "9", "", PANGO_ALIGN_RIGHT}};
  }

  static std::pair<Change, Change> changes(const CorrectionLine& d) {
    const Change before{net(d.amount_before_minor, d.vat_before_minor), d.vat_before_minor, d.amount_before_minor};
    const Change after{net(d.amount_after_minor, d.vat_after_minor), d.vat_after_minor, d.amount_after_minor};
    auto up = [](std::int64_t b, std::int64_t a) { return std::max<std::int64_t>(a - b, 0); };
    return {{up(before.net, after.net), up(before.vat, after.vat), up(before.gross, after.gross)},
            {up(after.net, before.net), up(after.vat, before.vat), up(after.gross, before.gross)}};
  }

  // The values of columns 5 (letter) to 12 in the rows А, Б, В, Г.
  std::array<std::vector<std::string>, 4> values(const CorrectionLine& d) const {
    const Language lang = k_.language;
    const bool none = d.vat_rate == "none";
    const std::string rate = rate_text(d.vat_rate, lang);
    auto price = [](std::int64_t amount, std::int64_t vat, std::int64_t q) {
      return q == 0 ? std::string("—") : form_money((net(amount, vat) * 2 + q) / (2 * q));
    };
    auto state = [&](std::size_t r, std::int64_t q, std::int64_t amount, std::int64_t vat) {
      return std::vector<std::string>{l_.rows[r],   std::to_string(q), price(amount, vat, q),
                                      form_money(net(amount, vat)), l_.no_excise, rate,
                                      none ? rate : form_money(vat), form_money(amount)};
    };
    auto change = [&](std::size_t r, const Change& c) {
      auto money = [](std::int64_t v) { return v == 0 ? std::string("—") : form_money(v); };
      return std::vector<std::string>{l_.rows[r], "X", "X", money(c.net), "—", "X", none ? rate : money(c.vat),
                                      money(c.gross)};
    };
    auto [up, down] = changes(d);
    return {state(0, d.quantity_before, d.amount_before_minor, d.vat_before_minor),
            state(1, d.quantity_after, d.amount_after_minor, d.vat_after_minor), change(2, up), change(3, down)};
  }

  double total_row(double y, const std::string& label, const Change& c) {
    const Table& t = table_;
    const double pad = Table::kPad;
    const bool all_none = std::all_of(k_.lines.begin(), k_.lines.end(),
                                      [](const CorrectionLine& d) { return d.vat_rate == "none"; });
    const std::string vat = all_none ? rate_text("none", k_.language) : form_money(c.vat);
    const double h = std::max(p_.measure(t.x(kNet) - t.x(0) - 2 * pad, label, kFont, true) + 2 * pad,
                              t.cell_height(p_, kGross, form_money(c.gross), true));
    p_.text(t.x(0) + pad, y + pad, t.x(kNet) - t.x(0) - 2 * pad, label, kFont, true);
    t.cell(p_, kNet, y, form_money(c.net), true);
    p_.text(t.x(kExcise), y + pad, t.x(kVat) - t.x(kExcise), "X", kFont, false, PANGO_ALIGN_CENTER);
    t.cell(p_, kVat, y, vat, true);
    t.cell(p_, kGross, y, form_money(c.gross), true);
    for (std::size_t i : {std::size_t{0}, kNet, kExcise, kVat, kGross, kColumns}) p_.line(t.x(i), y, t.x(i), y + h, 0.4);
    p_.line(t.x(0), y + h, t.right(), y + h, 0.4);
    return h;
  }

  const Correction& k_;
  const Labels& l_;
  Painter& p_;
  double x_, right_;
  Table table_;
  Change increase_, decrease_;
};

}  // namespace

std::string render_correction_pdf(const Correction& k) {
  check(k);
  std::string title = k.language == Language::ru ? "УКД " : "UCD ";
  PdfDocument pdf(Orientation::landscape, title.append(k.number), k.date, k.time.empty() ? "00:00:00" : k.time);
  Painter& p = pdf.painter();
  const double x = tax_form::kMargin, right = pdf.width() - tax_form::kMargin, limit = tax_form::bottom(pdf);
  CorrectionForm form(k, p, x, right);
  const Table& table = form.table();

  p.set_dry(true);
  const double head_h = form.head(kTop), continuation_h = form.continuation(kTop);
  const double table_head_h = table.header(p, 0), totals_h = form.totals(0), footer_h = form.footer(0, 1);
  std::vector<double> heights;
  for (const auto& d : k.lines) heights.push_back(form.line(0, d));
  const tax_form::Plan plan = tax_form::plan(heights, kTop + head_h + table_head_h, kTop + continuation_h + table_head_h,
                                             totals_h, footer_h, limit);
  const int sheets = plan.sheets();
  p.set_dry(false);

  for (std::size_t s = 0; s < plan.starts.size(); ++s) {
    if (s > 0) pdf.next_page();
    double y = kTop + (s == 0 ? form.head(kTop) : form.continuation(kTop));
    const std::size_t end = s + 1 < plan.starts.size() ? plan.starts[s + 1] : k.lines.size();
    if (plan.starts[s] < end) y += table.header(p, y);
    for (std::size_t i = plan.starts[s]; i < end; ++i) y += form.line(y, k.lines[i]);
    if (s + 1 == plan.starts.size()) {
      if (!plan.totals_apart) y += form.totals(y);
      if (!plan.footer_apart) form.footer(y, sheets);
    }
    if (sheets > 1) tax_form::sheet_number(p, pdf, static_cast<int>(s) + 1, sheets, k.language);
  }
  if (plan.footer_apart) {
    pdf.next_page();
    double y = kTop + form.continuation(kTop);
    if (plan.totals_apart) y += form.totals(y);
    form.footer(y, sheets);
    tax_form::sheet_number(p, pdf, sheets, sheets, k.language);
  }
  return pdf.finish();
}

}  // namespace skybill::documents
