#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace skybill::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// Handlers hold the Impl by plain pointer: the client joins the thread before it goes.
struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::deque<std::string> out;
  bool writing = false;
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::string> in;
  bool closed = false;
  int close_code = 0;
  std::thread thread;

  void read() {
    ws.async_read(buffer, [self = this](beast::error_code ec, std::size_t) {
      std::lock_guard lock(self->mutex);
      if (ec) {
        self->closed = true;
        self->close_code = self->ws.reason().code;
        self->cv.notify_all();
        return;
      }
      self->in.push_back(beast::buffers_to_string(self->buffer.data()));
      self->buffer.clear();
      self->cv.notify_all();
      self->read();
    });
  }

  void write_next() {
    if (out.empty()) {
      writing = false;
      return;
    }
    writing = true;
    ws.text(true);
    ws.async_write(asio::buffer(out.front()), [self = this](beast::error_code ec, std::size_t) {
      self->out.pop_front();
      if (ec) {
        self->out.clear();
        self->writing = false;
        return;
      }
      self->write_next();
    });
  }
};

namespace {

void connect(websocket::stream<beast::tcp_stream>& ws, asio::io_context& ioc, int port, const std::string& path,
             const std::map<std::string, std::string>& headers, websocket::response_type& res, beast::error_code& ec) {
  tcp::resolver resolver(ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  ws.read_message_max(16 * 1024 * 1024);
  ws.handshake(res, "127.0.0.1:" + std::to_string(port), path, ec);
}

}  // namespace

WsClient::WsClient(int port, const std::string& path, const std::map<std::string, std::string>& headers)
    : impl_(std::make_shared<Impl>()) {
  websocket::response_type res;
  beast::error_code ec;
  connect(impl_->ws, impl_->ioc, port, path, headers, res, ec);
  if (ec) throw std::runtime_error("upgrade of " + path + " refused: HTTP " + std::to_string(res.result_int()) + " " + res.body());
  impl_->read();
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

WsClient::~WsClient() {
  close();
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void WsClient::send(const nlohmann::json& frame) { send_text(frame.dump()); }

void WsClient::send_text(const std::string& text) {
  asio::post(impl_->ioc, [impl = impl_.get(), text] {
    impl->out.push_back(text);
    if (!impl->writing) impl->write_next();
  });
}

std::optional<nlohmann::json> WsClient::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->cv.wait_for(lock, timeout, [&] { return !impl_->in.empty() || impl_->closed; });
  if (impl_->in.empty()) return std::nullopt;
  auto text = std::move(impl_->in.front());
  impl_->in.pop_front();
  return nlohmann::json::parse(text);
}

std::optional<nlohmann::json> WsClient::next_of(const std::string& type, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto f = next(left);
    if (!f) return std::nullopt;
    if (f->value("type", "") == type) return f;
  }
}

std::vector<nlohmann::json> WsClient::drain(std::chrono::milliseconds quiet) {
  std::vector<nlohmann::json> out;
  while (auto f = next(quiet)) out.push_back(std::move(*f));
  return out;
}

bool WsClient::closed() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->closed;
}

int WsClient::close_code() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->close_code;
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->closed; });
}

void WsClient::close() {
  asio::post(impl_->ioc, [impl = impl_.get()] {
    if (impl->ws.is_open()) impl->ws.async_close(websocket::close_code::normal, [](beast::error_code) {});
  });
  wait_closed(std::chrono::seconds(2));
}

int WsClient::upgrade_status(int port, const std::string& path, const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  websocket::response_type res;
  beast::error_code ec;
  connect(ws, ioc, port, path, headers, res, ec);
  int status = res.result_int();
  if (!ec) ws.close(websocket::close_code::normal, ec);
  return status;
}

}  // namespace skybill::test
