#pragma once
// API and staff keys: what they look like. Only their SHA-256 is ever stored.
#include <optional>
#include <string>
#include <string_view>

namespace skybill::identity {

enum class KeyKind { merchant_test, merchant_live, staff };

struct NewKey {
  std::string secret;  // shown once: "sk_test_…", "sk_live_…", "ss_…"
  std::string hash;    // sha256 hex of the secret
  std::string last4;
};

NewKey generate_key(KeyKind kind);
// The kind a presented token claims by its prefix and shape; nullopt for anything else.
std::optional<KeyKind> classify_key(std::string_view token) noexcept;
std::string hash_key(std::string_view token);

inline constexpr std::string_view kStaffRoles[] = {"admin", "accountant", "support"};
bool is_staff_role(std::string_view role) noexcept;

}  // namespace skybill::identity
