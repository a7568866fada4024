#pragma once
// A WebSocket as a handler sees it: text frames in, text frames out, no Beast types.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "skybill/http/message.hpp"

namespace skybill::http {

// Close codes the server uses (RFC 6455 §7.4 and the application range).
inline constexpr int kCloseGoingAway = 1001;  // the server is shutting down
inline constexpr int kClosePolicy = 1008;
inline constexpr int kCloseTooBig = 1009;
inline constexpr int kCloseTooSlow = 4000;    // its unsent frames exceeded the limit: reconnect and resume

class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // The next text frame; nullopt once the socket is closed (by the peer, a timeout, a frame
  // over the size limit, close() or shutdown). Only the handler's coroutine reads.
  virtual boost::asio::awaitable<std::optional<std::string>> read() = 0;
  // Queues a text frame; safe from any thread (on the socket's strand it is queued at once).
  // Frames go out in the order queued. When the
  // queue holds more than its limit (the peer reads too slowly) the socket is closed with
  // kCloseTooSlow instead.
  virtual void send(std::string text) = 0;
  // Sends a close frame after what is queued; safe from any thread; later calls do nothing.
  virtual void close(int code, std::string reason) = 0;
  // The socket's strand: work posted there never runs alongside the handler's own steps.
  virtual boost::asio::any_io_executor executor() = 0;
  virtual std::size_t queued_bytes() const = 0;
  // Waits until fewer than `below` bytes wait to be sent; false when that did not happen
  // within `within` (the peer does not read) or the socket closed. For a sender of much at once
  // (a history), so that it goes at the peer's pace instead of into memory.
  virtual boost::asio::awaitable<bool> drained(std::size_t below, std::chrono::milliseconds within) = 0;
};

// Runs for the whole life of an accepted socket, on its executor. The socket is closed when it
// returns.
using SocketHandler = std::function<boost::asio::awaitable<void>(Request&, std::shared_ptr<WebSocket>)>;
// Checks an upgrade request before it is accepted; throws core::Problem to refuse it with that
// HTTP answer (an Origin the endpoint does not take, say).
using Admit = std::function<void(const Request&)>;

struct SocketOptions {
  std::size_t frame_limit = 64 * 1024;     // a bigger frame closes the socket (1009)
  std::size_t queue_limit = 1024 * 1024;   // unsent bytes before kCloseTooSlow
};

}  // namespace skybill::http
