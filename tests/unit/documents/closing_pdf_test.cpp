// The closing documents' PDFs read back as a person would: their text by pdftotext, their pages by
// pdfinfo, their first page drawn by pdftoppm (all from Debian's poppler-utils).
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

#include "closing_samples.hpp"
#include "skybill/core/problem.hpp"
#include "command_output.hpp"
#include "skybill/documents/correction_pdf.hpp"
#include "skybill/documents/receipt_pdf.hpp"
#include "skybill/documents/upd_pdf.hpp"

namespace skybill::documents {
namespace {

using test::read_file;
using test::run;
using test::temp_file;

// pdftotext -layout with every run of blanks made one space, so that a form's row reads as a
// sentence: "Счёт-фактура № DA-U-2026-000001 от 07.12.2026 (1)".
std::string pdf_text(const std::string& pdf) {
  auto raw = test::pdf_text(pdf);
  std::string text;
  for (char c : raw) {
    const bool blank = c == ' ' || c == '\t';
    if (!(blank && !text.empty() && text.back() == ' ')) text += blank ? ' ' : c;
  }
  return text;
}

int pdf_pages(const std::string& pdf) {
  auto path = temp_file(".pdf", pdf);
  auto info = run("pdfinfo '" + path + "' 2>&1");
  std::remove(path.c_str());
  auto at = info.find("Pages:");
  return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
}

// Draws the first page as a PNG and as a grey map; returns the share of dark pixels (ink), or
// -1 when pdftoppm made no PNG.
double first_page_ink(const std::string& pdf) {
  auto path = temp_file(".pdf", pdf);
  auto base = path.substr(0, path.size() - 4);
  run("pdftoppm -r 50 -f 1 -l 1 -png -singlefile '" + path + "' '" + base + "' 2>&1");
  run("pdftoppm -r 50 -f 1 -l 1 -gray -singlefile '" + path + "' '" + base + "' 2>&1");
  const std::string png = read_file(base + ".png"), pgm = read_file(base + ".pgm");
  std::remove(path.c_str());
  std::remove((base + ".png").c_str());
  std::remove((base + ".pgm").c_str());
  if (!png.starts_with("\x89PNG\r\n\x1a\n")) return -1;
  // P5\n<width> <height>\n255\n<bytes>
  std::istringstream header(pgm);
  std::string magic;
  int width = 0, height = 0, max = 0;
  header >> magic >> width >> height >> max;
  if (magic != "P5" || width <= 0 || height <= 0) return -1;
  const std::string pixels = pgm.substr(pgm.size() - static_cast<std::size_t>(width) * height);
  std::size_t dark = 0;
  for (unsigned char v : pixels) dark += v < 128;
  return static_cast<double>(dark) / static_cast<double>(pixels.size());
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

void expect_all(const std::string& text, std::initializer_list<std::string> needles) {
  for (const auto& s : needles) EXPECT_TRUE(has(text, s)) << "missing: " << s << "\n" << text;
}

// The field names of the 422 a renderer throws, or "rendered" when it did not throw.
std::vector<std::string> refused(const std::function<void()>& render) {
  try {
    render();
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.type, "validation-failed");
    std::vector<std::string> fields;
    for (const auto& e : p.errors) fields.push_back(e.field);
    return fields;
  }
  return {"rendered"};
}

bool names(const std::vector<std::string>& fields, const std::string& field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

// The sample УПД with `n` lines: the ticket's three lines over and over.
Upd upd_with_lines(int n) {
  Upd u = samples::upd();
  u.lines.clear();
  u.total_minor = u.vat_minor = 0;
  for (int i = 0; i < n; ++i) {
    auto line = samples::ticket_lines()[static_cast<std::size_t>(i % 3)];
    line.number = i + 1;
    u.total_minor += line.amount_minor;
    u.vat_minor += line.vat_minor;
    u.lines.push_back(line);
  }
  return u;
}

TEST(UpdPdf, HoldsTheFormTheFiguresAndBothParties) {
  auto text = pdf_text(render_upd_pdf(samples::upd()));
  expect_all(text, {"Универсальный", "Статус: 1", "Счёт-фактура № DA-U-2026-000001 от 07.12.2026 (1)",
                    "Продавец: АО \"Демо Авиалинии\" (2)", "125009, г. Москва, ул. Тверская, д. 1",
                    "ИНН/КПП продавца: 7702070139/770201001 (2б)", "Покупатель: ООО \"Ромашка\" (6)",
                    "ИНН/КПП покупателя: 7728168971/772801001 (6б)", "Российский рубль, 643 (7)",
                    "К платёжно-расчётному документу № 123 от 07.12.2026 (5)",
                    "№ п/п 1–3 № DA-U-2026-000001 от 07.12.2026 (5а)", "SU1234", "PETROV IVAN",
                    "796 шт 1 9 090,91 9 090,91 без акциза 10% 909,09 10 000,00",
                    "796 шт 1 409,43 409,43 без акциза 22% 90,07 499,50",
                    "796 шт 1 1 000,00 1 000,00 без акциза без НДС без НДС 1 000,00",
                    "Всего к оплате (9) 10 500,34 X 999,16 11 499,50", "Документ составлен на 1 листе",
                    "Иванов П. С.", "Генеральный директор", "№ DA-2026-000001 от 07.12.2026 [8]",
                    "«07» декабря 2026 г.", "PNR ABC123, ORD-1001",
                    "АО \"Демо Авиалинии\", ИНН/КПП 7702070139/770201001; составлен агентом ООО \"Скайбилл\"",
                    "ООО \"Ромашка\", ИНН/КПП 7728168971/772801001"});
  EXPECT_EQ(pdf_pages(render_upd_pdf(samples::upd())), 1);
}

TEST(UpdPdf, InEnglishWithTheSameFigures) {
  auto text = pdf_text(render_upd_pdf(samples::upd(Language::en)));
  expect_all(text, {"Universal transfer", "Status: 1", "VAT invoice No. DA-U-2026-000001 of 07.12.2026 (1)",
                    "Seller: АО \"Демо Авиалинии\" (2)", "Russian rouble, 643", "No. 123 of 07.12.2026",
                    "909,09", "90,07", "10 000,00", "No VAT", "Total payable (9) 10 500,34 X 999,16 11 499,50",
                    "Drawn up on 1 sheet", "7 December 2026", "Иванов П. С."});
}

TEST(UpdPdf, TheGatewaysCommissionToTheAirline) {
  auto text = pdf_text(render_upd_pdf(samples::commission()));
  expect_all(text, {"Счёт-фактура № SKY-C-2026-000001 от 08.12.2026", "Продавец: ООО \"Скайбилл\" (2)",
                    "7707083893/770701001", "Покупатель: АО \"Демо Авиалинии\" (6)",
                    "Вознаграждение за приём платежей", "282,78 282,78 без акциза 22% 62,21 344,99",
                    "Всего к оплате (9) 282,78 X 62,21 344,99", "Сидоров А.", "№ PO-2026-000001 от 08.12.2026",
                    "ООО \"Скайбилл\", ИНН/КПП 7707083893/770701001"});
  EXPECT_FALSE(has(text, "составлен агентом")) << "the gateway draws up its own document";
}

TEST(UpdPdf, StatusTwoIsTheTransferDocumentAlone) {
  auto u = samples::upd();
  u.function = Upd::Function::dop;
  EXPECT_TRUE(has(pdf_text(render_upd_pdf(u)), "Статус: 2"));
}

TEST(UpdPdf, SixtyLinesRunOnToFurtherSheetsUnderTheTablesHead) {
  const auto pdf = render_upd_pdf(upd_with_lines(60));
  const int pages = pdf_pages(pdf);
  ASSERT_GE(pages, 2);
  auto text = pdf_text(pdf);
  expect_all(text, {"Документ составлен на " + std::to_string(pages) + (pages % 10 == 1 ? " листе" : " листах"),
                    "Лист 1 из " + std::to_string(pages),
                    "Лист " + std::to_string(pages) + " из " + std::to_string(pages),
                    "Счёт-фактура № DA-U-2026-000001 от 07.12.2026 (продолжение)", "№ п/п 1–60",
                    "Всего к оплате (9) 210 006,80 X 19 983,20 229 990,00"});
  for (int n : {1, 30, 59, 60})
    EXPECT_TRUE(has(text, " " + std::to_string(n) + " Авиаперевозка") || has(text, " " + std::to_string(n) + " Аэропорт") ||
                has(text, " " + std::to_string(n) + " Сервисный"))
        << "line " << n << " is missing";
  // Every sheet repeats the column codes under the head.
  std::size_t codes = 0;
  for (auto at = text.find("А 1 1а 1б 2 2а 3 4 5 6 7 8 9 10 10а 11"); at != std::string::npos;
       at = text.find("А 1 1а 1б 2 2а 3 4 5 6 7 8 9 10 10а 11", at + 1))
    ++codes;
  EXPECT_EQ(codes, static_cast<std::size_t>(pages));
}

TEST(UpdPdf, ALineTooLongToShareItsSheetSendsTheSignaturesToOneOfTheirOwn) {
  auto u = upd_with_lines(1);
  u.lines[0].description.clear();
  for (int i = 0; i < 71; ++i) u.lines[0].description += "Авиаперевозка ";  // 994 characters, 2 words a row
  const auto pdf = render_upd_pdf(u);
  EXPECT_EQ(pdf_pages(pdf), 2);
  auto text = pdf_text(pdf);
  expect_all(text, {"Всего к оплате (9) 9 090,91 X 909,09 10 000,00", "Документ составлен на 2 листах", "Лист 2 из 2",
                    "Счёт-фактура № DA-U-2026-000001 от 07.12.2026 (продолжение)"});

  u.lines[0].description += "Авиаперевозка";  // 1007: more than a sheet holds
  EXPECT_EQ(refused([&] { render_upd_pdf(u); }), std::vector<std::string>{"lines[0].description"});
}

TEST(UpdPdf, TheSameUpdGivesTheSameBytes) {
  auto a = render_upd_pdf(samples::upd()), b = render_upd_pdf(samples::upd());
  EXPECT_TRUE(a.starts_with("%PDF-"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(render_upd_pdf(upd_with_lines(60)), render_upd_pdf(upd_with_lines(60)));
  auto other = samples::upd();
  other.basis.number = "DA-2026-000002";
  EXPECT_NE(render_upd_pdf(other), a);
}

TEST(UpdPdf, ItsPageIsDrawn) {
  for (const auto& u : {samples::upd(), samples::upd(Language::en), samples::commission()}) {
    const double ink = first_page_ink(render_upd_pdf(u));
    EXPECT_GT(ink, 0.01) << u.number;
    EXPECT_LT(ink, 0.5) << u.number;
  }
}

TEST(UpdPdf, RefusesWhatCannotMakeASoundDocument) {
  auto u = samples::upd();
  u.number = "";
  u.total_minor += 1;
  u.lines[1].vat_minor += 1;
  u.seller.inn = "7702070138";
  u.currency = "USD";
  auto fields = refused([&] { render_upd_pdf(u); });
  for (const char* f : {"number", "total_minor", "lines[1].vat_minor", "seller.inn", "currency"})
    EXPECT_TRUE(names(fields, f)) << f;

  auto old_rate = samples::upd();
  old_rate.lines[1].vat_rate = "20";
  old_rate.lines[1].vat_minor = 8325;  // 499.50 at 20 %: right sum, but 20 % is gone in 2026
  old_rate.vat_minor = 90909 + 8325;
  EXPECT_EQ(refused([&] { render_upd_pdf(old_rate); }), std::vector<std::string>{"lines[1].vat_rate"});

  auto empty = samples::upd();
  empty.lines.clear();
  empty.total_minor = empty.vat_minor = 0;
  EXPECT_TRUE(names(refused([&] { render_upd_pdf(empty); }), "lines"));

  auto unsigned_upd = samples::upd();
  unsigned_upd.signer = {};
  unsigned_upd.shipped_on = "2026-02-30";
  fields = refused([&] { render_upd_pdf(unsigned_upd); });
  EXPECT_TRUE(names(fields, "signer.last_name"));
  EXPECT_TRUE(names(fields, "shipped_on"));
}

TEST(CorrectionPdf, HoldsEachLineBeforeAfterAndTheChange) {
  auto text = pdf_text(render_correction_pdf(samples::correction()));
  expect_all(text, {"Универсальный", "Статус: 1", "Корректировочный счёт-фактура № DA-K-2026-000001 от 09.12.2026 (1)",
                    "к счёту-фактуре (счетам-фактурам) № DA-U-2026-000001 от 07.12.2026",
                    "Продавец: АО \"Демо Авиалинии\" (2)", "Покупатель: ООО \"Ромашка\" (3)",
                    "А (до изменения) 1 9 090,91 9 090,91 без акциза 10% 909,09 10 000,00",
                    "Б (после изменения) 0 — 0,00 без акциза 10% 0,00 0,00",
                    "Г (уменьшение) X X 9 090,91 — X 909,09 10 000,00",
                    "Г (уменьшение) X X 409,43 — X 90,07 499,50",
                    "А (до изменения) 1 1 000,00 1 000,00 без акциза без НДС без НДС 1 000,00",
                    "Всего увеличение (сумма строк В) 0,00 X 0,00 0,00",
                    "Всего уменьшение (сумма строк Г) 9 500,34 X 999,16 10 499,50",
                    "Возврат авиабилета 5551234567890", "Иванов П. С.", "Документ составлен на 1 листе"});
  EXPECT_EQ(pdf_pages(render_correction_pdf(samples::correction())), 1);
}

TEST(CorrectionPdf, InEnglishWithTheSameFigures) {
  auto text = pdf_text(render_correction_pdf(samples::correction(Language::en)));
  expect_all(text, {"Corrective VAT invoice No. DA-K-2026-000001 of 09.12.2026 (1)", "No. DA-U-2026-000001 of 07.12.2026",
                    "А (before) 1 9 090,91 9 090,91 no excise 10% 909,09 10 000,00", "Г (decrease)", "No VAT",
                    "Total decrease (sum of rows Г) 9 500,34 X 999,16 10 499,50", "Возврат авиабилета 5551234567890"});
}

TEST(CorrectionPdf, AnIncreaseGoesToRowВ) {
  auto k = samples::correction();
  k.lines = {{1, "Сервисный сбор", "796", "шт", 1, 1, 100000, 150000, "22", 18033, 27049}};
  k.total_before_minor = 100000, k.total_after_minor = 150000;
  k.vat_before_minor = 18033, k.vat_after_minor = 27049;
  auto text = pdf_text(render_correction_pdf(k));
  expect_all(text, {"В (увеличение) X X 409,84 — X 90,16 500,00", "Г (уменьшение) X X — — X — —",
                    "Всего увеличение (сумма строк В) 409,84 X 90,16 500,00"});
}

TEST(CorrectionPdf, TheSameCorrectionGivesTheSameBytesAndAPage) {
  auto a = render_correction_pdf(samples::correction());
  EXPECT_TRUE(a.starts_with("%PDF-"));
  EXPECT_EQ(a, render_correction_pdf(samples::correction()));
  const double ink = first_page_ink(a);
  EXPECT_GT(ink, 0.01);
  EXPECT_LT(ink, 0.5);
}

TEST(CorrectionPdf, RefusesWhatCannotMakeASoundDocument) {
  auto k = samples::correction();
  k.reason = "";
  k.corrected.number = "";
  k.total_after_minor = 0;
  k.lines[0].vat_before_minor = 90910;
  auto fields = refused([&] { render_correction_pdf(k); });
  for (const char* f : {"reason", "corrected.number", "total_after_minor", "lines[0].vat_before_minor",
                        "vat_before_minor"})
    EXPECT_TRUE(names(fields, f)) << f;

  auto nothing = samples::correction();
  for (auto& line : nothing.lines) {
    line.quantity_after = line.quantity_before;
    line.amount_after_minor = line.amount_before_minor;
    line.vat_after_minor = line.vat_before_minor;
  }
  nothing.total_after_minor = nothing.total_before_minor;
  nothing.vat_after_minor = nothing.vat_before_minor;
  EXPECT_EQ(refused([&] { render_correction_pdf(nothing); }), std::vector<std::string>{"lines"});

  auto ghost = samples::correction();
  ghost.lines[2].quantity_after = 0;  // nothing left, yet 1 000.00 after
  EXPECT_TRUE(names(refused([&] { render_correction_pdf(ghost); }), "lines[2].quantity_after"));
}

TEST(ReceiptPdf, ShowsEachChargeWithItsVatOnALineOfItsOwn) {
  auto text = pdf_text(render_receipt_pdf(samples::receipt()));
  expect_all(text, {"Маршрутная квитанция электронного билета", "№ DA-R-2026-000001 от 07.12.2026",
                    "Пассажир PETROV IVAN", "Документ PS 4510123456", "Номер билета 5551234567890",
                    "Код бронирования ABC123", "Перевозчик АО \"Демо Авиалинии\", ИНН 7702070139, КПП 770201001",
                    "SU1234 SVO LED 20.12.2026 10:30 20.12.2026 11:55 Y", "Итого: 11 499,50",
                    "в т.ч. НДС 22%: 90,07", "в т.ч. НДС 10%: 909,09", "Всего НДС: 999,16",
                    "Безналичный расчёт, счёт № DA-2026-000001 от 07.12.2026",
                    "Покупатель ООО \"Ромашка\", ИНН 7728168971, КПП 772801001"});
  // Fare, charge and fee, each followed by its own VAT line.
  std::size_t at = 0;
  for (const char* s : {"Тариф Y 10 000,00", "\n в т.ч. НДС 10%: 909,09\n", "Аэропортовый сбор 499,50",
                        "\n в т.ч. НДС 22%: 90,07\n", "Сервисный сбор 1 000,00", "\n Без НДС\n"}) {
    at = text.find(s, at);
    ASSERT_NE(at, std::string::npos) << "out of order or missing: " << s << "\n" << text;
  }
  EXPECT_EQ(pdf_pages(render_receipt_pdf(samples::receipt())), 1);
}

TEST(ReceiptPdf, InEnglishWithTheSameFigures) {
  auto text = pdf_text(render_receipt_pdf(samples::receipt(Language::en)));
  expect_all(text, {"E-ticket itinerary receipt", "No. DA-R-2026-000001 of 07.12.2026", "Ticket number 5551234567890",
                    "Booking reference ABC123", "Тариф Y 10 000,00", "incl. VAT 10%: 909,09", "incl. VAT 22%: 90,07",
                    "No VAT", "Total: 11 499,50", "VAT in all: 999,16", "INN 7702070139"});
}

TEST(ReceiptPdf, TheSameReceiptGivesTheSameBytesAndAPage) {
  auto a = render_receipt_pdf(samples::receipt());
  EXPECT_TRUE(a.starts_with("%PDF-"));
  EXPECT_EQ(a, render_receipt_pdf(samples::receipt()));
  auto other = samples::receipt();
  other.passenger = "PETROVA ANNA";
  EXPECT_NE(render_receipt_pdf(other), a);
  const double ink = first_page_ink(a);
  EXPECT_GT(ink, 0.005);
  EXPECT_LT(ink, 0.5);
}

TEST(ReceiptPdf, RefusesWhatCannotMakeASoundReceipt) {
  auto r = samples::receipt();
  r.ticket_number = "555123456789";
  r.segments[0].from = "svo";
  r.segments[0].departure = "2026-12-20 10:30";
  r.lines[0].vat_minor = 0;
  r.total_minor = 1;
  r.carrier.inn = "";
  auto fields = refused([&] { render_receipt_pdf(r); });
  for (const char* f : {"ticket_number", "segments[0].from", "segments[0].departure", "lines[0].vat_minor",
                        "total_minor", "carrier.inn"})
    EXPECT_TRUE(names(fields, f)) << f;

  auto no_flight = samples::receipt();
  no_flight.segments.clear();
  EXPECT_EQ(refused([&] { render_receipt_pdf(no_flight); }), std::vector<std::string>{"segments"});
}

}  // namespace
}  // namespace skybill::documents
