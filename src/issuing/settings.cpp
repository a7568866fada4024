// An airline's document settings (merchants.settings.documents), changed by a merge patch.
#include "binding.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::issuing {

nlohmann::json configure_merchant_documents(db::Tx& tx, const std::string& merchant_id, const nlohmann::json& patch,
                                            db::AuditEntry who) {
  if (!patch.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  auto rows = tx->exec_params(
      "SELECT coalesce(settings->'documents', '{}')::text FROM merchants WHERE id = $1::uuid FOR UPDATE", merchant_id);
  if (rows.empty()) throw core::not_found("merchant " + merchant_id);
  auto before = nlohmann::json::parse(rows[0][0].as<std::string>());
  auto after = before;
  after.merge_patch(patch);  // RFC 7396: null removes a setting
  check_merchant_documents(after);
  tx->exec_params("UPDATE merchants SET settings = jsonb_set(settings, '{documents}', $2::jsonb) WHERE id = $1::uuid",
                  merchant_id, after.dump());
  who.merchant_id = merchant_id;
  who.action = "merchant.documents_changed";
  who.subject = merchant_id;
  db::audit(tx, who, {{"documents", after}}, db::Changes().set("documents", before, after));
  return after;
}

nlohmann::json configure_merchant_documents(db::Pool& pool, const std::string& merchant_id, const nlohmann::json& patch,
                                            const std::string& actor) {
  nlohmann::json after;
  pool.transact_sync([&](db::Tx& tx) {
    after = configure_merchant_documents(tx, merchant_id, patch, {actor, merchant_id, "", "", ""});
  });
  return after;
}

}  // namespace skybill::issuing
