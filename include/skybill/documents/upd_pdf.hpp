#pragma once
// The УПД's printed form: the universal transfer document as the Federal Tax Service's letter
// ММВ-20-3/96@ lays it out on landscape A4 (status 1 СЧФДОП or 2 ДОП; the VAT invoice's head
// with seller, buyer and currency, the table with its column codes, "Всего к оплате", the
// signatures, and the transfer part: basis, date of shipment, who handed over and who
// received). Language::en prints English labels around the same figures (the legal form is
// the Russian one). Lines that do not fit go on to further sheets under the table's head.
#include <string>

#include "skybill/documents/closing.hpp"

namespace skybill::documents {

// The PDF's bytes; the same УПД gives the same bytes (the file's dates are its date and time).
// Throws core::Problem (422 validation-failed) naming every field that cannot make a sound
// document: no number, a bad date or INN, a currency other than RUB, VAT that is not the
// line's rate, lines that do not add up to the totals; std::runtime_error when cairo fails.
std::string render_upd_pdf(const Upd& upd);

}  // namespace skybill::documents
