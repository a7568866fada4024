#pragma once
// One webhook POST over HTTP or HTTPS (certificate and host name verified), through outbound::send.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace skybill::webhooks {

struct PostResult {
  std::optional<int> status;  // none when no HTTP response arrived
  std::string error;          // why, when there was no response or it was not 2xx
  std::string excerpt;        // the start of the response body
  std::chrono::milliseconds latency{0};
  bool delivered() const { return status && *status >= 200 && *status < 300; }
};

inline constexpr std::size_t kExcerptLimit = 1024;

// Redirects are not followed (a 3xx is a failure). Unless `allow_private`, a connection to an
// address that is not public (loopback, private, link-local...) is refused, whatever name led to
// it. `cancel`, when set, aborts the transfer (shutdown); the result then says "cancelled".
PostResult post_json(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds timeout,
                     bool allow_private, const std::atomic<bool>* cancel = nullptr);

}  // namespace skybill::webhooks
