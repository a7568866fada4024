#pragma once
// The closing documents as the tax service's XML, the files EDO operators (Diadoc, SBIS)
// exchange: the УПД in format 5.03 (order ЕД-7-26/970@, КНД 1115131) and the УКД in format 5.02
// (КНД 1115133, the correction format in force; there is no 5.03 of it), both encoded
// windows-1251. Every value comes from the document's data; data that cannot make a valid
// file is refused, never written. The official XSDs are in config/formats/.
#include <string>
#include <string_view>
#include <vector>

#include "skybill/core/problem.hpp"
#include "skybill/documents/closing.hpp"

namespace skybill::documents {

inline constexpr std::string_view kUpdSchemaFile = "ON_NSCHFDOPPR_1_997_01_05_03_05.xsd";
inline constexpr std::string_view kCorrectionSchemaFile = "ON_NKORSCHFDOPPR_1_996_03_05_02_01.xsd";

// The file's name without ".xml", which its ИдФайл repeats:
// ON_NSCHFDOPPR_<buyer's EDO id>_<seller's EDO id>_<YYYYMMDD>_<GUID>_0_0_0_0_0_00.
// Composed as given; upd_problems() says whether the parts are sound.
std::string upd_file_id(const Upd& upd);

// Every reason the data cannot make a valid УПД, each naming its field ("currency",
// "buyer.kpp", "lines[1].vat_minor") in plain words; empty when it can.
std::vector<core::FieldError> upd_problems(const Upd& upd);

// The file's bytes. Throws core::Problem (422 validation-failed) carrying every upd_problems().
std::string render_upd_xml(const Upd& upd);

// ON_NKORSCHFDOPPR_<buyer's EDO id>_<seller's EDO id>_<YYYYMMDD>_<GUID>_0_0_0_0_0_00.
std::string correction_file_id(const Correction& correction);
std::vector<core::FieldError> correction_problems(const Correction& correction);
std::string render_correction_xml(const Correction& correction);

}  // namespace skybill::documents
