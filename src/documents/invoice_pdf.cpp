#include "skybill/documents/invoice_pdf.hpp"

#include <algorithm>
#include <cstdio>

#include "painter.hpp"
#include "skybill/core/money.hpp"
#include "skybill/documents/qr.hpp"

namespace skybill::documents {
namespace {

constexpr double kPageWidth = 595.28, kMargin = 42;
constexpr double kQrSide = 112;

struct Labels {
  const char *title, *from, *payee, *payee_bank, *bic, *corr, *account, *inn, *kpp, *payer, *basis, *number, *item,
      *vat_col, *amount_col, *total, *vat_incl, *no_vat, *to_pay, *count_line, *in_words, *due, *purpose, *scan;
};

const Labels kRu{"Счёт на оплату №", "от", "Получатель", "Банк получателя", "БИК", "Сч. №", "Сч. №", "ИНН", "КПП",
                 "Плательщик", "Основание", "№", "Наименование", "НДС", "Сумма", "Итого:", "В том числе НДС",
                 "Без НДС", "Всего к оплате:", "Всего наименований %d, на сумму %s %s", "Сумма прописью:",
                 "Оплатить до:", "Назначение платежа:", "Для оплаты отсканируйте QR-код в приложении банка"};
const Labels kEn{"Invoice No.", "of", "Payee", "Payee's bank", "BIC", "Corr. acc.", "Account", "INN", "KPP",
                 "Payer", "For", "No.", "Description", "VAT", "Amount", "Total:", "Including VAT",
                 "No VAT", "Amount due:", "%d item(s), %s %s in all", "In words:",
                 "Pay by:", "Payment purpose:", "Scan the QR code in a banking app to pay"};

void draw(cairo_t* cr, const InvoicePdf& inv, const std::string& payment) {
  const Labels& l = inv.language == Language::ru ? kRu : kEn;
  const bool ru = inv.language == Language::ru;
  Painter p(cr);
  const double right = kPageWidth - kMargin, width = right - kMargin;
  const double left_width = width - kQrSide - 12;
  auto money = [&](std::int64_t minor) { return money_text(minor, inv.currency, inv.language); };

  // The payee's bank details beside the QR code, as a banking app reads them off the paper.
  double y = kMargin;
  p.qr(qr_code(payment), right - kQrSide, y - 6, kQrSide);
  y += p.text(kMargin, y, left_width, std::string(l.payee_bank) + ": " + inv.payee.bank, 9);
  y += p.text(kMargin, y, left_width,
              std::string(l.bic) + " " + inv.payee.bic + "   " + l.corr + " " + inv.payee.correspondent_account, 9);
  y += p.text(kMargin, y, left_width, std::string(l.payee) + ": " + inv.payee.name, 9);
  y += p.text(kMargin, y, left_width,
              std::string(l.inn) + " " + inv.payee.inn + "   " + l.kpp + " " + inv.payee.kpp + "   " + l.account + " " +
                  inv.payee.account,
              9);
  y += 2 + p.text(kMargin, y + 2, left_width, l.scan, 7);
  y = std::max(y, kMargin + kQrSide) + 10;

  y += 6 + p.text(kMargin, y, width,
                  std::string(l.title) + " " + inv.number + " " + l.from + " " +
                      (ru ? ru_date(inv.issued_on) : inv.issued_on),
                  15, true);
  p.line(kMargin, y, right, y, 1.2);
  y += 8;
  auto party = [&](const char* label, const InvoiceParty& who) {
    std::string s = who.name;  // a private person (a chat bill's payer) has no INN
    if (!who.inn.empty()) s += ", " + std::string(l.inn) + " " + who.inn;
    if (!who.kpp.empty()) s += ", " + std::string(l.kpp) + " " + who.kpp;
    double h = p.text(kMargin + 90, y, width - 90, s, 9.5, true);
    p.text(kMargin, y, 88, label, 9.5);
    y += h + 4;
  };
  party(l.payee, inv.payee);
  party(l.payer, inv.payer);
  p.text(kMargin, y, 88, l.basis, 9.5);
  y += p.text(kMargin + 90, y, width - 90, inv.reference, 9.5) + 10;

  // Lines: No. | description | VAT | amount
  const double c_no = kMargin, c_desc = kMargin + 28, c_vat = right - 190, c_amount = right - 95;
  p.line(kMargin, y, right, y);
  y += 3;
  p.text(c_no, y, 26, l.number, 9, true);
  p.text(c_desc, y, c_vat - c_desc - 6, l.item, 9, true);
  p.text(c_vat, y, 90, l.vat_col, 9, true, PANGO_ALIGN_RIGHT);
  y += p.text(c_amount, y, 95, std::string(l.amount_col) + ", " + inv.currency, 9, true, PANGO_ALIGN_RIGHT) + 3;
  p.line(kMargin, y, right, y);
  int n = 0;
  for (const auto& line : inv.lines) {
    y += 3;
    p.text(c_no, y, 26, std::to_string(++n), 9);
    double h = p.text(c_desc, y, c_vat - c_desc - 6, line.description, 9);
    std::string vat = line.vat_rate == "none" ? std::string(l.no_vat) : line.vat_rate + "%: " + money(line.vat_minor);
    p.text(c_vat, y, 90, vat, 9, false, PANGO_ALIGN_RIGHT);
    p.text(c_amount, y, 95, money(line.amount_minor), 9, false, PANGO_ALIGN_RIGHT);
    y += h + 3;
    p.line(kMargin, y, right, y, 0.3);
  }
  y += 6;
  auto total_row = [&](const std::string& label, const std::string& value, bool bold) {
    p.text(kMargin, y, c_amount - kMargin - 6, label, 9.5, bold, PANGO_ALIGN_RIGHT);
    y += p.text(c_amount, y, 95, value, 9.5, bold, PANGO_ALIGN_RIGHT) + 2;
  };
  total_row(l.total, money(inv.total_minor), true);
  for (const auto& v : inv.vat) {
    if (v.vat_rate == "none") continue;
    total_row(std::string(l.vat_incl) + " " + v.vat_rate + "%:", money(v.vat_minor), false);
  }
  total_row(l.to_pay, money(inv.total_minor), true);
  y += 8;
  char count[256];
  std::snprintf(count, sizeof count, l.count_line, n, money(inv.total_minor).c_str(), inv.currency.c_str());
  y += p.text(kMargin, y, width, count, 9.5) + 2;
  auto words = amount_in_words(core::Money(inv.total_minor, core::currency(inv.currency)), inv.language);
  p.text(kMargin, y, 100, l.in_words, 9.5);
  y += p.text(kMargin + 100, y, width - 100, words, 9.5, true) + 10;
  p.line(kMargin, y, right, y, 1.2);
  y += 8;
  p.text(kMargin, y, 125, l.due, 9.5);
  y += p.text(kMargin + 125, y, width - 125, inv.due, 9.5, true) + 4;
  p.text(kMargin, y, 125, l.purpose, 9.5);
  p.text(kMargin + 125, y, width - 125, inv.purpose, 9.5);
}

}  // namespace

std::string invoice_payment_string(const InvoicePdf& inv) {
  PaymentDetails d;
  d.name = inv.payee.name;
  d.personal_acc = inv.payee.account;
  d.bank_name = inv.payee.bank;
  d.bic = inv.payee.bic;
  d.corresp_acc = inv.payee.correspondent_account;
  if (inv.currency == "RUB") d.sum_kopecks = inv.total_minor;
  d.purpose = inv.purpose;
  d.payee_inn = inv.payee.inn;
  d.kpp = inv.payee.kpp;
  d.payer_inn = inv.payer.inn;
  return payment_qr_string(d);
}

std::string render_invoice_pdf(const InvoicePdf& inv) {
  const std::string payment = invoice_payment_string(inv);  // refuses bad details before drawing
  std::string title = inv.language == Language::ru ? "Счёт " : "Invoice ";
  PdfDocument pdf(Orientation::portrait, title.append(inv.number), inv.issued_on);
  draw(pdf.cr(), inv, payment);
  return pdf.finish();
}

}  // namespace skybill::documents
