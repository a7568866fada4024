#include "skybill/http/message.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "skybill/core/problem.hpp"

namespace skybill::http {
namespace {

using nlohmann::json;

Request json_request(std::string content_type, std::string body) {
  Request r;
  r.method = "POST";
  r.path = "/v1/clients";
  if (!content_type.empty()) r.headers.emplace_back("content-type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

// Runs req.json() and returns the problem it throws; fails the test when it throws none.
core::Problem problem_of(const Request& req) {
  try {
    req.json();
  } catch (const core::Problem& p) {
    return p;
  }
  ADD_FAILURE() << "expected a core::Problem";
  return core::Problem(0, "", "");
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- Request::json: media type ---

TEST(RequestJson, ParsesBodyWithApplicationJson) {
  auto body = json_request("application/json", R"({"inn":"7707083893","n":[1,2]})").json();
  EXPECT_EQ(body, (json{{"inn", "7707083893"}, {"n", {1, 2}}}));
}

TEST(RequestJson, AcceptsCharsetParameter) {
  EXPECT_EQ(json_request("application/json; charset=utf-8", "{}").json(), json::object());
  EXPECT_EQ(json_request("application/json;charset=UTF-8", "[]").json(), json::array());
  EXPECT_EQ(json_request("application/json ; charset=utf-8", "1").json(), json(1));
}

TEST(RequestJson, MediaTypeIsCaseInsensitive) {
  EXPECT_EQ(json_request("Application/JSON", "true").json(), json(true));
}

TEST(RequestJson, AcceptsStructuredSyntaxSuffixJson) {
  EXPECT_EQ(json_request("application/problem+json", "{}").json(), json::object());
  EXPECT_EQ(json_request("application/merge-patch+json; charset=utf-8", "{}").json(), json::object());
}

TEST(RequestJson, MissingContentTypeIs415) {
  auto p = problem_of(json_request("", "{}"));
  EXPECT_EQ(p.status, 415);
  EXPECT_EQ(p.type, "unsupported-media-type");
  EXPECT_TRUE(contains(p.detail, "application/json")) << p.detail;
}

TEST(RequestJson, WrongContentTypeIs415) {
  for (const char* ct : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                         "text/json", "application/jsonp", "application/json5", "application/xml",
                         "application/json+xml", "application/problem+json5", ""}) {
    SCOPED_TRACE(ct);
    Request r = json_request("", "{}");
    r.headers.emplace_back("content-type", ct);
    EXPECT_EQ(problem_of(r).status, 415);
  }
}

TEST(RequestJson, ContentTypeHeaderNameIsLookedUpInLowerCase) {
  Request r = json_request("", "{}");
  r.headers.emplace_back("Content-Type", "application/json");  // the server lower-cases names
  EXPECT_EQ(problem_of(r).status, 415);
}

TEST(RequestJson, MediaTypeIsCheckedBeforeTheBody) {
  EXPECT_EQ(problem_of(json_request("text/plain", "{not json")).status, 415);
}

// --- Request::json: malformed bodies ---

TEST(RequestJson, MalformedBodyIs400) {
  auto p = problem_of(json_request("application/json", "{\"a\": }"));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.type, "malformed-json");
  EXPECT_EQ(p.title, "Malformed JSON");
  EXPECT_TRUE(contains(p.detail, "line 1, column 7")) << p.detail;
}

TEST(RequestJson, MalformedDetailNamesLineAndColumnOfMultiLineBody) {
  const std::string body =
      "{\n"
      "  \"inn\": \"7707083893\",\n"
      "  \"kpp\": ,\n"
      "  \"name\": \"x\"\n"
      "}";
  auto p = problem_of(json_request("application/json", body));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.type, "malformed-json");
  // The offending ',' is the 10th character of the 3rd line.
  EXPECT_TRUE(contains(p.detail, "line 3, column 10")) << p.detail;
  EXPECT_TRUE(contains(p.detail, "(byte " + std::to_string(body.find(" ,") + 1) + ")")) << p.detail;
}

TEST(RequestJson, MalformedDetailKeepsParserMessageWithoutItsPrefix) {
  auto p = problem_of(json_request("application/json", "[1, 2"));
  EXPECT_FALSE(contains(p.detail, "[json.exception")) << p.detail;
  EXPECT_TRUE(contains(p.detail, "syntax error")) << p.detail;
}

TEST(RequestJson, EmptyBodyIsMalformed) {
  auto p = problem_of(json_request("application/json", ""));
  EXPECT_EQ(p.status, 400);
  EXPECT_EQ(p.type, "malformed-json");
  EXPECT_TRUE(contains(p.detail, "line 1, column 1")) << p.detail;
}

TEST(RequestJson, TrailingGarbageIsMalformed) {
  auto p = problem_of(json_request("application/json", "{}\n{}"));
  EXPECT_EQ(p.status, 400);
  EXPECT_TRUE(contains(p.detail, "line 2, column 1")) << p.detail;
}

TEST(RequestJson, InvalidUtf8IsMalformed) {
  EXPECT_EQ(problem_of(json_request("application/json", "\"\xC3\x28\"")).status, 400);
}

// --- Request accessors ---

TEST(Request, HeaderReturnsFirstValueOrNothing) {
  Request r;
  r.headers = {{"x-request-id", "abc"}, {"accept", "a"}, {"accept", "b"}, {"empty", ""}};
  EXPECT_EQ(r.header("x-request-id"), "abc");
  EXPECT_EQ(r.header("accept"), "a");
  ASSERT_TRUE(r.header("empty").has_value());
  EXPECT_EQ(*r.header("empty"), "");
  EXPECT_FALSE(r.header("authorization").has_value());
  EXPECT_FALSE(r.header("X-Request-Id").has_value());  // names are matched as given, in lower case
}

TEST(Request, QueryParamReturnsFirstValueOrNothing) {
  Request r;
  r.query = {{"inn", "7707083893"}, {"tag", "a"}, {"tag", "b"}, {"empty", ""}};
  EXPECT_EQ(r.query_param("inn"), "7707083893");
  EXPECT_EQ(r.query_param("tag"), "a");  // multimap keeps insertion order for equal keys
  EXPECT_EQ(r.query_param("empty"), "");
  EXPECT_FALSE(r.query_param("missing").has_value());
}

TEST(Request, ParamReturnsPathParameter) {
  Request r;
  r.params = {{"id", "42"}};
  EXPECT_EQ(r.param("id"), "42");
}

TEST(Request, UnknownParamIsALogicError) {
  Request r;
  r.params = {{"id", "42"}};
  EXPECT_THROW(r.param("client"), std::logic_error);
}

TEST(Request, CallerReturnsPrincipal) {
  Request r;
  r.principal = Principal{Principal::Kind::staff, "u-1", "admin", "k-1", false, {}, {}, {}};
  EXPECT_EQ(r.caller().id, "u-1");
  EXPECT_EQ(r.caller().role, "admin");
}

TEST(Request, CallerWithoutPrincipalIsALogicError) {
  Request r;
  r.route = "/v1/public";
  try {
    r.caller();
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_TRUE(contains(e.what(), "/v1/public")) << e.what();
  }
}

// --- Response ---

TEST(Response, JsonSetsStatusContentTypeAndCompactBody) {
  auto r = Response::json(201, json{{"id", "c-1"}, {"n", 2}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"id":"c-1","n":2})");
  EXPECT_TRUE(r.headers.empty());
}

TEST(Response, JsonKeepsUtf8AsIs) {
  auto r = Response::json(200, json{{"name", "ООО «Ромашка»"}});
  EXPECT_EQ(r.body, R"({"name":"ООО «Ромашка»"})");
}

TEST(Response, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  Response r;
  ASSERT_NO_THROW(r = Response::json(200, json{{"name", std::string("a\xFF" "b")}}));
  EXPECT_EQ(r.body, "{\"name\":\"a\xEF\xBF\xBD" "b\"}");  // U+FFFD
}

TEST(Response, ProblemRendersRfc9457Body) {
  auto r = Response::problem(core::validation_failed({{"inn", "bad"}}), "/v1/clients");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = json::parse(r.body);
  EXPECT_EQ(body["type"], "https://skybill.dev/problems/validation-failed");
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["instance"], "/v1/clients");
  EXPECT_EQ(body["errors"], (json::array({{{"field", "inn"}, {"message", "bad"}}})));
}

TEST(Response, ProblemWithoutInstanceOmitsIt) {
  auto body = json::parse(Response::problem(core::not_found("Client")).body);
  EXPECT_FALSE(body.contains("instance"));
  EXPECT_EQ(body["status"], 404);
}

TEST(Response, TextDefaultsToPlainUtf8) {
  auto r = Response::text(200, "ok\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "ok\n");
}

TEST(Response, TextTakesContentType) {
  auto r = Response::text(200, "# metrics\n", "text/plain; version=0.0.4");
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
}

TEST(Response, WithHeaderAppendsInOrderAndChains) {
  auto r = Response::text(204, "").with_header("location", "/v1/clients/1").with_header("x-a", "b");
  EXPECT_EQ(r.headers, (Headers{{"location", "/v1/clients/1"}, {"x-a", "b"}}));
}

TEST(Response, DefaultIs200WithEmptyBody) {
  Response r;
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.content_type.empty());
}

}  // namespace
}  // namespace skybill::http
