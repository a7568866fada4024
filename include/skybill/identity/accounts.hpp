#pragma once
// Administrative use cases behind the command line: merchants, their keys, staff keys.
#include <string>

#include "skybill/identity/model.hpp"

namespace skybill::db { class Pool; }

namespace skybill::identity {

struct IssuedKey {
  std::string key_id;
  std::string secret;  // shown once
};

struct CreatedMerchant {
  std::string merchant_id;
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
  // Sets the address the gateway writes to the airline at (a valid e-mail address).
  void set_contact_email(const std::string& merchant_id, const std::string& email);
  IssuedKey create_merchant_key(const std::string& merchant_id, bool live);
  void revoke_merchant_key(const std::string& key_id);
  CreatedStaff create_staff_key(const std::string& name, const std::string& role);
  void revoke_staff_key(const std::string& key_id);

 private:
  db::Pool& pool_;
};

}  // namespace skybill::identity
