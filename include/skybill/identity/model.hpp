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
};

struct ClientInput {
  std::string inn, kpp, name;
};

// Both throw core::Problem 422 validation-failed naming every bad field.
MerchantInput validate_merchant(const MerchantInput& in);
ClientInput parse_client(const nlohmann::json& body);


}  // namespace skybill::identity
