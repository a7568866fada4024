// The console's airline, case and audit work end to end over HTTP: API keys made and revoked by
// staff (a revoked key stops at once), webhook endpoints with their deliveries, redelivery and
// enabling, support cases assigned, commented, closed and reopened with their audit rows, the
// audit trail's filters and CSV, each role held to what it may do, and airline staff kept to
// their own airline (another airline's objects answer 404).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"
#include "webhook_receiver.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kPassword = "Console-Admin-2026!";

using Session = StaffSession;

class ConsoleAdminTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    (*env)["SKYBILL_STAFF_PASSWORD_ITERATIONS"] = "1000";
    (*env)["SKYBILL_DELIVERY_POLL_MS"] = "50";
    (*env)["SKYBILL_DELIVERY_RETRY_BASE_MS"] = "60000";
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

  static Session staff(HttpClient& http, const std::string& name, const std::string& role,
                       const std::string& merchant = {}) {
    return staff_session(http, *env, name, name + "@skybill.example", role, kPassword, merchant);
  }

  static HttpResponse as(HttpClient& http, const Session& s, const std::string& method, const std::string& target,
                         const nlohmann::json& body = nullptr) {
    return as_staff(http, s, method, target, body);
  }

  // A booking of the airline and an open case on it, as a failed ticketing leaves one.
  static std::pair<std::string, std::string> booking_with_case(HttpClient& http, const MerchantKey& m,
                                                               const std::string& reference) {
    auto b = http.post_json("/v1/bookings", booking_body(reference), m.api_key);
    EXPECT_EQ(b.status, 201) << b.body;
    auto booking = b.json()["id"].get<std::string>();
    auto at = rfc3339_in(seconds(0));  // the servers' clock, not the wall clock
    auto id = db->scalar("INSERT INTO support_cases (merchant_id, booking_id, type, notes, created_at, updated_at) "
                         "VALUES ('" + m.merchant_id + "', '" + booking +
                         "', 'ticketing_failed', 'PNR cancelled by the carrier', '" + at + "', '" + at + "') RETURNING id");
    return {booking, id};
  }

  static int audit_rows(const std::string& where) {
    return std::stoi(db->scalar("SELECT count(*) FROM audit_log WHERE " + where));
  }
};

TestDatabase* ConsoleAdminTest::db = nullptr;
Env* ConsoleAdminTest::env = nullptr;
ServerProcess* ConsoleAdminTest::server = nullptr;

}  // namespace

TEST_F(ConsoleAdminTest, StaffCreateAndRevokeKeysTheSecretShownOnceARevokedKeyStopsAtOnce) {
  HttpClient http(server->port());
  auto m = create_merchant(*env, "Keys Air", "7707083893", "770701001");
  auto admin = staff(http, "admin1", "admin");
  auto base = "/admin/api/merchants/" + m.merchant_id;

  auto made = as(http, admin, "POST", base + "/keys", {{"mode", "test"}});
  ASSERT_EQ(made.status, 201) << made.body;
  auto key = made.json();
  auto secret = key["secret"].get<std::string>();
  EXPECT_TRUE(secret.starts_with("sk_test_")) << secret;
  EXPECT_EQ(key["last4"], secret.substr(secret.size() - 4));
  EXPECT_TRUE(key["revoked"].is_null());
  EXPECT_EQ(made.header("cache-control"), "no-store");
  EXPECT_EQ(http.get("/v1/clients", secret).status, 200);

  auto list = as(http, admin, "GET", base + "/keys");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json()["data"].size(), 2u);  // the CLI's and the new one
  EXPECT_EQ(list.body.find(secret), std::string::npos) << "the secret is never listed";
  auto listed = list.json();
  for (const auto& k : listed["data"]) EXPECT_FALSE(k.contains("secret"));

  auto revoked = as(http, admin, "POST", base + "/keys/" + key["id"].get<std::string>() + "/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_TRUE(revoked.json()["revoked"].is_string());
  EXPECT_EQ(http.get("/v1/clients", secret).status, 401);
  EXPECT_EQ(as(http, admin, "POST", base + "/keys/" + key["id"].get<std::string>() + "/revoke").status, 409);
  EXPECT_EQ(http.get("/v1/clients", m.api_key).status, 200) << "the other key still works";

  EXPECT_EQ(audit_rows("action = 'api_key.created' AND actor = 'staff:" + admin.id + "' AND subject = '" +
                       key["id"].get<std::string>() + "' AND merchant_id = '" + m.merchant_id + "'"),
            1);
  EXPECT_EQ(audit_rows("action = 'api_key.revoked' AND actor = 'staff:" + admin.id + "'"), 1);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE data::text LIKE '%" + secret + "%'"), "0");

  // Another airline's key through this airline's path is not found.
  auto other = create_merchant(*env, "Other Air", "7728168971", "772801001");
  EXPECT_EQ(as(http, admin, "POST", base + "/keys/" + other.key_id + "/revoke").status, 404);
  EXPECT_EQ(http.get("/v1/clients", other.api_key).status, 200);
  EXPECT_EQ(as(http, admin, "POST", base + "/keys", {{"mode", "gold"}}).status, 422);
}

TEST_F(ConsoleAdminTest, EachRoleMayPressOnlyWhatItMay) {
  HttpClient http(server->port());
  auto m = create_merchant(*env, "Roles Air", "7707083893", "770701001");
  auto [booking, case_id] = booking_with_case(http, m, "ROLES-1");
  auto support = staff(http, "support1", "support");
  auto accountant = staff(http, "accountant1", "accountant");
  auto base = "/admin/api/merchants/" + m.merchant_id;

  // Support: cases yes, keys no; reads the airline and its webhooks.
  EXPECT_EQ(as(http, support, "POST", base + "/keys", {{"mode", "test"}}).status, 403);
  EXPECT_EQ(as(http, support, "POST", base + "/keys/" + m.key_id + "/revoke").status, 403);
  EXPECT_EQ(as(http, support, "GET", base + "/keys").status, 200);
  EXPECT_EQ(as(http, support, "GET", base + "/webhook-endpoints").status, 200);
  EXPECT_EQ(as(http, support, "POST", "/admin/api/cases/" + case_id + "/comments", {{"text", "Looking"}}).status, 201);
  EXPECT_EQ(as(http, support, "GET", "/admin/api/staff").status, 403);

  // Accountant: no webhooks at all, no keys; cases yes.
  EXPECT_EQ(as(http, accountant, "GET", base + "/webhook-endpoints").status, 403);
  EXPECT_EQ(as(http, accountant, "POST", base + "/events/" + m.key_id + "/redeliver").status, 403);
  EXPECT_EQ(as(http, accountant, "POST", base + "/keys", {{"mode", "test"}}).status, 403);
  EXPECT_EQ(as(http, accountant, "GET", "/admin/api/cases?status=open").status, 200);
  EXPECT_EQ(as(http, accountant, "GET", "/admin/api/audit").status, 200);

  // A merchant key is no staff member.
  EXPECT_EQ(http.get(base + "/keys", m.api_key).status, 403);
  EXPECT_EQ(http.get("/admin/api/cases", m.api_key).status, 403);
}

TEST_F(ConsoleAdminTest, AirlineStaffSeeOnlyTheirAirlineAnotherAirlinesObjectsAreNotFound) {
  HttpClient http(server->port());
  auto mine = create_merchant(*env, "Mine Air", "7707083893", "770701001");
  auto theirs = create_merchant(*env, "Their Air", "7728168971", "772801001");
  auto [my_booking, my_case] = booking_with_case(http, mine, "MINE-1");
  auto [their_booking, their_case] = booking_with_case(http, theirs, "THEIRS-1");
  auto endpoint = http.post_json("/v1/webhook-endpoints", {{"url", "http://127.0.0.1:9/hooks"}, {"events", {"*"}}},
                                 theirs.api_key);
  ASSERT_EQ(endpoint.status, 201) << endpoint.body;
  auto their_endpoint = endpoint.json()["id"].get<std::string>();
  auto airline = staff(http, "airline1", "airline", mine.merchant_id);
  auto their = "/admin/api/merchants/" + theirs.merchant_id;
  auto my = "/admin/api/merchants/" + mine.merchant_id;

  EXPECT_EQ(as(http, airline, "GET", my).status, 200);
  EXPECT_EQ(as(http, airline, "GET", their).status, 404);
  EXPECT_EQ(as(http, airline, "GET", their + "/keys").status, 404);
  EXPECT_EQ(as(http, airline, "POST", their + "/keys", {{"mode", "test"}}).status, 404);
  EXPECT_EQ(as(http, airline, "POST", their + "/keys/" + theirs.key_id + "/revoke").status, 404);
  EXPECT_EQ(http.get("/v1/clients", theirs.api_key).status, 200);
  EXPECT_EQ(as(http, airline, "GET", their + "/webhook-endpoints").status, 404);
  EXPECT_EQ(as(http, airline, "GET", their + "/webhook-endpoints/" + their_endpoint + "/deliveries").status, 404);
  EXPECT_EQ(as(http, airline, "POST", their + "/webhook-endpoints/" + their_endpoint + "/enable").status, 404);
  EXPECT_EQ(as(http, airline, "GET", my + "/webhook-endpoints/" + their_endpoint + "/deliveries").status, 404);
  EXPECT_EQ(as(http, airline, "GET", "/admin/api/cases/" + their_case).status, 404);
  EXPECT_EQ(as(http, airline, "GET", "/admin/api/cases?airline=" + theirs.merchant_id).status, 404);
  EXPECT_EQ(as(http, airline, "GET", "/admin/api/audit?airline=" + theirs.merchant_id).status, 404);
  EXPECT_EQ(as(http, airline, "GET", "/admin/api/merchants").status, 403);

  // Their own: cases read, not written; keys made; the trail of their airline only.
  auto cases = as(http, airline, "GET", "/admin/api/cases");
  ASSERT_EQ(cases.status, 200) << cases.body;
  ASSERT_EQ(cases.json()["data"].size(), 1u);
  EXPECT_EQ(cases.json()["data"][0]["id"], my_case);
  EXPECT_EQ(as(http, airline, "GET", "/admin/api/cases/" + my_case).status, 200);
  EXPECT_EQ(as(http, airline, "POST", "/admin/api/cases/" + my_case + "/comments", {{"text", "hi"}}).status, 403);
  EXPECT_EQ(as(http, airline, "POST", "/admin/api/cases/" + my_case + "/close", {{"resolution", "x"}}).status, 403);
  auto key = as(http, airline, "POST", my + "/keys", {{"mode", "test"}});
  EXPECT_EQ(key.status, 201) << key.body;
  auto trail = as(http, airline, "GET", "/admin/api/audit?limit=100");
  ASSERT_EQ(trail.status, 200) << trail.body;
  ASSERT_FALSE(trail.json()["data"].empty());
  auto rows = trail.json();
  for (const auto& row : rows["data"]) EXPECT_EQ(row["merchant_id"], mine.merchant_id) << row.dump();
  auto csv = as(http, airline, "GET", "/admin/api/audit?format=csv");
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.find(theirs.merchant_id), std::string::npos);
}

TEST_F(ConsoleAdminTest, SupportAssignsCommentsClosesAndReopensACaseWithTheBookingBesideIt) {
  HttpClient http(server->port());
  auto m = create_merchant(*env, "Case Air", "7707083893", "770701001");
  auto [booking, case_id] = booking_with_case(http, m, "CASE-1");
  auto olga = staff(http, "olga", "support");
  auto ivan = staff(http, "ivan", "support");
  auto path = "/admin/api/cases/" + case_id;

  auto queue = as(http, olga, "GET", "/admin/api/cases?status=open&assignee=none&airline=" + m.merchant_id);
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(queue.json()["data"].size(), 1u);
  auto c = queue.json()["data"][0];
  EXPECT_EQ(c["airline"], "Case Air");
  EXPECT_EQ(c["booking"]["reference"], "CASE-1");
  EXPECT_EQ(c["booking"]["amount_minor"], 1149950);
  EXPECT_EQ(c["booking"]["currency"], "RUB");
  EXPECT_TRUE(c["booking"]["pnr"].is_string());
  EXPECT_TRUE(c["booking"]["ticketing_time_limit"].is_string());
  EXPECT_TRUE(c["booking"]["client"]["name"].is_string());

  auto assigned = as(http, olga, "POST", path + "/assign", {{"staff_id", olga.id}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(assigned.json()["assignee"]["id"], olga.id);
  EXPECT_EQ(as(http, olga, "GET", "/admin/api/cases?assignee=me").json()["data"].size(), 1u);
  EXPECT_EQ(as(http, ivan, "GET", "/admin/api/cases?assignee=me").json()["data"].size(), 0u);
  EXPECT_EQ(as(http, olga, "POST", path + "/assign", {{"staff_id", m.merchant_id}}).status, 422);
  EXPECT_EQ(as(http, olga, "POST", path + "/comments", {{"text", "   "}}).status, 422);

  auto commented = as(http, olga, "POST", path + "/comments", {{"text", "Called the carrier; reissuing."}});
  ASSERT_EQ(commented.status, 201) << commented.body;
  ASSERT_EQ(commented.json()["comments"].size(), 1u);
  EXPECT_EQ(commented.json()["comments"][0]["author"]["name"], "olga");

  EXPECT_EQ(as(http, olga, "POST", path + "/reopen").status, 409);
  EXPECT_EQ(as(http, olga, "POST", path + "/close", {{"resolution", ""}}).status, 422);
  auto closed = as(http, olga, "POST", path + "/close", {{"resolution", "Ticket reissued by the carrier"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"], "closed");
  EXPECT_EQ(closed.json()["resolution"], "Ticket reissued by the carrier");
  EXPECT_EQ(closed.json()["closed_by"]["id"], olga.id);
  EXPECT_EQ(as(http, olga, "POST", path + "/close", {{"resolution", "again"}}).status, 409);
  EXPECT_EQ(as(http, olga, "GET", "/admin/api/cases?status=open&airline=" + m.merchant_id).json()["data"].size(), 0u);

  auto reopened = as(http, ivan, "POST", path + "/reopen");
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_EQ(reopened.json()["status"], "open");
  EXPECT_TRUE(reopened.json()["closed_by"].is_null());
  auto unassigned = as(http, ivan, "POST", path + "/assign", {{"staff_id", nullptr}});
  EXPECT_TRUE(unassigned.json()["assignee"].is_null());

  auto detail = as(http, ivan, "GET", path).json();
  EXPECT_EQ(detail["booking"]["id"], booking);
  std::vector<std::string> actions;
  for (const auto& h : detail["history"]) actions.push_back(h["action"].get<std::string>());
  EXPECT_EQ(actions, (std::vector<std::string>{"support_case.assigned", "support_case.commented", "support_case.closed",
                                               "support_case.reopened", "support_case.assigned"}));
  auto trail = as(http, ivan, "GET", "/admin/api/audit?entity=support_case&id=" + case_id).json()["data"];
  ASSERT_EQ(trail.size(), 5u);
  EXPECT_EQ(trail[0]["action"], "support_case.assigned");  // newest first
  EXPECT_EQ(trail[0]["actor"], "staff:" + ivan.id);
  EXPECT_EQ(trail[0]["actor_name"], "ivan");
  EXPECT_EQ(trail[2]["changes"]["status"]["to"], "closed");
  EXPECT_EQ(audit_rows("subject = '" + case_id + "' AND merchant_id = '" + m.merchant_id + "'"), 5);
}

TEST_F(ConsoleAdminTest, WebhookEndpointsShowDeliveriesAndStaffRedeliverAndEnable) {
  WebhookReceiver receiver;
  HttpClient http(server->port());
  auto m = create_merchant(*env, "Hook Air", "7707083893", "770701001");
  auto ep = http.post_json("/v1/webhook-endpoints", {{"url", receiver.url()}, {"events", {"booking.*"}}}, m.api_key);
  ASSERT_EQ(ep.status, 201) << ep.body;
  auto endpoint = ep.json()["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings", booking_body("HOOK-1"), m.api_key).status, 201);
  auto support = staff(http, "hooks", "support");
  auto base = "/admin/api/merchants/" + m.merchant_id;

  nlohmann::json deliveries;
  for (int i = 0; i < 100; ++i) {
    deliveries = as(http, support, "GET", base + "/webhook-endpoints/" + endpoint + "/deliveries").json();
    if (!deliveries["data"].empty() && deliveries["data"][0]["status"] == "delivered") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(deliveries["data"].empty()) << deliveries.dump();
  EXPECT_EQ(deliveries["data"][0]["status"], "delivered");
  EXPECT_EQ(deliveries["data"][0]["event_type"], "booking.created");
  EXPECT_EQ(deliveries["data"][0]["last_http_status"], 200);
  auto event = deliveries["data"][0]["event_id"].get<std::string>();

  auto list = as(http, support, "GET", base + "/webhook-endpoints");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["data"].size(), 1u);
  EXPECT_EQ(list.json()["data"][0]["health"]["delivered_24h"], 1);
  EXPECT_EQ(list.json()["data"][0]["health"]["last_status"], "delivered");
  EXPECT_EQ(list.body.find("whsec_"), std::string::npos);

  auto again = as(http, support, "POST", base + "/events/" + event + "/redeliver", {{"endpoint_id", endpoint}});
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.json()["deliveries"].size(), 1u);
  for (int i = 0; i < 100 && receiver.requests().size() < 2; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(receiver.requests().size(), 2u);
  EXPECT_EQ(audit_rows("action = 'event.redelivered' AND actor = 'staff:" + support.id + "' AND merchant_id = '" +
                       m.merchant_id + "'"),
            1);
  auto page = as(http, support, "GET", base + "/webhook-endpoints/" + endpoint + "/deliveries?limit=1").json();
  ASSERT_EQ(page["data"].size(), 1u);
  ASSERT_TRUE(page["next_cursor"].is_string());
  auto next = as(http, support, "GET",
                 base + "/webhook-endpoints/" + endpoint + "/deliveries?limit=1&cursor=" + page["next_cursor"].get<std::string>())
                  .json();
  ASSERT_EQ(next["data"].size(), 1u);
  EXPECT_NE(next["data"][0]["id"], page["data"][0]["id"]);

  EXPECT_EQ(as(http, support, "POST", base + "/webhook-endpoints/" + endpoint + "/enable").status, 409);
  db->exec("UPDATE webhook_endpoints SET status = 'disabled', disabled_at = '" + rfc3339_in(seconds(0)) + "' WHERE id = '" +
           endpoint + "'");
  auto enabled = as(http, support, "POST", base + "/webhook-endpoints/" + endpoint + "/enable");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(enabled.json()["status"], "enabled");
  EXPECT_EQ(audit_rows("action = 'webhook_endpoint.enabled' AND actor = 'staff:" + support.id + "'"), 1);
}

TEST_F(ConsoleAdminTest, TheAuditTrailFiltersByActorActionAirlinePeriodAndExportsCsv) {
  HttpClient http(server->port());
  auto a = create_merchant(*env, "Audit Air", "7707083893", "770701001");
  auto b = create_merchant(*env, "Other Air", "7728168971", "772801001");
  auto admin = staff(http, "auditor", "admin");
  ASSERT_EQ(as(http, admin, "POST", "/admin/api/merchants/" + a.merchant_id + "/keys", {{"mode", "test"}}).status, 201);
  ASSERT_EQ(as(http, admin, "POST", "/admin/api/merchants/" + b.merchant_id + "/keys", {{"mode", "live"}}).status, 201);

  auto rows = [&](const std::string& q) {
    auto r = as(http, admin, "GET", "/admin/api/audit?" + q);
    EXPECT_EQ(r.status, 200) << q << ": " << r.body;
    return r.json()["data"];
  };
  auto by_actor = rows("actor=staff:" + admin.id + "&action=api_key.created");
  ASSERT_EQ(by_actor.size(), 2u);
  EXPECT_EQ(by_actor[0]["airline"], "Other Air");  // newest first
  auto by_airline = rows("airline=" + a.merchant_id + "&entity=api_key");
  ASSERT_EQ(by_airline.size(), 2u);  // the CLI's key and the staff's
  for (const auto& r : by_airline) EXPECT_EQ(r["merchant_id"], a.merchant_id);
  EXPECT_EQ(rows("action=merchant.created").size(), 2u);
  // Rows carry the database's time: the bounds come from the rows themselves, days from far off.
  auto staff_at = by_actor[1]["at"].get<std::string>();
  EXPECT_GE(rows("action=api_key.created&from=" + staff_at).size(), 2u);
  EXPECT_EQ(rows("action=api_key.created&from=2999-01-01").size(), 0u);
  // Days from the servers' clock: a year back holds nothing, a year either side holds them all.
  auto year_ago = iso_date(server_now(-hours(24 * 365))), year_on = iso_date(server_now(hours(24 * 365)));
  EXPECT_EQ(rows("action=api_key.created&to=" + year_ago).size(), 0u);
  EXPECT_EQ(rows("action=api_key.created&from=" + year_ago + "&to=" + year_on).size(), 4u);

  auto first = rows("limit=2");
  auto page = as(http, admin, "GET", "/admin/api/audit?limit=2").json();
  ASSERT_TRUE(page["next_cursor"].is_string());
  auto second = as(http, admin, "GET", "/admin/api/audit?limit=2&cursor=" + page["next_cursor"].get<std::string>()).json();
  EXPECT_LT(std::stoll(second["data"][0]["id"].get<std::string>()), std::stoll(first[1]["id"].get<std::string>()));

  EXPECT_EQ(as(http, admin, "GET", "/admin/api/audit?from=yesterday").status, 422);
  EXPECT_EQ(as(http, admin, "GET", "/admin/api/audit?airline=nope").status, 422);
  EXPECT_EQ(as(http, admin, "GET", "/admin/api/audit?cursor=abc").status, 422);

  auto csv = as(http, admin, "GET", "/admin/api/audit?format=csv&action=api_key.created");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(csv.header("content-type").starts_with("text/csv")) << csv.header("content-type");
  EXPECT_TRUE(csv.body.starts_with("id,at,actor,actor_name,airline_id,airline,entity,action")) << csv.body;
  EXPECT_EQ(line_count(csv.body), 5);  // the header and four rows
  EXPECT_NE(csv.body.find("Audit Air"), std::string::npos);
}
