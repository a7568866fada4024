#include "skybill/core/problem.hpp"

#include <gtest/gtest.h>

namespace skybill::core {
namespace {

TEST(Problem, ValidationFailed) {
  const Problem p = validation_failed({{"inn", "bad checksum"}, {"lines[2].amount", "empty"}});
  EXPECT_EQ(p.status, 422);
  EXPECT_EQ(p.type, "validation-failed");
  EXPECT_EQ(p.title, "Request validation failed");
  EXPECT_EQ(p.detail, "2 field(s) are invalid");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[1].field, "lines[2].amount");
  EXPECT_STREQ(p.what(), "Request validation failed");
}

TEST(Problem, NotFound) {
  const Problem p = not_found("Invoice SB-2026-000123");
  EXPECT_EQ(p.status, 404);
  EXPECT_EQ(p.type, "not-found");
  EXPECT_EQ(p.title, "Invoice SB-2026-000123 not found");
  EXPECT_TRUE(p.errors.empty());
}

}  // namespace
}  // namespace skybill::core
