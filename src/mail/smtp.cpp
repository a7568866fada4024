#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <memory>
#include <mutex>

#include "message.hpp"
#include "skybill/mail/mail.hpp"

namespace skybill::mail {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("mail: curl_global_init failed");
  });
}

struct Upload {
  std::string_view data;
  std::size_t sent = 0;
};

std::size_t read_payload(char* buffer, std::size_t size, std::size_t count, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  std::size_t n = std::min(size * count, up->data.size() - up->sent);
  std::memcpy(buffer, up->data.data() + up->sent, n);
  up->sent += n;
  return n;
}

// The server's verdict on the recipient or the message; everything else (no connection, TLS,
// timeout, 4xx, AUTH refused) may succeed later.
bool is_permanent(CURLcode rc, long smtp_code) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_LOGIN_DENIED:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
      return false;
    default:
      return smtp_code >= 500 && smtp_code < 600;
  }
}

}  // namespace

SendError::SendError(std::string what, bool permanent) : std::runtime_error(std::move(what)), permanent(permanent) {}

SmtpSender::SmtpSender(SmtpSettings s) : settings_(std::move(s)) {
  if (settings_.security != "none" && settings_.security != "starttls" && settings_.security != "tls")
    throw std::invalid_argument("mail: smtp security must be none, starttls or tls, not \"" + settings_.security +
                                "\"");
  if (settings_.host.empty() || settings_.host.find_first_of("/?#@ \r\n") != std::string::npos)
    throw std::invalid_argument("mail: invalid smtp host \"" + settings_.host + "\"");
  if (settings_.port < 1 || settings_.port > 65535)
    throw std::invalid_argument("mail: invalid smtp port " + std::to_string(settings_.port));
  bare_address(settings_.from);
}

void SmtpSender::send(const Message& m) const {
  const std::string payload = format_message(settings_.from, m, std::chrono::system_clock::now());
  // Built with append: GCC 12 at -O3 reports a false -Wrestrict for "<" + s + ">".
  const std::string mail_from = std::string("<").append(bare_address(settings_.from)).append(">");
  const std::string rcpt = std::string("<").append(bare_address(m.to)).append(">");
  global_init();

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw SendError("mail: curl_easy_init failed", false);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpts(curl_slist_append(nullptr, rcpt.c_str()),
                                                                     curl_slist_free_all);
  const bool ipv6 = settings_.host.find(':') != std::string::npos;
  const std::string url = (settings_.security == "tls" ? "smtps://" : "smtp://") +
                          (ipv6 ? "[" + settings_.host + "]" : settings_.host) + ":" + std::to_string(settings_.port);
  Upload upload{payload};
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpts.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_payload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (settings_.security == "starttls") curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!settings_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }

  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return;
  long smtp_code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
  std::string what = "mail: sending to " + rcpt + " via " + url + " failed: ";
  what += *error ? error : curl_easy_strerror(rc);
  if (smtp_code != 0) what += " (SMTP " + std::to_string(smtp_code) + ")";
  throw SendError(what, is_permanent(rc, smtp_code));
}

}  // namespace skybill::mail
