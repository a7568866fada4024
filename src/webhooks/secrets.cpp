#include "secrets.hpp"

#include "skybill/crypto/seal.hpp"
#include "skybill/webhooks/routes.hpp"

namespace skybill::webhooks {
namespace {

std::string& key() {
  static std::string value;
  return value;
}

}  // namespace

void configure_secret_key(std::string key_hex) {
  if (!key_hex.empty() && !crypto::is_key_hex(key_hex))
    throw crypto::SealError("webhooks.secret_key must be 64 hex characters");
  key() = std::move(key_hex);
}

std::string stored_secret(const std::string& secret) {
  return key().empty() ? secret : crypto::seal(key(), secret);
}

std::string usable_secret(const std::string& stored) {
  if (!crypto::is_sealed(stored)) return stored;
  if (key().empty()) throw crypto::SealError("an endpoint secret is sealed but webhooks.secret_key is not set");
  return crypto::open_sealed(key(), stored);
}

}  // namespace skybill::webhooks
