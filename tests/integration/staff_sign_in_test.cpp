// Staff sign-in end to end: the first admin made by the CLI, sessions in an HttpOnly SameSite
// cookie, CSRF tokens, rate limits and expiry on the instance clock (later instances are started
// with their clocks ahead), password changes, roles and their audit rows, airline staff kept off
// gateway-wide routes, disabled users.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kPassword = "Tarmac-Lights-2026";

class StaffSignInTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    // Cheap hashes: the tests check behaviour, not cost (a hash carries its own iteration count).
    (*env)["SKYBILL_STAFF_PASSWORD_ITERATIONS"] = "1000";
    server = new ServerProcess(*env);
  }
  static void TearDownTestSuite() {
    delete server;
    delete env;
    delete db;
  }
  static TestDatabase* db;
  static Env* env;
  static ServerProcess* server;

  // A server on the same database whose clock runs `ahead` of the suite's, with `extra` settings.
  static Env env_ahead(seconds ahead, const Env& extra = {}) {
    Env e = *env;
    e["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(ahead);
    for (const auto& [k, v] : extra) e[k] = v;
    return e;
  }

  static CliResult create_user(const std::string& name, const std::string& email, const std::string& role,
                               const std::string& password, const std::string& merchant = {}) {
    return create_staff_user(*env, name, email, role, password, merchant);
  }

  static std::string user_id(const std::string& name, const std::string& email, const std::string& role,
                             const std::string& merchant = {}) {
    auto r = create_user(name, email, role, kPassword, merchant);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["id"];
  }

  static std::string admin_key() {
    auto r = run_cli({"staff", "key", "create", "--name", "Root", "--role", "admin"}, *env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["staff_key"];
  }
};

TestDatabase* StaffSignInTest::db = nullptr;
Env* StaffSignInTest::env = nullptr;
ServerProcess* StaffSignInTest::server = nullptr;

struct Session {
  std::string cookie;  // "skybill_session=…", as a browser sends it back
  std::string csrf;
  nlohmann::json body;
};

HttpResponse sign_in_raw(HttpClient& http, const std::string& email, const std::string& password,
                         const std::map<std::string, std::string>& headers = {}) {
  return http.post_json("/admin/api/session", {{"email", email}, {"password", password}}, "", headers);
}

Session sign_in(HttpClient& http, const std::string& email, const std::string& password = kPassword) {
  auto r = sign_in_raw(http, email, password);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  auto set_cookie = r.header("set-cookie");
  return {set_cookie.substr(0, set_cookie.find(';')), r.json()["csrf_token"], r.json()};
}

// A request as the admin console sends it: the cookie, and the CSRF token unless told not to.
HttpResponse as(HttpClient& http, const Session& s, const std::string& method, const std::string& target,
                const nlohmann::json& body = nullptr, bool csrf = true) {
  std::map<std::string, std::string> h{{"Cookie", s.cookie}};
  if (csrf) h["X-CSRF-Token"] = s.csrf;
  std::string text;
  if (!body.is_null()) {
    h["Content-Type"] = "application/json";
    text = body.dump();
  }
  return http.request(method, target, text, h);
}

HttpResponse with_key(HttpClient& http, const std::string& key, const std::string& method, const std::string& target,
                      const nlohmann::json& body = nullptr) {
  std::map<std::string, std::string> h{{"Authorization", "Bearer " + key}};
  std::string text;
  if (!body.is_null()) {
    h["Content-Type"] = "application/json";
    text = body.dump();
  }
  return http.request(method, target, text, h);
}

std::string type_of(const HttpResponse& r) { return r.json().value("type", ""); }

}  // namespace

TEST_F(StaffSignInTest, FirstAdminFromTheCliSignsInWithAnHttpOnlyStrictCookie) {
  auto weak = create_user("Root", "root@skybill.example", "admin", "short");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_TRUE(contains(weak.err, "password")) << weak.err;
  auto common = create_user("Root", "root@skybill.example", "admin", "password1234");
  EXPECT_EQ(common.exit_code, 1);
  EXPECT_TRUE(contains(common.err, "common")) << common.err;

  auto made = create_user("Root Admin", "  Root@Skybill.Example ", "admin", kPassword);
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto admin = nlohmann::json::parse(made.out);
  EXPECT_EQ(admin["email"], "root@skybill.example");
  EXPECT_EQ(admin["role"], "admin");
  EXPECT_TRUE(admin["merchant_id"].is_null());
  auto again = create_user("Root Again", "root@skybill.example", "admin", kPassword);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(contains(again.err, "email")) << again.err;
  auto stored = db->scalar("SELECT password_hash FROM staff_users WHERE email = 'root@skybill.example'");
  EXPECT_TRUE(stored.starts_with("pbkdf2-sha256$1000$")) << stored;

  HttpClient http(server->port());
  auto r = sign_in_raw(http, "ROOT@skybill.example", kPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  auto cookie = r.header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("skybill_session=")) << cookie;
  EXPECT_TRUE(contains(cookie, "; HttpOnly")) << cookie;
  EXPECT_TRUE(contains(cookie, "; SameSite=Strict")) << cookie;
  EXPECT_TRUE(contains(cookie, "; Path=/")) << cookie;
  EXPECT_FALSE(contains(cookie, "Secure")) << "plain http://127.0.0.1: a Secure cookie would never come back";
  auto j = r.json();
  EXPECT_EQ(j["staff"]["id"], admin["id"]);
  EXPECT_EQ(j["staff"]["role"], "admin");
  EXPECT_EQ(j["csrf_token"].get<std::string>().size(), 64u);
  EXPECT_TRUE(j["expires_at"].is_string());
  EXPECT_EQ(r.header("cache-control"), "no-store");

  // Only the token's SHA-256 is stored.
  auto token = cookie.substr(16, cookie.find(';') - 16);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM staff_sessions WHERE id = '" + token + "'"), "0");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM staff_sessions WHERE id = encode(sha256('" + token + "'::bytea), 'hex')"),
            "1");

  Session s{cookie.substr(0, cookie.find(';')), j["csrf_token"], j};
  auto me = as(http, s, "GET", "/admin/api/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["email"], "root@skybill.example");
  auto current = as(http, s, "GET", "/admin/api/session");
  ASSERT_EQ(current.status, 200) << current.body;
  EXPECT_EQ(current.json()["csrf_token"], s.csrf);
  EXPECT_EQ(current.json()["staff"]["id"], admin["id"]);

  // Behind a TLS proxy the cookie is Secure.
  auto proxied = sign_in_raw(http, "root@skybill.example", kPassword, {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(proxied.status, 200);
  EXPECT_TRUE(contains(proxied.header("set-cookie"), "; Secure")) << proxied.header("set-cookie");

  // No cookie, a forged one, and a merchant key: none is a staff session.
  EXPECT_EQ(http.get("/admin/api/session").status, 401);
  Session forged{"skybill_session=" + std::string(43, 'A'), s.csrf, {}};
  EXPECT_EQ(as(http, forged, "GET", "/admin/api/me").status, 401);
  auto m = create_merchant(*env);
  EXPECT_EQ(with_key(http, m.api_key, "GET", "/admin/api/session").status, 403);
}

TEST_F(StaffSignInTest, ChangesThroughTheCookieNeedTheCsrfTokenKeysDoNot) {
  user_id("Root Admin", "root@skybill.example", "admin");
  HttpClient http(server->port());
  auto s = sign_in(http, "root@skybill.example");
  nlohmann::json anna = {{"name", "Anna"}, {"email", "anna@skybill.example"}, {"role", "support"}, {"password", kPassword}};

  auto without = as(http, s, "POST", "/admin/api/staff", anna, false);
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_EQ(type_of(without), "https://skybill.dev/problems/csrf-failed");
  Session wrong = s;
  wrong.csrf = std::string(64, '0');
  EXPECT_EQ(as(http, wrong, "POST", "/admin/api/staff", anna).status, 403);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM staff_users WHERE email = 'anna@skybill.example'"), "0");
  EXPECT_EQ(as(http, s, "DELETE", "/admin/api/session", nullptr, false).status, 403) << "sign-out is a change too";

  auto with = as(http, s, "POST", "/admin/api/staff", anna);
  ASSERT_EQ(with.status, 201) << with.body;
  EXPECT_EQ(with.json()["role"], "support");
  EXPECT_FALSE(with.json().contains("password_hash"));

  // Another session's token does not do.
  auto other = sign_in(http, "root@skybill.example");
  Session mixed = s;
  mixed.csrf = other.csrf;
  EXPECT_EQ(as(http, mixed, "PATCH", "/admin/api/staff/" + with.json()["id"].get<std::string>(),
               {{"role", "accountant"}})
                .status,
            403);

  // A staff key is not sent by browsers on their own: no CSRF token.
  auto key = admin_key();
  auto by_key = with_key(http, key, "POST", "/admin/api/staff",
                         {{"name", "Boris"}, {"email", "boris@skybill.example"}, {"role", "accountant"},
                          {"password", kPassword}});
  EXPECT_EQ(by_key.status, 201) << by_key.body;
  // A bearer key wins over a cookie sent beside it.
  auto both = http.request("GET", "/admin/api/me", {}, {{"Authorization", "Bearer " + key}, {"Cookie", s.cookie}});
  ASSERT_EQ(both.status, 200);
  EXPECT_EQ(both.json()["name"], "Root");
}

TEST_F(StaffSignInTest, PasswordRulesAreClear422s) {
  auto key = admin_key();
  HttpClient http(server->port());
  auto bad = with_key(http, key, "POST", "/admin/api/staff",
                      {{"name", "Weak"}, {"email", "not-an-address"}, {"role", "pilot"}, {"password", "aaaaaaaaaaaaaaaa"}});
  ASSERT_EQ(bad.status, 422) << bad.body;
  std::map<std::string, std::string> errors;
  auto problem = bad.json();
  for (const auto& e : problem["errors"]) errors[e["field"]] += e["message"].get<std::string>() + ";";
  EXPECT_TRUE(errors.count("email"));
  EXPECT_TRUE(errors.count("role"));
  EXPECT_TRUE(contains(errors["password"], "one character repeated")) << errors["password"];

  auto same = with_key(http, key, "POST", "/admin/api/staff",
                       {{"name", "Same"}, {"email", "same.as.mail@skybill.example"}, {"role", "support"},
                        {"password", "Same.As.Mail@skybill.example"}});
  ASSERT_EQ(same.status, 422);
  EXPECT_TRUE(contains(same.body, "must not be the e-mail address")) << same.body;
  auto short_one = with_key(http, key, "POST", "/admin/api/staff",
                            {{"name", "Short"}, {"email", "short@skybill.example"}, {"role", "support"},
                             {"password", "Short-1"}});
  EXPECT_TRUE(contains(short_one.body, "at least 12 characters")) << short_one.body;
  EXPECT_EQ(db->scalar("SELECT count(*) FROM staff_users WHERE email IS NOT NULL"), "0");
}

TEST_F(StaffSignInTest, WrongPasswordUnknownEmailAndDisabledUserAnswerAlike) {
  user_id("Anna", "anna@skybill.example", "support");
  user_id("Gone", "gone@skybill.example", "support");
  ASSERT_EQ(run_cli({"staff", "user", "disable", "--email", "gone@skybill.example"}, *env).exit_code, 0);
  HttpClient http(server->port());
  auto wrong = sign_in_raw(http, "anna@skybill.example", "Not-The-Password-1");
  auto unknown = sign_in_raw(http, "nobody@skybill.example", kPassword);
  auto disabled = sign_in_raw(http, "gone@skybill.example", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(type_of(wrong), "https://skybill.dev/problems/sign-in-failed");
  EXPECT_EQ(wrong.json()["detail"], "e-mail or password is wrong");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(disabled.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
  EXPECT_EQ(disabled.body, wrong.body);
  EXPECT_EQ(wrong.header("set-cookie"), "");
  EXPECT_EQ(db->scalar("SELECT string_agg(data->>'reason', ',' ORDER BY id) FROM audit_log "
                       "WHERE action = 'staff.sign_in_failed'"),
            "wrong_password,unknown_email,disabled");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'staff.sign_in_failed' AND actor = 'anonymous' "
                       "AND entity = 'staff' AND merchant_id IS NULL"),
            "3");
  auto malformed = sign_in_raw(http, "anna", kPassword);
  EXPECT_EQ(malformed.status, 422);
  auto missing = http.post_json("/admin/api/session", {{"email", "anna@skybill.example"}}, "");
  EXPECT_EQ(missing.status, 422);
}

TEST_F(StaffSignInTest, TheSixthFailureIn15MinutesIsRefusedUntilTheWindowPasses) {
  user_id("Anna", "anna@skybill.example", "support");
  HttpClient http(server->port());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sign_in_raw(http, "anna@skybill.example", "Wrong-Password-" + std::to_string(i)).status, 401);
  auto locked = sign_in_raw(http, "anna@skybill.example", kPassword);
  ASSERT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(type_of(locked), "https://skybill.dev/problems/too-many-attempts");
  auto retry = std::stoi(locked.header("retry-after"));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 15 * 60);
  EXPECT_EQ(locked.header("set-cookie"), "");
  // The limit is the e-mail's, known or not: it tells nothing of who has an account.
  for (int i = 0; i < 5; ++i) sign_in_raw(http, "nobody@skybill.example", "Wrong-Password-1");
  auto unknown = sign_in_raw(http, "nobody@skybill.example", "Wrong-Password-1");
  EXPECT_EQ(unknown.status, 429);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM sign_in_attempts WHERE email = 'anna@skybill.example'"), "5")
      << "a refused attempt is not counted again";
  // Other accounts from this address are not locked by Anna's failures.
  user_id("Boris", "boris@skybill.example", "support");
  EXPECT_EQ(sign_in_raw(http, "boris@skybill.example", kPassword).status, 200);

  {
    ServerProcess early(env_ahead(minutes(10)));
    HttpClient later(early.port());
    EXPECT_EQ(sign_in_raw(later, "anna@skybill.example", kPassword).status, 429) << "still within the window";
  }
  ServerProcess after(env_ahead(minutes(16)));
  HttpClient later(after.port());
  auto ok = sign_in_raw(later, "anna@skybill.example", kPassword);
  EXPECT_EQ(ok.status, 200) << ok.body;
  // A success starts the count again.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(sign_in_raw(later, "anna@skybill.example", "Wrong-Password-x").status, 401);
  EXPECT_EQ(sign_in_raw(later, "anna@skybill.example", kPassword).status, 200);
}

TEST_F(StaffSignInTest, TwentyFailuresFromOneAddressLockItOut) {
  user_id("Anna", "anna@skybill.example", "support");
  HttpClient http(server->port());
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(sign_in_raw(http, "guess" + std::to_string(i / 4) + "@skybill.example", "Wrong-Password-1").status, 401);
  auto locked = sign_in_raw(http, "anna@skybill.example", kPassword);
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_FALSE(locked.header("retry-after").empty());
  ServerProcess after(env_ahead(minutes(16)));
  HttpClient later(after.port());
  EXPECT_EQ(sign_in_raw(later, "anna@skybill.example", kPassword).status, 200);
}

TEST_F(StaffSignInTest, SignOutEndsTheSessionAndClearsTheCookie) {
  auto id = user_id("Anna", "anna@skybill.example", "support");
  HttpClient http(server->port());
  auto s = sign_in(http, "anna@skybill.example");
  auto other = sign_in(http, "anna@skybill.example");
  auto out = as(http, s, "DELETE", "/admin/api/session");
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_TRUE(out.header("set-cookie").starts_with("skybill_session=;")) << out.header("set-cookie");
  EXPECT_TRUE(contains(out.header("set-cookie"), "Max-Age=0"));
  auto after = as(http, s, "GET", "/admin/api/me");
  EXPECT_EQ(after.status, 401);
  EXPECT_TRUE(contains(after.body, "sign in again")) << after.body;
  EXPECT_EQ(as(http, other, "GET", "/admin/api/me").status, 200) << "only that session ends";
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'staff.signed_out' AND subject = '" + id +
                       "' AND actor = 'staff:" + id + "'"),
            "1");
}

TEST_F(StaffSignInTest, SessionsEndWhenIdleAndAtTheirAbsoluteLimit) {
  user_id("Anna", "anna@skybill.example", "support");
  // Sessions of at most an hour (staff.session_max_hours), idle after 30 minutes (the default).
  Env hour = {{"SKYBILL_STAFF_SESSION_MAX_HOURS", "1"}};
  Session kept, idle;
  {
    ServerProcess now(env_ahead(seconds(0), hour));
    HttpClient http(now.port());
    kept = sign_in(http, "anna@skybill.example");
    idle = sign_in(http, "anna@skybill.example");
    ASSERT_TRUE(kept.body["expires_at"].is_string());
  }
  auto at = [&](minutes ahead, const Session& s) {
    ServerProcess later(env_ahead(ahead, hour));
    HttpClient http(later.port());
    auto r = as(http, s, "GET", "/admin/api/session");
    return r.status;
  };
  EXPECT_EQ(at(minutes(20), kept), 200);
  EXPECT_EQ(at(minutes(35), idle), 401) << "unused for 35 minutes";
  EXPECT_EQ(at(minutes(35), kept), 200) << "used 15 minutes ago: its idle time slid";
  EXPECT_EQ(at(minutes(58), kept), 200);
  EXPECT_EQ(at(minutes(61), kept), 401) << "an hour after sign-in, though used 3 minutes ago";
}

TEST_F(StaffSignInTest, PasswordChangeEndsTheOtherSessions) {
  auto id = user_id("Anna", "anna@skybill.example", "support");
  HttpClient http(server->port());
  auto here = sign_in(http, "anna@skybill.example");
  auto elsewhere = sign_in(http, "anna@skybill.example");
  const std::string fresh = "Runway-Twenty-Seven-Left";

  auto wrong = as(http, here, "POST", "/admin/api/password", {{"current_password", "Not-My-Password-1"}, {"new_password", fresh}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_TRUE(contains(wrong.body, "current_password"));
  auto weak = as(http, here, "POST", "/admin/api/password", {{"current_password", kPassword}, {"new_password", "12345"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_TRUE(contains(weak.body, "new_password"));
  auto no_csrf = as(http, here, "POST", "/admin/api/password", {{"current_password", kPassword}, {"new_password", fresh}}, false);
  EXPECT_EQ(no_csrf.status, 403);

  auto changed = as(http, here, "POST", "/admin/api/password", {{"current_password", kPassword}, {"new_password", fresh}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["sessions_revoked"], 1);
  EXPECT_EQ(as(http, here, "GET", "/admin/api/me").status, 200) << "the session that changed it stays";
  EXPECT_EQ(as(http, elsewhere, "GET", "/admin/api/me").status, 401);
  EXPECT_EQ(sign_in_raw(http, "anna@skybill.example", kPassword).status, 401);
  EXPECT_EQ(sign_in_raw(http, "anna@skybill.example", fresh).status, 200);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'staff.password_changed' AND subject = '" + id + "'"),
            "1");
  EXPECT_FALSE(db->scalar("SELECT password_changed_at FROM staff_users WHERE id = '" + id + "'").empty());
}

TEST_F(StaffSignInTest, RoleChangesAndSignInsAreAudited) {
  auto admin = user_id("Root Admin", "root@skybill.example", "admin");
  HttpClient http(server->port());
  auto s = sign_in(http, "root@skybill.example");
  auto made = as(http, s, "POST", "/admin/api/staff",
                 {{"name", "Anna"}, {"email", "anna@skybill.example"}, {"role", "support"}, {"password", kPassword}});
  ASSERT_EQ(made.status, 201) << made.body;
  auto anna = made.json()["id"].get<std::string>();

  auto changed = as(http, s, "PATCH", "/admin/api/staff/" + anna, {{"role", "accountant"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["role"], "accountant");
  auto row = nlohmann::json::parse(db->scalar(
      "SELECT row_to_json(a) FROM audit_log a WHERE action = 'staff.role_changed' AND subject = '" + anna + "'"));
  EXPECT_EQ(row["actor"], "staff:" + admin);
  EXPECT_EQ(row["entity"], "staff");
  EXPECT_EQ(row["changes"]["role"], nlohmann::json({{"from", "support"}, {"to", "accountant"}}));
  EXPECT_FALSE(row["request_id"].is_null());
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'staff.created' AND subject = '" + anna +
                       "' AND actor = 'staff:" + admin + "'"),
            "1");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'staff.created' AND actor = 'cli'"), "1");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'staff.signed_in' AND subject = '" + admin +
                       "' AND actor = 'staff:" + admin + "' AND data->>'ip' = '127.0.0.1'"),
            "1");

  // The list, and the rules of a change.
  auto list = as(http, s, "GET", "/admin/api/staff");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["data"].size(), 2u);
  EXPECT_EQ(as(http, s, "PATCH", "/admin/api/staff/" + admin, {{"role", "support"}}).status, 422)
      << "an admin cannot demote itself";
  EXPECT_EQ(as(http, s, "PATCH", "/admin/api/staff/" + anna, {{"role", "airline"}}).status, 422)
      << "airline staff need their airline";
  EXPECT_EQ(as(http, s, "PATCH", "/admin/api/staff/" + anna, {{"colour", "red"}}).status, 422);
  EXPECT_EQ(as(http, s, "PATCH", "/admin/api/staff/00000000-0000-4000-8000-000000000000", {{"role", "support"}}).status,
            404);
  // Only admins manage staff.
  auto as_anna = sign_in(http, "anna@skybill.example");
  EXPECT_EQ(as(http, as_anna, "GET", "/admin/api/staff").status, 403);
  EXPECT_EQ(as(http, as_anna, "PATCH", "/admin/api/staff/" + anna, {{"role", "admin"}}).status, 403);
}

TEST_F(StaffSignInTest, AirlineStaffAreRefusedOnGatewayWideRoutes) {
  auto m = create_merchant(*env, "Scoped Air");
  auto key = admin_key();
  HttpClient http(server->port());
  auto no_airline = with_key(http, key, "POST", "/admin/api/staff",
                             {{"name", "Olga"}, {"email", "olga@air.example"}, {"role", "airline"}, {"password", kPassword}});
  EXPECT_EQ(no_airline.status, 422);
  EXPECT_TRUE(contains(no_airline.body, "merchant_id"));
  auto unknown_airline = with_key(http, key, "POST", "/admin/api/staff",
                                  {{"name", "Olga"}, {"email", "olga@air.example"}, {"role", "airline"},
                                   {"merchant_id", "00000000-0000-4000-8000-000000000000"}, {"password", kPassword}});
  EXPECT_EQ(unknown_airline.status, 422);
  auto made = with_key(http, key, "POST", "/admin/api/staff",
                       {{"name", "Olga"}, {"email", "olga@air.example"}, {"role", "airline"},
                        {"merchant_id", m.merchant_id}, {"password", kPassword}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json()["merchant_id"], m.merchant_id);

  auto s = sign_in(http, "olga@air.example");
  EXPECT_EQ(s.body["staff"]["merchant_id"], m.merchant_id);
  EXPECT_EQ(db->scalar("SELECT merchant_id FROM audit_log WHERE action = 'staff.signed_in'"), m.merchant_id);
  auto me = as(http, s, "GET", "/admin/api/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["role"], "airline");
  EXPECT_EQ(as(http, s, "GET", "/admin/api/session").status, 200);

  std::string merchant_path = "/v1/merchants/";
  merchant_path += m.merchant_id;
  for (const std::string& path : std::vector<std::string>{"/admin/api/merchants", "/v1/payouts", "/v1/post-queue",
                                                          merchant_path, "/admin/api/staff", "/v1/documents"}) {
    auto r = as(http, s, "GET", path);
    EXPECT_EQ(r.status, 403) << path << " " << r.body;
    EXPECT_EQ(type_of(r), "https://skybill.dev/problems/forbidden") << path;
  }
  EXPECT_EQ(as(http, s, "POST", "/v1/statements", nullptr).status, 403);
  EXPECT_EQ(as(http, s, "GET", "/v1/merchant").status, 403) << "a merchant route takes the airline's API key";
  EXPECT_EQ(as(http, s, "DELETE", "/admin/api/session").status, 204) << "its own session routes work";
}

TEST_F(StaffSignInTest, DisabledUserCannotSignInAndLosesItsSessions) {
  auto anna = user_id("Anna", "anna@skybill.example", "support");
  user_id("Boris", "boris@skybill.example", "support");
  auto key = admin_key();
  HttpClient http(server->port());
  auto s = sign_in(http, "anna@skybill.example");
  ASSERT_EQ(as(http, s, "GET", "/admin/api/me").status, 200);

  auto off = with_key(http, key, "PATCH", "/admin/api/staff/" + anna, {{"disabled", true}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["disabled"], true);
  EXPECT_EQ(as(http, s, "GET", "/admin/api/me").status, 401);
  EXPECT_EQ(sign_in_raw(http, "anna@skybill.example", kPassword).status, 401);
  EXPECT_EQ(db->scalar("SELECT data->>'sessions_revoked' FROM audit_log WHERE action = 'staff.disabled' AND subject = '" +
                       anna + "'"),
            "1");

  auto on = with_key(http, key, "PATCH", "/admin/api/staff/" + anna, {{"disabled", false}});
  ASSERT_EQ(on.status, 200);
  EXPECT_EQ(as(http, s, "GET", "/admin/api/me").status, 401) << "revoked sessions stay revoked";
  EXPECT_EQ(sign_in_raw(http, "anna@skybill.example", kPassword).status, 200);

  // The command line does the same.
  auto boris = sign_in(http, "boris@skybill.example");
  auto r = run_cli({"staff", "user", "disable", "--email", "Boris@skybill.example"}, *env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["sessions_revoked"], 1);
  EXPECT_EQ(as(http, boris, "GET", "/admin/api/me").status, 401);
  EXPECT_EQ(run_cli({"staff", "user", "disable", "--email", "nobody@skybill.example"}, *env).exit_code, 1);
}
