// Operators change an airline's own fields: one transaction with its audit row.
#include "skybill/core/problem.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/identity/accounts.hpp"
#include "store.hpp"

namespace skybill::identity {

std::optional<nlohmann::json> merchant_view(db::Tx& tx, const std::string& merchant_id) {
  return store::merchant_json(tx, merchant_id);
}

nlohmann::json update_merchant(db::Tx& tx, const std::string& merchant_id, const MerchantPatch& patch,
                               db::AuditEntry who) {
  if (patch.invoice_prefix) store::lock_invoice_series(tx);
  auto before = store::lock_merchant(tx, merchant_id);
  if (!before) throw core::not_found("merchant " + merchant_id);
  auto after = *before;
  if (patch.name) after["name"] = *patch.name;
  if (patch.timezone) after["timezone"] = *patch.timezone;
  if (patch.contact_email) after["contact_email"] = *patch.contact_email;
  if (patch.invoice_prefix && *patch.invoice_prefix != (*before)["invoice_prefix"]) {
    require_free_prefix(tx, *patch.invoice_prefix, merchant_id);
    // Resuming a series of its own continues that series' numbering.
    if (store::series_owner(tx, *patch.invoice_prefix).owner == store::SeriesOwner::none)
      store::add_series(tx, *patch.invoice_prefix, merchant_id);
    after["invoice_prefix"] = *patch.invoice_prefix;
  }
  if (after == *before) return after;
  store::update_merchant(tx, merchant_id, after);
  db::Changes changes;
  for (const auto& [k, v] : after.items()) changes.set(k, (*before)[k], v);
  who.merchant_id = merchant_id;
  who.action = "merchant.updated";
  who.subject = merchant_id;
  db::audit(tx, who, nullptr, changes);
  return after;
}

}  // namespace skybill::identity
