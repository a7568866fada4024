#pragma once
// The itinerary receipt of an e-ticket (маршрутная квитанция электронного билета) as a printable
// A4 PDF: passenger, document, ticket number, PNR, the carrier with its INN, the segments, then
// the fare, taxes and fees each on its own line with its VAT shown as a separate line per rate
// ("в т.ч. НДС 10%: 909,09", "Без НДС"), as the buying company needs to deduct it (Tax Code art.
// 171 §7), the total, the form of payment and the buyer. Language::en prints English labels
// around the same figures.
#include <string>

#include "skybill/documents/closing.hpp"

namespace skybill::documents {

// The PDF's bytes; the same receipt gives the same bytes (the file's dates are its issue date).
// Throws core::Problem (422 validation-failed) for data that cannot make a sound receipt: no
// number or passenger, a ticket number that is not 13 digits, no segments, VAT that is not the
// line's rate, lines that do not add up to the total; std::runtime_error when cairo fails.
std::string render_receipt_pdf(const ItineraryReceipt& receipt);

}  // namespace skybill::documents
