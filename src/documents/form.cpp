#include "form.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace skybill::documents {
namespace {

// The first character of a UTF-8 string (a Cyrillic letter takes two bytes).
std::string first_letter(const std::string& s) {
  if (s.empty()) return {};
  std::size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return s.substr(0, n);
}

constexpr std::array<const char*, 12> kMonthsRu{"января", "февраля", "марта",    "апреля",  "мая",    "июня",
                                                "июля",   "августа", "сентября", "октября", "ноября", "декабря"};
constexpr std::array<const char*, 12> kMonthsEn{"January", "February", "March",     "April",   "May",      "June",
                                                "July",    "August",   "September", "October", "November", "December"};

}  // namespace

std::string short_name(const Signer& s) {
  std::string out = s.last_name;
  if (!s.first_name.empty()) out.append(" ").append(first_letter(s.first_name)).append(".");
  if (!s.middle_name.empty()) out.append(" ").append(first_letter(s.middle_name)).append(".");
  return out;
}

std::string date_in_words(const std::string& iso, Language language) {
  if (iso.size() != 10) return iso;
  const int month = std::stoi(iso.substr(5, 2));
  if (month < 1 || month > 12) return iso;
  if (language == Language::ru) {
    std::string out = "«";
    out.append(iso, 8, 2).append("» ").append(kMonthsRu[month - 1]).append(" ").append(iso, 0, 4).append(" г.");
    return out;
  }
  std::string out = std::to_string(std::stoi(iso.substr(8, 2)));
  out.append(" ").append(kMonthsEn[month - 1]).append(" ").append(iso, 0, 4);
  return out;
}

std::string sheets(int n, Language language) {
  std::string out = std::to_string(n);
  if (language == Language::ru) return out.append(n % 10 == 1 && n % 100 != 11 ? " листе" : " листах");
  return out.append(n == 1 ? " sheet" : " sheets");
}

std::string rate_text(const std::string& rate, Language language) {
  if (rate == "none") return language == Language::ru ? "без НДС" : "No VAT";
  return rate + "%";
}

std::string inn_kpp(const Party& party) {
  std::string out = party.inn;
  if (!party.kpp.empty()) out.append("/").append(party.kpp);
  return out;
}

std::string form_money(std::int64_t minor) { return money_text(minor, "RUB", Language::ru); }

double form_field(Painter& p, double x, double y, double label_width, double width, const std::string& label,
                  const std::string& value, const std::string& code, double size, bool bold_value,
                  const std::string& caption) {
  const double code_width = code.empty() ? 0 : 22;
  const double value_x = x + label_width, value_width = width - label_width - code_width - 4;
  double h = p.text(x, y, label_width - 4, label, size);
  h = std::max(h, p.text(value_x + 2, y, value_width - 2, value.empty() ? "—" : value, size, bold_value));
  if (!code.empty()) p.text(x + width - code_width, y, code_width, code, size, false, PANGO_ALIGN_RIGHT);
  p.line(value_x, y + h + 0.5, value_x + value_width, y + h + 0.5, 0.4);
  if (!caption.empty()) h += 1 + p.text(value_x, y + h + 1, value_width, caption, size * 0.75, false, PANGO_ALIGN_CENTER);
  return h + 1.8;
}

double form_label(Painter& p, double x, double y, double width, const std::string& label, const std::string& code,
                  double size) {
  const double code_width = code.empty() ? 0 : 22;
  if (!code.empty()) p.text(x + width - code_width, y, code_width, code, size, false, PANGO_ALIGN_RIGHT);
  return p.text(x, y, width - code_width - 4, label, size) + 1;
}

double form_block(Painter& p, double x, double y, double width, const std::string& label, const std::string& value,
                  const std::string& code, const std::string& caption, double size) {
  const double top = y;
  y += form_label(p, x, y, width, label, code, size);
  y += p.text(x, y, width, value.empty() ? " " : value, size);
  p.line(x, y + 0.5, x + width, y + 0.5, 0.4);
  if (!caption.empty()) y += 1 + p.text(x, y + 1, width, caption, size * 0.75, false, PANGO_ALIGN_CENTER);
  return y - top + 2.5;
}

double form_slots(Painter& p, double x, double y, const std::vector<Slot>& slots, double size, double gap) {
  double value_h = 0;
  for (const auto& s : slots) value_h = std::max(value_h, p.measure(s.width, s.value.empty() ? " " : s.value, size));
  double caption_h = 0;
  for (const auto& s : slots) {
    p.text(x, y, s.width, s.value, size, false, PANGO_ALIGN_CENTER);
    p.line(x, y + value_h + 0.5, x + s.width, y + value_h + 0.5, 0.4);
    caption_h = std::max(caption_h, p.text(x, y + value_h + 1, s.width, s.caption, size * 0.75, false, PANGO_ALIGN_CENTER));
    x += s.width + gap;
  }
  return value_h + 1 + caption_h + 2;
}

double status_box(Painter& p, double x, double y, double width, const std::string& title, const std::string& label,
                  int status, const std::string& legend) {
  const double top = y;
  y += p.text(x, y, width, title, 9, true) + 6;
  const double box = 16;
  const double label_h = p.measure(width, label, 7.5);
  p.text(x, y + (box - label_h) / 2, width, label, 7.5);
  const double box_x = x + 38;
  p.rect(box_x, y, box + 4, box, 1);
  const double digit_h = p.measure(box + 4, "1", 10, true);
  p.text(box_x, y + (box - digit_h) / 2, box + 4, std::to_string(status), 10, true, PANGO_ALIGN_CENTER);
  y += box + 4;
  y += p.text(x, y, width, legend, 6);
  return y - top;
}

Table::Table(double x, double width, std::vector<Column> columns, double size)
    : columns_(std::move(columns)), size_(size) {
  double fixed = 0;
  int flexible = 0;
  for (const auto& c : columns_) {
    fixed += c.width;
    flexible += c.width == 0;
  }
  for (auto& c : columns_)
    if (c.width == 0) c.width = (width - fixed) / flexible;
  xs_.push_back(x);
  for (const auto& c : columns_) xs_.push_back(xs_.back() + c.width);
}

double Table::cell_height(Painter& p, std::size_t i, const std::string& value, bool bold, double vpad) const {
  return p.measure(columns_[i].width - 2 * hpad_, value, size_, bold) + 2 * (vpad < 0 ? vpad_ : vpad);
}

void Table::cell(Painter& p, std::size_t i, double y, const std::string& value, bool bold, double vpad) const {
  p.text(xs_[i] + hpad_, y + (vpad < 0 ? vpad_ : vpad), columns_[i].width - 2 * hpad_, value, size_, bold,
         columns_[i].align);
}

double Table::row_height(Painter& p, const std::vector<std::string>& values, bool bold) const {
  double h = 0;
  for (std::size_t i = 0; i < values.size() && i < columns_.size(); ++i)
    h = std::max(h, cell_height(p, i, values[i], bold));
  return h;
}

double Table::row(Painter& p, double y, const std::vector<std::string>& values, bool bold) const {
  const double h = row_height(p, values, bold);
  for (std::size_t i = 0; i < values.size() && i < columns_.size(); ++i) cell(p, i, y, values[i], bold);
  rules(p, y, y + h, 0, std::max<std::size_t>(values.size(), 1) - 1);
  p.line(left(), y + h, xs_[std::min(values.size(), columns_.size())], y + h, 0.4);
  return h;
}

void Table::rules(Painter& p, double y0, double y1, std::size_t from, std::size_t to) const {
  to = std::min(to, columns_.size() - 1);
  for (std::size_t i = from; i <= to + 1; ++i) p.line(xs_[i], y0, xs_[i], y1, 0.4);
}

double Table::header(Painter& p, double y) const {
  const double head_size = plain_ ? size_ : size_ - 1;
  auto text_h = [&](double width, const std::string& s) {
    return p.measure(width - 2 * hpad_, s, head_size, plain_) + 2 * vpad_;
  };
  // The height of the heads: the tallest plain head, or group head over its columns' heads.
  double h = 0;
  for (std::size_t i = 0; i < columns_.size();) {
    if (columns_[i].group.empty()) {
      h = std::max(h, text_h(columns_[i].width, columns_[i].head));
      ++i;
      continue;
    }
    std::size_t j = i;
    double group_w = 0, sub_h = 0;
    for (; j < columns_.size() && columns_[j].group == columns_[i].group; ++j) {
      group_w += columns_[j].width;
      sub_h = std::max(sub_h, text_h(columns_[j].width, columns_[j].head));
    }
    h = std::max(h, text_h(group_w, columns_[i].group) + sub_h);
    i = j;
  }
  auto centred = [&](double x, double top, double width, double height, const std::string& s,
                     PangoAlignment align = PANGO_ALIGN_CENTER) {
    const double th = text_h(width, s);
    p.text(x + hpad_, top + (height - th) / 2 + vpad_, width - 2 * hpad_, s, head_size, plain_,
           plain_ ? align : PANGO_ALIGN_CENTER);
  };
  for (std::size_t i = 0; i < columns_.size();) {
    if (columns_[i].group.empty()) {
      centred(xs_[i], y, columns_[i].width, h, columns_[i].head, columns_[i].align);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < columns_.size() && columns_[j].group == columns_[i].group) ++j;
    const double group_w = xs_[j] - xs_[i], group_h = text_h(group_w, columns_[i].group);
    centred(xs_[i], y, group_w, group_h, columns_[i].group);
    p.line(xs_[i], y + group_h, xs_[j], y + group_h, 0.4);
    for (std::size_t k = i; k < j; ++k) {
      centred(xs_[k], y + group_h, columns_[k].width, h - group_h, columns_[k].head);
      if (k > i) p.line(xs_[k], y + group_h, xs_[k], y + h, 0.4);
    }
    i = j;
  }
  for (std::size_t i = 0; i <= columns_.size(); ++i) {
    const bool inside_group = i > 0 && i < columns_.size() && !columns_[i].group.empty() &&
                              columns_[i].group == columns_[i - 1].group;
    if (!inside_group) p.line(xs_[i], y, xs_[i], y + h, 0.4);
  }
  p.line(left(), y, right(), y, 0.4);
  p.line(left(), y + h, right(), y + h, 0.4);
  // The row of column codes, if the table has them.
  if (std::all_of(columns_.begin(), columns_.end(), [](const Column& c) { return c.code.empty(); })) return h;
  const double code_h = p.measure(40, "1а", size_ - 1) + 2;
  for (std::size_t i = 0; i < columns_.size(); ++i)
    p.text(xs_[i], y + h + 1, columns_[i].width, columns_[i].code, size_ - 1, false, PANGO_ALIGN_CENTER);
  rules(p, y + h, y + h + code_h);
  p.line(left(), y + h + code_h, right(), y + h + code_h, 0.4);
  return h + code_h;
}

}  // namespace skybill::documents
