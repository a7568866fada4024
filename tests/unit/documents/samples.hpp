#pragma once
// The documents the tests and bench/documents draw: the README's booking, invoiced by the
// gateway to Romashka LLC.
#include "skybill/documents/invoice_pdf.hpp"

namespace skybill::documents::samples {

// The gateway's account as its payment QR code names it.
inline PaymentDetails gateway_payment() {
  PaymentDetails d;
  d.name = "ООО \"Скайбилл\"";
  d.personal_acc = "40702810900000000001";
  d.bank_name = "ПАО Сбербанк";
  d.bic = "044525225";
  d.corresp_acc = "30101810400000000225";
  return d;
}

inline InvoicePdf invoice(Language language = Language::ru) {
  InvoicePdf inv;
  inv.language = language;
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
  inv.purpose = "Оплата по счету № DA-2026-000001 от 07.12.2026, в т.ч. НДС 999.16";
  return inv;
}

}  // namespace skybill::documents::samples
