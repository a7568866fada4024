#include "http_post.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <mutex>

#include "skybill/webhooks/targets.hpp"

namespace skybill::webhooks {
namespace {

struct Sink {
  std::string excerpt;
  const std::atomic<bool>* cancel;
  bool allow_private;
  std::string refused;  // the address a connection was refused to
};

std::string address_text(const sockaddr* a) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (a->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, text, sizeof text);
  else if (a->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, text, sizeof text);
  return text;
}

// Checked on the address actually connected to, after DNS: a name that resolves to a private
// address (or is rebound to one after registration) is refused as well.
curl_socket_t on_open(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* sink = static_cast<Sink*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && !sink->allow_private && !is_public_address(&address->addr)) {
    sink->refused = address_text(&address->addr);
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  auto bytes = size * n;
  if (sink->excerpt.size() < kExcerptLimit)
    sink->excerpt.append(data, std::min(bytes, kExcerptLimit - sink->excerpt.size()));
  return bytes;  // the rest is read and dropped, so the connection ends cleanly
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* sink = static_cast<Sink*>(user);
  return sink->cancel && sink->cancel->load() ? 1 : 0;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

PostResult post_json(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds timeout,
                     bool allow_private, const std::atomic<bool>* cancel) {
  global_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  PostResult result;
  if (!curl) {
    result.error = "could not start an HTTP client";
    return result;
  }
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> guard(list, &curl_slist_free_all);

  Sink sink{{}, cancel, allow_private, {}};
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "skybill-webhooks/1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &sink);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &on_open);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &sink);

  auto started = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(c);
  result.latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  result.excerpt = std::move(sink.excerpt);
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    result.error = "cancelled";
    return result;
  }
  if (!sink.refused.empty()) {
    result.error = "refused to connect to " + sink.refused + ": not a public address (delivery.private_targets)";
    return result;
  }
  if (rc != CURLE_OK) {
    result.error = error[0] ? std::string(error) : std::string(curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT) result.error = "timed out after " + std::to_string(timeout.count()) + " ms";
    return result;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  result.status = static_cast<int>(status);
  if (!result.delivered()) result.error = "HTTP " + std::to_string(status);
  return result;
}

}  // namespace skybill::webhooks
