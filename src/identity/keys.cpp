#include "skybill/identity/keys.hpp"

#include <algorithm>
#include <cctype>

#include "skybill/crypto/crypto.hpp"

namespace skybill::identity {
namespace {

constexpr std::size_t kSecretLength = 40;  // base62: about 238 bits

std::string_view prefix_of(KeyKind k) {
  switch (k) {
    case KeyKind::merchant_test: return "sk_test_";
    case KeyKind::merchant_live: return "sk_live_";
    case KeyKind::staff: return "ss_";
  }
  return "";
}

}  // namespace

NewKey generate_key(KeyKind kind) {
  std::string secret = std::string(prefix_of(kind)) + crypto::random_base62(kSecretLength);
  return NewKey{secret, hash_key(secret), secret.substr(secret.size() - 4)};
}

std::optional<KeyKind> classify_key(std::string_view token) noexcept {
  for (KeyKind k : {KeyKind::merchant_test, KeyKind::merchant_live, KeyKind::staff}) {
    auto prefix = prefix_of(k);
    if (!token.starts_with(prefix)) continue;
    auto rest = token.substr(prefix.size());
    if (rest.size() != kSecretLength) return std::nullopt;
    if (!std::all_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isalnum(c); }))
      return std::nullopt;
    return k;
  }
  return std::nullopt;
}

std::string hash_key(std::string_view token) { return crypto::sha256_hex(token); }

bool is_staff_role(std::string_view role) noexcept {
  return std::find(std::begin(kStaffRoles), std::end(kStaffRoles), role) != std::end(kStaffRoles);
}

}  // namespace skybill::identity
