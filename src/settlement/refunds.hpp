#pragma once
// Refund use cases shared by the routes and jobs of the settlement module.
#include <optional>
#include <string>
#include <vector>

#include "detail.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

struct RefundRequest {
  std::optional<std::vector<int>> lines;  // positions; none: every line not refunded yet
  struct Penalty {
    std::string description, amount;
  };
  std::vector<Penalty> penalties;  // kept by the airline
  std::string reason;
};
// Throws core::Problem 422 listing each bad field.
RefundRequest parse_refund_request(const nlohmann::json& body);

// Accepts a refund of booking `booking_id` (of `merchant_scope`, or any merchant's when empty:
// staff) in the caller's transaction and returns it as JSON.
nlohmann::json create_refund(db::Tx& tx, const Context& ctx, const std::string& booking_id,
                             const std::string& merchant_scope, const RefundRequest& req, const std::string& actor,
                             const std::string& request_id);

// A card or transfer leg's end: the money left the bank, or it could not be sent (the money
// then waits on the gateway's unallocated account and a support case opens). Finishes the
// refund when it was its last open leg (refund.succeeded / refund.failed).
void finish_leg(db::Tx& tx, const std::string& leg_id, bool succeeded, const std::string& reason,
                const std::string& bank_document_id, core::TimePoint now, const std::string& actor,
                const std::string& request_id);

// Sends a failed leg again, by transfer: to `payee` (the client's requisites, checked when the
// payment order is exported), or when null to the account the failed transfer went to. The money
// leaves the gateway's unallocated account again and the refund is pending until the new leg ends.
nlohmann::json retry_leg(db::Tx& tx, const std::string& refund_id, const std::string& leg_id,
                         const nlohmann::json& payee, core::TimePoint now, const std::string& actor,
                         const std::string& request_id);

}  // namespace skybill::settlement
