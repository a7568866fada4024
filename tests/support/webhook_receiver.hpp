#pragma once
// A real HTTP receiver on loopback for webhook tests: records every request, and answers as
// the test says (a status, after a delay, or by hanging up without an answer).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skybill::test {

struct ReceivedRequest {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::chrono::steady_clock::time_point at;
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

struct Reply {
  int status = 200;
  std::chrono::milliseconds delay{0};
  bool hang_up = false;  // close the connection without answering
  std::string body = "ok";
};

class WebhookReceiver {
 public:
  // index: 0 for the first request received, 1 for the second...
  using Behaviour = std::function<Reply(const ReceivedRequest&, std::size_t index)>;
  explicit WebhookReceiver(Behaviour behaviour = {});
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  void set_behaviour(Behaviour behaviour);
  int port() const { return port_; }
  std::string url(const std::string& path = "/hooks") const;
  std::vector<ReceivedRequest> requests() const;
  // True once at least `count` requests arrived within `timeout`.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void accept_loop();
  void serve(int fd);
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  Behaviour behaviour_;
  std::vector<ReceivedRequest> requests_;
  std::thread acceptor_;
  std::vector<std::thread> handlers_;
};

}  // namespace skybill::test
