#pragma once
// A WebSocket client for the tests (Beast, on a thread of its own): frames arrive into a queue
// the test reads with a timeout.
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace skybill::test {

class WsClient {
 public:
  // Connects to 127.0.0.1:port and upgrades `path` with `headers` (Cookie, Origin, ...); throws
  // std::runtime_error naming the HTTP status when the upgrade is refused.
  WsClient(int port, const std::string& path, const std::map<std::string, std::string>& headers = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(const nlohmann::json& frame);
  void send_text(const std::string& text);
  // The next frame, or nullopt when none came within `timeout` or the socket closed.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The next frame whose "type" is `type`; frames of other types before it are dropped.
  std::optional<nlohmann::json> next_of(const std::string& type,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Every frame that arrives within `quiet` of the last one.
  std::vector<nlohmann::json> drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(300));
  bool closed() const;
  int close_code() const;  // once closed: the code the server sent (0: none)
  // Waits up to `timeout` for the server to close; true when it did.
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

  // The HTTP status an upgrade of `path` gets (101 when accepted, then closed at once).
  static int upgrade_status(int port, const std::string& path, const std::map<std::string, std::string>& headers = {});

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace skybill::test
