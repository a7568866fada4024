#pragma once
// Administrative use cases behind the command line: merchants, their keys, staff keys.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "skybill/identity/model.hpp"

namespace skybill::db {
class Pool;
class Tx;
struct AuditEntry;
}  // namespace skybill::db

namespace skybill::identity {

struct IssuedKey {
  std::string key_id;
  std::string secret;  // shown once
};

struct CreatedMerchant {
  std::string merchant_id;
  std::string invoice_prefix;
  IssuedKey key;
};

struct CreatedStaff {
  std::string staff_id;
  IssuedKey key;
};

class Accounts {
 public:
  explicit Accounts(db::Pool& pool) : pool_(pool) {}
  // Each is one transaction with its audit row; bad input throws core::Problem.
  CreatedMerchant create_merchant(const MerchantInput& in, bool live);
  // Changes the airline's own fields (see update_merchant below); returns merchant_view.
  nlohmann::json update_merchant(const std::string& merchant_id, const MerchantPatch& patch);
  nlohmann::json show_merchant(const std::string& merchant_id);
  IssuedKey create_merchant_key(const std::string& merchant_id, bool live);
  void revoke_merchant_key(const std::string& key_id);
  CreatedStaff create_staff_key(const std::string& name, const std::string& role);
  void revoke_staff_key(const std::string& key_id);

 private:
  db::Pool& pool_;
};

// The airline as operators see it: its fields, current invoice prefix and every series it owns,
// settings (settlement included). nullopt when there is no such merchant.
std::optional<nlohmann::json> merchant_view(db::Tx& tx, const std::string& merchant_id);

// Applies `patch` in `tx` and writes its audit row (`who` with action merchant.updated and the
// before/after of each changed field). A new invoice_prefix starts a series of the airline's
// own (or resumes one it had); 422 when the prefix belongs to another airline or is reserved,
// 404 when there is no such merchant. Returns the fields after the change.
nlohmann::json update_merchant(db::Tx& tx, const std::string& merchant_id, const MerchantPatch& patch,
                               db::AuditEntry who);

}  // namespace skybill::identity
