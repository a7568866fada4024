#pragma once
// The invoice (счёт на оплату) as a printable A4 PDF: payee and payer with INN/KPP and bank
// details, the lines, VAT per rate, the total in figures and in words, the due date and the
// payment QR code. Rendered with cairo + pango in DejaVu Sans (Debian's fonts-dejavu-core).
#include <cstdint>
#include <string>
#include <vector>

#include "skybill/documents/payment_qr.hpp"
#include "skybill/documents/words.hpp"

namespace skybill::documents {

struct InvoiceParty {
  std::string name, inn, kpp;
  // Bank details; the payer's may be empty.
  std::string account, bank, bic, correspondent_account;
};

struct InvoiceLine {
  std::string description;
  std::int64_t amount_minor = 0;  // VAT included
  std::string vat_rate;           // "22", "20", "10", "0" or "none"
  std::int64_t vat_minor = 0;
};

struct InvoiceVat {
  std::string vat_rate;
  std::int64_t vat_minor = 0;
};

struct InvoicePdf {
  Language language = Language::ru;
  std::string number;      // DA-2026-000001
  std::string issued_on;   // 2026-12-07 (the payee's date)
  std::string due;         // as the reader should see it: "08.12.2026 12:00 (MSK)"
  std::string reference;   // the booking: PNR and the airline's reference
  std::string currency;    // RUB
  InvoiceParty payee, payer;
  std::vector<InvoiceLine> lines;
  std::vector<InvoiceVat> vat;  // per rate, in the order to print
  std::int64_t total_minor = 0;
  std::string purpose;     // the payment purpose the QR carries
};

// The PDF's bytes. The same input gives the same bytes (the file's dates are the issue date),
// so a stored document keeps its SHA-256. Throws core::Problem (422) for data a banking app
// could not read from the QR code (see payment_qr_string), std::runtime_error when cairo fails.
std::string render_invoice_pdf(const InvoicePdf& invoice);

// The payment string the invoice's QR code carries.
std::string invoice_payment_string(const InvoicePdf& invoice);

}  // namespace skybill::documents
