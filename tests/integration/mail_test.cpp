// SmtpSender against a real SMTP server (aiosmtpd) over loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "skybill/mail/mail.hpp"
#include "smtp_server.hpp"

using namespace skybill::mail;
using skybill::test::SmtpServer;
using namespace std::chrono_literals;

namespace {

SmtpSettings settings(int port, std::string security = "none") {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.security = std::move(security);
  s.from = "Skybill Тест <noreply@skybill.local>";
  s.timeout = 10s;
  return s;
}

Message message(std::string to = "client@example.com",
                std::string id = "<0b8e5f1a-1111-4222-8333-444455556666@skybill>") {
  return {std::move(to), "Счёт № 2026-000042 на оплату бронирования ABC123",
          "Здравствуйте!\n\nСумма: 12 345.67 RUB\nОплатить: https://pay.skybill.example/i/7f3c\n", std::move(id)};
}

// Runs send and returns the SendError it throws (fails the test when it throws nothing).
SendError send_error(const SmtpSender& sender, const Message& m) {
  try {
    sender.send(m);
  } catch (const SendError& e) {
    return e;
  }
  ADD_FAILURE() << "send did not throw";
  return SendError("none", false);
}

// A loopback port nobody listens on.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(EmailDelivery, ArrivesWithSubjectAndBodyIntact) {
  SmtpServer server;
  SmtpSender sender(settings(server.port()));
  auto m = message();
  sender.send(m);
  ASSERT_TRUE(server.wait_for(1, 5s));
  auto got = server.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].subject, m.subject);
  EXPECT_EQ(got[0].body, m.body);
  EXPECT_EQ(got[0].message_id, m.message_id);
  EXPECT_EQ(got[0].from, "Skybill Тест <noreply@skybill.local>");
  EXPECT_EQ(got[0].to, "client@example.com");
  EXPECT_NE(got[0].raw.find("X-MailFrom: noreply@skybill.local"), std::string::npos) << got[0].raw;
  EXPECT_NE(got[0].raw.find("X-RcptTo: client@example.com"), std::string::npos) << got[0].raw;
}

TEST(EmailDelivery, ARenderedNoticeWithALongSubjectArrivesIntact) {
  SmtpServer server;
  SmtpSender sender(settings(server.port()));
  auto notice = render("tl_expiring", Language::ru,
                       {{"merchant_name", "Авиалинии «Север»"},
                        {"reference", "ABC123-ОЧЕНЬ-ДЛИННЫЙ-НОМЕР-БРОНИРОВАНИЯ-АВИАКОМПАНИИ"},
                        {"pnr", "XK7P2Q"},
                        {"ticketing_time_limit", "2026-11-21T18:00:00Z"},
                        {"pay_url", "https://pay.skybill.example/i/7f3c"},
                        {"amount", "12 345.67 RUB"}});
  sender.send({"client@example.com", notice.subject, notice.body, "<5d1e-long@skybill>"});
  ASSERT_TRUE(server.wait_for(1, 5s));
  auto got = server.messages().at(0);
  EXPECT_EQ(got.subject, notice.subject);
  EXPECT_EQ(got.body, notice.body);
  EXPECT_NE(got.raw.find("\n =?utf-8?B?"), std::string::npos) << "subject not folded:\n" << got.raw;
}

TEST(EmailDelivery, SeveralThreadsSendAtOnce) {
  SmtpServer server;
  const SmtpSender sender(settings(server.port()));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i)
        sender.send(message("client@example.com", "<m" + std::to_string(t) + "-" + std::to_string(i) + "@skybill>"));
    });
  for (auto& t : threads) t.join();
  ASSERT_TRUE(server.wait_for(12, 10s));
  std::set<std::string> ids;
  for (const auto& m : server.messages()) ids.insert(m.message_id);
  EXPECT_EQ(ids.size(), 12u);
}

TEST(EmailDelivery, ARefusedConnectionIsTransient) {
  SmtpSender sender(settings(closed_port()));
  auto e = send_error(sender, message());
  EXPECT_FALSE(e.permanent) << e.what();
}

TEST(EmailDelivery, AServerThatNeverAnswersTimesOutAsTransient) {
  // Listening without accepting: the kernel completes the handshake, no greeting ever comes.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto s = settings(ntohs(addr.sin_port));
  s.timeout = 300ms;
  auto started = std::chrono::steady_clock::now();
  auto e = send_error(SmtpSender(s), message());
  EXPECT_FALSE(e.permanent) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  close(fd);
}

TEST(EmailDelivery, ARejectedRecipientIsPermanent) {
  SmtpServer server;
  auto e = send_error(SmtpSender(settings(server.port())), message("reject-me@example.com"));
  EXPECT_TRUE(e.permanent) << e.what();
  EXPECT_NE(std::string(e.what()).find("550"), std::string::npos) << e.what();
}

TEST(EmailDelivery, ATemporarilyRefusedRecipientIsTransient) {
  SmtpServer server;
  auto e = send_error(SmtpSender(settings(server.port())), message("busy@example.com"));
  EXPECT_FALSE(e.permanent) << e.what();
}

TEST(EmailDelivery, StartTlsIsRequiredNotSkipped) {
  SmtpServer server;  // offers no STARTTLS
  auto e = send_error(SmtpSender(settings(server.port(), "starttls")), message());
  EXPECT_FALSE(e.permanent) << e.what();
  EXPECT_FALSE(server.wait_for(1, 300ms)) << "the message went in clear text";
}

TEST(EmailDelivery, StartTlsVerifiesTheCertificate) {
  SmtpServer server(SmtpServer::Tls::starttls);  // self-signed
  auto e = send_error(SmtpSender(settings(server.port(), "starttls")), message());
  EXPECT_FALSE(e.permanent) << e.what();
  EXPECT_NE(std::string(e.what()).find("certificate"), std::string::npos) << e.what();
  EXPECT_FALSE(server.wait_for(1, 300ms));
}

TEST(EmailDelivery, SmtpsVerifiesTheCertificate) {
  SmtpServer server(SmtpServer::Tls::smtps);  // self-signed
  auto e = send_error(SmtpSender(settings(server.port(), "tls")), message());
  EXPECT_FALSE(e.permanent) << e.what();
  EXPECT_NE(std::string(e.what()).find("certificate"), std::string::npos) << e.what();
  EXPECT_FALSE(server.wait_for(1, 300ms));
}

}  // namespace
