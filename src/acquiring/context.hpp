#pragma once
// What the routes and jobs of this module share.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "blocking.hpp"
#include "skybill/acquiring/acquirer.hpp"
#include "skybill/acquiring/acquiring.hpp"

namespace skybill::acquiring {

inline constexpr std::string_view kSignatureHeader = "Acquirer-Signature";
inline constexpr std::int64_t kSignatureTolerance = 300;  // seconds, as for webhooks

struct Context {
  Context(db::Pool& p, const core::Clock& c, Settings s, PaymentSink k)
      : pool(p), clock(c), settings(std::move(s)), sink(std::move(k)),
        acquirer(sandbox_acquirer(settings.public_url + "/sandbox-acquirer", settings.timeout)) {}

  db::Pool& pool;
  const core::Clock& clock;
  Settings settings;
  PaymentSink sink;
  std::unique_ptr<Acquirer> acquirer;
  Blocking blocking{4};

  // Longer than any call can take: a claimed row is not taken again before it.
  std::chrono::milliseconds lease() const { return settings.timeout * 2 + std::chrono::seconds(10); }
  std::string callback_url() const { return settings.public_url + "/v1/acquirer/callback"; }
};

// The sandbox acquirer: its API and pages under /sandbox-acquirer/.
void add_sandbox_routes(http::Router& router, std::shared_ptr<Context> ctx);
// Sends the sandbox's callbacks that are due again (the first try failed); returns how many.
boost::asio::awaitable<int> redeliver_sandbox_callbacks(Context& ctx);

// POST /pay/{token}/card and /api/card, GET /pay/{token}/return, POST /v1/acquirer/callback.
void add_gateway_routes(http::Router& router, std::shared_ptr<Context> ctx);
// Captures, releases and refunds due; returns how many attempts it settled.
boost::asio::awaitable<int> settle_attempts(Context& ctx);

}  // namespace skybill::acquiring
