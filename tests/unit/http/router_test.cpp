#include "skybill/http/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace skybill::http {
namespace {

// The router never calls handlers; an empty one is enough to register a route.
void add(Router& r, const std::string& method, const std::string& pattern,
         Access access = Access::anyone) {
  r.add(method, pattern, access, Handler{});
}

std::string matched_pattern(const Match& m) { return m.route ? m.route->pattern : "<none>"; }

TEST(Router, MatchesLiteralRoute) {
  Router r;
  add(r, "GET", "/v1/clients");
  auto m = r.match("GET", "/v1/clients");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "GET");
  EXPECT_EQ(m.route->pattern, "/v1/clients");
  EXPECT_TRUE(m.params.empty());
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, KeepsAccessAndSegmentsOfRoute) {
  Router r;
  add(r, "POST", "/v1/clients/{id}/keys", Access::staff);
  ASSERT_EQ(r.routes().size(), 1u);
  const Route& route = r.routes().front();
  EXPECT_EQ(route.access, Access::staff);
  EXPECT_EQ(route.segments, (std::vector<std::string>{"v1", "clients", "{id}", "keys"}));
}

TEST(Router, RootPatternMatchesOnlyRoot) {
  Router r;
  add(r, "GET", "/");
  EXPECT_EQ(matched_pattern(r.match("GET", "/")), "/");
  EXPECT_EQ(r.match("GET", "/x").route, nullptr);
}

TEST(Router, ExtractsPathParameters) {
  Router r;
  add(r, "GET", "/v1/merchants/{merchant}/clients/{client}");
  auto m = r.match("GET", "/v1/merchants/m-1/clients/c-2");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params.at("merchant"), "m-1");
  EXPECT_EQ(m.params.at("client"), "c-2");
}

TEST(Router, PathParametersArePercentDecoded) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  EXPECT_EQ(r.match("GET", "/v1/clients/a%20b").params.at("id"), "a b");
  EXPECT_EQ(r.match("GET", "/v1/clients/%D0%AF").params.at("id"), "\xD0\xAF");  // "Я"
  EXPECT_EQ(r.match("GET", "/v1/clients/%2f%2F").params.at("id"), "//");
  EXPECT_EQ(r.match("GET", "/v1/clients/x%41").params.at("id"), "xA");  // escape at the very end
}

TEST(Router, EncodedSlashDoesNotSplitSegments) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  auto m = r.match("GET", "/v1/clients/a%2Fb");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "a/b");
}

TEST(Router, MalformedPercentEscapesAreKeptAsSent) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  EXPECT_EQ(r.match("GET", "/v1/clients/100%").params.at("id"), "100%");
  EXPECT_EQ(r.match("GET", "/v1/clients/%4").params.at("id"), "%4");
  EXPECT_EQ(r.match("GET", "/v1/clients/%zz").params.at("id"), "%zz");
  EXPECT_EQ(r.match("GET", "/v1/clients/%%41").params.at("id"), "%A");
}

TEST(Router, LiteralSegmentsAreNotDecoded) {
  Router r;
  add(r, "GET", "/v1/clients");
  EXPECT_EQ(r.match("GET", "/v1/client%73").route, nullptr);
}

TEST(Router, LiteralBeatsParameterWhateverTheOrderOfRegistration) {
  for (bool literal_first : {true, false}) {
    SCOPED_TRACE(literal_first ? "literal added first" : "parameter added first");
    Router r;
    if (literal_first) add(r, "GET", "/v1/clients/search");
    add(r, "GET", "/v1/clients/{id}");
    if (!literal_first) add(r, "GET", "/v1/clients/search");

    auto search = r.match("GET", "/v1/clients/search");
    EXPECT_EQ(matched_pattern(search), "/v1/clients/search");
    EXPECT_TRUE(search.params.empty());

    auto by_id = r.match("GET", "/v1/clients/42");
    EXPECT_EQ(matched_pattern(by_id), "/v1/clients/{id}");
    EXPECT_EQ(by_id.params.at("id"), "42");
  }
}

TEST(Router, MoreLiteralSegmentsWin) {
  Router r;
  add(r, "GET", "/v1/{a}/{b}");
  add(r, "GET", "/v1/{a}/keys");
  add(r, "GET", "/v1/clients/keys");
  EXPECT_EQ(matched_pattern(r.match("GET", "/v1/clients/keys")), "/v1/clients/keys");
  EXPECT_EQ(matched_pattern(r.match("GET", "/v1/merchants/keys")), "/v1/{a}/keys");
  EXPECT_EQ(matched_pattern(r.match("GET", "/v1/merchants/other")), "/v1/{a}/{b}");
}

TEST(Router, ParamsComeFromTheChosenRouteOnly) {
  Router r;
  add(r, "GET", "/v1/{kind}/{id}");
  add(r, "GET", "/v1/clients/{client}");
  auto m = r.match("GET", "/v1/clients/7");
  EXPECT_EQ(matched_pattern(m), "/v1/clients/{client}");
  EXPECT_EQ(m.params, (std::map<std::string, std::string>{{"client", "7"}}));
}

// Literal-over-parameter precedence is decided among routes of the request's method: a
// parameter route of the right method wins over a literal route of another method.
TEST(Router, PrecedenceIsAmongRoutesOfTheRequestedMethod) {
  Router r;
  add(r, "POST", "/v1/clients/search");
  add(r, "GET", "/v1/clients/{id}");
  auto m = r.match("GET", "/v1/clients/search");
  EXPECT_EQ(matched_pattern(m), "/v1/clients/{id}");
  EXPECT_EQ(m.params.at("id"), "search");
}

TEST(Router, ParameterDoesNotMatchEmptySegment) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  auto m = r.match("GET", "/v1/clients/");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, SegmentCountMustBeEqual) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  EXPECT_EQ(r.match("GET", "/v1/clients").route, nullptr);
  EXPECT_EQ(r.match("GET", "/v1/clients/1/keys").route, nullptr);
}

TEST(Router, MethodIsCaseSensitive) {
  Router r;
  add(r, "GET", "/v1/clients");
  auto m = r.match("get", "/v1/clients");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET"}));
}

TEST(Router, UnknownPathIsNotFoundWithEmptyAllowed) {
  Router r;
  add(r, "GET", "/v1/clients");
  add(r, "POST", "/v1/clients");
  auto m = r.match("GET", "/v1/nothing-here");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.params.empty());
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, EmptyRouterFindsNothing) {
  Router r;
  auto m = r.match("GET", "/");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, WrongMethodListsAllowedMethodsSorted) {
  Router r;
  add(r, "PUT", "/v1/clients/{id}");
  add(r, "GET", "/v1/clients/{id}");
  add(r, "DELETE", "/v1/clients/{id}");
  auto m = r.match("POST", "/v1/clients/1");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"DELETE", "GET", "PUT"}));
}

TEST(Router, AllowedMethodsAreUniqueAcrossMatchingPatterns) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  add(r, "GET", "/v1/clients/search");
  add(r, "POST", "/v1/clients/search");
  add(r, "DELETE", "/v1/{kind}/{id}");
  auto m = r.match("PATCH", "/v1/clients/search");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"DELETE", "GET", "POST"}));
}

TEST(Router, MatchedRouteStillReportsOtherMethodsOfThePath) {
  Router r;
  add(r, "GET", "/v1/clients");
  add(r, "POST", "/v1/clients");
  auto m = r.match("GET", "/v1/clients");
  EXPECT_EQ(matched_pattern(m), "/v1/clients");
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"POST"}));
}

TEST(Router, DuplicateRouteThrows) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  EXPECT_THROW(add(r, "GET", "/v1/clients/{id}"), std::invalid_argument);
  EXPECT_EQ(r.routes().size(), 1u);
}

TEST(Router, SamePatternWithOtherMethodIsNotADuplicate) {
  Router r;
  add(r, "GET", "/v1/clients/{id}");
  EXPECT_NO_THROW(add(r, "DELETE", "/v1/clients/{id}"));
  EXPECT_EQ(r.routes().size(), 2u);
}

TEST(Router, DuplicateErrorNamesTheRoute) {
  Router r;
  add(r, "GET", "/v1/x");
  try {
    add(r, "GET", "/v1/x");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("GET /v1/x"), std::string::npos) << e.what();
  }
}

TEST(Router, MalformedPatternsThrow) {
  for (const char* pattern : {"", "v1/clients", "/v1/{", "/v1/}", "/v1/{}", "/v1/{id", "/v1/id}",
                              "/v1/x{id}", "/v1/{id}x", "/v1/{a/b}", "/v1/}id{", "/v1/{{id}}",
                              "/v1/{a}{b}"}) {
    SCOPED_TRACE(pattern);
    Router r;
    EXPECT_THROW(add(r, "GET", pattern), std::invalid_argument);
    EXPECT_TRUE(r.routes().empty());
  }
}

TEST(Router, MalformedPatternErrorNamesThePattern) {
  Router r;
  try {
    add(r, "GET", "/v1/{id");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/v1/{id"), std::string::npos) << e.what();
  }
}

// Trailing slashes are significant: "/v1/clients/" has an extra empty segment, so it does not
// match "/v1/clients" (404, no allowed methods), and a pattern with a trailing slash matches
// only a path with one.
TEST(Router, TrailingSlashIsSignificant) {
  Router r;
  add(r, "GET", "/v1/clients");
  auto with_slash = r.match("GET", "/v1/clients/");
  EXPECT_EQ(with_slash.route, nullptr);
  EXPECT_TRUE(with_slash.allowed.empty());

  add(r, "GET", "/v1/merchants/");
  EXPECT_EQ(matched_pattern(r.match("GET", "/v1/merchants/")), "/v1/merchants/");
  EXPECT_EQ(r.match("GET", "/v1/merchants").route, nullptr);
}

TEST(Router, EmptySegmentsAreNotCollapsed) {
  Router r;
  add(r, "GET", "/v1/clients");
  EXPECT_EQ(r.match("GET", "//v1/clients").route, nullptr);
  EXPECT_EQ(r.match("GET", "/v1//clients").route, nullptr);
}

TEST(Router, WildcardTakesTheRestOfThePath) {
  Router r;
  add(r, "GET", "/assets/{path*}");
  auto m = r.match("GET", "/assets/pay/app.js");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("path"), "pay/app.js");
  EXPECT_EQ(r.match("GET", "/assets/a").params.at("path"), "a");
  EXPECT_EQ(r.match("GET", "/assets/vendor/x/y/z.mjs").params.at("path"), "vendor/x/y/z.mjs");
}

TEST(Router, WildcardNeedsAtLeastOneSegment) {
  Router r;
  add(r, "GET", "/assets/{path*}");
  EXPECT_EQ(r.match("GET", "/assets").route, nullptr);
  EXPECT_EQ(r.match("GET", "/assets/").route, nullptr);
}

// Segments are decoded one by one: an encoded ".." reaches the handler as "..", an encoded
// slash as a character of its segment, so the handler can refuse both.
TEST(Router, WildcardDecodesEachSegment) {
  Router r;
  add(r, "GET", "/assets/{path*}");
  EXPECT_EQ(r.match("GET", "/assets/%2e%2e/secret").params.at("path"), "../secret");
  EXPECT_EQ(r.match("GET", "/assets/a%2Fb/c").params.at("path"), "a/b/c");
  EXPECT_EQ(r.match("GET", "/assets/pay/../../etc").params.at("path"), "pay/../../etc");
}

TEST(Router, LiteralAndParameterRoutesBeatAWildcard) {
  Router r;
  add(r, "GET", "/files/{path*}");
  add(r, "GET", "/files/{id}");
  add(r, "GET", "/files/index");
  EXPECT_EQ(matched_pattern(r.match("GET", "/files/index")), "/files/index");
  EXPECT_EQ(matched_pattern(r.match("GET", "/files/abc")), "/files/{id}");
  EXPECT_EQ(matched_pattern(r.match("GET", "/files/a/b")), "/files/{path*}");
}

TEST(Router, WildcardMethodMismatchListsAllowedMethods) {
  Router r;
  add(r, "GET", "/assets/{path*}");
  auto m = r.match("POST", "/assets/x.js");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET"}));
}

TEST(Router, WildcardMustBeTheLastSegment) {
  Router r;
  EXPECT_THROW(add(r, "GET", "/assets/{path*}/x"), std::invalid_argument);
}

}  // namespace
}  // namespace skybill::http
