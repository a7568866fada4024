#pragma once
// The server's side of one WebSocket (Beast), behind the handler-facing WebSocket interface.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <atomic>
#include <deque>

#include "skybill/http/websocket.hpp"

namespace skybill::http {

class WsSession final : public WebSocket, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream stream, SocketOptions options);
  // Answers the upgrade request (101); false when the handshake failed.
  boost::asio::awaitable<bool> accept(const boost::beast::http::request<boost::beast::http::string_body>& req);

  boost::asio::awaitable<std::optional<std::string>> read() override;
  void send(std::string text) override;
  void close(int code, std::string reason) override;
  boost::asio::any_io_executor executor() override { return executor_; }
  std::size_t queued_bytes() const override { return queued_.load(); }
  boost::asio::awaitable<bool> drained(std::size_t below, std::chrono::milliseconds within) override;

 private:
  void enqueue(std::string text);  // on the strand
  void begin_close(int code, std::string reason);
  boost::asio::awaitable<void> write_loop();
  void cut();  // closes the TCP socket: a peer that does not even read the close frame

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::asio::any_io_executor executor_;
  SocketOptions opt_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::atomic<std::size_t> queued_{0};
  bool writing_ = false;
  bool closing_ = false;  // a close frame is to go after the current write
  bool closed_ = false;   // nothing more is written
  bool read_done_ = false;
  int close_code_ = 1000;
  std::string close_reason_;
};

}  // namespace skybill::http
