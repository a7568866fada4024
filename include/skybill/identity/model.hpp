#pragma once
// Merchants, staff and corporate clients as the rest of the code sees them.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/problem.hpp"

namespace skybill::identity {

struct MerchantInput {
  std::string name, inn, kpp, timezone = "Europe/Moscow";
  std::string contact_email = {};  // where the gateway writes to the airline; empty: none
};

struct ClientInput {
  std::string inn, kpp, name;
};

// Both throw core::Problem 422 validation-failed naming every bad field.
MerchantInput validate_merchant(const MerchantInput& in);
// local@domain.tld, at most 254 bytes, no spaces: what a merchant's contact_email must be.
bool is_email_address(const std::string& s);
ClientInput parse_client(const nlohmann::json& body);


}  // namespace skybill::identity
