#include "skybill/crypto/password.hpp"

#include <gtest/gtest.h>

#include <set>

namespace skybill::crypto {
namespace {

constexpr int kCheap = kMinPasswordIterations;  // the tests need correctness, not cost

std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// PBKDF2-HMAC-SHA256 vectors: RFC 7914 §11 and the SHA-256 counterparts of RFC 6070's.
TEST(Password, Pbkdf2MatchesKnownVectors) {
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 1, 32)),
            "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 2, 32)),
            "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  EXPECT_EQ(hex(pbkdf2_sha256("password", "salt", 4096, 32)),
            "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  EXPECT_EQ(hex(pbkdf2_sha256("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40)),
            "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9");
  EXPECT_EQ(hex(pbkdf2_sha256("passwd", "salt", 1, 64)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST(Password, RoundTrips) {
  auto encoded = hash_password("correct horse battery staple", kCheap);
  EXPECT_TRUE(encoded.starts_with("pbkdf2-sha256$1000$"));
  EXPECT_TRUE(verify_password("correct horse battery staple", encoded));
  EXPECT_EQ(password_iterations(encoded), kCheap);
  EXPECT_EQ(encoded.find("correct"), std::string::npos);
}

TEST(Password, WrongPasswordIsRefused) {
  auto encoded = hash_password("correct horse battery staple", kCheap);
  EXPECT_FALSE(verify_password("correct horse battery stapl", encoded));
  EXPECT_FALSE(verify_password("Correct horse battery staple", encoded));
  EXPECT_FALSE(verify_password("", encoded));
}

TEST(Password, EachHashHasItsOwnSalt) {
  std::set<std::string> seen;
  for (int i = 0; i < 10; ++i) seen.insert(hash_password("the same password", kCheap));
  EXPECT_EQ(seen.size(), 10u);
  for (const auto& e : seen) EXPECT_TRUE(verify_password("the same password", e));
}

TEST(Password, TheCostComesFromTheEncoding) {
  auto stronger = hash_password("a password", 2 * kCheap);
  EXPECT_EQ(password_iterations(stronger), 2 * kCheap);
  EXPECT_TRUE(verify_password("a password", stronger));
  // The same salt and hash under another count no longer verify.
  auto lowered = stronger;
  lowered.replace(lowered.find("$2000$"), 6, "$1000$");
  EXPECT_FALSE(verify_password("a password", lowered));
}

TEST(Password, TamperedOrMalformedEncodingsAreRefused) {
  auto good = hash_password("a password", kCheap);
  ASSERT_TRUE(verify_password("a password", good));
  auto last = good.rfind('$');
  std::string flipped = good;
  flipped[last + 1] = flipped[last + 1] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password("a password", flipped)) << "hash changed";
  std::string salted = good;
  auto salt_at = good.find('$', good.find('$') + 1) + 1;
  salted[salt_at] = salted[salt_at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verify_password("a password", salted)) << "salt changed";

  for (std::string bad : {std::string(), std::string("a password"), std::string("pbkdf2-sha256$1000$"),
                          "pbkdf2-sha1" + good.substr(13), "pbkdf2-sha256$0999" + good.substr(18),
                          "pbkdf2-sha256$999" + good.substr(18), "pbkdf2-sha256$99999999999" + good.substr(18),
                          "pbkdf2-sha256$-1000" + good.substr(18), "pbkdf2-sha256$1000x" + good.substr(18),
                          good + "$", good + "=", good.substr(0, good.size() - 4), "scrypt" + good.substr(13)}) {
    EXPECT_FALSE(verify_password("a password", bad)) << bad;
    EXPECT_FALSE(password_iterations(bad).has_value()) << bad;
  }
  EXPECT_THROW(hash_password("x", kMinPasswordIterations - 1), std::invalid_argument);
  EXPECT_THROW(hash_password("x", kMaxPasswordIterations + 1), std::invalid_argument);
}

TEST(Password, Base64IsStrict) {
  for (std::string s : {std::string(), std::string("f"), std::string("fo"), std::string("foo"), std::string("foob"),
                        std::string("fooba"), std::string("foobar"), std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_FALSE(base64_decode("Zm8"));     // no padding
  EXPECT_FALSE(base64_decode("Zm9=")) << "non-zero bits under the padding";
  EXPECT_FALSE(base64_decode("Zm8=Zm8="));
  EXPECT_FALSE(base64_decode("Zm-v"));
}

}  // namespace
}  // namespace skybill::crypto
