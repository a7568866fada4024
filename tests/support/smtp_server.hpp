#pragma once
// Test harness: a real SMTP server (Python's aiosmtpd, run by /usr/bin/python3) on a free
// loopback port as a child process, storing every message it accepts in a Maildir.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace skybill::test {

struct ReceivedMail {
  std::string from, to;  // the From and To headers, decoded
  std::string subject;   // decoded (RFC 2047)
  std::string body;      // decoded (Content-Transfer-Encoding), line ends as LF
  std::string message_id;
  std::string raw;  // the stored file: what was received plus aiosmtpd's X-Peer, X-MailFrom, X-RcptTo
};

class SmtpServer {
 public:
  enum class Tls {
    none,      // plain SMTP, no STARTTLS offered
    starttls,  // STARTTLS offered and required, with a self-signed certificate
    smtps,     // TLS from the first byte (SMTPS), with a self-signed certificate
  };
  // Recipients whose local part starts with "reject" are refused with 550, "busy" with 450.
  explicit SmtpServer(Tls tls = Tls::none);
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  int port() const { return port_; }
  // Every message stored so far, oldest first.
  std::vector<ReceivedMail> messages() const;
  // True once at least `count` messages are stored; false when `timeout` passes first.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void stop();
  std::size_t stored_count() const;
  std::string dir_;  // temporary: the Maildir, the handler module, the certificate, the log
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace skybill::test
