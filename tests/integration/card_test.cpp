// Card payments through the built-in sandbox acquirer, over real HTTP: the hosted payment
// page, the acquirer's card page and 3-D Secure challenge (form posts, 303s followed by hand),
// its signed callback, and the job that captures or releases holds. `skybill ledger verify`
// must be clean after every test.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "pages.hpp"
#include "server_clock.hpp"
#include "skybill/webhooks/signature.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kProblems = "https://skybill.dev/problems/";
const std::string kSecret = "card_test_callback_secret_0123456789";
const std::string kApproved = "4242 4242 4242 4242";
const std::string kChallenge = "4000000000003220";
const std::string kDeclined = "4000000000000002";

// A serving instance whose public URL is its own loopback address, so that the sandbox's
// callbacks and the settle job's calls to the sandbox reach it.
Env instance_env(const Env& base, int port) {
  auto env = base;
  env["SKYBILL_HTTP_PORT"] = std::to_string(port);
  env["SKYBILL_HTTP_PUBLIC_URL"] = "http://127.0.0.1:" + std::to_string(port);
  env["SKYBILL_JOBS_INTERVAL_MS"] = "200";
  env["SKYBILL_ACQUIRER_CALLBACK_SECRET"] = kSecret;
  return env;
}

class CardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::make_unique<TestDatabase>();
    env = instance_env(base_env(*db), free_port());
    server = std::make_unique<ServerProcess>(env);
    http = std::make_unique<HttpClient>(server->port());
    m = create_merchant(env);
  }

  void TearDown() override {
    auto verify = run_cli({"ledger", "verify"}, env);
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    http.reset();
    server.reset();
    db.reset();
  }

  // A booking whose client chose `method`; its JSON after the choice.
  nlohmann::json booked(const std::string& reference, const std::string& method, const std::string& currency = "RUB") {
    auto body = booking_body(reference);
    body["currency"] = currency;
    auto r = http->post_json("/v1/bookings", body, m.api_key);
    EXPECT_EQ(r.status, 201) << r.body;
    auto id = r.json()["id"].get<std::string>();
    auto chosen = http->post_json("/v1/bookings/" + id + "/payment-choice", {{"method", method}}, m.api_key);
    EXPECT_EQ(chosen.status, 200) << chosen.body;
    return chosen.json();
  }

  static std::string token_of(const nlohmann::json& booking) {
    auto url = booking["payment_url"].get<std::string>();
    return url.substr(url.rfind('/') + 1);
  }

  HttpResponse post_form(const std::string& path, const std::map<std::string, std::string>& fields) {
    return http->request("POST", path, form_encode(fields),
                         {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  // What the hosted page shows (its JSON view).
  nlohmann::json view(const std::string& token) {
    auto r = http->get("/pay/" + token + "/api");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  // The acquirer sends the payer back: the hosted page, told which attempt; its view then.
  nlohmann::json returned(const std::string& back) {
    auto r = http->get(back);
    EXPECT_EQ(r.status, 303) << r.body;
    auto token = back.substr(5, back.find('/', 5) - 5);
    EXPECT_TRUE(path_of(r.header("location")).starts_with("/pay/" + token + "?attempt=")) << r.header("location");
    return view(token);
  }

  // The payer opens the pay link and presses "Pay by card": the path of the acquirer's card page.
  std::string open_card_page(const std::string& token) {
    auto page = view(token);
    EXPECT_EQ(page["card"]["can_pay"], true) << page.dump();
    EXPECT_EQ(page["card"]["action"], "/pay/" + token + "/api/card") << page.dump();
    auto start = post_form("/pay/" + token + "/card", {});
    EXPECT_EQ(start.status, 303) << start.body;
    auto card_page = path_of(start.header("location"));
    EXPECT_TRUE(card_page.starts_with("/sandbox-acquirer/pay/sbx_")) << card_page;
    auto form = http->get(card_page);
    EXPECT_EQ(form.status, 200) << form.body;
    EXPECT_TRUE(contains(form.body, "Card number")) << form.body;
    return card_page;
  }

  HttpResponse submit_card(const std::string& card_page, const std::string& number, const std::string& expiry = "12/34") {
    return post_form(card_page, {{"number", number}, {"expiry", expiry}, {"cvc", "123"}, {"holder", "IVAN PETROV"}});
  }

  // The whole flow with a card that needs no challenge; the path of the return page.
  std::string pay(const std::string& token, const std::string& number = kApproved) {
    auto r = submit_card(open_card_page(token), number);
    EXPECT_EQ(r.status, 303) << r.body;
    return path_of(r.header("location"));
  }

  std::string attempt_of(const std::string& booking_id, const std::string& column) {
    return db->scalar("SELECT " + column + " FROM card_payments WHERE booking_id = '" + booking_id +
                      "' ORDER BY created_at DESC LIMIT 1");
  }
  std::string invoice_of(const std::string& booking_id, const std::string& column) {
    return db->scalar("SELECT " + column + " FROM invoices WHERE booking_id = '" + booking_id +
                      "' AND status <> 'void' ORDER BY issued_at DESC LIMIT 1");
  }
  std::string session_of(const std::string& booking_id, const std::string& column) {
    return db->scalar("SELECT s." + column +
                      " FROM sandbox_acquirer_sessions s JOIN card_payments c ON c.acquirer_ref = s.id "
                      "WHERE c.booking_id = '" + booking_id + "' ORDER BY s.created_at DESC LIMIT 1");
  }
  std::string card_entries() { return db->scalar("SELECT count(*) FROM ledger_entries WHERE kind = 'card.captured'"); }
  std::string events(const std::string& topic, const std::string& booking_id) {
    return db->scalar("SELECT count(*) FROM outbox WHERE topic = '" + topic + "' AND booking_id = '" + booking_id + "'");
  }

  // A callback as the sandbox would send it for the booking's latest attempt.
  std::string callback_body(const std::string& booking_id, const std::string& status, std::int64_t amount_minor,
                            const std::string& currency) {
    nlohmann::json body = {{"event_id", "forged-" + status},
                           {"type", "session." + status},
                           {"created", rfc3339_in(seconds(0))},
                           {"session",
                            {{"id", attempt_of(booking_id, "acquirer_ref")},
                             {"reference", attempt_of(booking_id, "id")},
                             {"status", status},
                             {"amount_minor", amount_minor},
                             {"currency", currency},
                             {"capture", status == "captured"},
                             {"card", {{"last4", "4242"}, {"brand", "visa"}}},
                             {"failure_reason", nullptr}}}};
    return body.dump();
  }
  HttpResponse post_callback(const std::string& body, const std::string& signature) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (!signature.empty()) headers["Acquirer-Signature"] = signature;
    return http->request("POST", "/v1/acquirer/callback", body, headers);
  }
  static std::string sign(const std::string& body, const std::string& secret = kSecret) {
    return skybill::webhooks::signature_header(server_unix(), body, {secret});
  }

  std::unique_ptr<TestDatabase> db;
  Env env;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<HttpClient> http;
  MerchantKey m;
};

}  // namespace

TEST_F(CardTest, CardWithoutChallengePaysTheInvoiceAndTheBooking) {
  auto b = booked("ORD-CARD-1", "card");
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(b["status"], "awaiting_payment");
  auto token = token_of(b);

  auto back = pay(token);
  EXPECT_TRUE(back.starts_with("/pay/" + token + "/return?attempt=")) << back;
  auto result = returned(back);
  EXPECT_EQ(result["card"]["last_attempt"]["status"], "captured") << result.dump();
  EXPECT_EQ(result["card"]["last_attempt"]["amount"], "11499.50") << result.dump();
  EXPECT_EQ(result["card"]["last_attempt"]["card_last4"], "4242") << result.dump();

  EXPECT_EQ(attempt_of(id, "status"), "captured");
  EXPECT_EQ(attempt_of(id, "card_last4"), "4242");
  EXPECT_EQ(attempt_of(id, "amount_minor"), "1149950");
  EXPECT_EQ(session_of(id, "status"), "captured");
  EXPECT_EQ(session_of(id, "captured_minor"), "1149950");
  auto after = http->get("/v1/bookings/" + id, m.api_key).json();
  EXPECT_EQ(after["status"], "paid");
  EXPECT_EQ(after["invoice"]["status"], "paid");
  EXPECT_EQ(card_entries(), "1");
  EXPECT_EQ(db->scalar("SELECT sum(p.amount_minor) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id "
                       "WHERE a.owner = 'gateway' AND a.kind = 'bank' AND a.currency = 'RUB'"),
            "1149950");
  EXPECT_EQ(events("invoice.paid", id), "1");
  EXPECT_EQ(events("booking.paid", id), "1");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'card_payment.captured' AND actor = 'acquirer:sandbox'"),
            "1");
  EXPECT_EQ(db->scalar("SELECT status FROM sandbox_acquirer_callbacks"), "delivered");
  // The full card number is kept nowhere.
  for (const char* table : {"card_payments", "sandbox_acquirer_sessions", "sandbox_acquirer_callbacks", "audit_log", "outbox"})
    EXPECT_EQ(db->scalar(std::string("SELECT count(*) FROM ") + table + " t WHERE t::text LIKE '%4242424242424242%'"), "0")
        << table;

  // Paid: the page says so and a second payment is refused.
  EXPECT_EQ(view(token)["invoice"]["status"], "paid");
  EXPECT_EQ(view(token)["card"]["can_pay"], false);
  EXPECT_EQ(post_form("/pay/" + token + "/card", {}).status, 409);

  // A clean stop (the sanitizers' leak check runs at exit).
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait_exit(seconds(20)), 0);
}

TEST_F(CardTest, CardWithThreeDSecureChallengeSucceedsWithTheRightCode) {
  auto b = booked("ORD-CARD-3DS", "card");
  auto id = b["id"].get<std::string>();
  auto r = submit_card(open_card_page(token_of(b)), kChallenge);
  ASSERT_EQ(r.status, 303) << r.body;
  auto challenge = path_of(r.header("location"));
  EXPECT_TRUE(challenge.ends_with("/challenge")) << challenge;
  EXPECT_EQ(attempt_of(id, "status"), "challenge") << "the acquirer announced the challenge";
  auto page = http->get(challenge);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "One-time code")) << page.body;
  EXPECT_TRUE(contains(page.body, "3220")) << page.body;

  auto done = post_form(challenge, {{"code", "1234"}});
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(returned(path_of(done.header("location")))["card"]["last_attempt"]["status"], "captured");
  EXPECT_EQ(attempt_of(id, "status"), "captured");
  EXPECT_EQ(invoice_of(id, "status"), "paid");
  EXPECT_EQ(http->get("/v1/bookings/" + id, m.api_key).json()["status"], "paid");
  EXPECT_EQ(card_entries(), "1");
}

TEST_F(CardTest, ThreeWrongChallengeCodesFailThePaymentAndTheInvoiceStaysUnpaid) {
  auto b = booked("ORD-CARD-WRONG", "card");
  auto id = b["id"].get<std::string>();
  auto token = token_of(b);
  auto r = submit_card(open_card_page(token), kChallenge);
  ASSERT_EQ(r.status, 303);
  auto challenge = path_of(r.header("location"));

  auto first = post_form(challenge, {{"code", "0000"}});
  EXPECT_EQ(first.status, 422);
  EXPECT_TRUE(contains(first.body, "2 tries left")) << first.body;
  auto second = post_form(challenge, {{"code", "1111"}});
  EXPECT_EQ(second.status, 422);
  EXPECT_TRUE(contains(second.body, "1 try left")) << second.body;
  auto third = post_form(challenge, {{"code", "4321"}});
  ASSERT_EQ(third.status, 303) << third.body;
  auto result = returned(path_of(third.header("location")));
  EXPECT_EQ(result["card"]["last_attempt"]["status"], "failed") << result.dump();
  EXPECT_EQ(result["card"]["can_pay"], true) << "the payer may try again";

  EXPECT_EQ(attempt_of(id, "status"), "failed");
  EXPECT_EQ(attempt_of(id, "failure_reason"), "3-D Secure authentication failed");
  EXPECT_EQ(session_of(id, "status"), "failed");
  auto inv = invoice_of(id, "status");
  EXPECT_TRUE(inv == "open" || inv == "overdue") << inv;  // a card invoice is due at once
  EXPECT_EQ(http->get("/v1/bookings/" + id, m.api_key).json()["status"], "awaiting_payment");
  EXPECT_EQ(card_entries(), "0");
  EXPECT_EQ(events("invoice.paid", id), "0");
  // The payer may try again.
  EXPECT_EQ(view(token)["card"]["can_pay"], true);
}

TEST_F(CardTest, DeclinedExpiredAndMistypedCards) {
  auto b = booked("ORD-CARD-DECLINED", "card");
  auto id = b["id"].get<std::string>();
  auto token = token_of(b);
  auto card_page = open_card_page(token);

  // A number failing the Luhn check: the form again, nothing decided.
  auto mistyped = submit_card(card_page, "4242 4242 4242 4241");
  EXPECT_EQ(mistyped.status, 422);
  EXPECT_TRUE(contains(mistyped.body, "not valid")) << mistyped.body;
  EXPECT_EQ(attempt_of(id, "status"), "created");

  auto declined = submit_card(card_page, kDeclined);
  ASSERT_EQ(declined.status, 303) << declined.body;
  EXPECT_TRUE(contains(returned(path_of(declined.header("location")))["card"]["last_attempt"]["failure_reason"].get<std::string>(),
                       "declined by the issuer"));
  EXPECT_EQ(attempt_of(id, "status"), "declined");
  EXPECT_EQ(attempt_of(id, "card_last4"), "0002");

  // Another attempt with an expired card.
  auto expired = submit_card(open_card_page(token), std::string(kApproved), "01/20");
  ASSERT_EQ(expired.status, 303) << expired.body;
  EXPECT_EQ(attempt_of(id, "status"), "declined");
  EXPECT_EQ(attempt_of(id, "failure_reason"), "card expired");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM card_payments WHERE booking_id = '" + id + "'"), "2");
  EXPECT_NE(invoice_of(id, "status"), "paid");
  EXPECT_EQ(card_entries(), "0");
}

TEST_F(CardTest, TamperedOrMismatchedCallbacksAreRefusedAndChangeNothing) {
  auto b = booked("ORD-CARD-TAMPER", "card");
  auto id = b["id"].get<std::string>();
  auto r = submit_card(open_card_page(token_of(b)), kChallenge);  // the payer stops at the challenge
  ASSERT_EQ(r.status, 303);
  ASSERT_EQ(attempt_of(id, "status"), "challenge");

  auto body = callback_body(id, "captured", 1149950, "RUB");
  auto wrong_secret = post_callback(body, sign(body, "not_the_secret_at_all_000000000"));
  EXPECT_EQ(wrong_secret.status, 400);
  EXPECT_EQ(wrong_secret.json()["type"], kProblems + "invalid-signature");
  auto altered = body;
  altered.replace(altered.find("1149950"), 7, "1149951");
  EXPECT_EQ(post_callback(altered, sign(body)).status, 400) << "signed for another body";
  EXPECT_EQ(post_callback(body, "").status, 400) << "no signature";
  auto old = skybill::webhooks::signature_header(server_unix() - 3600, body, {kSecret});
  EXPECT_EQ(post_callback(body, old).status, 400) << "an hour-old signature is a replay";

  // Signed right, but for another amount or currency: refused, never converted.
  auto more = callback_body(id, "captured", 1149951, "RUB");
  auto refused = post_callback(more, sign(more));
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.json()["type"], kProblems + "callback-mismatch");
  auto euros = callback_body(id, "captured", 1149950, "EUR");
  EXPECT_EQ(post_callback(euros, sign(euros)).status, 422);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'card_payment.callback_refused'"), "2");

  EXPECT_EQ(attempt_of(id, "status"), "challenge");
  EXPECT_NE(invoice_of(id, "status"), "paid");
  EXPECT_EQ(http->get("/v1/bookings/" + id, m.api_key).json()["status"], "awaiting_payment");
  EXPECT_EQ(card_entries(), "0");
  EXPECT_EQ(events("invoice.paid", id), "0");
}

TEST_F(CardTest, ARepeatedCallbackMakesOnePayment) {
  auto b = booked("ORD-CARD-REPEAT", "card");
  auto id = b["id"].get<std::string>();
  pay(token_of(b));
  ASSERT_EQ(attempt_of(id, "status"), "captured");

  auto body = callback_body(id, "captured", 1149950, "RUB");
  for (int i = 0; i < 2; ++i) {
    auto again = post_callback(body, sign(body));
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["duplicate"], true);
  }
  EXPECT_EQ(card_entries(), "1");
  EXPECT_EQ(events("invoice.paid", id), "1");
  EXPECT_EQ(events("booking.paid", id), "1");
  EXPECT_EQ(invoice_of(id, "paid_minor"), "1149950");
}

TEST_F(CardTest, HoldIsAuthorisedNowAndCapturedAtTheDueDateByAnotherInstance) {
  auto b = booked("ORD-HOLD-CAPTURE", "card_hold");
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(b["status"], "ticketing_authorized");
  auto back = pay(token_of(b));
  auto result = returned(back);
  EXPECT_EQ(result["card"]["last_attempt"]["status"], "authorized") << result.dump();
  EXPECT_EQ(result["card"]["hold"], true);

  EXPECT_EQ(attempt_of(id, "status"), "authorized");
  EXPECT_EQ(session_of(id, "status"), "authorized");
  EXPECT_EQ(session_of(id, "captured_minor"), "0");
  EXPECT_EQ(invoice_of(id, "status"), "open");
  EXPECT_EQ(card_entries(), "0") << "nothing moved yet";
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'invoice.card_hold_authorized'"), "1");
  std::this_thread::sleep_for(milliseconds(500));  // this instance's job runs: not due yet
  EXPECT_EQ(attempt_of(id, "status"), "authorized");

  {
    // 73 hours later the invoice is still unpaid: the job of another instance captures the hold.
    auto future_env = instance_env(base_env(*db), free_port());
    future_env["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(hours(73));
    future_env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
    ServerProcess future(future_env);
    EXPECT_TRUE(wait_for([&] { return attempt_of(id, "status") == "captured"; }));
  }
  EXPECT_EQ(session_of(id, "status"), "captured");
  EXPECT_EQ(session_of(id, "captured_minor"), "1149950");
  EXPECT_EQ(invoice_of(id, "status"), "paid");
  EXPECT_EQ(http->get("/v1/bookings/" + id, m.api_key).json()["status"], "paid");
  EXPECT_EQ(card_entries(), "1");
  EXPECT_EQ(events("invoice.paid", id), "1");
  EXPECT_EQ(db->scalar("SELECT actor FROM audit_log WHERE action = 'card_payment.captured'"), "job:settle_card_payments");
}

TEST_F(CardTest, HoldIsReleasedWhenTheInvoiceIsPaidOtherwise) {
  auto b = booked("ORD-HOLD-RELEASE", "card_hold");
  auto id = b["id"].get<std::string>();
  pay(token_of(b));
  ASSERT_EQ(attempt_of(id, "status"), "authorized");

  // Paid by another way (a bank transfer booked by the payments module): simulated here.
  db->exec("UPDATE invoices SET status = 'paid', paid_minor = amount_minor, paid_at = " + sql_time(server_now()) + " WHERE booking_id = '" + id +
           "' AND status = 'open'");
  EXPECT_TRUE(wait_for([&] { return attempt_of(id, "status") == "released"; }));
  EXPECT_EQ(session_of(id, "status"), "released");
  EXPECT_EQ(session_of(id, "captured_minor"), "0");
  EXPECT_EQ(card_entries(), "0");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM sandbox_acquirer_operations WHERE kind = 'release'"), "1");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'card_payment.released'"), "1");
}

TEST_F(CardTest, AnEuroBookingIsChargedInEuro) {
  auto b = booked("ORD-CARD-EUR", "card", "EUR");
  auto id = b["id"].get<std::string>();
  ASSERT_EQ(b["invoice"]["currency"], "EUR");
  auto page = view(token_of(b));
  EXPECT_EQ(page["card"]["amount"], "11499.50") << page.dump();
  EXPECT_EQ(page["card"]["currency"], "EUR") << page.dump();
  pay(token_of(b));

  EXPECT_EQ(attempt_of(id, "currency"), "EUR");
  EXPECT_EQ(session_of(id, "currency"), "EUR");
  EXPECT_EQ(session_of(id, "amount_minor"), "1149950");
  EXPECT_EQ(invoice_of(id, "status"), "paid");
  EXPECT_EQ(db->scalar("SELECT string_agg(DISTINCT a.currency, ',') FROM ledger_postings p "
                       "JOIN ledger_accounts a ON a.id = p.account_id"),
            "EUR");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM ledger_accounts WHERE currency = 'RUB'"), "0");
}

TEST_F(CardTest, PayPagesOfUnknownLinksAndSessionsAre404) {
  EXPECT_EQ(http->get("/pay/nosuchtoken").status, 404);
  EXPECT_EQ(post_form("/pay/nosuchtoken/card", {}).status, 404);
  EXPECT_EQ(http->get("/sandbox-acquirer/pay/sbx_000000000000000000000000").status, 404);
  // An invoice not paid by card has nothing to pay here.
  auto b = booked("ORD-INVOICE", "invoice");
  EXPECT_TRUE(view(token_of(b))["card"].is_null());
  EXPECT_EQ(post_form("/pay/" + token_of(b) + "/card", {}).status, 409);
}
