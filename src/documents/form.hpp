#pragma once
// The pieces the tax forms (УПД, УКД) are made of: labelled and underlined fields with the
// form's line codes "(2а)", signature slots with their captions under the rule, a table with
// grouped column heads and a row of column codes, and the words such forms print.
#include <cstdint>
#include <string>
#include <vector>

#include "painter.hpp"
#include "skybill/documents/closing.hpp"

namespace skybill::documents {

// "Иванов П. С." (the form's "ф.и.о.": surname and initials).
std::string short_name(const Signer& signer);
// «07» декабря 2026 г. / 7 December 2026
std::string date_in_words(const std::string& iso, Language language);
// "1 листе", "2 листах", "21 листе" / "1 sheet", "2 sheets"
std::string sheets(int n, Language language);
// "10%", "без НДС" / "No VAT"
std::string rate_text(const std::string& rate, Language language);
// "7702070139/770201001", or the INN alone for a sole proprietor.
std::string inn_kpp(const Party& party);
// The figures of the tax forms read the same in both languages: "11 499,50".
std::string form_money(std::int64_t minor);

// A row "Label  value______ (2а)": the label wrapped in `label_width`, the value underlined
// up to the code, right-aligned at x + width. Returns the row's height.
// An empty value prints as "—"; a caption goes under the rule in small type.
double form_field(Painter& p, double x, double y, double label_width, double width, const std::string& label,
                  const std::string& value, const std::string& code, double size, bool bold_value = false,
                  const std::string& caption = {});

// A label with its code at the right: "Товар (груз) передал … [10]". Returns its height.
// Codes are printed as given, brackets included: "(2а)" in the head of a form, "[10]" below.
double form_label(Painter& p, double x, double y, double width, const std::string& label, const std::string& code,
                  double size);

// A label over a value that takes the whole width, underlined, with a caption under the rule.
double form_block(Painter& p, double x, double y, double width, const std::string& label, const std::string& value,
                  const std::string& code, const std::string& caption, double size);

// Underlined slots side by side, each with its caption under the rule in small type:
// "Генеральный директор ______ Иванов П. С." over "(должность) (подпись) (ф.и.о.)".
struct Slot {
  double width;
  std::string value, caption;
};
double form_slots(Painter& p, double x, double y, const std::vector<Slot>& slots, double size, double gap = 6);

// The boxed digit of the form's status, with what the statuses mean beneath it.
double status_box(Painter& p, double x, double y, double width, const std::string& title, const std::string& label,
                  int status, const std::string& legend);

struct Column {
  double width;
  std::string head;              // the column's head, wrapped
  std::string code;              // "1а": the row of column codes under the heads
  std::string group{};           // columns next to each other with one group share its head
  PangoAlignment align = PANGO_ALIGN_CENTER;  // of the values
};

class Table {
 public:
  static constexpr double kPad = 2;

  // `columns` with width 0 share what is left of `width` equally.
  Table(double x, double width, std::vector<Column> columns, double size);

  // A plain table: heads in bold aligned as their values (not the tax forms' small centred
  // heads), and roomier cells.
  void plain() {
    plain_ = true;
    hpad_ = 4;
    vpad_ = 3;
  }

  double x(std::size_t i) const { return xs_[i]; }
  double width(std::size_t i) const { return columns_[i].width; }
  double left() const { return xs_.front(); }
  double right() const { return xs_.back(); }

  // The heads and the codes under them, framed; returns the height drawn.
  double header(Painter& p, double y) const;
  // The height of `value` in column i, padding included; `vpad` < 0 is the table's own.
  double cell_height(Painter& p, std::size_t i, const std::string& value, bool bold = false, double vpad = -1) const;
  // Draws `value` into column i from y (top-aligned, padded).
  void cell(Painter& p, std::size_t i, double y, const std::string& value, bool bold = false, double vpad = -1) const;
  // A row of one value per column (fewer values leave the rest empty), framed; returns its height.
  double row(Painter& p, double y, const std::vector<std::string>& values, bool bold = false) const;
  double row_height(Painter& p, const std::vector<std::string>& values, bool bold = false) const;
  // The vertical rules of columns [from, to] (their left edges, and the right edge of the last).
  void rules(Painter& p, double y0, double y1, std::size_t from = 0, std::size_t to = SIZE_MAX) const;

 private:
  std::vector<Column> columns_;
  std::vector<double> xs_;  // left edges and, last, the right edge
  double size_;
  bool plain_ = false;
  double hpad_ = kPad, vpad_ = kPad;
};

}  // namespace skybill::documents
