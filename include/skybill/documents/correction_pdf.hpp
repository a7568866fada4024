#pragma once
// The УКД's printed form (the universal correction document of the Federal Tax Service's letter
// ММВ-20-15/86@, landscape A4): the corrective VAT invoice "к счёту-фактуре № … от …", each line
// before (А) and after (Б) the change with the increase (В) and the decrease (Г) of the cost
// without VAT, the VAT and the cost with VAT, the totals of increase and decrease, the reason,
// and the signatures. Language::en prints English labels around the same figures.
#include <string>

#include "skybill/documents/closing.hpp"

namespace skybill::documents {

// The PDF's bytes; the same correction gives the same bytes (the file's dates are its date and
// time). Throws core::Problem (422 validation-failed) for data that cannot make a sound
// document: no number or reason, no corrected document, VAT that is not the line's rate, lines
// that do not add up to the totals before and after, a correction that changes nothing;
// std::runtime_error when cairo fails.
std::string render_correction_pdf(const Correction& correction);

}  // namespace skybill::documents
