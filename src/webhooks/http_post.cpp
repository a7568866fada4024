#include "http_post.hpp"

#include "skybill/outbound/outbound.hpp"

namespace skybill::webhooks {

PostResult post_json(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::chrono::milliseconds timeout,
                     bool allow_private, const std::atomic<bool>* cancel) {
  auto r = outbound::send({.method = "POST",
                           .url = url,
                           .body = body,
                           .headers = headers,
                           .timeout = timeout,
                           .user_agent = "skybill-webhooks/1",
                           .body_limit = kExcerptLimit,
                           .allow_private = allow_private,
                           .cancel = cancel});
  PostResult result;
  result.status = r.status;
  result.error = std::move(r.error);
  result.excerpt = std::move(r.body);
  result.latency = r.latency;
  if (result.status && !result.delivered()) result.error = "HTTP " + std::to_string(*result.status);
  return result;
}

}  // namespace skybill::webhooks
