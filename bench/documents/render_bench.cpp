// The cost per document of the invoice PDF and of the closing documents (УПД, УКД, itinerary
// receipt), printed beside their floor: the same A4 PDF surface with one line of the same font
// and no data bound, which any cairo + pango document pays.
//   build/release/bench/documents/documents_bench
#include <benchmark/benchmark.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <string>

#include "closing_samples.hpp"
#include "samples.hpp"
#include "skybill/documents/correction_pdf.hpp"
#include "skybill/documents/receipt_pdf.hpp"
#include "skybill/documents/upd_pdf.hpp"

namespace skybill::documents {
namespace {

void BM_InvoicePdf(benchmark::State& state) {
  const auto inv = samples::invoice();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = render_invoice_pdf(inv);
    bytes = pdf.size();
    benchmark::DoNotOptimize(pdf);
  }
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_InvoicePdf)->Unit(benchmark::kMillisecond);

template <typename Document, typename Render>
void render_each(benchmark::State& state, const Document& document, Render render) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = render(document);
    bytes = pdf.size();
    benchmark::DoNotOptimize(pdf);
  }
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}

void BM_UpdPdf(benchmark::State& state) { render_each(state, samples::upd(), render_upd_pdf); }
BENCHMARK(BM_UpdPdf)->Unit(benchmark::kMillisecond);

// 60 lines over three sheets: the cost of laying out and drawing a long table.
void BM_UpdPdfSixtyLines(benchmark::State& state) {
  Upd u = samples::upd();
  u.lines.clear();
  u.total_minor = u.vat_minor = 0;
  for (int i = 0; i < 60; ++i) {
    auto line = samples::ticket_lines()[static_cast<std::size_t>(i % 3)];
    line.number = i + 1;
    u.total_minor += line.amount_minor;
    u.vat_minor += line.vat_minor;
    u.lines.push_back(line);
  }
  render_each(state, u, render_upd_pdf);
}
BENCHMARK(BM_UpdPdfSixtyLines)->Unit(benchmark::kMillisecond);

void BM_CorrectionPdf(benchmark::State& state) { render_each(state, samples::correction(), render_correction_pdf); }
BENCHMARK(BM_CorrectionPdf)->Unit(benchmark::kMillisecond);

void BM_ReceiptPdf(benchmark::State& state) { render_each(state, samples::receipt(), render_receipt_pdf); }
BENCHMARK(BM_ReceiptPdf)->Unit(benchmark::kMillisecond);

cairo_status_t append(void* out, const unsigned char* data, unsigned int n) {
  static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(data), n);
  return CAIRO_STATUS_SUCCESS;
}

// Baseline: the page with no data bound.
void BM_BlankPageBaseline(benchmark::State& state) {
  for (auto _ : state) {
    std::string out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, 595.28, 841.89);
    cairo_t* cr = cairo_create(surface);
    PangoLayout* layout = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string("DejaVu Sans 9");
    pango_layout_set_font_description(layout, font);
    pango_layout_set_text(layout, "Счёт", -1);
    pango_cairo_show_layout(cr, layout);
    pango_font_description_free(font);
    g_object_unref(layout);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_BlankPageBaseline)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace skybill::documents
