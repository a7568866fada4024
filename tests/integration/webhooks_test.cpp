// Signed webhooks against a real receiver on loopback: endpoints, signatures, retries with
// back-off, timeouts, ordering per booking, at-least-once across kill -9, two instances
// draining one outbox, redelivery, rotation, and disabling after the give-up period.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"
#include "skybill/webhooks/signature.hpp"
#include "smtp_server.hpp"
#include "webhook_receiver.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

// A loopback port that nothing listens on (bound once, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}


class WebhooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env = base_env(db);
    env["SKYBILL_DELIVERY_POLL_MS"] = "50";
    env["SKYBILL_DELIVERY_TIMEOUT_MS"] = "1000";
    env["SKYBILL_DELIVERY_RETRY_BASE_MS"] = "1000";
    env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
    auto migrated = run_cli({"migrate"}, env);
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    m = create_merchant(env);
  }
  ServerProcess& start(Env extra = {}) {
    auto e = env;
    for (auto& [k, v] : extra) e[k] = v;
    servers.push_back(std::make_unique<ServerProcess>(e));
    return *servers.back();
  }
  HttpClient client(std::size_t i = 0) { return HttpClient(servers.at(i)->port()); }
  nlohmann::json add_endpoint(const std::string& url, nlohmann::json events = {"*"}) {
    auto r = client().post_json("/v1/webhook-endpoints", {{"url", url}, {"events", events}}, m.api_key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  std::string create_booking(const std::string& reference) {
    auto r = client().post_json("/v1/bookings", booking_body(reference), m.api_key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
  static std::vector<nlohmann::json> bodies(const std::vector<ReceivedRequest>& requests) {
    std::vector<nlohmann::json> out;
    for (const auto& r : requests) out.push_back(nlohmann::json::parse(r.body));
    return out;
  }
  TestDatabase db;
  Env env;
  MerchantKey m;
  std::vector<std::unique_ptr<ServerProcess>> servers;
};

}  // namespace

TEST_F(WebhooksTest, EndpointsAreCreatedListedAndDeletedPerMerchantWithTheSecretShownOnce) {
  start();
  auto http = client();
  auto created = add_endpoint("https://hooks.example.com/skybill", {"booking.created", "invoice.issued"});
  std::string secret = created["secret"];
  EXPECT_TRUE(secret.starts_with("whsec_")) << secret;
  EXPECT_EQ(created["status"], "enabled");
  EXPECT_EQ(created["events"], (nlohmann::json{"booking.created", "invoice.issued"}));

  auto list = http.get("/v1/webhook-endpoints", m.api_key).json();
  ASSERT_EQ(list["data"].size(), 1u);
  EXPECT_FALSE(list["data"][0].contains("secret"));
  std::string id = created["id"];
  EXPECT_FALSE(http.get("/v1/webhook-endpoints/" + id, m.api_key).json().contains("secret"));

  auto other = create_merchant(env, "Other Air", "7736207543", "773601001");
  EXPECT_EQ(http.get("/v1/webhook-endpoints/" + id, other.api_key).status, 404);
  EXPECT_EQ(http.get("/v1/webhook-endpoints", other.api_key).json()["data"].size(), 0u);
  EXPECT_EQ(http.request("DELETE", "/v1/webhook-endpoints/" + id, "", {{"Authorization", "Bearer " + other.api_key}}).status,
            404);

  EXPECT_EQ(http.request("DELETE", "/v1/webhook-endpoints/" + id, "", {{"Authorization", "Bearer " + m.api_key}}).status,
            204);
  EXPECT_EQ(http.get("/v1/webhook-endpoints/" + id, m.api_key).status, 404);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM audit_log WHERE subject = '" + id + "'"), "2");
}

TEST_F(WebhooksTest, BadEndpointsAreRefusedFieldByFieldAndNothingIsStored) {
  start();
  auto r = client().post_json("/v1/webhook-endpoints",
                              {{"url", "ftp://example.com/x"}, {"events", {"booking.created", "booking.teleported", 5, "booking.*", "nope.*"}},
                               {"colour", "red"}},
                              m.api_key);
  ASSERT_EQ(r.status, 422) << r.body;
  std::set<std::string> fields;
  auto problem = r.json();
  for (const auto& e : problem["errors"]) fields.insert(e["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"url", "events[1]", "events[2]", "events[4]", "colour"}));
  EXPECT_EQ(client().post_json("/v1/webhook-endpoints", {{"url", "https://u:p@example.com/"}, {"events", {"*"}}},
                               m.api_key)
                .status,
            422);
  EXPECT_EQ(client().post_json("/v1/webhook-endpoints", {{"url", "https://example.com/"}, {"events", nlohmann::json::array()}},
                               m.api_key)
                .status,
            422);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM webhook_endpoints"), "0");
}

TEST_F(WebhooksTest, EventsArriveSignedWithTheEndpointSecretAndCarryTheObject) {
  WebhookReceiver receiver;
  start();
  auto endpoint = add_endpoint(receiver.url(), {"booking.created"});
  auto id = create_booking("SIG-1");
  ASSERT_TRUE(receiver.wait_for(1, seconds(10)));
  auto req = receiver.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hooks");
  EXPECT_EQ(req.header("content-type"), "application/json");
  auto event = nlohmann::json::parse(req.body);
  EXPECT_EQ(event["type"], "booking.created");
  EXPECT_EQ(event["data"]["id"], id);
  EXPECT_EQ(event["data"]["reference"], "SIG-1");
  EXPECT_EQ(req.header("skybill-event-id"), event["id"]);
  auto header = req.header("skybill-signature");
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, endpoint["secret"].get<std::string>(), server_unix()),
            skybill::webhooks::Verdict::valid)
      << header;
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, "whsec_wrong", server_unix()),
            skybill::webhooks::Verdict::mismatch);
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body + " ", endpoint["secret"].get<std::string>(), server_unix()),
            skybill::webhooks::Verdict::mismatch);
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, endpoint["secret"].get<std::string>(), server_unix() + 301),
            skybill::webhooks::Verdict::outside_tolerance);

  // Only the subscribed type went out; the event is listed and its delivery recorded.
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(receiver.requests().size(), 1u);
  auto events = client().get("/v1/events?type=booking.created&booking=" + id, m.api_key).json();
  ASSERT_EQ(events["data"].size(), 1u);
  EXPECT_EQ(events["data"][0]["id"], event["id"]);
  auto deliveries = client().get("/v1/events/" + event["id"].get<std::string>() + "/deliveries", m.api_key).json();
  ASSERT_EQ(deliveries["data"].size(), 1u);
  EXPECT_EQ(deliveries["data"][0]["status"], "delivered");
  EXPECT_EQ(deliveries["data"][0]["attempts"][0]["http_status"], 200);
  EXPECT_EQ(deliveries["data"][0]["attempts"][0]["response_excerpt"], "ok");
}

TEST_F(WebhooksTest, FailuresAreRetriedWithGrowingDelaysUntilTheReceiverRecovers) {
  WebhookReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    return i < 3 ? Reply{.status = 500, .body = "try later"} : Reply{};
  });
  start();
  add_endpoint(receiver.url(), {"booking.created"});
  create_booking("RETRY-1");
  ASSERT_TRUE(receiver.wait_for(4, seconds(20)));
  auto requests = receiver.requests();
  auto gap = [&](int i) { return duration_cast<milliseconds>(requests[i].at - requests[i - 1].at).count(); };
  // base 1 s, doubling, jitter 0.8..1.2 (plus up to one poll interval of 50 ms).
  EXPECT_GE(gap(1), 800);
  EXPECT_LE(gap(1), 1200 + 300);
  EXPECT_GE(gap(2), 1600);
  EXPECT_LE(gap(2), 2400 + 300);
  EXPECT_GE(gap(3), 3200);
  EXPECT_LE(gap(3), 4800 + 300);
  auto first = nlohmann::json::parse(requests[0].body);
  for (const auto& r : requests) EXPECT_EQ(nlohmann::json::parse(r.body)["id"], first["id"]) << "the same event";
  EXPECT_EQ(requests[3].header("skybill-delivery-attempt"), "4");

  std::this_thread::sleep_for(milliseconds(300));
  auto deliveries = client().get("/v1/events/" + first["id"].get<std::string>() + "/deliveries", m.api_key).json();
  const auto& d = deliveries["data"][0];
  EXPECT_EQ(d["status"], "delivered");
  ASSERT_EQ(d["attempts"].size(), 4u);
  EXPECT_EQ(d["attempts"][0]["http_status"], 500);
  EXPECT_EQ(d["attempts"][0]["error"], "HTTP 500");
  EXPECT_EQ(d["attempts"][0]["response_excerpt"], "try later");
  EXPECT_EQ(d["attempts"][3]["http_status"], 200);
}

TEST_F(WebhooksTest, ATimeoutOrARefusedConnectionIsAFailedAttemptThatIsRetried) {
  WebhookReceiver receiver([](const ReceivedRequest&, std::size_t i) {
    return i == 0 ? Reply{.delay = milliseconds(2500)} : i == 1 ? Reply{.hang_up = true} : Reply{};
  });
  start();
  add_endpoint(receiver.url(), {"booking.created"});
  create_booking("TIMEOUT-1");
  ASSERT_TRUE(receiver.wait_for(3, seconds(20)));
  std::this_thread::sleep_for(milliseconds(300));
  auto event = nlohmann::json::parse(receiver.requests()[0].body);
  auto d = client().get("/v1/events/" + event["id"].get<std::string>() + "/deliveries", m.api_key).json()["data"][0];
  ASSERT_EQ(d["attempts"].size(), 3u) << d.dump();
  EXPECT_TRUE(d["attempts"][0]["http_status"].is_null());
  EXPECT_EQ(d["attempts"][0]["error"], "timed out after 1000 ms");
  EXPECT_GE(d["attempts"][0]["latency_ms"].get<int>(), 1000);
  EXPECT_TRUE(d["attempts"][1]["http_status"].is_null());
  EXPECT_EQ(d["status"], "delivered");

  // Nothing listens on a closed port: refused, recorded, still pending for a retry.
  auto endpoint = add_endpoint("http://127.0.0.1:" + std::to_string(closed_port()) + "/hooks", {"booking.created"});
  create_booking("REFUSED-1");
  std::this_thread::sleep_for(milliseconds(1500));
  auto attempts = db.scalar(
      "SELECT a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id "
      "WHERE d.endpoint_id = '" + endpoint["id"].get<std::string>() + "' ORDER BY a.id LIMIT 1");
  EXPECT_TRUE(contains(attempts, "onnect")) << attempts;
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_deliveries WHERE endpoint_id = '" + endpoint["id"].get<std::string>() +
                      "'"),
            "pending");
}

TEST_F(WebhooksTest, EventsOfOneBookingArriveInOrderEvenWhenTheFirstHasToBeRetried) {
  std::atomic<bool> failed_once{false};
  WebhookReceiver receiver([&](const ReceivedRequest& r, std::size_t) {
    auto e = nlohmann::json::parse(r.body);
    if (e["type"] == "booking.created" && !failed_once.exchange(true)) return Reply{.status = 503};
    return Reply{};
  });
  start();
  add_endpoint(receiver.url(), {"booking.*", "invoice.*"});
  auto id = create_booking("ORDER-1");
  auto http = client();
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "invoice"}}, m.api_key).status, 200);
  ASSERT_EQ(http.post_json("/v1/bookings/" + id + "/cancel", nlohmann::json::object(), m.api_key).status, 200);
  // created (fails, then retried after ~1 s), invoice.issued, invoice.voided, booking.cancelled.
  ASSERT_TRUE(receiver.wait_for(5, seconds(20)));
  std::vector<std::string> types;
  for (const auto& e : bodies(receiver.requests())) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"booking.created", "booking.created", "invoice.issued", "invoice.voided",
                                             "booking.cancelled"}));
}

TEST_F(WebhooksTest, ADeliverySentButNotRecordedBeforeKill9IsSentAgain) {
  std::atomic<bool> hold{true};
  WebhookReceiver receiver([&](const ReceivedRequest&, std::size_t) {
    return hold ? Reply{.delay = seconds(30)} : Reply{};
  });
  auto& first = start({{"SKYBILL_DELIVERY_TIMEOUT_MS", "60000"}});
  add_endpoint(receiver.url(), {"booking.created"});
  create_booking("KILL-1");
  ASSERT_TRUE(receiver.wait_for(1, seconds(10)));
  first.signal(SIGKILL);
  ASSERT_TRUE(first.wait_exit(seconds(5)));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM webhook_attempts"), "0") << "killed before recording";
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_deliveries"), "pending");
  hold = false;
  // The dead sender's lease (2 × 60 s + 10 s) ends; a new instance takes the delivery then.
  db.exec("UPDATE webhook_deliveries SET next_attempt_at = " + sql_time(server_now()));
  start();
  ASSERT_TRUE(receiver.wait_for(2, seconds(10)));
  auto requests = receiver.requests();
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["id"], nlohmann::json::parse(requests[1].body)["id"]);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_deliveries"), "delivered");
}

TEST_F(WebhooksTest, TheLeaseOfAKilledSenderRunsOutByItself) {
  std::atomic<bool> hold{true};
  WebhookReceiver receiver([&](const ReceivedRequest&, std::size_t) {
    return hold ? Reply{.delay = seconds(30)} : Reply{};
  });
  auto& first = start();  // timeout 1 s: lease 12 s
  add_endpoint(receiver.url(), {"booking.created"});
  // The receiver holds the first request longer than the timeout; kill the sender at once.
  create_booking("LEASE-1");
  ASSERT_TRUE(receiver.wait_for(1, seconds(10)));
  first.signal(SIGKILL);
  ASSERT_TRUE(first.wait_exit(seconds(5)));
  hold = false;
  auto killed_at = steady_clock::now();
  start();
  ASSERT_TRUE(receiver.wait_for(2, seconds(20)));
  auto waited = duration_cast<milliseconds>(receiver.requests()[1].at - killed_at).count();
  EXPECT_GE(waited, 9000) << "not before the lease ends";
}

TEST_F(WebhooksTest, TwoInstancesDrainingTogetherSendEachDeliveryOnce) {
  WebhookReceiver receiver([](const ReceivedRequest&, std::size_t) { return Reply{.delay = milliseconds(20)}; });
  start();
  start();
  add_endpoint(receiver.url(), {"booking.created"});
  constexpr int kBookings = 40;
  std::thread a([&] {
    for (int i = 0; i < kBookings / 2; ++i) create_booking("TWO-A-" + std::to_string(i));
  });
  HttpClient second = client(1);
  for (int i = 0; i < kBookings / 2; ++i)
    ASSERT_EQ(second.post_json("/v1/bookings", booking_body("TWO-B-" + std::to_string(i)), m.api_key).status, 201);
  a.join();
  ASSERT_TRUE(receiver.wait_for(kBookings, seconds(30)));
  std::this_thread::sleep_for(seconds(1));
  std::set<std::string> ids;
  for (const auto& e : bodies(receiver.requests())) ids.insert(e["id"]);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kBookings));
  EXPECT_EQ(receiver.requests().size(), static_cast<std::size_t>(kBookings)) << "no event sent twice";
  EXPECT_EQ(db.scalar("SELECT count(*) FROM webhook_attempts"), std::to_string(kBookings));
}

TEST_F(WebhooksTest, AnEventCanBeRedeliveredOnRequest) {
  WebhookReceiver receiver;
  start();
  add_endpoint(receiver.url(), {"booking.created"});
  create_booking("REDO-1");
  ASSERT_TRUE(receiver.wait_for(1, seconds(10)));
  std::string event_id = nlohmann::json::parse(receiver.requests()[0].body)["id"];
  auto r = client().post_json("/v1/events/" + event_id + "/redeliver", nlohmann::json::object(), m.api_key);
  ASSERT_EQ(r.status, 202) << r.body;
  ASSERT_TRUE(receiver.wait_for(2, seconds(10)));
  EXPECT_EQ(nlohmann::json::parse(receiver.requests()[1].body)["id"], event_id);
  std::this_thread::sleep_for(milliseconds(300));
  auto deliveries = client().get("/v1/events/" + event_id + "/deliveries", m.api_key).json()["data"];
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[1]["status"], "delivered");

  auto other = create_merchant(env, "Other Air", "7736207543", "773601001");
  EXPECT_EQ(client().post_json("/v1/events/" + event_id + "/redeliver", nlohmann::json::object(), other.api_key).status,
            404);
  EXPECT_EQ(client().get("/v1/events/" + event_id, other.api_key).status, 404);
  EXPECT_EQ(client().post_json("/v1/events/" + event_id + "/redeliver", {{"endpoint_id", "nope"}}, m.api_key).status, 422);
}

TEST_F(WebhooksTest, ARotatedSecretSignsBesideTheOldOneForADay) {
  WebhookReceiver receiver;
  start();
  auto endpoint = add_endpoint(receiver.url(), {"booking.created"});
  std::string old_secret = endpoint["secret"], id = endpoint["id"];
  auto r = client().post_json("/v1/webhook-endpoints/" + id + "/rotate-secret", nlohmann::json::object(), m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string new_secret = r.json()["secret"];
  EXPECT_NE(new_secret, old_secret);
  create_booking("ROT-1");
  ASSERT_TRUE(receiver.wait_for(1, seconds(10)));
  auto req = receiver.requests()[0];
  auto header = req.header("skybill-signature");
  using skybill::webhooks::Verdict;
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, new_secret, server_unix()), Verdict::valid) << header;
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, old_secret, server_unix()), Verdict::valid) << header;

  // After 24 h only the new secret signs.
  db.exec("UPDATE webhook_endpoints SET previous_secret_until = " + sql_time(server_now(-seconds(1))));
  create_booking("ROT-2");
  ASSERT_TRUE(receiver.wait_for(2, seconds(10)));
  req = receiver.requests()[1];
  header = req.header("skybill-signature");
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, new_secret, server_unix()), Verdict::valid);
  EXPECT_EQ(skybill::webhooks::verify_signature(header, req.body, old_secret, server_unix()), Verdict::mismatch);
}

TEST_F(WebhooksTest, SecretsAreStoredSealedAndAnInstanceWithAnotherKeySendsNothing) {
  WebhookReceiver receiver;
  auto& first = start();  // the tests' key
  auto endpoint = add_endpoint(receiver.url(), {"booking.created"});
  std::string secret = endpoint["secret"];
  auto stored = db.scalar("SELECT secret FROM webhook_endpoints");
  EXPECT_TRUE(stored.starts_with("sealed:v1:")) << stored;
  EXPECT_EQ(stored.find(secret), std::string::npos);
  EXPECT_EQ(stored.find(secret.substr(6)), std::string::npos);
  auto r = client().post_json("/v1/webhook-endpoints/" + endpoint["id"].get<std::string>() + "/rotate-secret",
                              nlohmann::json::object(), m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(db.scalar("SELECT secret FROM webhook_endpoints").starts_with("sealed:v1:"));
  EXPECT_TRUE(db.scalar("SELECT previous_secret FROM webhook_endpoints").starts_with("sealed:v1:"));
  first.signal(SIGTERM);
  ASSERT_TRUE(first.wait_exit(seconds(10)));

  // Another key cannot open the secrets: nothing is sent unsigned or wrongly signed.
  auto& other = start({{"SKYBILL_WEBHOOKS_SECRET_KEY", std::string(64, 'a')}});
  ASSERT_EQ(HttpClient(other.port()).post_json("/v1/bookings", booking_body("SEALED-1"), m.api_key).status, 201);
  std::this_thread::sleep_for(seconds(1));
  EXPECT_TRUE(receiver.requests().empty());
  EXPECT_EQ(db.scalar("SELECT count(*) FROM webhook_attempts"), "0");
  bool logged = false;
  for (const auto& line : other.logs())
    if (line.value("msg", "") == "delivery worker" && contains(line.value("error", ""), "sealed under another key"))
      logged = true;
  EXPECT_TRUE(logged) << "the misconfiguration is logged";
}

TEST_F(WebhooksTest, AnEndpointFailingForThreeDaysIsDisabledItsDeliveryDeadAndTheAirlineTold) {
  SmtpServer smtp;
  WebhookReceiver receiver([](const ReceivedRequest&, std::size_t) { return Reply{.status = 500}; });
  db.exec("UPDATE merchants SET contact_email = 'ops@airline.example' WHERE id = '" + m.merchant_id + "'");
  Env mail = {{"SKYBILL_SMTP_HOST", "127.0.0.1"},
              {"SKYBILL_SMTP_PORT", std::to_string(smtp.port())},
              {"SKYBILL_SMTP_SECURITY", "none"}};
  auto& now = start(mail);
  auto endpoint = add_endpoint(receiver.url(), {"booking.created"});
  // Its time limit lies past the three days, so the only e-mail is the one to the airline
  // (a booking expiring meanwhile would write to its client as well).
  ASSERT_EQ(client().post_json("/v1/bookings", booking_body("DEAD-1", hours(150)), m.api_key).status, 201);
  ASSERT_TRUE(receiver.wait_for(1, seconds(10)));
  // Stopped only once the failure is on record: the three days run from it.
  auto deadline = steady_clock::now() + seconds(10);
  while (db.scalar("SELECT count(*) FROM webhook_endpoints WHERE failing_since IS NOT NULL") == "0" &&
         steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(20));
  now.signal(SIGTERM);
  ASSERT_TRUE(now.wait_exit(seconds(10)));
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_deliveries"), "pending");

  // Three days and an hour later the next attempt fails too: past the give-up period.
  mail["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(hours(73));
  start(mail);
  ASSERT_TRUE(smtp.wait_for(1, seconds(15)));
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_deliveries"), "dead");
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_endpoints"), "disabled");
  std::this_thread::sleep_for(seconds(1));  // time for a second e-mail that must not come
  auto mails = smtp.messages();
  ASSERT_EQ(mails.size(), 1u) << mails.back().to << ": " << mails.back().subject;
  EXPECT_EQ(mails[0].to, "ops@airline.example");
  EXPECT_TRUE(contains(mails[0].body, receiver.url())) << mails[0].body;
  auto shown = client(1).get("/v1/webhook-endpoints/" + endpoint["id"].get<std::string>(), m.api_key).json();
  EXPECT_EQ(shown["status"], "disabled");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE topic = 'webhook_endpoint.disabled'"), "1");
  // A disabled endpoint gets nothing more.
  auto before = receiver.requests().size();
  ASSERT_EQ(client(1).post_json("/v1/bookings", booking_body("DEAD-2", hours(150)), m.api_key).status, 201);
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(receiver.requests().size(), before);

  // The airline fixes its receiver and enables the endpoint again: new events reach it.
  receiver.set_behaviour([](const ReceivedRequest&, std::size_t) { return Reply{.status = 200}; });
  auto path = "/v1/webhook-endpoints/" + endpoint["id"].get<std::string>() + "/enable";
  auto enabled = client(1).post_json(path, nlohmann::json::object(), m.api_key);
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(enabled.json()["status"], "enabled");
  EXPECT_EQ(client(1).post_json(path, nlohmann::json::object(), m.api_key).status, 409) << "enabled already";
  EXPECT_EQ(db.scalar("SELECT count(*) FROM audit_log WHERE action = 'webhook_endpoint.enabled'"), "1");
  ASSERT_EQ(client(1).post_json("/v1/bookings", booking_body("DEAD-3", hours(150)), m.api_key).status, 201);
  ASSERT_TRUE(receiver.wait_for(before + 1, seconds(10)));
  EXPECT_EQ(nlohmann::json::parse(receiver.requests().back().body)["data"]["reference"], "DEAD-3");
}

TEST_F(WebhooksTest, PrivateAddressesAreRefusedWhenRegisteredAndWhenConnecting) {
  WebhookReceiver receiver;
  auto& allowing = start();  // the tests' default: private targets allowed
  add_endpoint(receiver.url(), {"booking.created"});
  allowing.signal(SIGTERM);
  ASSERT_TRUE(allowing.wait_exit(seconds(10)));

  start({{"SKYBILL_DELIVERY_PRIVATE_TARGETS", "refuse"}});
  auto http = client(1);
  for (const std::string& url : {receiver.url(), std::string("http://localhost:8080/hooks"),
                                std::string("http://169.254.169.254/latest/meta-data"), std::string("http://[::1]:9/x"),
                                std::string("http://10.1.2.3/x"), std::string("https://192.168.0.10/x")}) {
    auto r = http.post_json("/v1/webhook-endpoints", {{"url", url}, {"events", {"booking.cancelled"}}}, m.api_key);
    EXPECT_EQ(r.status, 422) << url << ": " << r.body;
    if (r.status == 422) {
      EXPECT_EQ(r.json()["errors"][0]["field"], "url") << r.body;
    }
  }
  auto ok = http.post_json("/v1/webhook-endpoints",
                           {{"url", "https://hooks.airline.example/skybill"}, {"events", {"booking.cancelled"}}},
                           m.api_key);
  EXPECT_EQ(ok.status, 201) << ok.body;

  // The endpoint registered before is not connected to: the attempt fails and is retried.
  ASSERT_EQ(http.post_json("/v1/bookings", booking_body("PRIVATE-1"), m.api_key).status, 201);
  auto deadline = steady_clock::now() + seconds(10);
  while (db.scalar("SELECT count(*) FROM webhook_attempts") == "0" && steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(50));
  auto error = db.scalar("SELECT error FROM webhook_attempts ORDER BY id LIMIT 1");
  EXPECT_TRUE(contains(error, "refused to connect to 127.0.0.1")) << error;
  EXPECT_TRUE(receiver.requests().empty());
  EXPECT_EQ(db.scalar("SELECT status FROM webhook_deliveries"), "pending");
}

TEST_F(WebhooksTest, EventsAreListedNewestFirstFilteredAndKeptThirtyDays) {
  start();
  auto a = create_booking("LIST-1");
  create_booking("LIST-2");
  ASSERT_EQ(client().post_json("/v1/bookings/" + a + "/payment-choice", {{"method", "invoice"}}, m.api_key).status, 200);
  auto all = client().get("/v1/events?limit=2", m.api_key).json();
  ASSERT_EQ(all["data"].size(), 2u);
  EXPECT_EQ(all["data"][0]["type"], "invoice.issued");
  EXPECT_EQ(all["data"][1]["type"], "booking.created");
  EXPECT_EQ(all["data"][1]["data"]["reference"], "LIST-2");
  auto rest = client().get("/v1/events?limit=2&cursor=" + all["next_cursor"].get<std::string>(), m.api_key).json();
  ASSERT_EQ(rest["data"].size(), 2u);
  EXPECT_EQ(rest["data"][0]["data"]["reference"], "LIST-1");
  EXPECT_EQ(rest["data"][1]["type"], "client.linked") << "the first booking linked its client";
  EXPECT_EQ(rest["next_cursor"], nullptr);
  EXPECT_EQ(client().get("/v1/events?booking=" + a, m.api_key).json()["data"].size(), 2u);
  EXPECT_EQ(client().get("/v1/events?type=invoice.issued", m.api_key).json()["data"].size(), 1u);
  EXPECT_EQ(client().get("/v1/events?type=nonsense", m.api_key).status, 422);
  // The outbox stamps events with the database's clock and keeps them 30 days by it.
  db.exec("UPDATE outbox SET created_at = now() - interval '31 days' WHERE booking_id = '" + a + "'");
  EXPECT_EQ(client().get("/v1/events", m.api_key).json()["data"].size(), 2u) << "LIST-2 and the client link";
}
