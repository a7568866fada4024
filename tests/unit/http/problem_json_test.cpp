#include "skybill/http/problem_json.hpp"

#include <gtest/gtest.h>

namespace skybill::http {
namespace {

using nlohmann::json;

TEST(ProblemJson, TypeIsPrefixedWithTheProblemBase) {
  auto j = problem_json(core::Problem(409, "conflict", "Conflict"));
  EXPECT_EQ(kProblemTypeBase, "https://skybill.dev/problems/");
  EXPECT_EQ(j["type"], "https://skybill.dev/problems/conflict");
}

TEST(ProblemJson, MinimalProblemHasTypeTitleAndStatusOnly) {
  auto j = problem_json(core::Problem(404, "not-found", "Client not found"));
  EXPECT_EQ(j, (json{{"type", "https://skybill.dev/problems/not-found"},
                     {"title", "Client not found"},
                     {"status", 404}}));
  EXPECT_FALSE(j.contains("detail"));
  EXPECT_FALSE(j.contains("errors"));
  EXPECT_FALSE(j.contains("instance"));
}

TEST(ProblemJson, StatusIsANumber) {
  auto j = problem_json(core::Problem(503, "unavailable", "Unavailable"));
  EXPECT_TRUE(j["status"].is_number_integer());
  EXPECT_EQ(j["status"], 503);
}

TEST(ProblemJson, DetailIsIncludedWhenNotEmpty) {
  auto j = problem_json(core::Problem(400, "bad", "Bad", "line 3"));
  EXPECT_EQ(j["detail"], "line 3");
}

TEST(ProblemJson, InstanceIsIncludedWhenGiven) {
  auto j = problem_json(core::Problem(404, "not-found", "Nope"), "/v1/clients/1");
  EXPECT_EQ(j["instance"], "/v1/clients/1");
}

TEST(ProblemJson, ErrorsAreAListOfFieldAndMessageObjectsInOrder) {
  auto j = problem_json(core::validation_failed({{"inn", "bad checksum"}, {"lines[2].amount", "empty"}}));
  EXPECT_EQ(j["status"], 422);
  EXPECT_EQ(j["type"], "https://skybill.dev/problems/validation-failed");
  EXPECT_EQ(j["detail"], "2 field(s) are invalid");
  ASSERT_TRUE(j["errors"].is_array());
  EXPECT_EQ(j["errors"], json::parse(R"([
    {"field": "inn", "message": "bad checksum"},
    {"field": "lines[2].amount", "message": "empty"}
  ])"));
  for (const auto& e : j["errors"]) EXPECT_EQ(e.size(), 2u);
}

TEST(ProblemJson, EmptyFieldNameIsKept) {
  auto j = problem_json(core::validation_failed({{"", "the body must be a JSON object"}}));
  EXPECT_EQ(j["errors"][0]["field"], "");
}

TEST(ProblemJson, ErrorsWithoutDetailOmitDetailOnly) {
  auto j = problem_json(core::Problem(422, "x", "X", "", {{"a", "b"}}));
  EXPECT_FALSE(j.contains("detail"));
  EXPECT_EQ(j["errors"].size(), 1u);
}

TEST(ProblemJson, TextIsCarriedVerbatim) {
  auto j = problem_json(core::Problem(400, "bad", "Заголовок \"x\"", "a\nb"));
  EXPECT_EQ(j["title"], "Заголовок \"x\"");
  EXPECT_EQ(j["detail"], "a\nb");
  EXPECT_EQ(json::parse(j.dump()), j);
}

}  // namespace
}  // namespace skybill::http
