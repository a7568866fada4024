#include "skybill/identity/keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace skybill::identity {
namespace {

constexpr std::size_t kRandomPart = 40;

bool is_base62(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct KindCase {
  KeyKind kind;
  std::string prefix;
};

const KindCase kKinds[] = {
    {KeyKind::merchant_test, "sk_test_"},
    {KeyKind::merchant_live, "sk_live_"},
    {KeyKind::staff, "ss_"},
};

TEST(Keys, GeneratedKeysHavePrefixLengthAndBase62Body) {
  for (const auto& [kind, prefix] : kKinds) {
    SCOPED_TRACE(prefix);
    auto key = generate_key(kind);
    ASSERT_TRUE(key.secret.starts_with(prefix)) << key.secret;
    EXPECT_EQ(key.secret.size(), prefix.size() + kRandomPart);
    EXPECT_TRUE(is_base62(std::string_view(key.secret).substr(prefix.size()))) << key.secret;
  }
}

TEST(Keys, GeneratedKeyCarriesItsHashAndLastFour) {
  for (const auto& [kind, prefix] : kKinds) {
    SCOPED_TRACE(prefix);
    auto key = generate_key(kind);
    EXPECT_EQ(key.hash, hash_key(key.secret));
    EXPECT_EQ(key.last4, key.secret.substr(key.secret.size() - 4));
    EXPECT_EQ(key.last4.size(), 4u);
  }
}

TEST(Keys, ThousandGeneratedKeysAreUnique) {
  std::set<std::string> secrets, hashes, bodies;
  for (int i = 0; i < 1000; ++i) {
    auto key = generate_key(KeyKind::merchant_test);
    secrets.insert(key.secret);
    hashes.insert(key.hash);
    bodies.insert(key.secret.substr(8));
  }
  EXPECT_EQ(secrets.size(), 1000u);
  EXPECT_EQ(hashes.size(), 1000u);
  EXPECT_EQ(bodies.size(), 1000u);
}

TEST(Keys, GeneratedKeysUseTheWholeAlphabet) {
  // 1000 keys of 40 characters: every one of the 62 characters turns up (by a huge margin).
  std::set<char> seen;
  for (int i = 0; i < 1000; ++i)
    for (char c : generate_key(KeyKind::staff).secret.substr(3)) seen.insert(c);
  EXPECT_EQ(seen.size(), 62u);
}

TEST(Keys, ClassifyAcceptsGeneratedKeys) {
  for (const auto& [kind, prefix] : kKinds) {
    SCOPED_TRACE(prefix);
    for (int i = 0; i < 50; ++i) {
      auto key = generate_key(kind);
      EXPECT_EQ(classify_key(key.secret), kind) << key.secret;
    }
  }
}

TEST(Keys, ClassifyAcceptsHandMadeKeysOfTheRightShape) {
  const std::string body(kRandomPart, 'a');
  EXPECT_EQ(classify_key("sk_test_" + body), KeyKind::merchant_test);
  EXPECT_EQ(classify_key("sk_live_" + body), KeyKind::merchant_live);
  EXPECT_EQ(classify_key("ss_" + body), KeyKind::staff);
  EXPECT_EQ(classify_key("ss_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"), KeyKind::staff);
}

TEST(Keys, ClassifyRejectsWrongPrefix) {
  const std::string body(kRandomPart, 'a');
  for (const std::string prefix : {"", "sk_", "sk_prod_", "pk_test_", "SK_TEST_", "sk_Test_", "sk-test-",
                                   "sk_test", "ss", "SS_", "sk_ss_", " sk_test_", "Bearer sk_test_"}) {
    SCOPED_TRACE(prefix);
    EXPECT_FALSE(classify_key(prefix + body).has_value());
  }
}

TEST(Keys, ClassifyRejectsWrongLength) {
  for (const auto& [kind, prefix] : kKinds) {
    SCOPED_TRACE(prefix);
    EXPECT_FALSE(classify_key(prefix).has_value());
    EXPECT_FALSE(classify_key(prefix + std::string(kRandomPart - 1, 'a')).has_value());
    EXPECT_FALSE(classify_key(prefix + std::string(kRandomPart + 1, 'a')).has_value());
    auto key = generate_key(kind).secret;
    EXPECT_FALSE(classify_key(key + "\n").has_value());
    EXPECT_FALSE(classify_key(key.substr(0, key.size() - 1)).has_value());
  }
  EXPECT_FALSE(classify_key("").has_value());
}

TEST(Keys, ClassifyRejectsCharactersOutsideBase62) {
  for (const auto& [kind, prefix] : kKinds) {
    for (char bad : {'_', '-', ' ', '.', '+', '/', '=', '\0', '\n', '\xD0', '\xFF'}) {
      SCOPED_TRACE(prefix + " with character code " + std::to_string(static_cast<unsigned char>(bad)));
      for (std::size_t pos : {std::size_t{0}, kRandomPart / 2, kRandomPart - 1}) {
        std::string body(kRandomPart, 'a');
        body[pos] = bad;
        EXPECT_FALSE(classify_key(prefix + body).has_value());
      }
    }
  }
}

TEST(Keys, HashIsLowerCaseSha256Hex) {
  EXPECT_EQ(hash_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_key(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  auto h = hash_key(generate_key(KeyKind::merchant_live).secret);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_TRUE(is_lower_hex(h)) << h;
}

TEST(Keys, HashIsDeterministicAndDistinguishesKeys) {
  auto key = generate_key(KeyKind::merchant_test).secret;
  EXPECT_EQ(hash_key(key), hash_key(std::string(key)));
  auto other = key;
  other.back() = other.back() == 'a' ? 'b' : 'a';
  EXPECT_NE(hash_key(key), hash_key(other));
}

TEST(Keys, StaffRoles) {
  EXPECT_EQ(std::size(kStaffRoles), 3u);
  for (auto role : kStaffRoles) EXPECT_TRUE(is_staff_role(role)) << role;
  EXPECT_TRUE(is_staff_role("admin"));
  EXPECT_TRUE(is_staff_role("accountant"));
  EXPECT_TRUE(is_staff_role("support"));
}

TEST(Keys, NotStaffRoles) {
  for (const char* role : {"", "Admin", "ADMIN", "admin ", " admin", "root", "merchant", "accountants", "adm"}) {
    SCOPED_TRACE(role);
    EXPECT_FALSE(is_staff_role(role));
  }
}

}  // namespace
}  // namespace skybill::identity
