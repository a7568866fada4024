#pragma once
// The HTTP/1.1 server: Beast, one coroutine per connection, graceful shutdown.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "skybill/http/message.hpp"
#include "skybill/http/router.hpp"

namespace skybill::http {

class Metrics;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int io_threads = 2;
  std::size_t body_limit = 1 << 20;
  std::size_t header_limit = 16 * 1024;
  int max_connections = 10000;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
  // Clients reach the server over TLS (http.public_url is https://): every response carries
  // Strict-Transport-Security; so does one to a request with X-Forwarded-Proto: https.
  bool behind_tls = false;
};

// Resolves the credential of a request to a routed, protected path (Authorization: Bearer,
// else a staff session cookie) to a principal; nullopt when it carries none. A credential that
// is unknown, revoked or expired is a 401 core::Problem, a cookie-authenticated unsafe method
// without the session's X-CSRF-Token a 403 (the authenticator knows the session; the server
// does not look at cookies).
using Authenticator =
    std::function<boost::asio::awaitable<std::optional<Principal>>(const Request& req)>;

class Server {
 public:
  Server(ServerOptions options, const Router& router, Authenticator authenticate, Metrics& metrics);
  ~Server();
  // Binds and listens; throws std::runtime_error naming the address on failure.
  void listen();
  std::uint16_t port() const;
  // Runs `task` every `interval` on the server's threads until shutdown; a failure is
  // logged and the task runs again at the next tick.
  void every(std::chrono::milliseconds interval, std::string name,
             std::function<boost::asio::awaitable<void>()> task);
  // Serves until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish for
  // up to shutdown_grace and returns.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skybill::http
