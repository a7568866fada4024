#include "skybill/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <cmath>
#include <csignal>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "skybill/core/problem.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/http/metrics.hpp"
#include "skybill/http/problem_json.hpp"
#include "skybill/log/log.hpp"
#include "ws_session.hpp"

namespace skybill::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kDrainTimeout = std::chrono::seconds(1);

struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)), executor(stream.get_executor()) {}
  beast::tcp_stream stream;  // moved into `socket` once upgraded to a WebSocket
  asio::any_io_executor executor;
  bool idle = true;  // touched only on the connection's strand
  std::shared_ptr<WsSession> socket;  // likewise
};

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
      return false;
  return true;
}

// On every response unless its handler set its own (the sandbox acquirer's pages do).
const std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
     "frame-ancestors 'self'; base-uri 'none'; form-action 'self'"},
    {"Referrer-Policy", "no-referrer"},  // pay links carry their token in the URL
    {"X-Content-Type-Options", "nosniff"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"}};
constexpr auto kHsts = "max-age=31536000; includeSubDomains";

Response bare_problem(int status, std::string type, std::string title, std::string detail = {}) {
  return Response::problem(core::Problem(status, std::move(type), std::move(title), std::move(detail)));
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, Authenticator a, Metrics& m)
      : opt(std::move(o)), router(r), authenticate(std::move(a)), metrics(m),
        ioc(std::max(1, opt.io_threads)), acceptor(asio::make_strand(ioc)) {}

  ServerOptions opt;
  const Router& router;
  Authenticator authenticate;
  Metrics& metrics;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<int> active{0};
  std::atomic<int> sockets{0};  // of `active`, those upgraded to a WebSocket
  std::mutex connections_mutex;
  std::set<std::shared_ptr<Connection>> connections;

  awaitable<void> accept_loop();
  awaitable<void> reject(tcp::socket socket);
  awaitable<void> session(std::shared_ptr<Connection> c);
  awaitable<void> send(Connection& c, Response res, const Request* req, bool close);
  awaitable<void> send_stream(Connection& c, bhttp::response<bhttp::empty_body>& head, const StreamBody& body);
  awaitable<void> close_gracefully(Connection& c);
  awaitable<Response> handle(Request& req);
  awaitable<void> authorize(Request& req, const Route& route);
  awaitable<bool> upgrade(std::shared_ptr<Connection> c, bhttp::request<bhttp::string_body>& msg, Request& req,
                          Clock::time_point started);
  std::optional<Response> answer_to_read_error(const beast::error_code& ec) const;
  awaitable<void> drain();
  void begin_shutdown();
  void log_access(const Request& req, const Response& res, Clock::time_point started);
};

awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), asio::as_tuple(use_awaitable));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      log::event(log::Level::warn, "accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_awaitable);  // e.g. out of file descriptors: let some close
      continue;
    }
    if (active.load() >= opt.max_connections) {
      asio::co_spawn(socket.get_executor(), reject(std::move(socket)), asio::detached);
      continue;
    }
    auto c = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex);
      connections.insert(c);
    }
    ++active;
    asio::co_spawn(c->stream.get_executor(), session(c), [this, c](std::exception_ptr e) {
      if (e) {
        try { std::rethrow_exception(e); } catch (const std::exception& ex) {
          log::event(log::Level::error, "connection failed", {{"error", ex.what()}});
        }
      }
      std::lock_guard lock(connections_mutex);
      connections.erase(c);
      --active;
    });
  }
}

awaitable<void> Server::Impl::reject(tcp::socket socket) {
  auto body = problem_json(core::Problem(503, "too-many-connections", "Too many connections",
                                         "the server is at its connection limit; retry shortly"))
                  .dump();
  std::string msg = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
                    "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  co_await asio::async_write(socket, asio::buffer(msg), asio::as_tuple(use_awaitable));
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  log::event(log::Level::warn, "connection refused: limit reached", {{"limit", opt.max_connections}});
}

awaitable<void> Server::Impl::session(std::shared_ptr<Connection> c) {
  auto& stream = c->stream;
  beast::flat_buffer buffer;
  beast::error_code ec;
  bool first = true;
  for (;;) {
    // Idle: no byte of the next request yet. Shutdown may close the connection here.
    c->idle = true;
    if (stopping) break;
    if (buffer.size() == 0) {
      stream.expires_after(first ? opt.header_timeout : opt.idle_timeout);
      auto n = co_await stream.async_read_some(buffer.prepare(8192), asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    first = false;
    c->idle = false;

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.header_limit));
    parser.body_limit(opt.body_limit);
    stream.expires_after(opt.header_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (auto answer = answer_to_read_error(ec)) co_await send(*c, std::move(*answer), nullptr, true);
      break;
    }

    if (auto expect = parser.get()[bhttp::field::expect]; beast::iequals(expect, "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      stream.expires_after(kWriteTimeout);
      co_await bhttp::async_write(stream, cont, asio::redirect_error(use_awaitable, ec));
      if (ec) break;
    }
    if (!parser.is_done()) {
      stream.expires_after(opt.body_timeout);
      co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (auto answer = answer_to_read_error(ec)) co_await send(*c, std::move(*answer), nullptr, true);
        break;
      }
    }

    auto started = Clock::now();
    auto msg = parser.release();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    beast::error_code peer_ec;
    auto peer = stream.socket().remote_endpoint(peer_ec);
    if (!peer_ec) req.remote_address = peer.address().to_string();
    auto rid = req.header("x-request-id");
    req.request_id = rid && valid_request_id(*rid) ? std::string(*rid) : crypto::random_hex(16);

    Response res;
    auto url = boost::urls::parse_origin_form(req.target);
    if (!url) {
      req.route = "unmatched";
      res = bare_problem(400, "bad-request", "Bad request", "the request target is not a valid path");
    } else {
      req.path = std::string(url->encoded_path());
      for (auto p : url->params()) req.query.emplace(p.key, p.value);
      // A WebSocket endpoint takes the connection over: nothing HTTP follows on it.
      if (beast::websocket::is_upgrade(msg) && co_await upgrade(c, msg, req, started)) co_return;
      res = co_await handle(req);
    }
    bool close = !msg.keep_alive() || stopping;
    log_access(req, res, started);
    co_await send(*c, std::move(res), &req, close);
    if (close || !stream.socket().is_open()) break;
  }
  co_await close_gracefully(*c);
}

// What to answer when reading a request failed; nullopt when there is no one to answer: the
// client went away, or timed out (tcp_stream has closed the socket already).
std::optional<Response> Server::Impl::answer_to_read_error(const beast::error_code& ec) const {
  if (ec == bhttp::error::header_limit)
    return bare_problem(431, "headers-too-large", "Request header fields too large",
                        "headers may take at most " + std::to_string(opt.header_limit) + " bytes");
  if (ec == bhttp::error::body_limit)
    return bare_problem(413, "body-too-large", "Request body too large",
                        "the body may take at most " + std::to_string(opt.body_limit) + " bytes");
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category())
    return bare_problem(400, "bad-request", "Bad request", "malformed HTTP: " + ec.message());
  return std::nullopt;
}

awaitable<void> Server::Impl::send(Connection& c, Response res, const Request* req, bool close) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), 11};
  out.set(bhttp::field::server, "skybill");
  if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  // Answers sent before a request exists (413, 431, 400 on bad HTTP) still get an id.
  out.set("X-Request-Id", req ? req->request_id : crypto::random_hex(16));
  for (auto& [k, v] : res.headers) out.insert(k, v);
  for (auto [name, value] : kSecurityHeaders)
    if (out.find(name) == out.end()) out.set(name, value);
  if (opt.behind_tls || (req && req->header("x-forwarded-proto") == std::optional<std::string_view>("https")))
    out.set(bhttp::field::strict_transport_security, kHsts);
  out.keep_alive(!close);
  if (res.stream) {
    bhttp::response<bhttp::empty_body> head{out.result(), 11};
    for (const auto& f : out) head.insert(f.name_string(), f.value());
    head.keep_alive(!close);
    co_await send_stream(c, head, res.stream);
    co_return;
  }
  out.body() = std::move(res.body);
  out.prepare_payload();
  beast::error_code ec;
  c.stream.expires_after(kWriteTimeout);
  co_await bhttp::async_write(c.stream, out, asio::redirect_error(use_awaitable, ec));
  if (ec) c.stream.socket().close(ec);
}

namespace {

struct ConnectionSink final : StreamSink {
  ConnectionSink(beast::tcp_stream& s, const std::atomic<bool>& stop) : stream(s), stopping(stop) {}
  beast::tcp_stream& stream;
  const std::atomic<bool>& stopping;
  bool open = true;

  awaitable<bool> write(std::string data) override {
    if (!open || stopping) co_return false;
    beast::error_code ec;
    stream.expires_after(kWriteTimeout);
    co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(data)), asio::redirect_error(use_awaitable, ec));
    if (ec) open = false;
    co_return open;
  }

  // In short slices, so that shutdown ends a stream within a quarter second.
  awaitable<bool> sleep(std::chrono::milliseconds duration) override {
    asio::steady_timer timer(stream.get_executor());
    auto until = Clock::now() + duration;
    while (open && !stopping && Clock::now() < until) {
      timer.expires_at(std::min(until, Clock::now() + std::chrono::milliseconds(250)));
      co_await timer.async_wait(asio::as_tuple(use_awaitable));
    }
    co_return open && !stopping;
  }
};

}  // namespace

// The headers now, then what the handler's stream writes, as chunks; the last chunk when it
// returns. A write that fails (the client left) or shutdown ends it.
awaitable<void> Server::Impl::send_stream(Connection& c, bhttp::response<bhttp::empty_body>& head,
                                          const StreamBody& body) {
  head.chunked(true);
  beast::error_code ec;
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  c.stream.expires_after(kWriteTimeout);
  co_await bhttp::async_write_header(c.stream, sr, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    c.stream.socket().close(ec);
    co_return;
  }
  ConnectionSink sink(c.stream, stopping);
  try {
    co_await body(sink);
  } catch (const std::exception& e) {
    log::event(log::Level::error, "stream failed", {{"error", e.what()}});
    sink.open = false;
    c.stream.socket().close(ec);
    co_return;
  }
  if (!sink.open) {
    c.stream.socket().close(ec);
    co_return;
  }
  c.stream.expires_after(kWriteTimeout);
  co_await asio::async_write(c.stream, bhttp::make_chunk_last(), asio::redirect_error(use_awaitable, ec));
  if (ec) c.stream.socket().close(ec);
}

// Half-closes and reads what the client still sends, so that closing with unread data does
// not reset the connection and destroy the response it has not read yet (RFC 9112 §9.6).
awaitable<void> Server::Impl::close_gracefully(Connection& c) {
  beast::error_code ec;
  if (!c.stream.socket().is_open()) co_return;
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  char sink[16384];
  auto deadline = Clock::now() + kDrainTimeout;
  while (!ec && Clock::now() < deadline) {
    c.stream.expires_at(deadline);
    co_await c.stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  }
  c.stream.socket().close(ec);
}

awaitable<Response> Server::Impl::handle(Request& req) {
  Response res;
  try {
    auto m = router.match(req.method, req.path);
    if (!m.route) {
      req.route = "unmatched";
      if (!m.allowed.empty()) {
        std::string allow;
        for (const auto& a : m.allowed) allow += (allow.empty() ? "" : ", ") + a;
        res = bare_problem(405, "method-not-allowed", "Method not allowed",
                           req.method + " is not supported here; allowed: " + allow);
        res.with_header("Allow", allow);
      } else {
        res = bare_problem(404, "not-found", "Not found", "no resource at " + req.path);
      }
      co_return res;
    }
    req.route = m.route->pattern;
    req.params = std::move(m.params);
    co_await authorize(req, *m.route);
    res = co_await m.route->handler(req);
  } catch (const core::Problem& p) {
    res = Response::problem(p, req.path);
    if (p.status == 401) res.with_header("WWW-Authenticate", "Bearer");
    if (p.status == 503) res.with_header("Retry-After", "1");
  } catch (const std::exception& e) {
    log::event(log::Level::error, "unhandled error",
               {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    res = bare_problem(500, "internal-error", "Internal server error",
                       "the request failed; quote request id " + req.request_id + " to support");
  }
  co_return res;
}

// Who may call `route`: throws the 401/403 core::Problem, else sets req.principal.
awaitable<void> Server::Impl::authorize(Request& req, const Route& route) {
  if (route.access == Access::anyone) co_return;
  req.principal = co_await authenticate(req);  // 401 and CSRF failures are thrown there
  if (!req.principal)
    throw core::Problem(401, "unauthorized", "Unauthorized",
                        "send the API key as Authorization: Bearer <key> (staff: or sign in)");
  bool staff = req.principal->kind == Principal::Kind::staff;
  if (route.access == Access::merchant && staff)
    throw core::Problem(403, "forbidden", "Forbidden", "this endpoint takes a merchant API key, not a staff key");
  if ((route.access == Access::staff || route.access == Access::any_staff) && !staff)
    throw core::Problem(403, "forbidden", "Forbidden", "this endpoint takes a staff key, not a merchant API key");
  if (staff && !req.principal->merchant_id.empty() && route.access != Access::any_staff)
    throw core::Problem(403, "forbidden", "Forbidden", "airline staff may use only the endpoints scoped to their airline");
  if (staff && !route.permission.empty() && !req.principal->may(route.permission))
    throw core::Problem(403, "forbidden", "Forbidden",
                        "the role " + req.principal->role + " may not do this (" + route.permission + ")");
}

// An upgrade request to a WebSocket endpoint: checked like any request (credential, permission,
// the endpoint's own admission), answered 101 and handed to the endpoint's handler for the
// socket's life. False when the path is no WebSocket endpoint (the request is served as HTTP);
// true when the connection is done, the refusal included.
awaitable<bool> Server::Impl::upgrade(std::shared_ptr<Connection> c, bhttp::request<bhttp::string_body>& msg,
                                      Request& req, Clock::time_point started) {
  auto m = router.match(req.method, req.path);
  if (!m.route || !m.route->socket) co_return false;
  req.route = m.route->pattern;
  req.params = std::move(m.params);
  std::optional<Response> refusal;
  try {
    co_await authorize(req, *m.route);
    if (m.route->admit) m.route->admit(req);
  } catch (const core::Problem& p) {
    refusal = Response::problem(p, req.path);
  } catch (const std::exception& e) {
    log::event(log::Level::error, "unhandled error", {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    refusal = bare_problem(500, "internal-error", "Internal server error",
                           "the request failed; quote request id " + req.request_id + " to support");
  }
  if (refusal || stopping) {
    if (!refusal) refusal = bare_problem(503, "shutting-down", "Service unavailable", "the server is shutting down");
    log_access(req, *refusal, started);
    co_await send(*c, std::move(*refusal), &req, true);
    co_await close_gracefully(*c);
    co_return true;
  }
  Response switching;
  switching.status = 101;
  log_access(req, switching, started);
  auto ws = std::make_shared<WsSession>(std::move(c->stream), m.route->socket_options);
  if (!co_await ws->accept(msg)) co_return true;
  c->socket = ws;
  c->idle = false;
  ++sockets;
  try {
    co_await m.route->socket(req, ws);
  } catch (const std::exception& e) {
    log::event(log::Level::error, "socket handler failed", {{"route", req.route}, {"error", e.what()}});
  }
  --sockets;
  ws->close(1000, "");
  co_return true;
}

void Server::Impl::log_access(const Request& req, const Response& res, Clock::time_point started) {
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics.observe_request(req.method, req.route.empty() ? "unmatched" : req.route, res.status, seconds);
  if (!log::enabled(log::Level::info)) return;
  nlohmann::json fields = {{"request_id", req.request_id}, {"method", req.method},
                           {"path", req.path},             {"route", req.route},
                           {"status", res.status},          {"duration_ms", std::round(seconds * 1e6) / 1e3},
                           {"bytes_in", req.body.size()},   {"bytes_out", res.body.size()}};
  if (req.principal) fields["principal"] = req.principal->id;
  log::event(log::Level::info, "request", fields);
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  log::event(log::Level::info, "shutting down", {{"in_flight_connections", active.load()}});
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  std::lock_guard lock(connections_mutex);
  for (const auto& c : connections)
    asio::post(c->executor, [c] {
      if (c->socket) c->socket->close(kCloseGoingAway, "the server is shutting down");
      else if (c->idle) c->stream.cancel();
    });
  asio::co_spawn(ioc, drain(), asio::detached);
}

awaitable<void> Server::Impl::drain() {
  asio::steady_timer timer(ioc);
  auto deadline = Clock::now() + opt.shutdown_grace;
  while (active.load() > 0 && Clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(use_awaitable);
  }
  if (active.load() > 0)
    log::event(log::Level::warn, "shutdown grace expired", {{"connections_cut", active.load()}});
  ioc.stop();
}

Server::Server(ServerOptions options, const Router& router, Authenticator authenticate, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(authenticate), metrics)) {
  metrics.add_gauge("skybill_websockets_open", "WebSockets open now",
                    [impl = impl_.get()] { return static_cast<double>(impl->sockets.load()); });
}

Server::~Server() = default;

void Server::listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->opt.address, ec);
  if (ec) throw std::runtime_error("http.address: not an IP address: " + impl_->opt.address);
  tcp::endpoint ep(address, impl_->opt.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + impl_->opt.address + ":" +
                             std::to_string(impl_->opt.port) + ": " + ec.message());
}

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::every(std::chrono::milliseconds interval, std::string name,
                   std::function<awaitable<void>()> task) {
  auto& impl = *impl_;
  asio::co_spawn(
      impl.ioc,
      [&impl, interval, name = std::move(name), task = std::move(task)]() -> awaitable<void> {
        asio::steady_timer timer(impl.ioc);
        while (!impl.stopping) {
          timer.expires_after(interval);
          co_await timer.async_wait(asio::as_tuple(use_awaitable));
          if (impl.stopping) break;
          try {
            co_await task();
          } catch (const std::exception& e) {
            log::event(log::Level::warn, "periodic task failed", {{"task", name}, {"error", e.what()}});
          }
        }
      },
      asio::detached);
}

void Server::run() {
  auto& impl = *impl_;
  asio::signal_set signals(impl.ioc, SIGINT, SIGTERM);
  signals.async_wait([&impl](const beast::error_code& ec, int) {
    if (!ec) impl.begin_shutdown();
  });
  asio::co_spawn(impl.acceptor.get_executor(), impl.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < impl.opt.io_threads; ++i) threads.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& t : threads) t.join();
}

}  // namespace skybill::http
