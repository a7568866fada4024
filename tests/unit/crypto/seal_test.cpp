#include "skybill/crypto/seal.hpp"

#include <gtest/gtest.h>

#include <set>

namespace skybill::crypto {
namespace {

const std::string kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kOther = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

TEST(Seal, RoundTripsAndNeverShowsThePlaintext) {
  for (std::string plain : {std::string(), std::string("whsec_abc"), std::string(1000, 'x'), std::string("\0\1\2", 3)}) {
    auto sealed = seal(kKey, plain);
    EXPECT_TRUE(is_sealed(sealed));
    EXPECT_TRUE(sealed.starts_with("sealed:v1:"));
    EXPECT_EQ(sealed.size(), 10 + 2 * (12 + plain.size() + 16));
    if (plain.size() > 3) {
      EXPECT_EQ(sealed.find(plain), std::string::npos);
    }
    EXPECT_EQ(open_sealed(kKey, sealed), plain);
  }
}

TEST(Seal, EachSealingIsDifferent) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) seen.insert(seal(kKey, "whsec_same"));
  EXPECT_EQ(seen.size(), 50u) << "a fresh nonce each time";
}

TEST(Seal, AnotherKeyOrAnyAlterationIsRefused) {
  auto sealed = seal(kKey, "whsec_secret_value");
  EXPECT_THROW(open_sealed(kOther, sealed), SealError);
  for (std::size_t i = 10; i < sealed.size(); ++i) {
    auto altered = sealed;
    altered[i] = altered[i] == '0' ? '1' : '0';
    EXPECT_THROW(open_sealed(kKey, altered), SealError) << "position " << i;
  }
  EXPECT_THROW(open_sealed(kKey, sealed.substr(0, sealed.size() - 2)), SealError);
  EXPECT_THROW(open_sealed(kKey, "whsec_plain"), SealError);
  EXPECT_THROW(open_sealed(kKey, "sealed:v1:zz"), SealError);
  EXPECT_THROW(open_sealed(kKey, "sealed:v1:00"), SealError);
}

TEST(Seal, KeysAre64HexCharacters) {
  EXPECT_TRUE(is_key_hex(kKey));
  EXPECT_TRUE(is_key_hex(std::string(64, 'A')));
  EXPECT_FALSE(is_key_hex(kKey.substr(2)));
  EXPECT_FALSE(is_key_hex(kKey + "00"));
  EXPECT_FALSE(is_key_hex(std::string(64, 'g')));
  EXPECT_FALSE(is_key_hex(""));
  EXPECT_THROW(seal("short", "x"), SealError);
  EXPECT_FALSE(is_sealed("whsec_x"));
}

}  // namespace
}  // namespace skybill::crypto
