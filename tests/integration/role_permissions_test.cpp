// Every staff route against every staff role, generated from the server's own route table
// (GET /admin/api/permissions): a role without the route's permission gets 403 before anything
// runs, a role with it is never refused for its role, airline staff reach only the routes scoped
// to their airline, and no staff route lacks a permission. A route added tomorrow is covered
// without touching this file.
#include <gtest/gtest.h>
#include <regex>
#include <set>

#include "harness.hpp"

using namespace skybill::test;

namespace {

const std::string kPassword = "Runway-Holding-Point-7";

struct Session : StaffSession {
  std::string role;
};

class RolePermissionsTest : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    (*env)["SKYBILL_STAFF_PASSWORD_ITERATIONS"] = "1000";  // behaviour, not cost
    server = new ServerProcess(*env);
  }
  static Session sign_in_as(HttpClient& http, const std::string& role, const std::string& merchant = {}) {
    Session s;
    static_cast<StaffSession&>(s) =
        staff_session(http, *env, "Role " + role, role + ".roles@skybill.example", role, kPassword, merchant);
    s.role = role;
    return s;
  }

  static HttpResponse call(HttpClient& http, const Session& s, const std::string& method, const std::string& target) {
    bool with_body = method != "GET" && method != "DELETE";
    return as_staff(http, s, method, target, with_body ? nlohmann::json::object() : nlohmann::json());
  }
};

// A path of the pattern with every parameter filled by an id nobody has.
std::string concrete(const std::string& pattern) {
  static const std::regex param(R"(\{[a-z_]+\})");
  return std::regex_replace(pattern, param, "00000000-0000-4000-8000-00000000abcd");
}

// Routes that end or change the caller's own session: run by the sign-in tests instead.
bool own_session(const std::string& method, const std::string& pattern) {
  return (method == "DELETE" && pattern == "/admin/api/session") || pattern == "/admin/api/password";
}

TEST_F(RolePermissionsTest, EveryStaffRouteRefusesTheRolesWithoutItsPermission) {
  HttpClient http(server->port());
  auto airline = create_merchant(*env, "Roles Air").merchant_id;
  std::vector<Session> sessions = {sign_in_as(http, "admin"), sign_in_as(http, "accountant"),
                                   sign_in_as(http, "support"), sign_in_as(http, "airline", airline)};
  auto table = call(http, sessions[0], "GET", "/admin/api/permissions");
  ASSERT_EQ(table.status, 200) << table.body;
  auto doc = table.json();
  const auto& roles = doc["roles"];
  ASSERT_EQ(roles.size(), 4u);

  int checked = 0;
  for (const auto& route : doc["routes"]) {
    auto method = route["method"].get<std::string>();
    auto pattern = route["pattern"].get<std::string>();
    auto access = route["access"].get<std::string>();
    if (access == "anyone" || access == "merchant") continue;
    SCOPED_TRACE(method + " " + pattern);
    ASSERT_TRUE(route["permission"].is_string()) << "a staff route names the permission it needs";
    auto permission = route["permission"].get<std::string>();
    if (own_session(method, pattern)) continue;
    for (const auto& s : sessions) {
      std::set<std::string> granted(roles[s.role].begin(), roles[s.role].end());
      bool may = granted.contains(permission) && (s.role != "airline" || access == "any_staff");
      auto r = call(http, s, method, concrete(pattern));
      if (may) {
        EXPECT_NE(r.status, 403) << s.role << " has " << permission << " yet was refused: " << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << s.role << " lacks " << permission << " yet got: " << r.body;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 200) << "the route table reached the test";
}

TEST_F(RolePermissionsTest, TheMatrixIsWhatTheSessionSays) {
  HttpClient http(server->port());
  auto s = sign_in_as(http, "support");
  auto me = call(http, s, "GET", "/admin/api/session").json();
  auto table = call(http, s, "GET", "/admin/api/permissions").json();
  EXPECT_EQ(me["permissions"], table["roles"]["support"]);
  auto list = me["permissions"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(list.begin(), list.end(), "cases.write"), list.end());
  EXPECT_EQ(std::find(list.begin(), list.end(), "staff.manage"), list.end());
}

}  // namespace
