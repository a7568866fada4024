#pragma once
// E-mail notifications: texts rendered from templates (Russian by default, English) and a
// blocking SMTP sender.
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace skybill::mail {

enum class Language { ru, en };
// "en" (any case, also "en-GB", "en_US") → en; anything else → ru.
Language language_of(std::string_view code);

struct Notice {
  std::string subject{}, body{};  // plain text, UTF-8; the subject is always one line
};

// kind: invoice_issued | tl_expiring | booking_expired | payment_received | payment_reminder |
// ticketing_authorized | refund_done | endpoint_disabled | support_case_opened.
// facts: a JSON object of strings (times in RFC 3339). Throws std::invalid_argument naming
// the kind and the fact when a required fact is missing, is not a string or is not a valid
// time; an unknown kind also throws std::invalid_argument. Unknown facts are ignored.
Notice render(const std::string& kind, Language lang, const nlohmann::json& facts);

struct SmtpSettings {
  std::string host{};
  int port = 25;
  std::string security = "starttls";  // "none" | "starttls" (required, cert verified) | "tls" (SMTPS)
  std::string username{}, password{};  // empty username: no AUTH
  std::string from = "skybill <noreply@skybill.local>";  // display name optional
  std::chrono::milliseconds timeout{20'000};
};

struct Message {
  std::string to{}, subject{}, body{};
  std::string message_id{};  // "<uuid@skybill>", stable per message so that a re-send is recognisable
};

struct SendError : std::runtime_error {
  bool permanent;  // true: the server refused the recipient or message (5xx); do not retry
  SendError(std::string what, bool permanent);
};

class SmtpSender {
 public:
  // Throws std::invalid_argument for an unknown security mode, an empty host or a bad port
  // or sender address.
  explicit SmtpSender(SmtpSettings s);
  // Blocking; safe to call from several threads at once. Throws std::invalid_argument for a
  // malformed message (CR/LF in a header, an invalid address, no Message-ID) before any
  // connection, SendError otherwise: permanent for a 5xx refusal of the recipient or the
  // message; transient for connection failures, TLS failures, timeouts, 4xx, AUTH refusals.
  void send(const Message& m) const;

 private:
  SmtpSettings settings_;
};

}  // namespace skybill::mail
