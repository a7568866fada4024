// The invoice PDF read back as a person and a banking app would: its text by pdftotext, its QR
// code by zbarimg from a rendered page (both from Debian's poppler-utils and zbar-tools).
#include "skybill/documents/invoice_pdf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "command_output.hpp"
#include "samples.hpp"
#include "skybill/core/problem.hpp"

namespace skybill::documents {
namespace {

using test::pdf_text;
using test::run;
using test::temp_file;

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(InvoicePdf, HoldsTheFiguresTheWordsAndBothParties) {
  auto text = pdf_text(render_invoice_pdf(samples::invoice()));
  for (std::string s : {"Счёт на оплату № DA-2026-000001 от 07.12.2026", "ООО \"Скайбилл\", ИНН 7707083893, КПП 770701001",
                        "ООО \"Ромашка\", ИНН 7728168971, КПП 772801001", "ПАО Сбербанк", "БИК 044525225",
                        "30101810400000000225", "40702810900000000001", "PNR ABC123, ORD-1001",
                        "Аэропортовый сбор", "Без НДС", "В том числе НДС 22%:", "В том числе НДС 10%:",
                        "Одиннадцать тысяч четыреста девяносто девять рублей 50 копеек", "08.12.2026 12:00 (MSK)",
                        "Всего наименований 3, на сумму 11 499,50 RUB", "909,09", "90,07", "10 000,00"})
    EXPECT_TRUE(has(text, s)) << "missing: " << s << "\n" << text;
}

TEST(InvoicePdf, InEnglish) {
  auto text = pdf_text(render_invoice_pdf(samples::invoice(Language::en)));
  for (std::string s : {"Invoice No. DA-2026-000001 of 2026-12-07", "Eleven thousand four hundred ninety-nine roubles 50 kopecks",
                        "Including VAT 22%:", "No VAT", "3 item(s), 11,499.50 RUB in all"})
    EXPECT_TRUE(has(text, s)) << "missing: " << s << "\n" << text;
}

TEST(InvoicePdf, ItsQrCodeReadsBackAsThePaymentString) {
  auto inv = samples::invoice();
  auto pdf = temp_file(".pdf", render_invoice_pdf(inv));
  auto png = pdf.substr(0, pdf.size() - 4);
  run("pdftoppm -r 200 -png -singlefile '" + pdf + "' '" + png + "' 2>&1");
  auto decoded = run("zbarimg --quiet --raw -Sbinary '" + png + ".png' 2>/dev/null");
  if (!decoded.empty() && decoded.back() == '\n') decoded.pop_back();
  EXPECT_EQ(decoded, invoice_payment_string(inv));
  EXPECT_TRUE(invoice_payment_string(inv).starts_with("ST00012|Name=ООО \"Скайбилл\"|PersonalAcc=40702810900000000001|"));
  EXPECT_TRUE(has(invoice_payment_string(inv), "|Sum=1149950|"));
  std::remove(pdf.c_str());
  std::remove((png + ".png").c_str());
}

TEST(InvoicePdf, TheSameInvoiceGivesTheSameBytes) {
  auto a = render_invoice_pdf(samples::invoice()), b = render_invoice_pdf(samples::invoice());
  EXPECT_TRUE(a.starts_with("%PDF-"));
  EXPECT_EQ(a, b);
  auto other = samples::invoice();
  other.total_minor += 1;
  EXPECT_NE(render_invoice_pdf(other), a);
}

TEST(InvoicePdf, DetailsABankCouldNotReadAreRefusedBeforeDrawing) {
  auto inv = samples::invoice();
  inv.payee.bic = "04452522";
  inv.payee.account = "";
  try {
    render_invoice_pdf(inv);
    FAIL() << "rendered an invoice whose QR no bank reads";
  } catch (const core::Problem& p) {
    ASSERT_EQ(p.errors.size(), 2u);
    EXPECT_EQ(p.errors[0].field, "personal_acc");
    EXPECT_EQ(p.errors[1].field, "bic");
  }
}

}  // namespace
}  // namespace skybill::documents
