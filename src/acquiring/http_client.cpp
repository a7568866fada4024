#include "http_client.hpp"

#include "skybill/outbound/outbound.hpp"

namespace skybill::acquiring {

HttpResult http_json(const std::string& method, const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout, const std::string& user_agent) {
  auto all = headers;
  all.emplace_back("Accept", "application/json");
  auto r = outbound::send(
      {.method = method, .url = url, .body = body, .headers = std::move(all), .timeout = timeout, .user_agent = user_agent});
  return {r.status, std::move(r.body), std::move(r.error)};
}

}  // namespace skybill::acquiring
