#pragma once
// Airline staff see only their airline: the checks every console route shares.
#include <string>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/http/message.hpp"

namespace skybill::http {

// The airline named by the path parameter `param` when the caller may see it (gateway staff:
// any; airline staff: their own); 404 otherwise, as for an unknown one.
inline const std::string& airline_in_scope(const Request& req, const std::string& param = "id") {
  const auto& id = req.param(param);
  const auto& mine = req.caller().merchant_id;
  if (!core::is_uuid(id) || (!mine.empty() && mine != id)) throw core::not_found("airline");
  return id;
}

}  // namespace skybill::http
