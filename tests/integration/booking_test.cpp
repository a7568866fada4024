// Bookings over HTTP: intake and its validation, reads, tenancy, payment options, the
// client's choice of a method, invoices and their numbering, and races on funds.
#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kProblems = "https://skybill.dev/problems/";

const nlohmann::json& option(const nlohmann::json& booking, const std::string& method) {
  for (const auto& o : booking["payment_options"])
    if (o["method"] == method) return o;
  throw std::runtime_error("no option " + method);
}

class BookingTest : public ServerSuite {
 protected:
  void SetUp() override { m = create_merchant(*env); }
  HttpResponse create(HttpClient& http, const nlohmann::json& body) { return http.post_json("/v1/bookings", body, m.api_key); }
  MerchantKey m;
};

}  // namespace

TEST_F(BookingTest, CreatedBookingHasTotalsVatPerRateOptionsAndAPaymentUrl) {
  HttpClient http(server->port());
  auto r = create(http, booking_body("ORD-1"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = r.json();
  EXPECT_EQ(b["status"], "pending");
  EXPECT_EQ(b["reference"], "ORD-1");
  EXPECT_EQ(b["client"]["inn"], "7728168971");
  EXPECT_EQ(b["totals"]["amount"], "11499.50");
  EXPECT_EQ(b["totals"]["vat"], "999.16");  // 909.09 + 90.07 + 0
  ASSERT_EQ(b["totals"]["by_vat_rate"].size(), 3u);
  EXPECT_EQ(b["totals"]["by_vat_rate"][0], (nlohmann::json{{"vat_rate", "22"}, {"amount", "499.50"}, {"vat", "90.07"}}));
  EXPECT_EQ(b["totals"]["by_vat_rate"][1], (nlohmann::json{{"vat_rate", "10"}, {"amount", "10000.00"}, {"vat", "909.09"}}));
  EXPECT_EQ(b["totals"]["by_vat_rate"][2], (nlohmann::json{{"vat_rate", "none"}, {"amount", "1000.00"}, {"vat", "0.00"}}));
  std::string url = b["payment_url"];
  EXPECT_TRUE(url.starts_with("http://localhost:8080/pay/")) << url;
  EXPECT_GE(url.size() - std::string("http://localhost:8080/pay/").size(), 32u);
  EXPECT_TRUE(option(b, "invoice")["available"]) << "TL is 72 h away";
  EXPECT_TRUE(option(b, "card")["available"]);
  EXPECT_FALSE(option(b, "credit_line")["available"]) << "no credit line";
  EXPECT_EQ(b["invoice"], nullptr);

  auto got = http.get("/v1/bookings/" + b["id"].get<std::string>(), m.api_key);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["totals"], b["totals"]);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'booking.created' AND payload->>'id' = '" +
                       b["id"].get<std::string>() + "'"),
            "1");
}

TEST_F(BookingTest, TimeLimitWithin24HoursOffersOnlyGuarantees) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-SOON", hours(3))).json();
  EXPECT_FALSE(option(b, "invoice")["available"]);
  EXPECT_NE(option(b, "invoice")["reason"].get<std::string>().find("24"), std::string::npos);
  EXPECT_TRUE(option(b, "card_hold")["available"]);
  EXPECT_TRUE(option(b, "guarantee_letter")["available"]);
}

TEST_F(BookingTest, EveryInvalidFieldIsNamedAndNothingIsStored) {
  HttpClient http(server->port());
  auto body = booking_body("ORD-BAD");
  body["lines"][0]["amount"] = "100.5";
  body["lines"][1]["vat_rate"] = "18";
  body["lines"][2]["passenger"] = 3;
  body["segments"][0]["from"] = "svo";
  body["contact_email"] = "not-an-email";
  body["ticketing_time_limit"] = rfc3339_in(seconds(30));
  body["colour"] = "red";
  auto before = db->scalar("SELECT count(*) FROM bookings");
  auto r = create(http, body);
  ASSERT_EQ(r.status, 422) << r.body;
  std::set<std::string> fields;
  auto problem = r.json();
  for (const auto& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
  for (const char* f : {"lines[0].amount", "lines[1].vat_rate", "lines[2].passenger", "segments[0].from",
                        "contact_email", "ticketing_time_limit", "colour"})
    EXPECT_TRUE(fields.count(f)) << "missing " << f << " in " << r.body;
  EXPECT_EQ(db->scalar("SELECT count(*) FROM bookings"), before);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM clients WHERE inn = '7728168971'"), "0") << "no half-written client";
}

TEST_F(BookingTest, SecondBookingWithTheSameReferenceIs409NamingTheFirst) {
  HttpClient http(server->port());
  auto first = create(http, booking_body("ORD-DUP")).json();
  auto second = create(http, booking_body("ORD-DUP"));
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.json()["type"], kProblems + "booking-reference-taken");
  EXPECT_NE(second.json()["detail"].get<std::string>().find(first["id"].get<std::string>()), std::string::npos);
  // Another airline may use the same reference.
  auto other = create_merchant(*env, "Other Air");
  EXPECT_EQ(http.post_json("/v1/bookings", booking_body("ORD-DUP"), other.api_key).status, 201);
}

TEST_F(BookingTest, AnotherMerchantsBookingIsNotFoundAndListsAreScoped) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-MINE")).json();
  auto other = create_merchant(*env, "Other Air");
  EXPECT_EQ(http.get("/v1/bookings/" + b["id"].get<std::string>(), other.api_key).status, 404);
  EXPECT_EQ(http.get("/v1/bookings", other.api_key).json()["data"].size(), 0u);
  EXPECT_EQ(http.get("/v1/bookings?reference=ORD-MINE", m.api_key).json()["data"].size(), 1u);
}

TEST_F(BookingTest, ListFiltersAndPages) {
  HttpClient http(server->port());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(create(http, booking_body("ORD-L" + std::to_string(i))).status, 201);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = http.get("/v1/bookings?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), m.api_key).json();
    for (const auto& b : page["data"]) seen.insert(b["reference"].get<std::string>());
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(http.get("/v1/bookings?status=pending", m.api_key).json()["data"].size(), 5u);
  EXPECT_EQ(http.get("/v1/bookings?status=paid", m.api_key).json()["data"].size(), 0u);
  EXPECT_EQ(http.get("/v1/bookings?status=nonsense", m.api_key).status, 422);
  EXPECT_EQ(http.get("/v1/bookings?created_from=" + rfc3339_in(hours(1)), m.api_key).json()["data"].size(), 0u);
}

TEST_F(BookingTest, ChoosingInvoiceIssuesANumberedInvoiceAndAwaitsPayment) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-INV")).json();
  auto id = b["id"].get<std::string>();
  auto r = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "invoice"}}, m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  auto chosen = r.json();
  EXPECT_EQ(chosen["status"], "awaiting_payment");
  EXPECT_EQ(chosen["payment_method"], "invoice");
  auto inv = chosen["invoice"];
  ASSERT_TRUE(inv.is_object());
  std::string number = inv["number"];
  // The airline's own series, in the servers' year (Moscow time): "<its prefix>-<year>-000001".
  std::string prefix = http.get("/v1/merchant", m.api_key).json()["invoice_prefix"];
  EXPECT_EQ(number, prefix + "-" + iso_date(server_now()).substr(0, 4) + "-000001");
  EXPECT_EQ(inv["status"], "open");
  EXPECT_EQ(inv["totals"]["amount"], "11499.50");
  EXPECT_EQ(http.get("/v1/invoices/" + inv["id"].get<std::string>(), m.api_key).json()["number"], number);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'invoice.issued'"), "1");

  auto again = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "invoice"}}, m.api_key);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["type"], kProblems + "payment-method-already-chosen");
}

TEST_F(BookingTest, InvoiceNumbersHaveNoGapsPerMerchant) {
  HttpClient http(server->port());
  std::vector<std::string> numbers;
  for (int i = 0; i < 3; ++i) {
    auto b = create(http, booking_body("ORD-N" + std::to_string(i))).json();
    auto r = http.post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice", {{"method", "card"}},
                            m.api_key);
    ASSERT_EQ(r.status, 200) << r.body;
    numbers.push_back(r.json()["invoice"]["number"]);
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(numbers[static_cast<std::size_t>(i)].ends_with("00000" + std::to_string(i + 1)))
      << numbers[static_cast<std::size_t>(i)];
  // A failed choice (unavailable method) consumes no number.
  auto b = create(http, booking_body("ORD-N-FAIL")).json();
  auto fail = http.post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                             {{"method", "credit_line"}}, m.api_key);
  EXPECT_EQ(fail.status, 409);
  EXPECT_EQ(fail.json()["type"], kProblems + "payment-method-unavailable");
  auto next = http.post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice", {{"method", "card"}},
                             m.api_key);
  EXPECT_TRUE(next.json()["invoice"]["number"].get<std::string>().ends_with("000004"));
}

TEST_F(BookingTest, DepositChoicePaysAtOnceAndAuthorisesTicketing) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-DEP", hours(2))).json();
  auto top_up = run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, *env);
  ASSERT_EQ(top_up.exit_code, 0) << top_up.err;
  auto r = http.post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice", {{"method", "deposit"}},
                          m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ticketing_authorized");
  EXPECT_EQ(r.json()["invoice"]["status"], "paid");
  auto show = run_cli({"client", "show", "--inn", "7728168971"}, *env);
  EXPECT_NE(show.out.find("8500.50"), std::string::npos) << show.out;  // 20000.00 - 11499.50
  EXPECT_EQ(run_cli({"ledger", "verify"}, *env).exit_code, 0);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'booking.ticketing_authorized'"), "1");
}

TEST_F(BookingTest, ConcurrentDoubleChoiceOnOneBookingMakesOneInvoice) {
  HttpClient setup(server->port());
  auto b = create(setup, booking_body("ORD-RACE")).json();
  auto path = "/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice";
  constexpr int n = 6;
  std::latch go(n);
  std::vector<int> statuses(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      HttpClient http(server->port());
      go.arrive_and_wait();
      statuses[static_cast<std::size_t>(i)] = http.post_json(path, {{"method", "invoice"}}, m.api_key).status;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), n - 1);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM invoices WHERE booking_id = '" + b["id"].get<std::string>() + "'"), "1");
}

TEST_F(BookingTest, TwoBookingsRacingForTheLastOfACreditLimitCannotBothWin) {
  HttpClient setup(server->port());
  // The client must exist first: the first booking creates it.
  auto first = create(setup, booking_body("ORD-C1", hours(5))).json();
  auto second = create(setup, booking_body("ORD-C2", hours(5))).json();
  auto credit = run_cli({"client", "credit", "set", "--inn", "7728168971", "--kpp", "772801001", "--limit", "15000.00",
                    "--deferral-days", "30"},
                   *env);
  ASSERT_EQ(credit.exit_code, 0) << credit.err;
  // Each booking is 11499.50: the limit covers one of them, not both.
  std::latch go(2);
  int s1 = 0, s2 = 0;
  auto choose = [&](const nlohmann::json& b, int& status) {
    HttpClient http(server->port());
    go.arrive_and_wait();
    status = http.post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                            {{"method", "credit_line"}}, m.api_key)
                 .status;
  };
  std::thread a([&] { choose(first, s1); }), c([&] { choose(second, s2); });
  a.join();
  c.join();
  EXPECT_EQ((s1 == 200) + (s2 == 200), 1) << s1 << " " << s2;
  EXPECT_EQ((s1 == 409) + (s2 == 409), 1) << s1 << " " << s2;
  EXPECT_EQ(db->scalar("SELECT count(*) FROM invoices WHERE method = 'credit_line'"), "1");
  EXPECT_EQ(run_cli({"ledger", "verify"}, *env).exit_code, 0);
}

TEST_F(BookingTest, CancelVoidsTheInvoiceButNotAfterAGuarantee) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-CANCEL")).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "invoice"}}, m.api_key).status, 200);
  auto r = http.post_json("/v1/bookings/" + id + "/cancel", nlohmann::json::object(), m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "cancelled");
  EXPECT_EQ(db->scalar("SELECT status FROM invoices WHERE booking_id = '" + id + "'"), "void");
  EXPECT_EQ(http.post_json("/v1/bookings/" + id + "/cancel", nlohmann::json::object(), m.api_key).status, 409);

  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, *env).exit_code, 0);
  auto g = create(http, booking_body("ORD-CANCEL-G")).json();
  auto gid = g["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + gid + "/payment-choice", {{"method", "deposit"}}, m.api_key).status, 200);
  auto refused = http.post_json("/v1/bookings/" + gid + "/cancel", nlohmann::json::object(), m.api_key);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.json()["type"], kProblems + "booking-not-cancellable");
}

TEST_F(BookingTest, TicketsAreRecordedOnceTicketingIsAuthorised) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-TKT")).json();
  auto id = b["id"].get<std::string>();
  nlohmann::json tickets = {{"tickets", {{{"passenger", 0}, {"number", "5552100000001"}}}}};
  auto early = http.post_json("/v1/bookings/" + id + "/tickets", tickets, m.api_key);
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.json()["type"], kProblems + "ticketing-not-authorized");
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, *env).exit_code, 0);
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "deposit"}}, m.api_key).status, 200);
  auto bad = http.post_json("/v1/bookings/" + id + "/tickets", {{"tickets", {{{"passenger", 5}, {"number", "12"}}}}},
                            m.api_key);
  EXPECT_EQ(bad.status, 422);
  auto r = http.post_json("/v1/bookings/" + id + "/tickets", tickets, m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ticketed");
  EXPECT_EQ(r.json()["tickets"][0]["number"], "5552100000001");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'booking.ticketed'"), "1");
}

TEST_F(BookingTest, TicketingFailedOpensACaseAndReleasesTheCreditUsed) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-FAIL", hours(5))).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(run_cli({"client", "credit", "set", "--inn", "7728168971", "--limit", "50000.00", "--deferral-days", "45"},
                    *env)
                .exit_code,
            0);
  auto chosen = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "credit_line"}}, m.api_key);
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.json()["status"], "ticketing_authorized");
  auto show = nlohmann::json::parse(run_cli({"client", "show", "--inn", "7728168971"}, *env).out);
  EXPECT_NE(show.dump().find("11499.50"), std::string::npos) << "credit used: " << show.dump();

  auto r = http.post_json("/v1/bookings/" + id + "/ticketing-failed", {{"reason", "PNR cancelled by the carrier"}},
                          m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ticketing_failed");
  auto cases = http.get("/v1/cases?booking=" + id, m.api_key).json();
  ASSERT_EQ(cases["data"].size(), 1u);
  EXPECT_EQ(cases["data"][0]["type"], "ticketing_failed");
  EXPECT_EQ(cases["data"][0]["notes"], "PNR cancelled by the carrier");
  EXPECT_EQ(db->scalar("SELECT sum(p.amount_minor) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id "
                       "WHERE a.kind = 'credit_receivable'"),
            "0");
  EXPECT_EQ(run_cli({"ledger", "verify"}, *env).exit_code, 0);
}

TEST_F(BookingTest, ExpiryJobOfAnotherInstanceExpiresAndAChoiceAfterwardsOpensACase) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-EXP", minutes(2))).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "card"}}, m.api_key).status, 200);
  auto kept = create(http, booking_body("ORD-NOT-YET", hours(5))).json();

  // A second instance whose clock is an hour ahead runs the expiry job often.
  auto future_env = *env;
  future_env["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(hours(1));
  future_env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
  ServerProcess future(future_env);
  bool expired = false;
  for (int i = 0; i < 100 && !expired; ++i) {
    expired = db->scalar("SELECT status FROM bookings WHERE id = '" + id + "'") == "expired";
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_TRUE(expired);
  EXPECT_EQ(db->scalar("SELECT status FROM invoices WHERE booking_id = '" + id + "'"), "void");
  EXPECT_EQ(db->scalar("SELECT status FROM bookings WHERE id = '" + kept["id"].get<std::string>() + "'"), "pending");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'booking.expired' AND payload->>'id' = '" + id + "'"),
            "1");

  auto late = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "card_hold"}}, m.api_key);
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.json()["type"], kProblems + "booking-expired");
  auto cases = http.get("/v1/cases?booking=" + id, m.api_key).json();
  ASSERT_EQ(cases["data"].size(), 1u);
  EXPECT_EQ(cases["data"][0]["type"], "choice_after_expiry");
}

TEST_F(BookingTest, PriceChangeKeepsHistoryAndReissuesTheOpenInvoice) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-PRICE")).json();
  auto id = b["id"].get<std::string>();
  auto chosen = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "invoice"}}, m.api_key).json();
  auto old_number = chosen["invoice"]["number"].get<std::string>();
  nlohmann::json lines = {{"lines",
                           {{{"kind", "fare"}, {"description", "Fare Y"}, {"amount", "12000.00"}, {"vat_rate", "10"}},
                            {{"kind", "fee"}, {"description", "Fee"}, {"amount", "500.00"}, {"vat_rate", "none"}}}}};
  auto r = http.request("PUT", "/v1/bookings/" + id + "/lines", lines.dump(),
                        {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto after = r.json();
  EXPECT_EQ(after["price_version"], 2);
  EXPECT_EQ(after["totals"]["amount"], "12500.00");
  EXPECT_EQ(after["status"], "awaiting_payment");
  EXPECT_EQ(after["invoice"]["totals"]["amount"], "12500.00");
  EXPECT_NE(after["invoice"]["number"], old_number);
  EXPECT_EQ(db->scalar("SELECT status FROM invoices WHERE number = '" + old_number + "'"), "void");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM booking_price_versions WHERE booking_id = '" + id + "'"), "2");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM booking_lines WHERE booking_id = '" + id + "' AND version = 1"), "3");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'booking.price_changed'"), "1");

  auto bad = http.request("PUT", "/v1/bookings/" + id + "/lines", R"({"lines": [{"kind": "fare"}]})",
                          {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(db->scalar("SELECT price_version FROM bookings WHERE id = '" + id + "'"), "2");
}

TEST_F(BookingTest, PriceChangeAfterAGuaranteeIs409AndOpensACase) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-LOCKED")).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, *env).exit_code, 0);
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "deposit"}}, m.api_key).status, 200);
  nlohmann::json lines = {{"lines", {{{"kind", "fare"}, {"description", "F"}, {"amount", "1.00"}, {"vat_rate", "0"}}}}};
  auto r = http.request("PUT", "/v1/bookings/" + id + "/lines", lines.dump(),
                        {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json()["type"], kProblems + "price-locked");
  EXPECT_NE(r.json()["detail"].get<std::string>().find("refund"), std::string::npos);
  auto cases = http.get("/v1/cases?booking=" + id, m.api_key).json();
  ASSERT_EQ(cases["data"].size(), 1u);
  EXPECT_EQ(cases["data"][0]["type"], "price_change_after_guarantee");
  EXPECT_EQ(db->scalar("SELECT price_version FROM bookings WHERE id = '" + id + "'"), "1");
}

TEST_F(BookingTest, AnOverdueCreditInvoiceBlocksTheCreditLine) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-OVERDUE", hours(5))).json();
  ASSERT_EQ(run_cli({"client", "credit", "set", "--inn", "7728168971", "--limit", "100000.00", "--deferral-days", "3"},
                    *env)
                .exit_code,
            0);
  ASSERT_EQ(http.post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                           {{"method", "credit_line"}}, m.api_key)
                .status,
            200);
  {
    // Four days later, the job of another instance finds the invoice unpaid.
    auto future_env = *env;
    future_env["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(days(4));
    future_env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
    ServerProcess future(future_env);
    bool overdue = false;
    for (int i = 0; i < 100 && !overdue; ++i) {
      overdue = db->scalar("SELECT status FROM invoices WHERE booking_id = '" + b["id"].get<std::string>() + "'") ==
                "overdue";
      std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_TRUE(overdue);
  }
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'invoice.overdue'"), "1");
  auto next = create(http, booking_body("ORD-AFTER", hours(5))).json();
  EXPECT_FALSE(option(next, "credit_line")["available"]);
  EXPECT_NE(option(next, "credit_line")["reason"].get<std::string>().find("overdue"), std::string::npos);
}

TEST_F(BookingTest, RetryOfAnAcceptedBookingReplaysEvenWhenItsTimeLimitIsNowTooClose) {
  HttpClient http(server->port());
  auto body = booking_body("ORD-RETRY", seconds(62));
  auto first = http.post_json("/v1/bookings", body, m.api_key, {{"Idempotency-Key", "retry-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  std::this_thread::sleep_for(seconds(3));  // the same body would now fail "one minute ahead"
  auto again = http.post_json("/v1/bookings", body, m.api_key, {{"Idempotency-Key", "retry-1"}});
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(http.post_json("/v1/bookings", body, m.api_key).status, 422) << "a new request is checked against now";
}

TEST_F(BookingTest, TicketingFailedVoidsACardHoldAndRefusesUnknownFields) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-HOLD", hours(3))).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "card_hold"}}, m.api_key).status, 200);
  EXPECT_EQ(http.post_json("/v1/bookings/" + id + "/ticketing-failed", {{"why", "x"}}, m.api_key).status, 422);
  auto r = http.post_json("/v1/bookings/" + id + "/ticketing-failed", nlohmann::json::object(), m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(db->scalar("SELECT status FROM invoices WHERE booking_id = '" + id + "'"), "void");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'invoice.voided'"), "1");
  EXPECT_EQ(http.get("/v1/cases?type=ticketing_failed", m.api_key).json()["data"].size(), 1u);
  EXPECT_EQ(http.get("/v1/cases?type=choice_after_expiry", m.api_key).json()["data"].size(), 0u);
  EXPECT_EQ(http.get("/v1/cases?type=bogus", m.api_key).status, 422);
}

TEST_F(BookingTest, StaffApproveAGuaranteeLetterAndTicketingIsAuthorised) {
  HttpClient http(server->port());
  auto b = create(http, booking_body("ORD-LETTER", hours(3))).json();
  auto id = b["id"].get<std::string>();
  auto chosen = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "guarantee_letter"}}, m.api_key);
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.json()["status"], "awaiting_payment") << "waits for staff";

  auto key = [&](const char* role) {
    auto r = run_cli({"staff", "key", "create", "--name", std::string("Staff ") + role, "--role", role}, *env);
    return nlohmann::json::parse(r.out)["staff_key"].get<std::string>();
  };
  auto path = "/admin/api/bookings/" + id + "/approve-guarantee-letter";
  EXPECT_EQ(http.post_json(path, nlohmann::json::object(), m.api_key).status, 403) << "not with a merchant key";
  EXPECT_EQ(http.post_json(path, nlohmann::json::object(), key("accountant")).status, 403);
  auto ok = http.post_json(path, nlohmann::json::object(), key("support"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["status"], "ticketing_authorized");
  EXPECT_EQ(http.post_json(path, nlohmann::json::object(), key("admin")).status, 409) << "only once";
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'guarantee_letter.approved'"), "1");
}

TEST_F(BookingTest, TicketsMustCoverEveryPassengerOnceEach) {
  HttpClient http(server->port());
  auto body = booking_body("ORD-TWO");
  body["passengers"].push_back({{"first_name", "Anna"}, {"last_name", "Petrova"}});
  auto b = create(http, body).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, *env).exit_code, 0);
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "deposit"}}, m.api_key).status, 200);
  auto path = "/v1/bookings/" + id + "/tickets";
  auto one = http.post_json(path, {{"tickets", {{{"passenger", 0}, {"number", "5552100000001"}}}}}, m.api_key);
  EXPECT_EQ(one.status, 422) << "passenger 1 has no ticket";
  auto twice = http.post_json(path,
                              {{"tickets",
                                {{{"passenger", 0}, {"number", "5552100000001"}},
                                 {{"passenger", 1}, {"number", "5552100000001"}}}}},
                              m.api_key);
  EXPECT_EQ(twice.status, 422) << "one number for two passengers";
  EXPECT_EQ(db->scalar("SELECT status FROM bookings WHERE id = '" + id + "'"), "ticketing_authorized");
  auto ok = http.post_json(path,
                           {{"tickets",
                             {{{"passenger", 0}, {"number", "5552100000001"}},
                              {{"passenger", 1}, {"number", "5552100000002"}}}}},
                           m.api_key);
  EXPECT_EQ(ok.status, 200) << ok.body;
}
