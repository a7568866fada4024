#pragma once
// What the УПД and the УКД print alike: the landscape page's geometry, the sheets and the
// signatures of the VAT invoice part, and the signature, date and entity blocks of the
// transfer part, for the seller's side and the buyer's.
#include <cstddef>
#include <string>
#include <vector>

#include "form.hpp"
#include "skybill/documents/closing.hpp"

namespace skybill::documents::tax_form {

constexpr double kMargin = 24, kTop = 18, kBottom = 16;
constexpr double kLeftBlock = 118;  // the status column at the left of the head
constexpr double kFont = 7;

// The page's usable bottom, above the "Лист 2 из 3" line.
double bottom(const PdfDocument& pdf);

// "Документ составлен на 1 листе" under the status column, and beside it the head of the
// organisation and the chief accountant (or the sole proprietor) with their signature slots;
// the signer's name goes to the head's slot (the proprietor's for a 12-digit INN).
double signatures(Painter& p, double x, double y, double right, int sheets, const Signer& signer,
                  const Party& seller, Language language);

// "[10] Товар (груз) передал …" over (должность) (подпись) (ф.и.о.); an empty signer leaves
// the slots blank for the hand that signs.
double person(Painter& p, double x, double y, double width, const std::string& label, const std::string& code,
              const Signer* signer, Language language);

// "[14] Наименование экономического субъекта – составителя документа": the party, its
// INN/KPP, the agent who drew the document up for it (if any), and "М.П.".
double entity(Painter& p, double x, double y, double width, const std::string& label, const std::string& code,
              const Party& party, const std::string& agent, Language language);

// "Лист 2 из 3" at the foot of the page.
void sheet_number(Painter& p, const PdfDocument& pdf, int sheet, int sheets, Language language);

// A date line to be filled in by hand: «___» ____________ 20__ г.
std::string blank_date(Language language);

// Which rows of the table go on which sheet. The first sheet's rows start at `first_top`, the
// others' at `next_top`; the last row keeps the totals and the signatures with it on its sheet,
// unless it stands alone there and still cannot: then the signatures (and the totals, if even
// they do not fit) get a sheet of their own.
struct Plan {
  std::vector<std::size_t> starts{0};  // the first row of each sheet ({0, 0}: the first has none)
  bool footer_apart = false;
  bool totals_apart = false;  // on the signatures' own sheet
  int sheets() const { return static_cast<int>(starts.size()) + (footer_apart ? 1 : 0); }
};
Plan plan(const std::vector<double>& row_heights, double first_top, double next_top, double totals, double footer,
          double limit);

// "№ 123 от 07.12.2026" / "No. 123 of 07.12.2026"
std::string numbered(const DocumentRef& ref, Language language);

// The title row: "Счёт-фактура № [number] от [date] (1)", number and date underlined.
double title_row(Painter& p, double x, double y, const std::string& label, const std::string& number,
                 const std::string& date, const std::string& code, double size, bool bold, Language language);

// "Дата отгрузки, передачи (сдачи)  «07» декабря 2026 г.  [11]": a date needs no rule.
double dated(Painter& p, double x, double y, double width, const std::string& label, const std::string& date,
             const std::string& code);

}  // namespace skybill::documents::tax_form
