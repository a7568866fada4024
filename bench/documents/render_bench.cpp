// The invoice PDF's cost per document, printed beside its floor: the same A4 PDF surface with
// one line of the same font and no data bound, which any cairo + pango document pays.
//   build/release/bench/documents/documents_bench
#include <benchmark/benchmark.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <string>

#include "skybill/documents/invoice_pdf.hpp"

namespace skybill::documents {
namespace {

InvoicePdf typical_invoice() {
  InvoicePdf inv;
  inv.number = "DA-2026-000001";
  inv.issued_on = "2026-12-07";
  inv.due = "08.12.2026 12:00 (MSK)";
  inv.reference = "PNR ABC123, ORD-1001";
  inv.currency = "RUB";
  inv.payee = {"ООО \"Скайбилл\"", "7707083893", "770701001", "40702810900000000001", "ПАО Сбербанк", "044525225",
               "30101810400000000225"};
  inv.payer = {"ООО \"Ромашка\"", "7728168971", "772801001", "", "", "", ""};
  inv.lines = {{"Авиабилет SU1234 SVO-LED, Petrov Ivan, тариф Y", 1000000, "10", 90909},
               {"Аэропортовый сбор", 49950, "22", 9007},
               {"Сервисный сбор", 100000, "none", 0}};
  inv.vat = {{"22", 9007}, {"10", 90909}, {"none", 0}};
  inv.total_minor = 1149950;
  inv.vat_total_minor = 99916;
  inv.purpose = "Оплата по счету № DA-2026-000001 от 07.12.2026, в т.ч. НДС 999.16";
  return inv;
}

void BM_InvoicePdf(benchmark::State& state) {
  const auto inv = typical_invoice();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto pdf = render_invoice_pdf(inv);
    bytes = pdf.size();
    benchmark::DoNotOptimize(pdf);
  }
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_InvoicePdf)->Unit(benchmark::kMillisecond);

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
