// The console's bookings over real HTTP and PostgreSQL: the search by each key, filters, keyset
// paging that neither skips nor repeats, the CSV export, a booking's whole story, the Today
// queues, and who may see and do what (airline staff kept to their airline: another airline's
// booking is a 404 and never in a list; the API refuses what the console hides).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kPassword = "Console-Search-2026";

using Session = StaffSession;

class ConsoleBookingsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
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

  void SetUp() override {
    http = std::make_unique<HttpClient>(server->port());
    alpha = create_merchant(*env, "Alpha Air", "7707083893", "770701001");
    beta = create_merchant(*env, "Beta Air", "7736207543", "773601001");
    user("Ada Admin", "admin@gw.example", "admin");
    user("Sam Support", "support@gw.example", "support");
    user("Aca Accountant", "accountant@gw.example", "accountant");
    user("Alpha Agent", "agent@alpha.example", "airline", alpha.merchant_id);
    admin = sign_in("admin@gw.example");
    support = sign_in("support@gw.example");
    accountant = sign_in("accountant@gw.example");
    agent = sign_in("agent@alpha.example");
  }

  void user(const std::string& name, const std::string& email, const std::string& role, const std::string& merchant = {}) {
    auto r = create_staff_user(*env, name, email, role, kPassword, merchant);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  Session sign_in(const std::string& email) {
    return sign_in_staff(*http, email, kPassword);
  }

  HttpResponse as(const Session& s, const std::string& method, const std::string& target, const nlohmann::json& body = nullptr) {
    return as_staff(*http, s, method, target, body);
  }
  HttpResponse get(const Session& s, const std::string& target) { return as(s, "GET", target); }

  // A booking of `m`; `edit` changes the body first. Its id.
  std::string booking(const MerchantKey& m, const std::string& reference,
                      const std::function<void(nlohmann::json&)>& edit = {}) {
    auto body = booking_body(reference);
    if (edit) edit(body);
    auto r = http->post_json("/v1/bookings", body, m.api_key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  nlohmann::json choose(const MerchantKey& m, const std::string& id, const std::string& method) {
    auto r = http->post_json("/v1/bookings/" + id + "/payment-choice", {{"method", method}}, m.api_key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  // The references of a list answer, in order.
  static std::vector<std::string> refs(const HttpResponse& r) {
    std::vector<std::string> out;
    auto j = r.json();
    for (const auto& b : j["data"]) out.push_back(b["reference"]);
    return out;
  }
  std::vector<std::string> search(const Session& s, const std::string& q) {
    auto r = get(s, "/admin/api/bookings?q=" + q + "&sort=created_at");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? refs(r) : std::vector<std::string>{};
  }

  std::unique_ptr<HttpClient> http;
  MerchantKey alpha, beta;
  Session admin, support, accountant, agent;
};

TestDatabase* ConsoleBookingsTest::db = nullptr;
Env* ConsoleBookingsTest::env = nullptr;
ServerProcess* ConsoleBookingsTest::server = nullptr;

using Refs = std::vector<std::string>;

TEST_F(ConsoleBookingsTest, OneSearchBoxFindsABookingByEachKey) {
  auto a1 = booking(alpha, "ALPHA-1", [](auto& b) { b["pnr"] = "QWE123"; });
  booking(alpha, "ALPHA-2", [](auto& b) {
    b["pnr"] = "ZXC987";
    b["client"] = {{"inn", "7702070139"}, {"kpp", "770201001"}, {"name", "Vostok Trading"}};
    b["passengers"] = {{{"first_name", "Anna"}, {"last_name", "Smirnova"}}};
    b["lines"] = {{{"kind", "fare"}, {"description", "Fare J"}, {"passenger", 0}, {"amount", "20000.00"}, {"vat_rate", "10"}}};
  });
  auto number = choose(alpha, a1, "invoice")["invoice"]["number"].get<std::string>();

  EXPECT_EQ(search(admin, "ALPHA-2"), Refs{"ALPHA-2"});          // reference
  EXPECT_EQ(search(admin, "zxc987"), Refs{"ALPHA-2"});           // PNR, any case
  EXPECT_EQ(search(admin, number), Refs{"ALPHA-1"});             // invoice number
  EXPECT_EQ(search(admin, "7702070139"), Refs{"ALPHA-2"});       // client INN
  EXPECT_EQ(search(admin, "ostok%20Tra"), Refs{"ALPHA-2"});      // client name, a substring
  EXPECT_EQ(search(admin, "smirn"), Refs{"ALPHA-2"});            // passenger, any case
  EXPECT_EQ(search(admin, "11499.50"), Refs{"ALPHA-1"});         // amount
  EXPECT_EQ(search(admin, "11499%2C5"), Refs{"ALPHA-1"});
  EXPECT_EQ(search(admin, a1), Refs{"ALPHA-1"});                 // id
  EXPECT_EQ(search(admin, "Petrov"), Refs{"ALPHA-1"});
  EXPECT_TRUE(search(admin, "nobody-at-all").empty());
  EXPECT_TRUE(search(admin, "50%25").empty());                   // '%' is a character, not a wildcard

  // A row says what the list shows.
  auto r = get(admin, "/admin/api/bookings?q=ALPHA-1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto row = r.json()["data"][0];
  EXPECT_EQ(row["amount"], "11499.50");
  EXPECT_EQ(row["currency"], "RUB");
  EXPECT_EQ(row["invoice_number"], number);
  EXPECT_EQ(row["merchant"]["name"], "Alpha Air");
  EXPECT_EQ(row["client"]["inn"], "7728168971");
  EXPECT_EQ(row["passengers"], "Petrov Ivan");
  EXPECT_EQ(row["status"], "awaiting_payment");

  // Filters: status and dates (the servers' today, in their zone).
  EXPECT_EQ(refs(get(admin, "/admin/api/bookings?status=awaiting_payment")), Refs{"ALPHA-1"});
  EXPECT_EQ(refs(get(admin, "/admin/api/bookings?status=pending,paid")), Refs{"ALPHA-2"});
  // A month two years before the servers' clock: nothing was created then.
  auto far = get(admin, "/admin/api/bookings?created_from=" + iso_date(server_now(-hours(24 * 760))) +
                            "&created_to=" + iso_date(server_now(-hours(24 * 730))));
  EXPECT_EQ(far.json()["data"].size(), 0u) << far.body;
  EXPECT_EQ(get(admin, "/admin/api/bookings?status=flying").status, 422);
  EXPECT_EQ(get(admin, "/admin/api/bookings?tz=Mars/Olympus").status, 422);
}

TEST_F(ConsoleBookingsTest, AirlineStaffSeeOnlyTheirAirlineAndAnotherAirlinesBookingIsNotFound) {
  auto mine = booking(alpha, "ALPHA-1");
  auto theirs = booking(beta, "BETA-1");

  EXPECT_EQ(refs(get(agent, "/admin/api/bookings")), Refs{"ALPHA-1"});
  EXPECT_TRUE(search(agent, "BETA-1").empty());
  EXPECT_EQ(search(agent, "Petrov"), Refs{"ALPHA-1"});  // both airlines have a Petrov
  EXPECT_EQ(get(agent, "/admin/api/bookings/" + mine).status, 200);
  auto hidden = get(agent, "/admin/api/bookings/" + theirs);
  EXPECT_EQ(hidden.status, 404) << hidden.body;  // not 403: its existence is not told
  EXPECT_EQ(get(agent, "/admin/api/bookings/00000000-0000-4000-8000-000000000000").status, 404);
  EXPECT_EQ(get(agent, "/admin/api/bookings?merchant=" + beta.merchant_id).status, 422);
  auto csv = get(agent, "/admin/api/bookings?format=csv");
  EXPECT_FALSE(contains(csv.body, "BETA-1")) << csv.body;

  // Gateway staff see both, and one airline when they filter.
  EXPECT_EQ(refs(get(support, "/admin/api/bookings?sort=created_at")), (Refs{"ALPHA-1", "BETA-1"}));
  EXPECT_EQ(refs(get(support, "/admin/api/bookings?merchant=" + beta.merchant_id)), Refs{"BETA-1"});
  EXPECT_EQ(get(support, "/admin/api/bookings/" + theirs).status, 200);

  // A refund of another airline's booking is refused as if it did not exist.
  auto refund = as(agent, "POST", "/admin/api/bookings/" + theirs + "/refunds", {{"reason", "x"}});
  EXPECT_EQ(refund.status, 404) << refund.body;
}

TEST_F(ConsoleBookingsTest, TheApiRefusesWhatTheConsoleHides) {
  auto mine = booking(alpha, "ALPHA-1");
  // A merchant's API key is not a staff member.
  EXPECT_EQ(http->get("/admin/api/bookings", alpha.api_key).status, 403);
  EXPECT_EQ(http->get("/admin/api/today", alpha.api_key).status, 403);
  // No credentials at all.
  EXPECT_EQ(http->get("/admin/api/bookings").status, 401);
  // Airline staff may not retry a refund leg (gateway staff's job), whatever the ids.
  auto retry = as(agent, "POST", "/v1/refunds/" + mine + "/legs/" + mine + "/retry", nlohmann::json::object());
  EXPECT_EQ(retry.status, 403) << retry.body;
  // A change through the cookie needs the CSRF token.
  std::map<std::string, std::string> no_csrf{{"Cookie", agent.cookie}, {"Content-Type", "application/json"}};
  EXPECT_EQ(http->request("POST", "/admin/api/bookings/" + mine + "/refunds", R"({"reason":"x"})", no_csrf).status, 403);

  // Today: each role gets the queues it may work on.
  auto keys = [&](const Session& s) {
    auto r = get(s, "/admin/api/today");
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    auto j = r.json();
    for (const auto& q : j["queues"]) out.insert(q["key"]);
    return out;
  };
  auto all = std::set<std::string>{"reconciliation", "support_cases", "refunds_at_risk", "failed_payouts", "webhook_endpoints", "expiring_bookings"};
  EXPECT_EQ(keys(admin), all);
  EXPECT_FALSE(keys(support).contains("failed_payouts"));
  EXPECT_FALSE(keys(accountant).contains("webhook_endpoints"));
  auto airline = keys(agent);
  EXPECT_FALSE(airline.contains("reconciliation"));
  EXPECT_TRUE(airline.contains("expiring_bookings"));
}

TEST_F(ConsoleBookingsTest, TodayListsUnpaidBookingsWhoseTimeLimitEndsWithinTwoHours) {
  booking(alpha, "SOON", [](auto& b) { b["ticketing_time_limit"] = rfc3339_in(minutes(90)); });
  booking(alpha, "LATER", [](auto& b) { b["ticketing_time_limit"] = rfc3339_in(hours(5)); });
  booking(beta, "BETA-SOON", [](auto& b) { b["ticketing_time_limit"] = rfc3339_in(minutes(30)); });
  auto queue = [&](const Session& s) {
    auto j = get(s, "/admin/api/today").json();
    for (const auto& q : j["queues"])
      if (q["key"] == "expiring_bookings") return q;
    return nlohmann::json();
  };
  auto gw = queue(admin);
  EXPECT_EQ(gw["count"], 2);
  EXPECT_EQ(gw["items"][0]["title"], "BETA-SOON");
  EXPECT_TRUE(gw["items"][0]["href"].get<std::string>().starts_with("#/bookings/"));
  auto mine = queue(agent);
  EXPECT_EQ(mine["count"], 1);
  EXPECT_EQ(mine["items"][0]["title"], "SOON");
  EXPECT_EQ(mine["items"][0]["amount"], "11499.50");
}

TEST_F(ConsoleBookingsTest, KeysetPagesNeitherSkipNorRepeatInEverySort) {
  for (int i = 0; i < 7; ++i)
    booking(i % 2 ? alpha : beta, "PAGE-" + std::to_string(i), [i](auto& b) {
      b["ticketing_time_limit"] = rfc3339_in(hours(10 + (i * 5) % 7));
      b["lines"] = {{{"kind", "fare"}, {"description", "Fare"}, {"passenger", 0}, {"amount", std::to_string(1000 + (i % 3)) + ".00"}, {"vat_rate", "10"}}};
    });
  for (std::string sort : {"created_at", "-created_at", "ticketing_time_limit", "-ticketing_time_limit", "amount", "-amount"}) {
    auto all = get(admin, "/admin/api/bookings?limit=100&sort=" + sort);
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_TRUE(all.json()["next_cursor"].is_null());
    Refs paged;
    std::string cursor;
    int pages = 0;
    do {
      auto r = get(admin, "/admin/api/bookings?limit=3&sort=" + sort + (cursor.empty() ? "" : "&cursor=" + cursor));
      ASSERT_EQ(r.status, 200) << r.body;
      for (auto& x : refs(r)) paged.push_back(x);
      cursor = r.json()["next_cursor"].is_null() ? "" : r.json()["next_cursor"].get<std::string>();
      ++pages;
    } while (!cursor.empty() && pages < 10);
    EXPECT_EQ(pages, 3) << sort;
    EXPECT_EQ(paged, refs(all)) << sort;
  }
  auto first = get(admin, "/admin/api/bookings?limit=3&sort=amount").json()["next_cursor"].get<std::string>();
  EXPECT_EQ(get(admin, "/admin/api/bookings?limit=3&sort=-amount&cursor=" + first).status, 422);
  EXPECT_EQ(get(admin, "/admin/api/bookings?cursor=nonsense").status, 422);
  EXPECT_EQ(get(admin, "/admin/api/bookings?limit=101").status, 422);
}

TEST_F(ConsoleBookingsTest, TheCsvHasNamedColumnsMajorUnitsAndTimesInTheZoneAsked) {
  booking(alpha, "CSV-1", [](auto& b) { b["client"]["name"] = "Romashka, \"Ltd\""; });
  booking(beta, "CSV-2");
  auto r = get(admin, "/admin/api/bookings?format=csv&sort=created_at&tz=Asia/Vladivostok");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.header("content-type").starts_with("text/csv")) << r.header("content-type");
  EXPECT_TRUE(contains(r.header("content-disposition"), "attachment; filename=\"bookings")) << r.header("content-disposition");
  EXPECT_EQ(line_count(r.body), 3) << r.body;
  EXPECT_TRUE(r.body.starts_with("reference,pnr,status,airline,client,client_inn,passengers,amount,currency,invoice_number,"
                                 "ticketing_time_limit (Asia/Vladivostok),created_at (Asia/Vladivostok)\r\n"))
      << r.body;
  EXPECT_TRUE(contains(r.body, "CSV-1,ABC123,pending,Alpha Air,\"Romashka, \"\"Ltd\"\"\",7728168971,Petrov Ivan,11499.50,RUB,,")) << r.body;
  // The JSON list gives the TL in UTC; the CSV gives the same instant 10 hours ahead.
  auto tl = get(admin, "/admin/api/bookings?q=CSV-2").json()["data"][0]["ticketing_time_limit"].get<std::string>();
  EXPECT_TRUE(contains(r.body, "CSV-2,")) << r.body;
  EXPECT_FALSE(tl.empty());
}

TEST_F(ConsoleBookingsTest, ABookingsWholeStoryOnOnePageWithARefundByLinesMadeByAirlineStaff) {
  booking(alpha, "STORY-0");  // links the client to the airline
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--kpp", "772801001", "--amount", "20000.00"}, *env).exit_code, 0);
  auto id = booking(alpha, "STORY-1");
  choose(alpha, id, "deposit");

  // Airline staff refund the fare less a penalty: 10 000.00 − 1 500.00.
  auto refund = as(agent, "POST", "/admin/api/bookings/" + id + "/refunds",
                   {{"lines", {0}}, {"penalties", {{{"description", "Fare rules"}, {"amount", "1500.00"}}}}, {"reason", "Client cancelled"}});
  ASSERT_EQ(refund.status, 201) << refund.body;
  EXPECT_EQ(refund.json()["amount"], "8500.00");

  auto r = get(support, "/admin/api/bookings/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = r.json();
  EXPECT_EQ(s["booking"]["reference"], "STORY-1");
  EXPECT_EQ(s["booking"]["status"], "ticketing_authorized") << s["booking"];  // a deposit guarantees at once
  EXPECT_TRUE(s["booking"]["payment_options"].is_array());
  EXPECT_EQ(s["merchant"]["name"], "Alpha Air");
  ASSERT_EQ(s["price_versions"].size(), 1u);
  EXPECT_EQ(s["price_versions"][0]["amount"], "11499.50");
  EXPECT_EQ(s["price_versions"][0]["lines"].size(), 3u);
  EXPECT_EQ(s["price_versions"][0]["lines"][1]["amount"], "499.50");
  ASSERT_EQ(s["invoices"].size(), 1u);
  EXPECT_EQ(s["invoices"][0]["method"], "deposit");
  EXPECT_EQ(s["invoices"][0]["refunded"], "8500.00");
  EXPECT_EQ(s["invoices"][0]["paid"], "11499.50");
  EXPECT_TRUE(s["payments"].is_array());  // a deposit is drawn on in the ledger: no bank or card payment
  ASSERT_EQ(s["refunds"].size(), 1u);
  EXPECT_EQ(s["refunds"][0]["penalty"], "1500.00");
  EXPECT_EQ(s["refunds"][0]["legs"][0]["route"], "deposit");
  EXPECT_EQ(s["refunds"][0]["legs"][0]["amount"], "8500.00");
  EXPECT_TRUE(s["events"].is_array());
  EXPECT_FALSE(s["events"].empty());
  EXPECT_TRUE(s["support_cases"].is_array());
  std::set<std::string> actions;
  for (const auto& a : s["audit"]) actions.insert(a["action"]);
  EXPECT_TRUE(actions.contains("booking.created")) << s["audit"];
  EXPECT_TRUE(actions.contains("refund.created")) << s["audit"];
  // The refund was made by the airline's staff member, and says so.
  EXPECT_EQ(s["refunds"][0]["created_by"].get<std::string>().rfind("staff:", 0), 0u);
  // Nothing else leaks: the amount is in the list too.
  EXPECT_EQ(get(agent, "/admin/api/bookings?q=STORY-1").json()["data"][0]["amount"], "11499.50");
}

}  // namespace
