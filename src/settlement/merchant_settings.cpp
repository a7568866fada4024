// A merchant's settlement settings (commission, cut-off, payee), set by operators.
#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

nlohmann::json configure_merchant(db::Tx& tx, const std::string& merchant_id, const nlohmann::json& patch,
                                  db::AuditEntry who, std::chrono::minutes default_cutoff) {
  if (!patch.is_object()) throw core::validation_failed({{"settlement", "must be a JSON object"}});
  auto rows = tx->exec_params(
      "SELECT coalesce(settings->'settlement', '{}')::text FROM merchants WHERE id = $1::uuid FOR UPDATE", merchant_id);
  if (rows.empty()) throw core::not_found("merchant " + merchant_id);
  auto before = nlohmann::json::parse(rows[0][0].as<std::string>());
  if (!before.is_object()) before = nlohmann::json::object();
  auto after = before;
  after.merge_patch(patch);  // RFC 7396: a null member removes the setting
  settings_from_json(after, default_cutoff);  // throws 422 naming each bad field
  tx->exec_params("UPDATE merchants SET settings = jsonb_set(settings, '{settlement}', $2::jsonb) WHERE id = $1::uuid",
                  merchant_id, after.dump());
  who.merchant_id = merchant_id;
  who.action = "merchant.settlement_changed";
  who.subject = merchant_id;
  db::audit(tx, who, {{"settlement", after}}, db::Changes().set("settlement", before, after));
  return after;
}

nlohmann::json configure_merchant(db::Pool& pool, const std::string& merchant_id, const nlohmann::json& patch,
                                  const std::string& actor, std::chrono::minutes default_cutoff) {
  nlohmann::json result;
  pool.transact_sync([&](db::Tx& tx) {
    result = configure_merchant(tx, merchant_id, patch, {actor, merchant_id, "", "", ""}, default_cutoff);
  });
  return result;
}

}  // namespace skybill::settlement
