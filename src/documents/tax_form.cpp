#include "tax_form.hpp"

#include <algorithm>

namespace skybill::documents::tax_form {
namespace {

struct Words {
  const char *sheets, *head, *accountant, *proprietor, *certificate, *position, *signature, *name, *inn_kpp, *agent,
      *entity_caption, *stamp, *sheet, *of, *blank_date;
};

const Words kRu{"Документ составлен на",
                "Руководитель организации или иное уполномоченное лицо",
                "Главный бухгалтер или иное уполномоченное лицо",
                "Индивидуальный предприниматель или иное уполномоченное лицо",
                "(реквизиты свидетельства о государственной регистрации индивидуального предпринимателя)",
                "(должность)",
                "(подпись)",
                "(ф.и.о.)",
                "ИНН/КПП",
                "составлен агентом",
                "(может не заполняться при проставлении печати в М.П., может быть указан ИНН / КПП)",
                "М.П.",
                "Лист",
                "из",
                "«___» ______________ 20___ г."};
const Words kEn{"Drawn up on",
                "Head of the organisation or other authorised person",
                "Chief accountant or other authorised person",
                "Sole proprietor or other authorised person",
                "(details of the sole proprietor's state registration certificate)",
                "(position)",
                "(signature)",
                "(full name)",
                "INN/KPP",
                "drawn up by the agent",
                "(may be left blank when stamped; the INN / KPP may be given)",
                "Stamp",
                "Sheet",
                "of",
                "____ ______________ 20___"};

const Words& words(Language language) { return language == Language::ru ? kRu : kEn; }

constexpr double kSignedLabel = 150;

// A label with a signature and a name slot beside it, the slots' rules level with the last line
// of the taller label of the row (`label_h`).
double signed_by(Painter& p, double x, double y, double width, double label_h, const std::string& label,
                 const std::string& name, const Words& w) {
  p.text(x, y, kSignedLabel, label, kFont);
  const double slot_y = y + std::max(0.0, label_h - p.measure(100, "Ag", kFont));
  const double rest = width - kSignedLabel - 6;
  const double slots_h = form_slots(p, x + kSignedLabel + 6, slot_y,
                                    {{rest * 0.4, "", w.signature}, {rest * 0.6 - 6, name, w.name}}, kFont);
  return std::max(label_h, slot_y - y + slots_h);
}

}  // namespace

double bottom(const PdfDocument& pdf) { return pdf.height() - kBottom - 8; }

double signatures(Painter& p, double x, double y, double right, int n, const Signer& signer, const Party& seller,
                  Language language) {
  const Words& w = words(language);
  const double top = y;
  std::string drawn_up = w.sheets;
  drawn_up.append(" ").append(sheets(n, language));
  const double left_h = p.text(x, y, kLeftBlock, drawn_up, kFont);
  const double rx = x + kLeftBlock + 10, half = (right - rx - 16) / 2;
  const bool proprietor = seller.inn.size() == 12;
  const std::string name = short_name(signer);
  const double first_h = std::max(p.measure(kSignedLabel, w.head, kFont), p.measure(kSignedLabel, w.accountant, kFont));
  double row = std::max(signed_by(p, rx, y, half, first_h, w.head, proprietor ? "" : name, w),
                        signed_by(p, rx + half + 16, y, half, first_h, w.accountant, "", w));
  y += row + 3;
  const double second_h = p.measure(kSignedLabel, w.proprietor, kFont);
  row = signed_by(p, rx, y, half, second_h, w.proprietor, proprietor ? name : "", w);
  const double line_h = p.measure(100, "Ag", kFont);
  row = std::max(row, form_slots(p, rx + half + 16, y + std::max(0.0, second_h - line_h), {{half, "", w.certificate}},
                                 kFont));
  y += row;
  return std::max(y, top + left_h) - top;
}

double person(Painter& p, double x, double y, double width, const std::string& label, const std::string& code,
              const Signer* signer, Language language) {
  const Words& w = words(language);
  const double top = y;
  y += form_label(p, x, y, width, label, code, kFont) + 1;
  const double position = width * 0.42, signature = width * 0.2, name = width - position - signature - 12;
  y += form_slots(p, x, y,
                  {{position, signer ? signer->position : "", w.position},
                   {signature, "", w.signature},
                   {name, signer ? short_name(*signer) : "", w.name}},
                  kFont);
  return y - top;
}

double entity(Painter& p, double x, double y, double width, const std::string& label, const std::string& code,
              const Party& party, const std::string& agent, Language language) {
  const Words& w = words(language);
  std::string value = party.name;
  value.append(", ").append(w.inn_kpp).append(" ").append(inn_kpp(party));
  if (!agent.empty() && agent != party.name) value.append("; ").append(w.agent).append(" ").append(agent);
  const double h = form_block(p, x, y, width, label, value, code, w.entity_caption, kFont);
  return h + p.text(x, y + h, 60, w.stamp, kFont);
}

void sheet_number(Painter& p, const PdfDocument& pdf, int sheet, int n, Language language) {
  const Words& w = words(language);
  std::string s = w.sheet;
  s.append(" ").append(std::to_string(sheet)).append(" ").append(w.of).append(" ").append(std::to_string(n));
  p.text(pdf.width() - kMargin - 120, pdf.height() - kBottom - 6, 120, s, 6, false, PANGO_ALIGN_RIGHT);
}

std::string blank_date(Language language) { return words(language).blank_date; }

Plan plan(const std::vector<double>& row_heights, double first_top, double next_top, double totals, double footer,
          double limit) {
  const double closing = totals + footer;
  Plan out;
  double y = first_top;
  for (std::size_t i = 0; i < row_heights.size(); ++i) {
    const double need = row_heights[i] + (i + 1 == row_heights.size() ? closing : 0);
    // A first row too tall for the first sheet's room under the head may still fit a next one.
    const bool first_too_tall = i == 0 && out.starts.size() == 1 && first_top + row_heights[0] > limit;
    if (y + need > limit && (i != out.starts.back() || first_too_tall)) {
      out.starts.push_back(i);
      y = next_top;
    }
    y += row_heights[i];
  }
  out.footer_apart = y + closing > limit;
  out.totals_apart = y + totals > limit;
  return out;
}

std::string numbered(const DocumentRef& ref, Language language) {
  std::string s = language == Language::ru ? "№ " : "No. ";
  return s.append(ref.number).append(language == Language::ru ? " от " : " of ").append(ru_date(ref.date));
}

double title_row(Painter& p, double x, double y, const std::string& label, const std::string& number,
                 const std::string& date, const std::string& code, double size, bool bold, Language language) {
  const std::string of = language == Language::ru ? "от" : "of";
  const double h = p.measure(400, label, size, bold);
  double at = x;
  const double label_w = p.width_of(label, size, bold);
  p.text(at, y, label_w + 1, label, size, bold);
  at += label_w + 6;
  const double number_w = std::max(110.0, p.width_of(number, size, bold) + 12);
  p.text(at, y, number_w, number, size, bold, PANGO_ALIGN_CENTER);
  p.line(at, y + h + 0.5, at + number_w, y + h + 0.5, 0.4);
  at += number_w + 6;
  const double of_w = p.width_of(of, size, bold);
  p.text(at, y, of_w + 1, of, size, bold);
  at += of_w + 6;
  p.text(at, y, 76, date, size, bold, PANGO_ALIGN_CENTER);
  p.line(at, y + h + 0.5, at + 76, y + h + 0.5, 0.4);
  p.text(at + 82, y + (h - p.measure(40, code, kFont)), 30, code, kFont);
  return h + 3;
}

double dated(Painter& p, double x, double y, double width, const std::string& label, const std::string& date,
             const std::string& code) {
  const double label_w = std::min(width * 0.45, p.width_of(label, kFont) + 8);
  const double h = form_label(p, x, y, width, label, code, kFont);
  p.text(x + label_w, y, width - label_w - 26, date, kFont);
  return h;
}

}  // namespace skybill::documents::tax_form
