#include "skybill/webhooks/signature.hpp"

#include <gtest/gtest.h>

#include "skybill/crypto/crypto.hpp"

using namespace skybill;
using webhooks::Verdict;

// RFC 4231 test cases 1 and 2.
TEST(Hmac, MatchesRfc4231) {
  EXPECT_EQ(crypto::hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(crypto::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hmac, ConstantTimeEqualityComparesWholeStrings) {
  EXPECT_TRUE(crypto::equal_constant_time("abc", "abc"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "abd"));
  EXPECT_FALSE(crypto::equal_constant_time("abc", "ab"));
  EXPECT_TRUE(crypto::equal_constant_time("", ""));
}

TEST(Signature, HeaderIsTimeAndOneV1PerSecret) {
  auto h = webhooks::signature_header(1700000000, R"({"a":1})", {"k1"});
  EXPECT_EQ(h, "t=1700000000,v1=" + crypto::hmac_sha256_hex("k1", R"(1700000000.{"a":1})"));
  auto two = webhooks::signature_header(1700000000, "{}", {"new", "old"});
  EXPECT_EQ(two, "t=1700000000,v1=" + crypto::hmac_sha256_hex("new", "1700000000.{}") +
                     ",v1=" + crypto::hmac_sha256_hex("old", "1700000000.{}"));
}

TEST(Signature, VerifiesUnderEitherSecretDuringARotation) {
  auto h = webhooks::signature_header(1000, "body", {"new", "old"});
  EXPECT_EQ(webhooks::verify_signature(h, "body", "new", 1000), Verdict::valid);
  EXPECT_EQ(webhooks::verify_signature(h, "body", "old", 1000), Verdict::valid);
  EXPECT_EQ(webhooks::verify_signature(h, "body", "other", 1000), Verdict::mismatch);
}

TEST(Signature, RejectsATamperedBodyOrTime) {
  auto h = webhooks::signature_header(1000, "body", {"s"});
  EXPECT_EQ(webhooks::verify_signature(h, "bodY", "s", 1000), Verdict::mismatch);
  auto shifted = "t=1001" + h.substr(h.find(','));
  EXPECT_EQ(webhooks::verify_signature(shifted, "body", "s", 1000), Verdict::mismatch);
}

TEST(Signature, EnforcesTheToleranceBothWays) {
  auto h = webhooks::signature_header(1000, "b", {"s"});
  EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 1300), Verdict::valid);
  EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 1301), Verdict::outside_tolerance);
  EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 700), Verdict::valid);
  EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 699), Verdict::outside_tolerance);
  EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 2000, 1000), Verdict::valid);
}

TEST(Signature, MalformedHeadersAreToldApart) {
  for (const char* h : {"", "t=1", "v1=ab", "t=x,v1=ab", "t=1,t=2,v1=ab", "garbage", "t=1,v1"})
    EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 1), Verdict::malformed) << h;
  // Unknown schemes are ignored, as a receiver should, so v2 may come later.
  auto h = webhooks::signature_header(1, "b", {"s"}) + ",v2=zzz";
  EXPECT_EQ(webhooks::verify_signature(h, "b", "s", 1), Verdict::valid);
}
