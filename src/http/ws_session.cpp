#include "ws_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace skybill::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::use_awaitable;

namespace {
// How long a close frame may wait behind a write the peer does not take.
constexpr auto kCloseGrace = std::chrono::seconds(5);
}  // namespace

WsSession::WsSession(beast::tcp_stream stream, SocketOptions options)
    : ws_(std::move(stream)), executor_(ws_.get_executor()), opt_(options) {}

awaitable<bool> WsSession::accept(const beast::http::request<beast::http::string_body>& req) {
  // The websocket's own timers from here on: pings when idle, closed when the peer is silent.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(30);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "skybill"); }));
  ws_.read_message_max(opt_.frame_limit);
  beast::error_code ec;
  co_await ws_.async_accept(req, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    closed_ = read_done_ = true;
    co_return false;
  }
  co_return true;
}

awaitable<std::optional<std::string>> WsSession::read() {
  for (;;) {
    if (read_done_) co_return std::nullopt;
    buffer_.clear();
    beast::error_code ec;
    co_await ws_.async_read(buffer_, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      // The peer closed, went silent, broke the protocol or sent too big a frame (Beast has
      // answered with the close code); or we closed.
      read_done_ = true;
      co_return std::nullopt;
    }
    if (!ws_.got_text()) {
      begin_close(1003, "text frames only");
      read_done_ = true;
      co_return std::nullopt;
    }
    co_return beast::buffers_to_string(buffer_.data());
  }
}

void WsSession::send(std::string text) {
  asio::dispatch(executor_, [self = shared_from_this(), t = std::move(text)]() mutable { self->enqueue(std::move(t)); });
}

awaitable<bool> WsSession::drained(std::size_t below, std::chrono::milliseconds within) {
  asio::steady_timer timer(executor_);
  auto until = std::chrono::steady_clock::now() + within;
  while (queued_.load() >= below) {
    if (closed_ || closing_ || std::chrono::steady_clock::now() >= until) co_return false;
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(asio::as_tuple(use_awaitable));
  }
  co_return !(closed_ || closing_);
}

void WsSession::close(int code, std::string reason) {
  asio::post(executor_, [self = shared_from_this(), code, r = std::move(reason)]() mutable {
    self->begin_close(code, std::move(r));
  });
}

void WsSession::enqueue(std::string text) {
  if (closing_ || closed_) return;
  queued_ += text.size();
  queue_.push_back(std::move(text));
  if (queued_.load() > opt_.queue_limit) {
    begin_close(kCloseTooSlow, "too slow: reconnect and resume");
    return;
  }
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(executor_, [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
  }
}

void WsSession::begin_close(int code, std::string reason) {
  if (closing_ || closed_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  // What is still queued is dropped when the peer is too slow; otherwise it goes first.
  if (code == kCloseTooSlow) {
    queue_.clear();
    queued_ = 0;
  }
  if (!writing_) {
    writing_ = true;
    asio::co_spawn(executor_, [self = shared_from_this()] { return self->write_loop(); }, asio::detached);
  } else {
    // A write is stuck on a peer that does not read: give the close frame a few seconds.
    auto timer = std::make_shared<asio::steady_timer>(executor_, kCloseGrace);
    timer->async_wait([self = shared_from_this(), timer](beast::error_code) {
      if (!self->read_done_) self->cut();  // no close frame came back either
    });
  }
}

awaitable<void> WsSession::write_loop() {
  beast::error_code ec;
  while (!queue_.empty() && !closed_) {
    std::string text = std::move(queue_.front());
    queue_.pop_front();
    ws_.text(true);
    co_await ws_.async_write(asio::buffer(text), asio::redirect_error(use_awaitable, ec));
    queued_ -= std::min(queued_.load(), text.size());
    if (ec) {
      closed_ = true;
      break;
    }
  }
  if (closing_ && !closed_) {
    closed_ = true;
    websocket::close_reason why(static_cast<websocket::close_code>(close_code_), close_reason_);
    co_await ws_.async_close(why, asio::redirect_error(use_awaitable, ec));
  }
  writing_ = false;
}

void WsSession::cut() {
  closed_ = read_done_ = true;
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
}

}  // namespace skybill::http
