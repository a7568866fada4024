#pragma once
// The audit and outbox rows that a use case writes inside its own transaction.
#include <nlohmann/json.hpp>
#include <string>

namespace skybill::db {

class Tx;

struct AuditEntry {
  std::string actor;        // "api_key:<uuid>", "staff:<uuid>", "job:<name>", "cli"
  std::string merchant_id;  // empty when the action is not a merchant's
  std::string action;       // "booking.cancelled": the entity is the part before the dot
  std::string subject;      // id of what was acted on
  std::string request_id;   // empty outside HTTP
};

// {"status": {"from": "pending", "to": "cancelled"}, ...}: the fields a change touched.
class Changes {
 public:
  Changes& set(const std::string& field, nlohmann::json from, nlohmann::json to) {
    if (from != to) json_[field] = {{"from", std::move(from)}, {"to", std::move(to)}};
    return *this;
  }
  const nlohmann::json& json() const { return json_; }

 private:
  nlohmann::json json_ = nlohmann::json::object();
};

// `data` carries what is worth keeping beside the changed fields (a reason, a number).
void audit(Tx& tx, const AuditEntry& entry, const nlohmann::json& data, const Changes& changes = {});
// booking_id orders the events of one booking for each webhook endpoint; empty when none.
void enqueue_event(Tx& tx, const std::string& merchant_id, const std::string& topic,
                   const std::string& booking_id, const nlohmann::json& payload);

}  // namespace skybill::db
