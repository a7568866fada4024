#pragma once
// Corporate clients as other modules use them, inside their own transaction.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "skybill/identity/model.hpp"

namespace skybill::db { class Tx; }

namespace skybill::identity {

struct LinkedClient {
  nlohmann::json client;  // id, inn, kpp, name, created_at
  bool created;           // the legal entity was new to the gateway
  bool linked;            // it was linked to this merchant just now
};

// Creates the client if the gateway does not know it and links it to the merchant.
LinkedClient link_client(db::Tx& tx, const std::string& merchant_id, const ClientInput& in);
// The client if it is linked to the merchant; nullopt otherwise (another merchant's client too).
std::optional<nlohmann::json> find_linked_client(db::Tx& tx, const std::string& merchant_id,
                                                 const std::string& client_id);
// The merchant's settings object (merchants.settings).
nlohmann::json merchant_settings(db::Tx& tx, const std::string& merchant_id);

}  // namespace skybill::identity
