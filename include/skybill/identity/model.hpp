#pragma once
// Merchants, staff and corporate clients as the rest of the code sees them.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/problem.hpp"

namespace skybill::identity {

struct MerchantInput {
  std::string name, inn, kpp, timezone = "Europe/Moscow";
  std::string contact_email = {};  // where the gateway writes to the airline; empty: none
  std::string invoice_prefix = {};  // its first invoice series; empty: derived from the name
};

// A change of an airline's own fields (JSON merge patch of name, timezone, contact_email,
// invoice_prefix); an absent member is not changed, contact_email null removes the address.
struct MerchantPatch {
  std::optional<std::string> name, timezone, invoice_prefix;
  std::optional<nlohmann::json> contact_email;  // a string or null
};

struct ClientInput {
  std::string inn, kpp, name;
};

// Both throw core::Problem 422 validation-failed naming every bad field.
MerchantInput validate_merchant(const MerchantInput& in);
// local@domain.tld, at most 254 bytes, no spaces: what a merchant's contact_email must be.
bool is_email_address(const std::string& s);
ClientInput parse_client(const nlohmann::json& body);
// Throws 422 validation-failed naming every bad or unknown member.
MerchantPatch parse_merchant_patch(const nlohmann::json& body);

// What is wrong with `prefix` as an invoice-series prefix, or nullopt when nothing: 2 to 8
// capital Latin letters and digits, a letter first (what the payment matcher reads as a
// prefix), none of the matcher's marker words (INN, KPP, NO, ...), not the gateway's legacy "SB".
std::optional<std::string> invoice_prefix_error(const std::string& prefix);
// A prefix for a new airline: the initials of its name's Latin words (or the first three
// letters of a single word), "AL" when there is none usable; with a number appended while
// `taken` says the candidate belongs to somebody.
std::string derive_invoice_prefix(const std::string& name, const std::function<bool(const std::string&)>& taken);


}  // namespace skybill::identity
