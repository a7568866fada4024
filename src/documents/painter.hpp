#pragma once
// What every PDF of src/documents is drawn with: an A4 PDF written to a string with fixed
// metadata (the same document gives the same bytes, so its stored SHA-256 can be reproduced),
// a Painter for text in DejaVu Sans and rules, and how figures and dates are printed.
#include <cairo.h>
#include <pango/pangocairo.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "skybill/documents/qr.hpp"
#include "skybill/documents/words.hpp"

namespace skybill::documents {

// 1149950 RUB -> "11 499,50" (ru, no-break space between groups) or "11,499.50" (en).
std::string money_text(std::int64_t minor, const std::string& currency, Language language);

// "2026-12-07" -> "07.12.2026"; anything not 10 characters long is returned as it is.
std::string ru_date(const std::string& iso);

enum class Orientation { portrait, landscape };

class Painter {
 public:
  // A batching painter keeps its rules and strokes them all at once in flush(): cairo's PDF
  // surface spends time on every operation, so a page of a long table draws several times
  // faster. Text is drawn at once either way.
  explicit Painter(cairo_t* cr, bool batch_rules = false);

  // Draws `s` wrapped in a box `width` wide with its top left at (x, y); returns its height.
  // While dry, draws nothing and only measures.
  double text(double x, double y, double width, const std::string& s, double size, bool bold = false,
              PangoAlignment align = PANGO_ALIGN_LEFT);
  // The height `s` would take, without drawing it.
  double measure(double width, const std::string& s, double size, bool bold = false);
  // The width `s` takes on one line.
  double width_of(const std::string& s, double size, bool bold = false);

  void line(double x1, double y1, double x2, double y2, double width = 0.6);
  void rect(double x, double y, double w, double h, double width = 0.6);
  void qr(const QrCode& code, double x, double y, double side);

  // Strokes the rules kept so far (a batching painter; nothing to do for another).
  void flush();

  // A dry painter lays a block out to learn its height (does it fit on this page?).
  void set_dry(bool dry) { dry_ = dry; }
  bool dry() const { return dry_; }

 private:
  void lay_out(double width, const std::string& s, double size, bool bold, PangoAlignment align);

  struct Rule {
    double x1, y1, x2, y2;
    bool box;  // a rectangle at (x1, y1), x2 wide and y2 high
  };

  cairo_t* cr_;
  std::unique_ptr<PangoLayout, decltype(&g_object_unref)> layout_;
  std::unique_ptr<PangoFontDescription, decltype(&pango_font_description_free)> font_;
  bool dry_ = false;
  bool batch_;
  std::map<double, std::vector<Rule>> rules_;  // by line width
  // Heights already measured: a form repeats its "—", "шт" and "без акциза" in every row.
  std::unordered_map<std::string, double> heights_;
};

// An A4 PDF being drawn page by page into memory.
class PdfDocument {
 public:
  // `issued_on` is YYYY-MM-DD, `time` HH:MM:SS: the file's creation and modification dates,
  // so that nothing in the bytes depends on the wall clock.
  PdfDocument(Orientation orientation, const std::string& title, const std::string& issued_on,
              const std::string& time = "00:00:00");
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;
  ~PdfDocument();

  cairo_t* cr() const { return cr_; }
  // A batching painter on this document; its rules are stroked when a page ends.
  Painter& painter();
  double width() const { return width_; }
  double height() const { return height_; }
  // Ends the page drawn so far and starts a blank one.
  void next_page();
  // Ends the last page and returns the file; throws std::runtime_error when cairo failed.
  std::string finish();

 private:
  std::string out_;
  double width_, height_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  std::unique_ptr<Painter> painter_;
};

}  // namespace skybill::documents
