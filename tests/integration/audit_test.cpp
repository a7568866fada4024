// The audit trail: who changed what (the credential, not the merchant), before and after, with
// the request id, in the same transaction; append-only; read back through GET /v1/audit.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

// One fare line of 10 000.00 at 10 % VAT: the audit rows below name these totals.
nlohmann::json one_line_booking(const std::string& reference, seconds tl_ahead = hours(72)) {
  return {{"reference", reference},
          {"pnr", "ABC123"},
          {"client", {{"inn", "7728168971"}, {"kpp", "772801001"}, {"name", "Romashka LLC"}}},
          {"contact_email", "booker@romashka.example"},
          {"passengers", {{{"first_name", "Ivan"}, {"last_name", "Petrov"}}}},
          {"segments",
           {{{"flight", "SU1234"}, {"from", "SVO"}, {"to", "LED"}, {"departure", rfc3339_in(tl_ahead + days(7))}}}},
          {"lines", {{{"kind", "fare"}, {"description", "Fare Y"}, {"amount", "10000.00"}, {"vat_rate", "10"}}}},
          {"currency", "RUB"},
          {"ticketing_time_limit", rfc3339_in(tl_ahead)}};
}

nlohmann::json change(const nlohmann::json& from, const nlohmann::json& to) { return {{"from", from}, {"to", to}}; }

class AuditTest : public ServerSuite {
 protected:
  void SetUp() override { m = create_merchant(*env); }

  // Every row of one entity, following next_cursor page by page (`limit` rows a page).
  nlohmann::json trail(HttpClient& http, const std::string& entity, const std::string& id, const std::string& key,
                       int limit = 100) {
    nlohmann::json rows = nlohmann::json::array();
    std::string cursor;
    for (int pages = 0; pages < 50; ++pages) {
      auto r = http.get("/v1/audit?entity=" + entity + "&id=" + id + "&limit=" + std::to_string(limit) +
                            (cursor.empty() ? "" : "&cursor=" + cursor),
                        key);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      auto page = r.json();
      for (const auto& row : page["data"]) rows.push_back(row);
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"].get<std::string>();
    }
    return rows;
  }

  std::string api_key_actor() const { return "api_key:" + m.key_id; }
  MerchantKey m;
};

std::vector<std::string> actions(const nlohmann::json& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r["action"]);
  return out;
}

}  // namespace

TEST_F(AuditTest, ABookingsLifeIsAuditedWithTheKeyTheRequestIdAndEachStatusChange) {
  HttpClient http(server->port());
  auto created = http.post_json("/v1/bookings", one_line_booking("ORD-A1"), m.api_key);
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["id"].get<std::string>();
  auto chosen = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "invoice"}}, m.api_key);
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  auto invoice_id = chosen.json()["invoice"]["id"].get<std::string>();
  // Cancelled with a second key of the same airline: the actor is the key, not the merchant.
  auto second = nlohmann::json::parse(run_cli({"merchant", "key", "create", "--merchant", m.merchant_id}, *env).out);
  auto cancelled = http.post_json("/v1/bookings/" + id + "/cancel", nlohmann::json::object(),
                                  second["api_key"].get<std::string>());
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  for (const auto* r : {&created, &chosen, &cancelled}) ASSERT_FALSE(r->header("x-request-id").empty());

  auto rows = trail(http, "booking", id, m.api_key, 1);  // one row a page: the cursor is followed
  ASSERT_EQ(actions(rows), (std::vector<std::string>{"booking.created", "booking.payment_method_chosen",
                                                      "booking.cancelled"}));
  for (const auto& r : rows) {
    EXPECT_EQ(r["entity"], "booking");
    EXPECT_EQ(r["subject"], id);
    EXPECT_TRUE(r["at"].get<std::string>().ends_with("Z")) << r["at"];
    EXPECT_TRUE(r["id"].is_string());
  }
  EXPECT_LT(std::stoll(rows[0]["id"].get<std::string>()), std::stoll(rows[1]["id"].get<std::string>()));

  EXPECT_EQ(rows[0]["actor"], api_key_actor());
  EXPECT_EQ(rows[0]["request_id"], created.header("x-request-id"));
  EXPECT_EQ(rows[0]["changes"]["status"], change(nullptr, "pending"));
  EXPECT_EQ(rows[0]["data"]["reference"], "ORD-A1");

  EXPECT_EQ(rows[1]["actor"], api_key_actor());
  EXPECT_EQ(rows[1]["request_id"], chosen.header("x-request-id"));
  EXPECT_EQ(rows[1]["changes"]["status"], change("pending", "awaiting_payment"));
  EXPECT_EQ(rows[1]["changes"]["payment_method"], change(nullptr, "invoice"));
  EXPECT_EQ(rows[1]["data"]["invoice_id"], invoice_id);

  EXPECT_EQ(rows[2]["actor"], "api_key:" + second["key_id"].get<std::string>());
  EXPECT_EQ(rows[2]["request_id"], cancelled.header("x-request-id"));
  EXPECT_EQ(rows[2]["changes"], (nlohmann::json{{"status", change("awaiting_payment", "cancelled")}}));

  // The invoice the choice issued and the cancellation voided.
  auto inv = trail(http, "invoice", invoice_id, m.api_key);
  ASSERT_EQ(actions(inv), (std::vector<std::string>{"invoice.issued", "invoice.voided"}));
  EXPECT_EQ(inv[0]["changes"]["status"], change(nullptr, "open"));
  EXPECT_EQ(inv[0]["request_id"], chosen.header("x-request-id"));
  EXPECT_EQ(inv[1]["changes"]["status"], change("open", "void"));
  EXPECT_TRUE(inv[1]["changes"]["voided_at"]["from"].is_null());
  EXPECT_TRUE(inv[1]["changes"]["voided_at"]["to"].is_string());
  EXPECT_EQ(inv[1]["data"]["reason"], "booking cancelled");
  EXPECT_EQ(inv[1]["request_id"], cancelled.header("x-request-id"));

  // The client the booking brought in: created and linked by the same request.
  auto client_id = created.json()["client"]["id"].get<std::string>();
  auto client = trail(http, "client", client_id, m.api_key);
  ASSERT_EQ(actions(client), (std::vector<std::string>{"client.created", "client.linked"}));
  EXPECT_EQ(client[0]["changes"]["inn"], change(nullptr, "7728168971"));
  EXPECT_EQ(client[1]["request_id"], created.header("x-request-id"));

  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE actor LIKE 'merchant:%' OR actor = 'system'"), "0");
}

TEST_F(AuditTest, TicketsAPriceChangeAndTicketingFailedRecordWhatChanged) {
  HttpClient http(server->port());
  auto b = http.post_json("/v1/bookings", one_line_booking("ORD-T1"), m.api_key).json();
  auto id = b["id"].get<std::string>();
  nlohmann::json lines = {{"lines", {{{"kind", "fare"}, {"description", "Fare Y"}, {"amount", "12000.00"}, {"vat_rate", "10"}}}}};
  auto repriced = http.request("PUT", "/v1/bookings/" + id + "/lines", lines.dump(),
                               {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
  ASSERT_EQ(repriced.status, 200) << repriced.body;
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, *env).exit_code, 0);
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "deposit"}}, m.api_key).status, 200);
  nlohmann::json tickets = {{"tickets", {{{"passenger", 0}, {"number", "5552100000001"}}}}};
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/tickets", tickets, m.api_key).status, 200);

  auto rows = trail(http, "booking", id, m.api_key);
  ASSERT_EQ(actions(rows), (std::vector<std::string>{"booking.created", "booking.price_changed",
                                                      "booking.payment_method_chosen", "booking.ticketed"}));
  EXPECT_EQ(rows[1]["changes"]["price_version"], change(1, 2));
  EXPECT_EQ(rows[1]["changes"]["totals"]["from"]["amount"], "10000.00");
  EXPECT_EQ(rows[1]["changes"]["totals"]["to"]["amount"], "12000.00");
  EXPECT_EQ(rows[2]["changes"]["status"], change("pending", "ticketing_authorized"));
  EXPECT_EQ(rows[2]["changes"]["payment_method"], change(nullptr, "deposit"));
  EXPECT_EQ(rows[3]["changes"]["status"], change("ticketing_authorized", "ticketed"));
  EXPECT_EQ(rows[3]["changes"]["tickets"]["to"], tickets["tickets"]);

  // The deposit top-up by the CLI: the balance before and after (a client's money, no merchant).
  EXPECT_EQ(db->scalar("SELECT changes->'balance'->>'from' || ' ' || (changes->'balance'->>'to') || ' ' || actor "
                       "FROM audit_log WHERE action = 'deposit.added'"),
            "0.00 20000.00 cli");

  // Ticketing failed on another booking: the case it opens names the request too.
  auto f = http.post_json("/v1/bookings", one_line_booking("ORD-T2", hours(3)), m.api_key).json();
  auto fid = f["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + fid + "/payment-choice", {{"method", "card_hold"}}, m.api_key).status, 200);
  auto failed = http.post_json("/v1/bookings/" + fid + "/ticketing-failed", {{"reason", "PNR gone"}}, m.api_key);
  ASSERT_EQ(failed.status, 200) << failed.body;
  auto frows = trail(http, "booking", fid, m.api_key);
  ASSERT_EQ(frows.back()["action"], "booking.ticketing_failed");
  EXPECT_EQ(frows.back()["changes"]["status"], change("ticketing_authorized", "ticketing_failed"));
  EXPECT_EQ(frows.back()["data"]["reason"], "PNR gone");
  auto case_id = http.get("/v1/cases?booking=" + fid, m.api_key).json()["data"][0]["id"].get<std::string>();
  auto opened = trail(http, "support_case", case_id, m.api_key);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0]["actor"], api_key_actor());
  EXPECT_EQ(opened[0]["request_id"], failed.header("x-request-id"));
  EXPECT_EQ(opened[0]["changes"]["status"], change(nullptr, "open"));
}

TEST_F(AuditTest, AStaffApprovalNamesTheStaffUserAndAJobNamesItself) {
  HttpClient http(server->port());
  auto letter = http.post_json("/v1/bookings", one_line_booking("ORD-G1", hours(3)), m.api_key).json();
  auto lid = letter["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + lid + "/payment-choice", {{"method", "guarantee_letter"}}, m.api_key).status,
            200);
  auto staff = nlohmann::json::parse(run_cli({"staff", "key", "create", "--name", "Olga", "--role", "support"}, *env).out);
  auto approved = http.post_json("/admin/api/bookings/" + lid + "/approve-guarantee-letter", nlohmann::json::object(),
                                 staff["staff_key"].get<std::string>());
  ASSERT_EQ(approved.status, 200) << approved.body;
  auto rows = trail(http, "guarantee_letter", lid, m.api_key);  // a letter's subject is its booking
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["actor"], "staff:" + staff["staff_id"].get<std::string>());
  EXPECT_EQ(rows[0]["request_id"], approved.header("x-request-id"));
  EXPECT_EQ(rows[0]["changes"]["status"], change("awaiting_payment", "ticketing_authorized"));

  // An instance an hour ahead expires a booking whose time limit is two minutes away.
  auto b = http.post_json("/v1/bookings", one_line_booking("ORD-E1", minutes(2)), m.api_key).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "card"}}, m.api_key).status, 200);
  auto future_env = *env;
  future_env["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(hours(1));
  future_env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
  {
    ServerProcess future(future_env);
    bool expired = false;
    for (int i = 0; i < 100 && !expired; ++i) {
      expired = db->scalar("SELECT status FROM bookings WHERE id = '" + id + "'") == "expired";
      std::this_thread::sleep_for(milliseconds(50));
    }
    ASSERT_TRUE(expired);
  }
  auto trail_rows = trail(http, "booking", id, m.api_key);
  ASSERT_EQ(trail_rows.back()["action"], "booking.expired");
  EXPECT_EQ(trail_rows.back()["actor"], "job:expire_bookings");
  EXPECT_TRUE(trail_rows.back()["request_id"].is_null());
  EXPECT_EQ(trail_rows.back()["changes"]["status"], change("awaiting_payment", "expired"));
  // The card invoice (due at once) may have been marked overdue by a job before it was voided.
  auto voided = db->scalar("SELECT actor || ' ' || (changes->'status'->>'from') || ' ' || (changes->'status'->>'to') "
                           "FROM audit_log WHERE action = 'invoice.voided' AND data->>'reason' = 'ticketing time limit passed'");
  EXPECT_TRUE(voided == "job:expire_bookings open void" || voided == "job:expire_bookings overdue void") << voided;
}

TEST_F(AuditTest, AnotherMerchantSeesAnEmptyListForTheSameId) {
  HttpClient http(server->port());
  auto b = http.post_json("/v1/bookings", one_line_booking("ORD-X1"), m.api_key).json();
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(trail(http, "booking", id, m.api_key).size(), 1u);
  auto other = create_merchant(*env, "Other Air");
  auto r = http.get("/v1/audit?entity=booking&id=" + id, other.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), (nlohmann::json{{"data", nlohmann::json::array()}, {"next_cursor", nullptr}}));
  EXPECT_EQ(trail(http, "merchant", m.merchant_id, other.api_key).size(), 0u);
}

TEST_F(AuditTest, BadQueriesAre422NamingEachField) {
  HttpClient http(server->port());
  auto fields = [&](const std::string& query) {
    auto r = http.get("/v1/audit" + query, m.api_key);
    EXPECT_EQ(r.status, 422) << query << ": " << r.body;
    auto problem = r.json();
    EXPECT_EQ(problem["type"], "https://skybill.dev/problems/validation-failed");
    std::set<std::string> out;
    for (const auto& e : problem["errors"]) out.insert(e["field"].get<std::string>());
    return out;
  };
  const std::string id = "3f2b1c4e-0000-4000-8000-000000000001";
  EXPECT_EQ(fields(""), (std::set<std::string>{"entity", "id"}));
  EXPECT_EQ(fields("?id=" + id), (std::set<std::string>{"entity"}));
  EXPECT_EQ(fields("?entity=booking"), (std::set<std::string>{"id"}));
  EXPECT_EQ(fields("?entity=ledger&id=" + id), (std::set<std::string>{"entity"}));
  EXPECT_EQ(fields("?entity=booking&id=ORD-1"), (std::set<std::string>{"id"}));
  EXPECT_EQ(fields("?entity=booking&id=" + id + "&cursor=" + id), (std::set<std::string>{"cursor"}));
  EXPECT_EQ(fields("?entity=booking&id=" + id + "&cursor=-1&limit=0"), (std::set<std::string>{"cursor", "limit"}));
  EXPECT_EQ(http.get("/v1/audit?entity=booking&id=" + id).status, 401);
}

TEST_F(AuditTest, AuditRowsCannotBeChangedOrDeletedEvenByTheApplicationsOwnConnection) {
  HttpClient http(server->port());
  ASSERT_EQ(http.post_json("/v1/bookings", one_line_booking("ORD-R1"), m.api_key).status, 201);
  auto before = db->scalar("SELECT count(*) FROM audit_log");
  ASSERT_NE(before, "0");
  // db->url() is the database URL the server itself connects with.
  EXPECT_THROW(db->exec("UPDATE audit_log SET actor = 'cli'"), std::exception);
  EXPECT_THROW(db->exec("DELETE FROM audit_log"), std::exception);
  EXPECT_THROW(db->exec("TRUNCATE audit_log"), std::exception);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log"), before);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action LIKE 'booking.%'"), "0");
}

TEST_F(AuditTest, MerchantContactEmailIsSetByTheCliAuditedAndShown) {
  auto created = run_cli({"merchant", "create", "--name", "Mail Air", "--inn", "7702070139", "--kpp", "770201001",
                          "--email", "ops@mail-air.example"},
                         *env);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto mk = nlohmann::json::parse(created.out);
  auto merchant = mk["merchant_id"].get<std::string>(), key = mk["api_key"].get<std::string>();
  HttpClient http(server->port());
  EXPECT_EQ(http.get("/v1/merchant", key).json()["contact_email"], "ops@mail-air.example");
  EXPECT_TRUE(http.get("/v1/merchant", m.api_key).json()["contact_email"].is_null());

  auto updated = run_cli({"merchant", "update", "--merchant", merchant, "--email", "billing@mail-air.example"}, *env);
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  EXPECT_EQ(nlohmann::json::parse(updated.out)["contact_email"], "billing@mail-air.example");
  EXPECT_EQ(http.get("/v1/merchant", key).json()["contact_email"], "billing@mail-air.example");

  auto bad = run_cli({"merchant", "update", "--merchant", merchant, "--email", "not an address"}, *env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "email")) << bad.err;
  auto unknown = run_cli({"merchant", "update", "--merchant", "3f2b1c4e-0000-4000-8000-000000000001", "--email",
                          "a@b.example"},
                         *env);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(run_cli({"merchant", "update", "--merchant", merchant}, *env).exit_code, 2) << "--email is required";
  EXPECT_EQ(run_cli({"merchant", "create", "--name", "X", "--inn", "7707083893", "--email", "x@"}, *env).exit_code, 1);

  auto rows = trail(http, "merchant", merchant, key);
  ASSERT_EQ(actions(rows), (std::vector<std::string>{"merchant.created", "merchant.updated"}));
  EXPECT_EQ(rows[0]["actor"], "cli");
  EXPECT_EQ(rows[0]["changes"]["contact_email"], change(nullptr, "ops@mail-air.example"));
  EXPECT_EQ(rows[1]["actor"], "cli");
  EXPECT_TRUE(rows[1]["request_id"].is_null());
  EXPECT_EQ(rows[1]["changes"], (nlohmann::json{{"contact_email", change("ops@mail-air.example", "billing@mail-air.example")}}));

  // Revoking a key records when.
  auto key_id = mk["key_id"].get<std::string>();
  ASSERT_EQ(run_cli({"merchant", "key", "revoke", "--key-id", key_id}, *env).exit_code, 0);
  auto keys = trail(http, "api_key", key_id, m.api_key);
  EXPECT_EQ(keys.size(), 0u) << "another merchant's key";
  EXPECT_EQ(db->scalar("SELECT (changes->'revoked_at'->>'from' IS NULL AND changes->'revoked_at'->>'to' IS NOT NULL)::text "
                       "FROM audit_log WHERE action = 'api_key.revoked' AND subject = '" + key_id + "'"),
            "true");
}
