#pragma once
#include <nlohmann/json.hpp>

#include "skybill/app/config.hpp"

namespace skybill::app {
// The composition root: config -> pool -> routes -> server. Returns the exit code.
int serve(const Config& config);
// The gateway's requisites (gateway.* settings): payee of invoices, payer of payment orders.
nlohmann::json gateway_requisites(const Config& config);
}  // namespace skybill::app
