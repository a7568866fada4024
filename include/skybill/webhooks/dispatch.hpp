#pragma once
// Sending webhook deliveries: claim one that is due under a lease, POST it signed, record the
// attempt. At-least-once: a sender that dies after the POST and before the record leaves the
// delivery claimed until its lease ends, and then it is sent again.
#include <atomic>
#include <chrono>

#include "skybill/core/clock.hpp"
#include "skybill/webhooks/retry.hpp"

namespace skybill::db {
class Pool;
}

namespace skybill::webhooks {

struct DeliverySettings {
  std::chrono::milliseconds timeout{20'000};
  RetryPolicy retry;
  bool allow_private_targets = false;  // delivery.private_targets = allow
  // Longer than any send can take, so that two senders never hold one delivery at once.
  std::chrono::milliseconds lease() const { return timeout * 2 + std::chrono::seconds(10); }
};

// Claims one due delivery, sends it and records the outcome; false when none was due.
bool deliver_one(db::Pool& pool, const core::Clock& clock, const DeliverySettings& settings,
                 const std::atomic<bool>* cancel = nullptr);

// The event as receivers get it: {"id", "type", "created", "data"}.
std::string event_body(const std::string& event_id, const std::string& topic, core::TimePoint created,
                       const std::string& payload_json);

}  // namespace skybill::webhooks
