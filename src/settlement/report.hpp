#pragma once
// What a payout consists of, and the settlement report per merchant and period.
#include <nlohmann/json.hpp>
#include <string>

#include "detail.hpp"

namespace skybill::settlement {

// The payout and its items (payments, guarantees, refunds...); 404 unless it is `merchant_scope`'s
// (any merchant's when empty).
nlohmann::json payout_with_items(db::Tx& tx, const std::string& payout_id, const std::string& merchant_scope);

// The payouts of business days from..to (YYYY-MM-DD, inclusive) with their items, and totals per
// currency: payments, refunds, fees, net.
nlohmann::json settlement_report(db::Tx& tx, const std::string& merchant_id, const std::string& from,
                                 const std::string& to);
// The same report, one CSV row per item and a total row per currency.
std::string report_csv(const nlohmann::json& report);

}  // namespace skybill::settlement
