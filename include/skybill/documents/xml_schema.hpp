#pragma once
// XML Schema (XSD) validation of the files skybill issues, so that none is stored that the tax
// service's schema would refuse. libxml2 does the work; it stays out of this header.
#include <string>
#include <string_view>
#include <vector>

namespace skybill::documents {

// What the schema at `xsd_path` finds wrong with `xml` (whose own encoding declaration is
// honoured), one message each: "line 12: Element 'СведТов': The attribute 'НалСт' is required
// but missing." Empty when the document is valid; XML that is not well-formed is one message.
// Each XSD is parsed once and kept for the life of the process; concurrent calls are safe.
// Throws std::runtime_error when the XSD cannot be read or is not a valid schema.
std::vector<std::string> validate_xml(std::string_view xml, const std::string& xsd_path);

}  // namespace skybill::documents
