#include "painter.hpp"

#include <cairo-pdf.h>

#include <stdexcept>

#include "skybill/core/money.hpp"

namespace skybill::documents {
namespace {

constexpr double kA4Short = 595.28, kA4Long = 841.89;

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

[[noreturn]] void cairo_failed(cairo_status_t status) {
  throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(status));
}

}  // namespace

std::string money_text(std::int64_t minor, const std::string& currency, Language language) {
  std::string plain = core::Money(minor, core::currency(currency)).to_string();  // "-11499.50"
  bool negative = !plain.empty() && plain[0] == '-';
  if (negative) plain.erase(0, 1);
  auto dot = plain.find('.');
  std::string whole = plain.substr(0, dot), fraction = dot == std::string::npos ? "" : plain.substr(dot + 1);
  const std::string group = language == Language::ru ? "\u00A0" : ",";
  std::string grouped = negative ? "-" : "";
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += group;
    grouped += whole[i];
  }
  if (!fraction.empty()) {
    grouped += language == Language::ru ? ',' : '.';
    grouped += fraction;
  }
  return grouped;
}

std::string ru_date(const std::string& iso) {
  if (iso.size() != 10) return iso;
  std::string out = iso.substr(8, 2);
  out.append(".").append(iso, 5, 2).append(".").append(iso, 0, 4);
  return out;
}

PdfDocument::PdfDocument(Orientation orientation, const std::string& title, const std::string& issued_on,
                         const std::string& time)
    : width_(orientation == Orientation::portrait ? kA4Short : kA4Long),
      height_(orientation == Orientation::portrait ? kA4Long : kA4Short) {
  surface_ = cairo_pdf_surface_create_for_stream(append_to_string, &out_, width_, height_);
  std::string stamp = issued_on;
  stamp.append("T").append(time);
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, stamp.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, stamp.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "skybill");
  cr_ = cairo_create(surface_);
  cairo_set_source_rgb(cr_, 0, 0, 0);
}

PdfDocument::~PdfDocument() {
  painter_.reset();
  if (cr_) cairo_destroy(cr_);
  cairo_surface_destroy(surface_);
}

Painter& PdfDocument::painter() {
  if (!painter_) painter_ = std::make_unique<Painter>(cr_, true);
  return *painter_;
}

void PdfDocument::next_page() {
  if (painter_) painter_->flush();
  cairo_show_page(cr_);
}

std::string PdfDocument::finish() {
  if (painter_) painter_->flush();
  cairo_show_page(cr_);
  cairo_status_t status = cairo_status(cr_);
  cairo_destroy(cr_);
  cr_ = nullptr;
  if (status != CAIRO_STATUS_SUCCESS) cairo_failed(status);
  cairo_surface_finish(surface_);
  if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS) cairo_failed(cairo_surface_status(surface_));
  return std::move(out_);
}

Painter::Painter(cairo_t* cr, bool batch_rules)
    : cr_(cr),
      layout_(pango_cairo_create_layout(cr), g_object_unref),
      font_(pango_font_description_from_string("DejaVu Sans"), pango_font_description_free),
      batch_(batch_rules) {}

void Painter::lay_out(double width, const std::string& s, double size, bool bold, PangoAlignment align) {
  pango_font_description_set_absolute_size(font_.get(), size * PANGO_SCALE);
  pango_font_description_set_weight(font_.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout_.get(), font_.get());
  pango_layout_set_width(layout_.get(), width < 0 ? -1 : static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout_.get(), PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout_.get(), align);
  pango_layout_set_text(layout_.get(), s.c_str(), static_cast<int>(s.size()));
}

double Painter::text(double x, double y, double width, const std::string& s, double size, bool bold,
                     PangoAlignment align) {
  if (dry_) return measure(width, s, size, bold);
  lay_out(width, s, size, bold, align);
  cairo_move_to(cr_, x, y);
  pango_cairo_show_layout(cr_, layout_.get());
  int w = 0, h = 0;
  pango_layout_get_size(layout_.get(), &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

double Painter::measure(double width, const std::string& s, double size, bool bold) {
  std::string key = s;
  key.append(1, '\0').append(std::to_string(width)).append(1, bold ? 'b' : 'r').append(std::to_string(size));
  if (auto it = heights_.find(key); it != heights_.end()) return it->second;
  lay_out(width, s, size, bold, PANGO_ALIGN_LEFT);
  int w = 0, h = 0;
  pango_layout_get_size(layout_.get(), &w, &h);
  return heights_[key] = static_cast<double>(h) / PANGO_SCALE;
}

double Painter::width_of(const std::string& s, double size, bool bold) {
  lay_out(-1, s, size, bold, PANGO_ALIGN_LEFT);
  int w = 0, h = 0;
  pango_layout_get_size(layout_.get(), &w, &h);
  return static_cast<double>(w) / PANGO_SCALE;
}

void Painter::line(double x1, double y1, double x2, double y2, double width) {
  if (dry_) return;
  if (batch_) {
    rules_[width].push_back({x1, y1, x2, y2, false});
    return;
  }
  cairo_set_line_width(cr_, width);
  cairo_move_to(cr_, x1, y1);
  cairo_line_to(cr_, x2, y2);
  cairo_stroke(cr_);
}

void Painter::rect(double x, double y, double w, double h, double width) {
  if (dry_) return;
  if (batch_) {
    rules_[width].push_back({x, y, w, h, true});
    return;
  }
  cairo_set_line_width(cr_, width);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_stroke(cr_);
}

void Painter::flush() {
  for (const auto& [width, rules] : rules_) {
    cairo_new_path(cr_);
    for (const auto& r : rules) {
      if (r.box) {
        cairo_rectangle(cr_, r.x1, r.y1, r.x2, r.y2);
      } else {
        cairo_move_to(cr_, r.x1, r.y1);
        cairo_line_to(cr_, r.x2, r.y2);
      }
    }
    cairo_set_line_width(cr_, width);
    cairo_stroke(cr_);
  }
  rules_.clear();
}

void Painter::qr(const QrCode& code, double x, double y, double side) {
  if (dry_) return;
  const double module = side / (code.size + 8);  // with the 4-module quiet zone
  for (int r = 0; r < code.size; ++r)
    for (int c = 0; c < code.size; ++c)
      if (code.at(c, r)) cairo_rectangle(cr_, x + (c + 4) * module, y + (r + 4) * module, module, module);
  cairo_fill(cr_);
}

}  // namespace skybill::documents
