// Bills in the payment chat over real HTTP and PostgreSQL (docs/chat.md): an airline's operator
// bills the customer of a dialog in any currency, the customer pays on the hosted page by card
// with 3-D Secure, and the bill is an invoice like any other: the ledger, settlement and
// documents see it, with no support case. `skybill ledger verify` must be clean after each test.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "pages.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kSecret = "chat_bills_test_callback_secret_0123";
const std::string kChallenge = "4000000000003220";
const std::string kApproved = "4242 4242 4242 4242";
const std::string kPassword = "Chat-parol-2026!";

class ChatBillsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::make_unique<TestDatabase>();
    auto port = free_port();
    env = base_env(*db);
    env["SKYBILL_HTTP_PORT"] = std::to_string(port);
    env["SKYBILL_HTTP_PUBLIC_URL"] = "http://127.0.0.1:" + std::to_string(port);
    env["SKYBILL_JOBS_INTERVAL_MS"] = "200";
    env["SKYBILL_DOCUMENTS_INTERVAL_MS"] = "100";
    env["SKYBILL_ACQUIRER_CALLBACK_SECRET"] = kSecret;
    server = std::make_unique<ServerProcess>(env);
    http = std::make_unique<HttpClient>(server->port());
    airline = create_merchant(env);
    other = create_merchant(env, "Other Air");
    operator_a = staff_session(*http, env, "Olga", "olga@air.example", "airline", kPassword, airline.merchant_id);
    operator_b = staff_session(*http, env, "Boris", "boris@other.example", "airline", kPassword, other.merchant_id);
    dialog = new_dialog(airline.merchant_id, operator_a.id, "Anna Petrova", "anna@example.com");
  }

  void TearDown() override {
    auto verify = run_cli({"ledger", "verify"}, env);
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    http.reset();
    server.reset();
    db.reset();
  }

  std::string sql(const std::string& q) { return db->scalar(q); }

  // A customer and its open dialog with `assignee`, as the widget and a take would leave them.
  std::string new_dialog(const std::string& merchant, const std::string& assignee, const std::string& name,
                         const std::string& email) {
    auto at = sql_time(server_now());
    auto visitor = sql("INSERT INTO chat_visitors (merchant_id, name, email, language, created_at, last_seen_at) "
                       "VALUES ('" + merchant + "', '" + name + "', '" + email + "', 'en', " + at + ", " + at +
                       ") RETURNING id");
    return sql("INSERT INTO chat_dialogs (merchant_id, visitor_id, status, assignee_id, created_at, updated_at) "
               "VALUES ('" + merchant + "', '" + visitor + "', 'open', '" + assignee + "', " + at + ", " + at +
               ") RETURNING id");
  }

  // A request as the console sends it, with an Idempotency-Key when given.
  HttpResponse call(const StaffSession& s, const std::string& method, const std::string& target,
                    const nlohmann::json& body = nullptr, const std::string& key = {}) {
    std::map<std::string, std::string> h = {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}};
    if (!key.empty()) h["Idempotency-Key"] = key;
    if (!body.is_null()) h["Content-Type"] = "application/json";
    return http->request(method, target, body.is_null() ? std::string() : body.dump(), h);
  }

  HttpResponse bill(const StaffSession& s, const std::string& dialog_id, const nlohmann::json& body,
                    const std::string& key = {}) {
    return call(s, "POST", "/admin/api/chat/dialogs/" + dialog_id + "/bills", body, key);
  }

  nlohmann::json issued(const std::string& amount, const std::string& currency, const std::string& description) {
    auto r = bill(operator_a, dialog, {{"amount", amount}, {"currency", currency}, {"description", description}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json() : nlohmann::json::object();
  }

  static std::string token_of(const nlohmann::json& b) {
    auto url = b["pay_url"].get<std::string>();
    return url.substr(url.rfind('/') + 1);
  }

  HttpResponse post_form(const std::string& path, const std::map<std::string, std::string>& fields) {
    return http->request("POST", path, form_encode(fields), {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  nlohmann::json view(const std::string& token) {
    auto r = http->get("/pay/" + token + "/api");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json() : nlohmann::json::object();
  }

  // The customer presses "Pay by card" on the hosted page: the acquirer's card page.
  std::string open_card_page(const std::string& token) {
    auto start = post_form("/pay/" + token + "/card", {});
    EXPECT_EQ(start.status, 303) << start.body;
    auto card_page = path_of(start.header("location"));
    EXPECT_TRUE(card_page.starts_with("/sandbox-acquirer/pay/sbx_")) << card_page;
    return card_page;
  }

  HttpResponse submit_card(const std::string& card_page, const std::string& number) {
    return post_form(card_page, {{"number", number}, {"expiry", "12/34"}, {"cvc", "123"}, {"holder", "ANNA PETROVA"}});
  }

  // The whole card flow with the 3-D Secure test card and its right code.
  void pay_with_challenge(const std::string& token) {
    auto r = submit_card(open_card_page(token), kChallenge);
    ASSERT_EQ(r.status, 303) << r.body;
    auto challenge = path_of(r.header("location"));
    ASSERT_TRUE(challenge.ends_with("/challenge")) << challenge;
    auto done = post_form(challenge, {{"code", "1234"}});
    ASSERT_EQ(done.status, 303) << done.body;
    auto back = http->get(path_of(done.header("location")));
    EXPECT_EQ(back.status, 303) << back.body;
  }

  // The dialog's messages: seq, kind, data.event (or ""), data.bill.id (or ""), in order.
  struct Message {
    int seq;
    std::string kind, event, bill;
  };
  std::vector<Message> messages(const std::string& dialog_id) {
    auto rows = sql("SELECT string_agg(seq || '|' || kind || '|' || coalesce(data->>'event', '') || '|' || "
                    "coalesce(data->'bill'->>'id', ''), ';' ORDER BY seq) FROM chat_messages WHERE dialog_id = '" +
                    dialog_id + "'");
    std::vector<Message> out;
    std::size_t start = 0;
    while (start < rows.size()) {
      auto end = rows.find(';', start);
      if (end == std::string::npos) end = rows.size();
      auto row = rows.substr(start, end - start);
      std::vector<std::string> parts;
      std::size_t p = 0;
      for (int i = 0; i < 3; ++i) {
        auto bar = row.find('|', p);
        parts.push_back(row.substr(p, bar - p));
        p = bar + 1;
      }
      parts.push_back(row.substr(p));
      out.push_back({std::stoi(parts[0]), parts[1], parts[2], parts[3]});
      start = end + 1;
    }
    return out;
  }
  int events_of(const std::string& dialog_id, const std::string& event, const std::string& bill_id) {
    int n = 0;
    for (const auto& m : messages(dialog_id)) n += m.event == event && m.bill == bill_id;
    return n;
  }

  std::unique_ptr<TestDatabase> db;
  Env env;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<HttpClient> http;
  MerchantKey airline, other;
  StaffSession operator_a, operator_b;
  std::string dialog;
};

}  // namespace

TEST_F(ChatBillsTest, AnOperatorBillsInAnyCurrencyInItsExponentAndOnlyInItsOwnAirlinesDialogs) {
  auto r = bill(operator_a, dialog,
                {{"amount", "1500.00"}, {"currency", "EUR"}, {"description", "Date change, Moscow - Paris"}}, "bill-eur-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto eur = r.json();
  std::set<std::string> keys;
  for (const auto& [k, v] : eur.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "number", "amount", "currency", "description", "status", "pay_url",
                                         "booking", "created_at", "paid_at"}));
  EXPECT_EQ(eur["amount"], "1500.00");
  EXPECT_EQ(eur["currency"], "EUR");
  EXPECT_EQ(eur["status"], "open");
  EXPECT_EQ(eur["description"], "Date change, Moscow - Paris");
  EXPECT_TRUE(eur["booking"].is_null());
  EXPECT_TRUE(eur["paid_at"].is_null());
  EXPECT_TRUE(eur["pay_url"].get<std::string>().starts_with(env["SKYBILL_HTTP_PUBLIC_URL"] + "/pay/")) << eur.dump();

  // The same request again with its key: the same bill, once.
  auto again = bill(operator_a, dialog,
                    {{"amount", "1500.00"}, {"currency", "EUR"}, {"description", "Date change, Moscow - Paris"}}, "bill-eur-1");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.json()["id"], eur["id"]);
  EXPECT_EQ(sql("SELECT count(*) FROM chat_bills"), "1");

  // Never converted: yen have no minor digits.
  auto jpy = issued("12500", "JPY", "Upgrade to business");
  EXPECT_EQ(jpy["amount"], "12500");
  EXPECT_EQ(jpy["currency"], "JPY");
  EXPECT_NE(jpy["number"], eur["number"]);

  // An invoice of the airline's series, paid by card, on a booking of its own.
  auto id = eur["id"].get<std::string>();
  auto where = " FROM chat_bills cb JOIN invoices i ON i.id = cb.invoice_id JOIN bookings b ON b.id = cb.booking_id "
               "WHERE cb.id = '" + id + "'";
  EXPECT_EQ(sql("SELECT i.number" + where), eur["number"]);
  EXPECT_EQ(sql("SELECT i.method || ' ' || i.currency || ' ' || i.amount_minor || ' ' || i.status" + where),
            "card EUR 150000 open");
  EXPECT_EQ(sql("SELECT b.kind || ' ' || b.reference || ' ' || b.status" + where),
            "chat_bill chat-" + eur["number"].get<std::string>() + " awaiting_payment");
  EXPECT_EQ(sql("SELECT c.kind || '|' || c.inn || '|' || c.name FROM chat_bills cb JOIN clients c ON c.id = cb.client_id "
                "WHERE cb.id = '" + id + "'"),
            "person||Anna Petrova");
  EXPECT_EQ(sql("SELECT count(DISTINCT client_id) FROM chat_bills"), "1") << "one buyer per customer";
  // The hosted page offers the card only.
  auto page = view(token_of(eur));
  EXPECT_EQ(page["options"], nlohmann::json::array()) << page.dump();
  EXPECT_EQ(page["booking"]["kind"], "chat_bill") << page.dump();
  EXPECT_EQ(page["card"]["can_pay"], true) << page.dump();
  EXPECT_EQ(page["card"]["amount"], "1500.00");
  EXPECT_EQ(page["card"]["currency"], "EUR");

  // In the dialog: one bill message per bill, numbered in order.
  auto list = messages(dialog);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].seq, 1);
  EXPECT_EQ(list[0].kind, "bill");
  EXPECT_EQ(list[0].bill, id);
  EXPECT_EQ(list[1].seq, 2);
  EXPECT_EQ(list[1].bill, jpy["id"]);
  EXPECT_EQ(sql("SELECT author_kind || ' ' || author_id || ' ' || body FROM chat_messages WHERE dialog_id = '" + dialog +
                "' AND seq = 1"),
            "staff " + operator_a.id + " Date change, Moscow - Paris");
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'chat_bill.issued' AND actor = 'staff:" + operator_a.id + "'"),
            "2");
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE topic = 'chat_bill.issued'"), "2");

  // Linked to one of the airline's bookings: shown with it.
  auto booked = http->post_json("/v1/bookings", booking_body("ORD-CHAT-1"), airline.api_key);
  ASSERT_EQ(booked.status, 201) << booked.body;
  auto linked = bill(operator_a, dialog,
                     {{"amount", "3000.00"}, {"currency", "RUB"}, {"description", "Penalty"}, {"vat_rate", "22"},
                      {"booking_id", booked.json()["id"]}});
  ASSERT_EQ(linked.status, 201) << linked.body;
  EXPECT_EQ(linked.json()["booking"],
            (nlohmann::json{{"id", booked.json()["id"]}, {"reference", "ORD-CHAT-1"}, {"pnr", booked.json()["pnr"]}}));

  // Wrong scale, unknown currency, missing description: 422 naming each, nothing written.
  auto bills_before = sql("SELECT count(*) FROM chat_bills");
  for (const auto& [amount, currency] : std::vector<std::pair<std::string, std::string>>{
           {"1500", "EUR"}, {"1500.0", "EUR"}, {"12500.00", "JPY"}, {"10.000", "RUB"}, {"-5.00", "EUR"}, {"0.00", "EUR"}}) {
    auto wrong = bill(operator_a, dialog, {{"amount", amount}, {"currency", currency}, {"description", "x"}});
    EXPECT_EQ(wrong.status, 422) << amount << " " << currency << ": " << wrong.body;
    EXPECT_EQ(wrong.json()["errors"][0]["field"], "amount") << wrong.body;
  }
  auto numeric = bill(operator_a, dialog, {{"amount", 1500}, {"currency", "EUR"}, {"description", "x"}});
  EXPECT_EQ(numeric.status, 422) << numeric.body;
  auto unknown = bill(operator_a, dialog, {{"amount", "1.00"}, {"currency", "EURO"}, {"description", ""}});
  ASSERT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(unknown.json()["errors"].size(), 2u) << unknown.body;
  auto second_link = bill(operator_a, dialog, {{"amount", "1.00"}, {"currency", "EUR"}, {"description", "x"},
                                               {"booking_id", booked.json()["id"]}});
  EXPECT_EQ(second_link.status, 201) << second_link.body;
  auto others_booking = http->post_json("/v1/bookings", booking_body("ORD-OTHER-1"), other.api_key);
  ASSERT_EQ(others_booking.status, 201);
  auto not_ours = bill(operator_a, dialog, {{"amount", "1.00"}, {"currency", "EUR"}, {"description", "x"},
                                            {"booking_id", others_booking.json()["id"]}});
  EXPECT_EQ(not_ours.status, 422) << not_ours.body;
  EXPECT_EQ(sql("SELECT count(*) FROM chat_bills"), std::to_string(std::stoi(bills_before) + 1));

  // Another airline's operator sees neither the dialog nor its bills.
  EXPECT_EQ(bill(operator_b, dialog, {{"amount", "1.00"}, {"currency", "EUR"}, {"description", "x"}}).status, 404);
  EXPECT_EQ(call(operator_b, "GET", "/admin/api/chat/bills/" + id).status, 404);
  EXPECT_EQ(call(operator_b, "POST", "/admin/api/chat/bills/" + id + "/cancel").status, 404);
  EXPECT_EQ(call(operator_b, "GET", "/admin/api/chat/dialogs/" + dialog + "/bills").status, 404);
  EXPECT_EQ(call(operator_a, "GET", "/admin/api/chat/bills/" + id).json(), eur);
  EXPECT_EQ(call(operator_a, "GET", "/admin/api/chat/dialogs/" + dialog + "/bills").json()["data"].size(), 4u);
  EXPECT_EQ(call(operator_a, "GET", "/admin/api/chat/bills/00000000-0000-0000-0000-000000000000").status, 404);
}

TEST_F(ChatBillsTest, TheCustomerPaysByCardWithThreeDSecureOnceAndTheBillIsPaidInTheDialog) {
  auto eur = issued("1500.00", "EUR", "Date change");
  auto id = eur["id"].get<std::string>();
  auto token = token_of(eur);
  pay_with_challenge(token);

  auto now = call(operator_a, "GET", "/admin/api/chat/bills/" + id).json();
  EXPECT_EQ(now["status"], "paid") << now.dump();
  EXPECT_FALSE(now["paid_at"].is_null());
  // The bill message, then its bill.paid event with a higher number, once.
  auto list = messages(dialog);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].kind, "bill");
  EXPECT_EQ(list[1].kind, "event");
  EXPECT_EQ(list[1].event, "bill.paid");
  EXPECT_EQ(list[1].bill, id);
  EXPECT_GT(list[1].seq, list[0].seq);
  EXPECT_EQ(sql("SELECT data->'bill'->>'status' FROM chat_messages WHERE dialog_id = '" + dialog + "' AND seq = 2"), "paid");
  EXPECT_EQ(sql("SELECT author_kind FROM chat_messages WHERE dialog_id = '" + dialog + "' AND seq = 2"), "system");

  // Like any card payment: the gateway's bank, the airline's payable, tomorrow's payout.
  auto invoice = sql("SELECT invoice_id FROM chat_bills WHERE id = '" + id + "'");
  EXPECT_EQ(sql("SELECT status || ' ' || paid_minor FROM invoices WHERE id = '" + invoice + "'"), "paid 150000");
  EXPECT_EQ(sql("SELECT count(*) FROM ledger_entries WHERE kind = 'card.captured'"), "1");
  EXPECT_EQ(sql("SELECT sum(p.amount_minor) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id "
                "WHERE a.owner = 'gateway' AND a.kind = 'bank' AND a.currency = 'EUR'"),
            "150000");
  EXPECT_EQ(sql("SELECT kind || ' ' || currency || ' ' || amount_minor FROM settlement_items WHERE invoice_id = '" +
                invoice + "'"),
            "payment EUR 150000");
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE topic = 'invoice.paid' AND payload->>'id' = '" + invoice + "'"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE topic = 'chat_bill.paid'"), "1");

  // Paying twice is impossible; the sweep adds nothing.
  EXPECT_EQ(view(token)["card"]["can_pay"], false);
  EXPECT_EQ(post_form("/pay/" + token + "/card", {}).status, 409);
  std::this_thread::sleep_for(milliseconds(800));
  EXPECT_EQ(events_of(dialog, "bill.paid", id), 1);
  EXPECT_EQ(sql("SELECT count(*) FROM payments WHERE invoice_id = '" + invoice + "'"), "1");
  // A paid bill is not cancelled (a refund settles it).
  auto cancel = call(operator_a, "POST", "/admin/api/chat/bills/" + id + "/cancel");
  EXPECT_EQ(cancel.status, 409) << cancel.body;
  EXPECT_TRUE(contains(cancel.body, "bill-not-cancellable")) << cancel.body;

  // Its invoice PDF is made; a private person gets no УПД, and nobody is asked to fix anything.
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM outbox WHERE documented_at IS NULL") == "0"; }));
  auto booking = sql("SELECT booking_id FROM chat_bills WHERE id = '" + id + "'");
  EXPECT_EQ(sql("SELECT string_agg(kind, ',') FROM documents WHERE booking_id = '" + booking + "'"), "invoice");
  EXPECT_EQ(sql("SELECT count(*) FROM document_blocks"), "0");
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases"), "0");

  // Refundable like any invoice: all of it back to the card, and the dialog is told.
  auto refund = http->post_json("/v1/bookings/" + booking + "/refunds", {{"reason", "flight cancelled"}}, airline.api_key);
  ASSERT_EQ(refund.status, 201) << refund.body;
  EXPECT_EQ(refund.json()["legs"][0]["route"], "card") << refund.body;
  ASSERT_TRUE(wait_for([&] { return sql("SELECT status FROM chat_bills WHERE id = '" + id + "'") == "refunded"; }))
      << sql("SELECT status FROM refunds");
  EXPECT_EQ(events_of(dialog, "bill.refunded", id), 1);
  EXPECT_EQ(call(operator_a, "GET", "/admin/api/chat/bills/" + id).json()["status"], "refunded");
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM outbox WHERE documented_at IS NULL") == "0"; }));
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases"), "0");
}

TEST_F(ChatBillsTest, AYenBillPaidWithoutChallengeAndARoubleBillOfAPersonOpenNoCase) {
  auto jpy = issued("12500", "JPY", "Extra baggage");
  auto r = submit_card(open_card_page(token_of(jpy)), kApproved);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(call(operator_a, "GET", "/admin/api/chat/bills/" + jpy["id"].get<std::string>()).json()["status"], "paid");
  auto invoice = sql("SELECT invoice_id FROM chat_bills WHERE id = '" + jpy["id"].get<std::string>() + "'");
  EXPECT_EQ(sql("SELECT amount_minor FROM settlement_items WHERE invoice_id = '" + invoice + "'"), "12500");
  auto rub = issued("3000.00", "RUB", "Seat selection");
  ASSERT_EQ(submit_card(open_card_page(token_of(rub)), kApproved).status, 303);
  EXPECT_EQ(call(operator_a, "GET", "/admin/api/chat/bills/" + rub["id"].get<std::string>()).json()["status"], "paid");
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM outbox WHERE documented_at IS NULL") == "0"; }));
  EXPECT_EQ(sql("SELECT count(*) FROM documents WHERE kind = 'invoice'"), "2");
  EXPECT_EQ(sql("SELECT count(*) FROM documents WHERE kind = 'upd'"), "0");
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases"), "0");
}

TEST_F(ChatBillsTest, AnUnpaidBillIsCancelledOnceAndCanNoLongerBePaid) {
  auto eur = issued("99.90", "EUR", "Meal");
  auto id = eur["id"].get<std::string>();
  auto r = call(operator_a, "POST", "/admin/api/chat/bills/" + id + "/cancel", nullptr, "cancel-1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "cancelled");
  auto list = messages(dialog);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].event, "bill.cancelled");
  EXPECT_EQ(list[1].bill, id);
  EXPECT_EQ(sql("SELECT i.status || ' ' || b.status FROM chat_bills cb JOIN invoices i ON i.id = cb.invoice_id "
                "JOIN bookings b ON b.id = cb.booking_id WHERE cb.id = '" + id + "'"),
            "void cancelled");
  EXPECT_EQ(sql("SELECT cancelled_by FROM chat_bills WHERE id = '" + id + "'"), "staff:" + operator_a.id);
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'chat_bill.cancelled'"), "1");
  auto twice = call(operator_a, "POST", "/admin/api/chat/bills/" + id + "/cancel");
  EXPECT_EQ(twice.status, 409) << twice.body;
  auto token = token_of(eur);
  EXPECT_TRUE(view(token)["card"].is_null());  // no card block for a void invoice
  EXPECT_EQ(post_form("/pay/" + token + "/card", {}).status, 409);
  std::this_thread::sleep_for(milliseconds(800));
  EXPECT_EQ(events_of(dialog, "bill.cancelled", id), 1);
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases"), "0");
}

TEST_F(ChatBillsTest, ABillNotPaidByItsDueTimeExpires) {
  auto eur = issued("10.00", "EUR", "Late check-in");
  auto id = eur["id"].get<std::string>();
  // Its due time passes (the booking's time limit is the bill's due time).
  sql("UPDATE bookings SET ticketing_time_limit = " + sql_time(server_now() - seconds(60)) +
      " WHERE id = (SELECT booking_id FROM chat_bills WHERE id = '" + id + "') RETURNING 1");
  ASSERT_TRUE(wait_for([&] { return sql("SELECT status FROM chat_bills WHERE id = '" + id + "'") == "expired"; }));
  EXPECT_EQ(events_of(dialog, "bill.expired", id), 1);
  EXPECT_EQ(sql("SELECT status FROM invoices WHERE id = (SELECT invoice_id FROM chat_bills WHERE id = '" + id + "')"),
            "void");
  auto page = view(token_of(eur));
  EXPECT_TRUE(page["card"].is_null()) << page.dump();
  EXPECT_EQ(page["booking"]["status"], "expired");
  EXPECT_EQ(call(operator_a, "POST", "/admin/api/chat/bills/" + id + "/cancel").status, 409);
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases"), "0");
}
