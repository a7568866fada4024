#pragma once
// SQL of staff users, their sessions and sign-in attempts. Every time comes from the caller
// (the instance clock), never from the database's now().
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/http/message.hpp"
#include "skybill/identity/staff.hpp"

namespace skybill::db { class Tx; }

namespace skybill::identity::staff_store {

struct StaffRow {
  std::string id, name, email, role, merchant_id, password_hash;  // empty for NULL
  bool disabled = false;
  nlohmann::json json;  // as the API shows the user (no hash)
};

std::optional<StaffRow> by_email(db::Tx& tx, const std::string& email);
std::optional<StaffRow> by_id(db::Tx& tx, const std::string& id, bool for_update = false);
std::vector<nlohmann::json> all(db::Tx& tx);
// nullopt when the e-mail is taken.
std::optional<std::string> insert(db::Tx& tx, const StaffInput& in, const std::string& password_hash,
                                  core::TimePoint now);
void set_role(db::Tx& tx, const std::string& id, const std::string& role, const std::string& merchant_id);
void set_disabled(db::Tx& tx, const std::string& id, std::optional<core::TimePoint> at);
void set_password(db::Tx& tx, const std::string& id, const std::string& password_hash, core::TimePoint now);
// The same password under a stronger cost (staff.password_iterations raised): not a change.
void rehash(db::Tx& tx, const std::string& id, const std::string& password_hash);

// Rate limits: when the caller may try again (the limit-th most recent failure leaving the
// window), or nullopt when it may now. The account counts failures since its last success.
std::optional<core::TimePoint> account_blocked_until(db::Tx& tx, const std::string& email, core::TimePoint now);
std::optional<core::TimePoint> address_blocked_until(db::Tx& tx, const std::string& ip, core::TimePoint now);
void record_attempt(db::Tx& tx, const std::string& email, const std::string& ip, bool succeeded, core::TimePoint now);

struct Session {
  http::Principal principal;
  core::TimePoint last_seen, expires_at;  // expires_at: the absolute end
};
void insert_session(db::Tx& tx, const std::string& id, const std::string& staff_id, core::TimePoint now,
                    core::TimePoint expires_at, const std::string& ip, const std::string& user_agent);
// The live session with this id (of an enabled user), or nullopt.
std::optional<Session> live_session(db::Tx& tx, const std::string& id, core::TimePoint now,
                                    std::chrono::minutes idle);
// Moves last_seen_at to now when it is at least a minute old (never backwards).
void touch_session(db::Tx& tx, const std::string& id, core::TimePoint now);
bool revoke_session(db::Tx& tx, const std::string& id, core::TimePoint now);
// Revokes the user's live sessions but `keep` (a session id or empty); returns how many.
int revoke_sessions(db::Tx& tx, const std::string& staff_id, const std::string& keep, core::TimePoint now);
// Deletes attempts older than a day and sessions that ended more than 30 days ago.
void purge(db::Tx& tx, core::TimePoint now);

}  // namespace skybill::identity::staff_store

namespace skybill::db { struct AuditEntry; }

namespace skybill::identity {

// Shared by the API and the command line, inside the caller's transaction. `who` gives actor
// and request id; action, subject and merchant are filled in.
// Creates the user (audit staff.created); 422 when the e-mail is taken or the airline unknown.
nlohmann::json create_staff_in(db::Tx& tx, const StaffInput& in, const std::string& password_hash,
                               core::TimePoint now, db::AuditEntry who);
// Disables the user and revokes its sessions (audit staff.disabled); returns how many.
int disable_staff_in(db::Tx& tx, const staff_store::StaffRow& user, core::TimePoint now, db::AuditEntry who);

}  // namespace skybill::identity
