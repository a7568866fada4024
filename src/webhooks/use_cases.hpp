#pragma once
// The webhook use cases both the merchant API (/v1/webhook-endpoints, /v1/events) and the staff
// console (/admin/api/merchants/{id}/webhook-endpoints) run, each inside the caller's transaction.
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "skybill/core/clock.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::webhooks {

// The columns endpoint_json reads (a rotated-out secret's end shown while it still signs).
std::string endpoint_columns(core::TimePoint now);
nlohmann::json endpoint_json(const pqxx::row& r);
// The merchant's endpoint (not deleted), or nullopt.
std::optional<nlohmann::json> load_endpoint(db::Tx& tx, const std::string& merchant, const std::string& id,
                                            bool for_update, core::TimePoint now);
// A disabled endpoint takes events again: 404 unless the merchant's, 409 unless disabled.
// `who` names the actor; its action and subject are set here. Returns the endpoint.
nlohmann::json enable_endpoint(db::Tx& tx, const std::string& merchant, const std::string& id, core::TimePoint now,
                               db::AuditEntry who);
// The event's internal sequence number, when it is the merchant's and still retained.
std::optional<long long> event_seq(db::Tx& tx, const std::string& merchant, const std::string& event_id);
// New deliveries of the event: to `only`, or to every enabled endpoint subscribed to its type.
// 404 unknown event, 409 nothing to deliver to. Returns {"event_id", "deliveries": [...]}.
nlohmann::json redeliver_event(db::Tx& tx, const std::string& merchant, const std::string& event_id,
                               const std::optional<std::string>& only, core::TimePoint now, db::AuditEntry who);

}  // namespace skybill::webhooks
