// E-mail to clients and staff through a real SMTP server (aiosmtpd) on loopback: each notice,
// in the booking's language, sent once, and kept in the queue until SMTP is configured.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"
#include "smtp_server.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

class NotificationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env = base_env(db);
    env["SKYBILL_DELIVERY_POLL_MS"] = "50";
    env["SKYBILL_DELIVERY_RETRY_BASE_MS"] = "1000";
    env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
    env["SKYBILL_HTTP_PUBLIC_URL"] = "https://pay.skybill.example";
    env["SKYBILL_MAIL_SUPPORT_ADDRESS"] = "support@skybill.example";
    auto migrated = run_cli({"migrate"}, env);
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    m = create_merchant(env, "Aeroflot Test");
  }
  Env with_smtp(Env extra = {}) {
    Env e = env;
    e["SKYBILL_SMTP_HOST"] = "127.0.0.1";
    e["SKYBILL_SMTP_PORT"] = std::to_string(smtp.port());
    e["SKYBILL_SMTP_SECURITY"] = "none";
    e["SKYBILL_SMTP_FROM"] = "Skybill <billing@skybill.example>";
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }
  ServerProcess& start(const Env& e) {
    servers.push_back(std::make_unique<ServerProcess>(e));
    return *servers.back();
  }
  HttpClient client() { return HttpClient(servers.back()->port()); }
  nlohmann::json create_booking(nlohmann::json body) {
    auto r = client().post_json("/v1/bookings", body, m.api_key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  std::vector<ReceivedMail> mails_to(const std::string& to) {
    std::vector<ReceivedMail> out;
    for (auto& mail : smtp.messages())
      if (contains(mail.to, to)) out.push_back(mail);
    return out;
  }
  TestDatabase db;
  SmtpServer smtp;
  Env env;
  MerchantKey m;
  std::vector<std::unique_ptr<ServerProcess>> servers;
};

}  // namespace

TEST_F(NotificationsTest, AnIssuedInvoiceIsMailedInRussianWithItsPayLink) {
  start(with_smtp());
  auto b = create_booking(booking_body("MAIL-RU"));
  auto r = client().post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice", {{"method", "invoice"}},
                              m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string number = r.json()["invoice"]["number"];
  ASSERT_TRUE(smtp.wait_for(1, seconds(10)));
  auto mails = smtp.messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(contains(mails[0].to, "booker@romashka.example")) << mails[0].to;
  EXPECT_TRUE(contains(mails[0].from, "billing@skybill.example")) << mails[0].from;
  EXPECT_EQ(mails[0].subject, "Счёт № " + number + " на оплату бронирования MAIL-RU");
  EXPECT_TRUE(contains(mails[0].body, b["payment_url"].get<std::string>())) << mails[0].body;
  EXPECT_TRUE(contains(mails[0].body, "11499.50 RUB")) << mails[0].body;
  EXPECT_TRUE(contains(mails[0].body, "Aeroflot Test")) << mails[0].body;
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(db.scalar("SELECT status || ' ' || attempts FROM email_messages"), "sent 1");
}

TEST_F(NotificationsTest, AnEnglishBookingGetsEnglishMail) {
  start(with_smtp());
  auto body = booking_body("MAIL-EN");
  body["language"] = "en";
  auto b = create_booking(body);
  EXPECT_EQ(b["language"], "en");
  ASSERT_EQ(client().post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                               {{"method", "invoice"}}, m.api_key)
                .status,
            200);
  ASSERT_TRUE(smtp.wait_for(1, seconds(10)));
  auto mail = smtp.messages()[0];
  EXPECT_TRUE(mail.subject.starts_with("Invoice ")) << mail.subject;
  EXPECT_TRUE(contains(mail.subject, "for booking MAIL-EN")) << mail.subject;

  body["language"] = "de";
  body["reference"] = "MAIL-DE";
  auto bad = client().post_json("/v1/bookings", body, m.api_key);
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(contains(bad.body, "\"language\"")) << bad.body;
}

TEST_F(NotificationsTest, ADepositPaymentToldAsPaymentReceivedAndTicketingAuthorised) {
  start(with_smtp());
  auto b = create_booking(booking_body("MAIL-DEP"));
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, env).exit_code, 0);
  ASSERT_EQ(client().post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                               {{"method", "deposit"}}, m.api_key)
                .status,
            200);
  ASSERT_TRUE(smtp.wait_for(3, seconds(10)));
  std::this_thread::sleep_for(milliseconds(500));
  std::set<std::string> subjects;
  for (const auto& mail : smtp.messages()) subjects.insert(mail.subject);
  EXPECT_EQ(subjects.size(), 3u);
  EXPECT_EQ(subjects.count("Бронирование MAIL-DEP: оплата подтверждена"), 1u);
  bool payment = false;
  for (const auto& s : subjects) payment = payment || (s.starts_with("Оплата по счёту №") && contains(s, "получена"));
  EXPECT_TRUE(payment);
}

TEST_F(NotificationsTest, AClientIsRemindedOnceTwoHoursBeforeTheTimeLimitThenToldItExpired) {
  auto& now = start(with_smtp());
  auto b = create_booking(booking_body("MAIL-TL", minutes(90)));
  ASSERT_TRUE(smtp.wait_for(1, seconds(10)));
  std::this_thread::sleep_for(milliseconds(500));  // several job rounds: still one reminder
  auto mails = smtp.messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(mails[0].subject.starts_with("Бронирование MAIL-TL: оплатите до ")) << mails[0].subject;
  EXPECT_TRUE(contains(mails[0].body, b["payment_url"].get<std::string>()));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE topic = 'booking.expiring'"), "1");

  now.signal(SIGTERM);
  ASSERT_TRUE(now.wait_exit(seconds(10)));
  start(with_smtp({{"SKYBILL_CLOCK_OFFSET_SECONDS", clock_offset_env(hours(2))}}));
  ASSERT_TRUE(smtp.wait_for(2, seconds(10)));
  EXPECT_EQ(smtp.messages()[1].subject, "Бронирование MAIL-TL аннулировано");
}

TEST_F(NotificationsTest, ANewSupportCaseIsMailedToStaff) {
  start(with_smtp());
  auto b = create_booking(booking_body("MAIL-CASE"));
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", "7728168971", "--amount", "20000.00"}, env).exit_code, 0);
  std::string id = b["id"];
  ASSERT_EQ(client().post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "deposit"}}, m.api_key).status, 200);
  auto r = client().post_json("/v1/bookings/" + id + "/ticketing-failed", {{"reason", "GDS timeout"}}, m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(smtp.wait_for(4, seconds(10)));
  std::this_thread::sleep_for(milliseconds(300));
  auto staff = mails_to("support@skybill.example");
  ASSERT_EQ(staff.size(), 1u);
  EXPECT_TRUE(contains(staff[0].body, id)) << staff[0].body;
  EXPECT_TRUE(contains(staff[0].body, "GDS timeout")) << staff[0].body;
}

TEST_F(NotificationsTest, MailWaitsInTheQueueUntilSmtpIsConfigured) {
  auto& unconfigured = start(env);
  auto b = create_booking(booking_body("MAIL-QUEUE"));
  ASSERT_EQ(client().post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                               {{"method", "invoice"}}, m.api_key)
                .status,
            200);
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(db.scalar("SELECT status || ' ' || attempts FROM email_messages"), "pending 0");
  unconfigured.signal(SIGTERM);
  ASSERT_TRUE(unconfigured.wait_exit(seconds(10)));
  start(with_smtp());
  ASSERT_TRUE(smtp.wait_for(1, seconds(10)));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(smtp.messages().size(), 1u);
  EXPECT_EQ(db.scalar("SELECT status FROM email_messages"), "sent");
}

TEST_F(NotificationsTest, ARefusedRecipientIsNotRetried) {
  start(with_smtp());
  auto body = booking_body("MAIL-REJECT");
  body["contact_email"] = "reject-me@romashka.example";
  auto b = create_booking(body);
  ASSERT_EQ(client().post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                               {{"method", "invoice"}}, m.api_key)
                .status,
            200);
  auto status = [&] { return db.scalar("SELECT status FROM email_messages"); };
  for (int i = 0; i < 100 && (status() == "" || status() == "pending"); ++i)
    std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(db.scalar("SELECT status || ' ' || attempts FROM email_messages"), "dead 1");
  EXPECT_TRUE(contains(db.scalar("SELECT last_error FROM email_messages"), "550"))
      << db.scalar("SELECT last_error FROM email_messages");
}

TEST_F(NotificationsTest, ACreditInvoiceIsRemindedBeforeAndAfterItsDueDate) {
  auto& now = start(with_smtp());
  auto b = create_booking(booking_body("MAIL-CREDIT"));
  ASSERT_EQ(run_cli({"client", "credit", "set", "--inn", "7728168971", "--kpp", "772801001", "--limit", "50000.00",
                     "--deferral-days", "2"},
                    env)
                .exit_code,
            0);
  ASSERT_EQ(client().post_json("/v1/bookings/" + b["id"].get<std::string>() + "/payment-choice",
                               {{"method", "credit_line"}}, m.api_key)
                .status,
            200);
  // Issued, ticketing authorised, and (due within 3 days) the first reminder.
  ASSERT_TRUE(smtp.wait_for(3, seconds(10)));
  std::this_thread::sleep_for(milliseconds(500));
  auto reminders = [&] {
    int n = 0;
    for (const auto& mail : smtp.messages()) n += mail.subject.starts_with("Напоминание об оплате счёта №");
    return n;
  };
  EXPECT_EQ(reminders(), 1);
  now.signal(SIGTERM);
  ASSERT_TRUE(now.wait_exit(seconds(10)));
  start(with_smtp({{"SKYBILL_CLOCK_OFFSET_SECONDS", clock_offset_env(days(4))}}));
  ASSERT_TRUE(smtp.wait_for(4, seconds(10)));
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(reminders(), 2) << "the day after the due date; once";
  EXPECT_EQ(db.scalar("SELECT array_to_string(reminders, ',') FROM invoices"), "before,after");
}
