#include <gtest/gtest.h>

#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "message.hpp"
#include "skybill/mail/mail.hpp"

using namespace skybill::mail;

namespace {

std::string decode_base64(std::string_view in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    auto v = alphabet.find(c);
    if (v == std::string::npos) continue;  // '=', line breaks
    buf = buf << 6 | static_cast<unsigned>(v);
    if ((bits += 6) >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& message) {
  std::vector<std::string> lines;
  std::size_t pos = 0, crlf;
  while ((crlf = message.find("\r\n", pos)) != std::string::npos) {
    lines.push_back(message.substr(pos, crlf - pos));
    pos = crlf + 2;
  }
  return lines;
}

// The header's value, unfolded, with RFC 2047 encoded-words decoded (whitespace between
// adjacent encoded-words dropped, as RFC 2047 section 6.2 says).
std::string header(const std::string& message, const std::string& name) {
  std::string raw;
  bool found = false;
  for (const auto& line : lines_of(message.substr(0, message.find("\r\n\r\n") + 2))) {
    if (found && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      raw += line;  // unfolding: only the CRLF goes
    } else if (found) {
      break;
    } else if (line.rfind(name + ": ", 0) == 0) {
      found = true;
      raw = line.substr(name.size() + 2);
    }
  }
  if (!found) return "<absent>";
  static const std::regex word(R"(=\?utf-8\?B\?([A-Za-z0-9+/=]*)\?=)", std::regex::icase);
  std::string out;
  bool last_was_word = false;
  std::size_t pos = 0;
  for (std::sregex_iterator it(raw.begin(), raw.end(), word), end; it != end; ++it) {
    std::string between = raw.substr(pos, static_cast<std::size_t>(it->position()) - pos);
    if (!(last_was_word && between.find_first_not_of(' ') == std::string::npos)) out += between;
    out += decode_base64((*it)[1].str());
    pos = static_cast<std::size_t>(it->position() + it->length());
    last_was_word = true;
  }
  return out + raw.substr(pos);
}

std::string body_of(const std::string& message) { return message.substr(message.find("\r\n\r\n") + 4); }

const auto kDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 21} + std::chrono::hours{18};

Message sample(std::string subject = "Счёт № 2026-000042 на оплату бронирования ABC123") {
  return {"client@example.com", std::move(subject), "Здравствуйте!\n\nСумма: 12 345.67 RUB\n",
          "<6f1c2d3e-aaaa-4bbb-8ccc-123456789abc@skybill>"};
}

std::string format(const Message& m, const std::string& from = "skybill <noreply@skybill.local>") {
  return format_message(from, m, kDate);
}

TEST(EmailMessage, HasTheRequiredHeaders) {
  auto msg = format(sample());
  EXPECT_EQ(header(msg, "Date"), "Sat, 21 Nov 2026 18:00:00 +0000");
  EXPECT_EQ(header(msg, "From"), "\"skybill\" <noreply@skybill.local>");
  EXPECT_EQ(header(msg, "To"), "client@example.com");
  EXPECT_EQ(header(msg, "Message-ID"), "<6f1c2d3e-aaaa-4bbb-8ccc-123456789abc@skybill>");
  EXPECT_EQ(header(msg, "MIME-Version"), "1.0");
  EXPECT_EQ(header(msg, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header(msg, "Content-Transfer-Encoding"), "base64");
}

TEST(EmailMessage, EveryLineEndsWithCrlf) {
  auto msg = format(sample(std::string(300, 'x')));
  ASSERT_GE(msg.size(), 2u);
  EXPECT_EQ(msg.substr(msg.size() - 2), "\r\n");
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (msg[i] == '\n') {
      EXPECT_TRUE(i > 0 && msg[i - 1] == '\r') << "bare LF at " << i;
    } else if (msg[i] == '\r') {
      EXPECT_TRUE(i + 1 < msg.size() && msg[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

TEST(EmailMessage, BodyIsBase64OfTheTextWithCrlfLineEnds) {
  auto msg = format(sample());
  for (const auto& line : lines_of(body_of(msg))) EXPECT_LE(line.size(), 76u);
  EXPECT_EQ(decode_base64(body_of(msg)), "Здравствуйте!\r\n\r\nСумма: 12 345.67 RUB\r\n");
}

TEST(EmailMessage, ShortAsciiSubjectStaysReadable) {
  auto msg = format(sample("Invoice 2026-000042 for booking ABC123"));
  EXPECT_NE(msg.find("\r\nSubject: Invoice 2026-000042 for booking ABC123\r\n"), std::string::npos);
}

TEST(EmailMessage, SubjectRoundTripsThroughEncodedWords) {
  for (std::string subject : {std::string("Счёт № 2026-000042 на оплату бронирования ABC123"), std::string("Ё"),
                              std::string(""), std::string("=?utf-8?B?not-a-word?= plain"),
                              std::string("Бронирование ABC123: оплатите до 21.11.2026 18:00 UTC — ") +
                                  "очень длинная тема письма, которую нужно перенести на несколько строк 😀✈️",
                              std::string(200, 'a')}) {
    auto msg = format(sample(subject));
    EXPECT_EQ(header(msg, "Subject"), subject);
  }
}

TEST(EmailMessage, LongSubjectIsFoldedIntoShortLinesAndWords) {
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "Ж✈😀 ";
  auto msg = format(sample(subject));
  auto head = msg.substr(0, msg.find("\r\n\r\n"));
  int subject_lines = 0;
  bool in_subject = false;
  for (const auto& line : lines_of(head + "\r\n")) {
    EXPECT_LE(line.size(), 78u) << line;
    in_subject = line.rfind("Subject: ", 0) == 0 || (in_subject && line.rfind(' ', 0) == 0);
    if (!in_subject) continue;
    ++subject_lines;
    static const std::regex word(R"(=\?utf-8\?B\?[A-Za-z0-9+/=]*\?=)");
    for (std::sregex_iterator it(line.begin(), line.end(), word), end; it != end; ++it) {
      EXPECT_LE(it->length(), 75);
      // Each word decodes on its own to whole UTF-8 characters (no split sequences).
      auto text = decode_base64(it->str().substr(10, static_cast<std::size_t>(it->length()) - 12));
      EXPECT_NE(static_cast<unsigned char>(text.front()) & 0xC0, 0x80u);
      auto last = text.find_last_not_of("\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f"
                                        "\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
                                        "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
                                        "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf");
      auto lead = static_cast<unsigned char>(text[last]);
      std::size_t expected = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      EXPECT_EQ(text.size() - last, expected) << "a character is split at the end of " << it->str();
    }
  }
  EXPECT_GT(subject_lines, 1);
  EXPECT_EQ(header(msg, "Subject"), subject);
}

TEST(EmailMessage, NonAsciiDisplayNameIsEncoded) {
  auto msg = format(sample(), "Авиалинии Север <noreply@skybill.local>");
  EXPECT_EQ(header(msg, "From"), "Авиалинии Север <noreply@skybill.local>");
  EXPECT_EQ(msg.find("\r\nFrom: Ав"), std::string::npos);
  auto bare = format(sample(), "noreply@skybill.local");
  EXPECT_EQ(header(bare, "From"), "noreply@skybill.local");
}

TEST(EmailMessage, HeaderInjectionIsRefused) {
  auto to = sample();
  to.to = "client@example.com\r\nBcc: victim@example.com";
  EXPECT_THROW(format(to), std::invalid_argument);
  auto subject = sample("Hello\nBcc: victim@example.com");
  EXPECT_THROW(format(subject), std::invalid_argument);
  auto cr = sample("Hello\rBcc: victim@example.com");
  EXPECT_THROW(format(cr), std::invalid_argument);
  auto id = sample();
  id.message_id = "<a@skybill>\r\nBcc: victim@example.com";
  EXPECT_THROW(format(id), std::invalid_argument);
  EXPECT_THROW(format(sample(), "skybill\r\n <noreply@skybill.local>"), std::invalid_argument);
}

TEST(EmailMessage, AddressesAndMessageIdAreChecked) {
  for (std::string to : {"", "client", "client@", "@example.com", "a b@example.com", "a@b@c", "<a@b",
                         "клиент@example.com"}) {
    auto m = sample();
    m.to = to;
    EXPECT_THROW(format(m), std::invalid_argument) << to;
  }
  auto m = sample();
  m.message_id = "";
  EXPECT_THROW(format(m), std::invalid_argument);
  m.message_id = "6f1c2d3e@skybill";  // brackets are added
  EXPECT_EQ(header(format(m), "Message-ID"), "<6f1c2d3e@skybill>");
}

TEST(EmailMessage, BareAddress) {
  EXPECT_EQ(bare_address("skybill <noreply@skybill.local>"), "noreply@skybill.local");
  EXPECT_EQ(bare_address("\"Sky, Bill\" <noreply@skybill.local>"), "noreply@skybill.local");
  EXPECT_EQ(bare_address(" noreply@skybill.local "), "noreply@skybill.local");
  EXPECT_THROW(bare_address("skybill"), std::invalid_argument);
}

TEST(EmailMessage, Base64) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64("\xff\xfe"), "//4=");
}

TEST(EmailSmtpSender, RefusesAMalformedMessageBeforeConnecting) {
  // Port 9 (discard) on a documentation address: a connection attempt would time out, not throw
  // std::invalid_argument.
  SmtpSender sender({.host = "192.0.2.1", .port = 9, .security = "none", .timeout = std::chrono::milliseconds(1)});
  auto m = sample();
  m.to = "client@example.com\r\nBcc: victim@example.com";
  EXPECT_THROW(sender.send(m), std::invalid_argument);
}

TEST(EmailSmtpSender, RefusesBadSettings) {
  EXPECT_THROW(SmtpSender({.host = "mail.example.com", .security = "ssl"}), std::invalid_argument);
  EXPECT_THROW(SmtpSender({.host = ""}), std::invalid_argument);
  EXPECT_THROW(SmtpSender({.host = "mail.example.com", .port = 0}), std::invalid_argument);
  EXPECT_THROW(SmtpSender({.host = "mail.example.com", .from = "nobody"}), std::invalid_argument);
  EXPECT_NO_THROW(SmtpSender({.host = "mail.example.com"}));
}

}  // namespace
