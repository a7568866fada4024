#pragma once
// One HTTP request with a JSON body over libcurl (HTTPS verified, redirects not followed).
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace skybill::acquiring {

struct HttpResult {
  std::optional<int> status;  // none when no response arrived
  std::string body;           // up to 1 MiB
  std::string error;          // why there was no response
};

HttpResult http_json(const std::string& method, const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout, const std::string& user_agent);

}  // namespace skybill::acquiring
