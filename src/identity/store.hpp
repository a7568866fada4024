#pragma once
// SQL of the identity context. Every merchant-data query takes the merchant id explicitly.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/http/message.hpp"
#include "skybill/identity/clients.hpp"
#include "skybill/identity/model.hpp"

namespace skybill::db { class Tx; }

namespace skybill::identity::store {

// Inserts the merchant with its first invoice series (in.invoice_prefix, free: see series_owner).
std::string insert_merchant(db::Tx& tx, const MerchantInput& in);
// Serialises the transactions that hand out invoice prefixes until commit.
void lock_invoice_series(db::Tx& tx);
enum class SeriesOwner { none, reserved, merchant };
struct Series {
  SeriesOwner owner = SeriesOwner::none;
  std::string merchant_id;  // when owned by a merchant
};
Series series_owner(db::Tx& tx, const std::string& prefix);
void add_series(db::Tx& tx, const std::string& prefix, const std::string& merchant_id);
// The merchant's own fields, locked for update: {name, timezone, contact_email, invoice_prefix}.
std::optional<nlohmann::json> lock_merchant(db::Tx& tx, const std::string& merchant_id);
// Writes the fields of `after` (as lock_merchant returns them).
void update_merchant(db::Tx& tx, const std::string& merchant_id, const nlohmann::json& after);
bool merchant_exists(db::Tx& tx, const std::string& merchant_id);
std::optional<nlohmann::json> merchant_json(db::Tx& tx, const std::string& merchant_id);
std::vector<nlohmann::json> all_merchants(db::Tx& tx);

std::string insert_api_key(db::Tx& tx, const std::string& merchant_id, bool live,
                           const std::string& hash, const std::string& last4);
struct RevokedKey {
  std::string merchant_id;  // empty for a staff key
  std::string revoked_at;   // RFC 3339
};
// The key's merchant and when it was revoked, or nullopt when there is no such active key.
std::optional<RevokedKey> revoke_api_key(db::Tx& tx, const std::string& key_id);

std::string insert_staff(db::Tx& tx, const std::string& name, const std::string& role);
std::string insert_staff_key(db::Tx& tx, const std::string& staff_id, const std::string& hash,
                             const std::string& last4);
std::optional<RevokedKey> revoke_staff_key(db::Tx& tx, const std::string& key_id);

std::optional<http::Principal> find_merchant_key(db::Tx& tx, const std::string& hash);
std::optional<http::Principal> find_staff_key(db::Tx& tx, const std::string& hash);

struct ClientFilter {
  std::optional<std::string> inn, kpp, after_id;
  int limit = 50;
};
std::vector<nlohmann::json> linked_clients(db::Tx& tx, const std::string& merchant_id, const ClientFilter& f);

}  // namespace skybill::identity::store

namespace skybill::identity {
// 422 unless `prefix` is free or already a series of `merchant_id`; call with the series lock held.
void require_free_prefix(db::Tx& tx, const std::string& prefix, const std::string& merchant_id);
}  // namespace skybill::identity
