#pragma once
// Who an audit row names: the credential that acted, never the merchant it belongs to.
//   "api_key:<key id>"       a merchant's API key (http::Principal::key_id)
//   "staff:<staff user id>"  a staff key
//   "job:<name>"             a time-driven job ("job:expire_bookings")
//   "cli"                    the command line
#include <string>
#include <string_view>
#include <utility>

#include "skybill/db/journal.hpp"
#include "skybill/http/message.hpp"

namespace skybill::audit {

inline std::string actor(const http::Principal& p) {
  return p.kind == http::Principal::Kind::merchant ? "api_key:" + p.key_id : "staff:" + p.id;
}

inline std::string job(std::string_view name) { return "job:" + std::string(name); }

// The audit entry of what the caller of `req` did to one of `merchant_id`'s entities.
inline db::AuditEntry entry(const http::Request& req, const std::string& merchant_id, std::string action,
                            std::string subject) {
  return db::AuditEntry{actor(req.caller()), merchant_id, std::move(action), std::move(subject), req.request_id};
}

}  // namespace skybill::audit
