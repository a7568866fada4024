#include "skybill/core/identifiers.hpp"

#include <gtest/gtest.h>

#include <string>

namespace skybill::core {
namespace {

TEST(Inn, ValidLegalEntities) {
  for (const char* inn : {"7707083893", "7728168971", "7702070139"}) {
    SCOPED_TRACE(inn);
    EXPECT_TRUE(is_valid_inn(inn));
    EXPECT_TRUE(is_legal_entity_inn(inn));
  }
}

TEST(Inn, ValidPerson) {
  // 5001010000 + control digits: d11 = (5*7 + 1*10 + 1*5) % 11 % 10 = 50 % 11 = 6,
  // d12 = (5*3 + 1*4 + 1*3 + 6*8) % 11 % 10 = 70 % 11 = 4.
  EXPECT_TRUE(is_valid_inn("500101000064"));
  EXPECT_FALSE(is_legal_entity_inn("500101000064"));
  EXPECT_TRUE(is_valid_inn("773400211252"));
}

TEST(Inn, EveryWrongControlDigitIsRejected) {
  for (std::string inn : {"7707083893", "7728168971", "7702070139"}) {
    for (char c = '0'; c <= '9'; ++c) {
      if (c == inn[9]) continue;
      std::string bad = inn;
      bad[9] = c;
      EXPECT_FALSE(is_valid_inn(bad)) << bad;
      EXPECT_FALSE(is_legal_entity_inn(bad)) << bad;
    }
  }
  const std::string person = "500101000064";
  for (std::size_t pos : {10u, 11u}) {
    for (char c = '0'; c <= '9'; ++c) {
      if (c == person[pos]) continue;
      std::string bad = person;
      bad[pos] = c;
      EXPECT_FALSE(is_valid_inn(bad)) << bad;
    }
  }
}

TEST(Inn, ChangedBodyDigitIsCaught) {
  EXPECT_FALSE(is_valid_inn("7707083883"));
  EXPECT_FALSE(is_valid_inn("7707038893"));  // swapped neighbours
  EXPECT_FALSE(is_valid_inn("500101000164"));
}

TEST(Inn, Shape) {
  for (const char* bad :
       {"", "770708389", "77070838930", "7707083893 ", " 7707083893", "77070838a3", "770708389-",
        "+707083893", "5001010000640", "50010100006", "50010100006O", "７７０７０８３８９３"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(is_valid_inn(bad));
    EXPECT_FALSE(is_legal_entity_inn(bad));
  }
  EXPECT_FALSE(is_valid_inn("0000000000"));
  EXPECT_FALSE(is_valid_inn("000000000000"));
  EXPECT_FALSE(is_valid_inn(std::string_view("7707083893\0", 11)));
}

TEST(Kpp, Valid) {
  for (const char* kpp : {"773601001", "770701001", "7736AB001", "77360A001", "7736Z9001",
                          "000000001", "111111112"}) {
    SCOPED_TRACE(kpp);
    EXPECT_TRUE(is_valid_kpp(kpp));
  }
}

TEST(Kpp, Invalid) {
  for (const char* kpp : {"", "77360100", "7736010011", "7736ab001", "A73601001", "7736010A1",
                          "773601 01", " 77360100", "7736-0001", "7736АВ001" /* Cyrillic */,
                          "000000000", "111111111", "999999999"}) {
    SCOPED_TRACE(kpp);
    EXPECT_FALSE(is_valid_kpp(kpp));
  }
}

}  // namespace
}  // namespace skybill::core

using skybill::core::is_uuid;

TEST(IsUuid, AcceptsCanonicalForm) {
  EXPECT_TRUE(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
  EXPECT_TRUE(is_uuid("ABCDEF01-2345-6789-ABCD-EF0123456789"));
}

TEST(IsUuid, RejectsOtherShapes) {
  for (const char* s : {"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
                        "123e4567-e89b-12d3-a456-4266141740000", "{123e4567-e89b-12d3-a456-426614174000}",
                        "123e4567-e89b-12d3-a456_426614174000", "123e4567e-89b-12d3-a456-426614174000",
                        "g23e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400z",
                        " 23e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000\n",
                        "------------------------------------", "../../../../../../../../../etc/passwd"}) {
    SCOPED_TRACE(s);
    EXPECT_FALSE(is_uuid(s));
  }
}
