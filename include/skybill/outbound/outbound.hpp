#pragma once
// Outbound HTTP(S) requests with a JSON body, over libcurl: webhooks to airlines, calls to the
// card acquirer. Certificates and host names are verified, redirects are not followed, and
// unless `allow_private` a connection to an address that is not public is refused whatever
// name led to it (checked after DNS, on the address connected to). Blocking: run it off the
// I/O threads.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace skybill::outbound {

struct Request {
  std::string method = "POST";  // GET, POST, or another verb
  std::string url;
  std::string body{};
  // Sent besides Content-Type: application/json (and no Expect: 100-continue round trip).
  std::vector<std::pair<std::string, std::string>> headers{};
  std::chrono::milliseconds timeout{10'000};  // the whole request, and the connection within it
  std::string user_agent = "skybill";
  std::size_t body_limit = 1 << 20;  // of the response body kept; the rest is read and dropped
  bool allow_private = true;
  const std::atomic<bool>* cancel = nullptr;  // when set, aborts the transfer
};

struct Response {
  std::optional<int> status{};  // none when no HTTP response arrived
  std::string body{};           // up to body_limit bytes
  std::string error{};          // why no response arrived: refused, timed out, cancelled, TLS...
  bool cancelled = false;
  std::chrono::milliseconds latency{0};
};

Response send(const Request& request);

}  // namespace skybill::outbound
