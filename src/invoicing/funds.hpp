#pragma once
// What a client can pay with: its credit line and deposit, read from the ledger.
#include <optional>
#include <string>

#include "skybill/options/engine.hpp"

namespace skybill::db { class Tx; }

namespace skybill::invoicing {

struct Funds {
  std::optional<options::CreditProfile> credit;
  std::int64_t deposit_minor = 0;
};

// With `lock`, first serializes every choice that spends this client's funds (a transaction
// advisory lock): two concurrent choices cannot both spend the last of a limit or balance.
Funds load_funds(db::Tx& tx, const std::string& client_id, const std::string& currency, bool lock);

}  // namespace skybill::invoicing
