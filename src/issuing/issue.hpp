#pragma once
// What an event asks to be issued, and issuing it inside the caller's transaction.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "skybill/core/clock.hpp"
#include "skybill/issuing/issuing.hpp"

namespace skybill::db {
class Tx;
}

namespace skybill::issuing {

// kind: invoice | upd | receipts | correction | commission; subject: the ids it is of.
struct IssueRequest {
  std::string kind;
  nlohmann::json subject;
};

std::optional<IssueRequest> request_for(const std::string& topic, const nlohmann::json& payload, db::Tx& tx,
                                   const std::string& booking_id);
// "upd:<booking>:<version>", ...: the key of a block (receipts: all of a booking's tickets).
std::string request_source(const IssueRequest& r);
// Issues what the request names unless it exists already. Data that cannot make a sound
// document is rolled back to a savepoint and recorded as a block with its support case. Returns
// whether it was issued (or existed).
bool run_request(db::Tx& tx, const Context& ctx, const IssueRequest& r, long long event_seq, const std::string& merchant_id,
                 const std::string& booking_id, core::TimePoint now);

}  // namespace skybill::issuing
