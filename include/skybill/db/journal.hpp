#pragma once
// The audit and outbox rows that a use case writes inside its own transaction.
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace skybill::db {

class Tx;

struct AuditEntry {
  std::string actor;        // "merchant:<uuid>", "staff:<uuid>", "cli", "system"
  std::string merchant_id;  // empty when the action is not a merchant's
  std::string action;       // "client.created"
  std::string subject;      // id of what was acted on
  std::string request_id;   // empty outside HTTP
};

void audit(Tx& tx, const AuditEntry& entry, const nlohmann::json& data);
void enqueue_event(Tx& tx, const std::string& merchant_id, const std::string& topic,
                   const nlohmann::json& payload);

}  // namespace skybill::db
