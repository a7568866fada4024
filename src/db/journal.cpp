#include "skybill/db/journal.hpp"

#include "skybill/db/tx.hpp"

namespace skybill::db {
namespace {
const char* null_if_empty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }
}  // namespace

void audit(Tx& tx, const AuditEntry& e, const nlohmann::json& data, const Changes& changes) {
  tx->exec_params(
      "INSERT INTO audit_log (actor, merchant_id, entity, action, subject, request_id, data, changes) "
      "VALUES ($1, $2::uuid, split_part($3, '.', 1), $3, $4, $5, $6::jsonb, $7::jsonb)",
      e.actor, null_if_empty(e.merchant_id), e.action, e.subject, null_if_empty(e.request_id),
      data.is_null() ? std::string("{}") : data.dump(), changes.json().dump());
}

void enqueue_event(Tx& tx, const std::string& merchant_id, const std::string& topic,
                   const std::string& booking_id, const nlohmann::json& payload) {
  tx->exec_params(
      "INSERT INTO outbox (merchant_id, topic, booking_id, payload) VALUES ($1::uuid, $2, $3::uuid, $4::jsonb)",
      null_if_empty(merchant_id), topic, null_if_empty(booking_id), payload.dump());
}

}  // namespace skybill::db
