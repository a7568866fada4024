#pragma once
// The sandbox acquirer's own tables (sandbox_acquirer_*), inside the caller's transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"

namespace skybill::db { class Tx; }

namespace skybill::acquiring::sandbox {

struct Session {
  std::string id, reference;
  std::int64_t amount_minor = 0;
  std::string currency;
  bool capture = true;
  std::string description, callback_url, return_url;
  std::string status = "open";  // open, challenge, authorized, captured, released, refunded, declined, failed
  std::optional<std::string> card_last4, card_brand, challenge_code, failure_reason;
  int challenge_attempts = 0;
  std::int64_t captured_minor = 0, refunded_minor = 0;
  core::TimePoint created_at, updated_at;
};

void insert_session(db::Tx& tx, const Session& s, core::TimePoint now);
std::optional<Session> load_session(db::Tx& tx, const std::string& id, bool lock);
// Writes the fields that change: status, card, challenge, failure, captured and refunded amounts.
void save_session(db::Tx& tx, const Session& s, core::TimePoint now);
// False when an operation of this kind and reference was recorded before (a repeat).
bool record_operation(db::Tx& tx, const std::string& session_id, const std::string& kind, std::int64_t amount_minor,
                      const std::string& reference, core::TimePoint now);

struct Callback {
  std::int64_t id = 0;
  std::string session_id, url, body;
  int attempts = 0;
};
// Queued as claimed by the caller until `lease_until`: it sends it at once after commit, and
// the settle job sends it again after the lease if it was not recorded delivered.
std::int64_t enqueue_callback(db::Tx& tx, const std::string& session_id, const std::string& url,
                              const std::string& body, core::TimePoint now, core::TimePoint lease_until);
// Pending callbacks due now, claimed until `lease_until` (attempts + 1); SKIP LOCKED.
std::vector<Callback> claim_due_callbacks(db::Tx& tx, core::TimePoint now, core::TimePoint lease_until, int limit);
void callback_delivered(db::Tx& tx, std::int64_t id, core::TimePoint now);
// Failed: retried at `next_attempt_at`, or dead when `give_up`.
void callback_failed(db::Tx& tx, std::int64_t id, const std::string& error, core::TimePoint next_attempt_at,
                     bool give_up);

}  // namespace skybill::acquiring::sandbox
