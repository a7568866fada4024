#pragma once
// This instance's chat sockets and the one LISTEN connection that feeds them: a message stored
// by any instance is read once here and sent to every local socket that follows its dialog.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "skybill/http/websocket.hpp"
#include "store.hpp"

namespace skybill::db {
class Pool;
}

namespace skybill::chat {

using Text = std::shared_ptr<const std::string>;
class Hub;

// One socket: what it follows and how far it has been sent, touched only on its strand.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(std::shared_ptr<Hub> hub, db::Pool& pool, std::shared_ptr<http::WebSocket> ws, store::Who who);
  const store::Who& who() const { return who_; }
  http::WebSocket& socket() { return *ws_; }

  // From the hub, any thread.
  void message(std::string dialog, int seq, bool is_private, Text json);
  void frame(Text json);
  void participant_of(std::string dialog, int last_seq);  // staff: now in the dialog
  void resync();                                          // catch up every dialog followed

  // On the strand: sends what comes after `after`, then what arrives.
  void follow(const std::string& dialog, int after);
  void unfollow(const std::string& dialog);
  bool follows(const std::string& dialog) const { return follows_.contains(dialog); }
  void follow_if_new(const std::string& dialog) {
    if (!follows(dialog)) follow(dialog, 0);
  }

 private:
  struct Follow {
    int last = 0;        // the last number sent (or skipped: private, for the customer)
    bool fetching = false;
    bool dirty = false;  // something arrived while fetching: read again
  };
  boost::asio::awaitable<void> catch_up(std::string dialog);
  void deliver(const std::string& dialog, int seq, bool is_private, const Text& json);

  std::shared_ptr<Hub> hub_;
  db::Pool& pool_;
  std::shared_ptr<http::WebSocket> ws_;
  store::Who who_;
  std::unordered_map<std::string, Follow> follows_;
};

class Hub : public std::enable_shared_from_this<Hub> {
 public:
  Hub(db::Pool& pool, std::string database_url);
  ~Hub();

  // Registers a socket: its queue (airline staff: the airline's; gateway staff: support asked).
  // The first one starts the listener on an executor of the server's.
  void attach(const std::shared_ptr<Conn>& c, const boost::asio::any_io_executor& ex);
  void detach(const Conn* c);
  void follow(const std::string& dialog, const std::shared_ptr<Conn>& c);
  void unfollow(const std::string& dialog, const Conn* c);

  std::size_t sockets() const;
  bool listening() const { return listening_.load(); }

 private:
  using Set = std::unordered_map<const Conn*, std::weak_ptr<Conn>>;
  boost::asio::awaitable<void> listen();
  boost::asio::awaitable<void> dispatch(std::vector<std::string> payloads);
  std::vector<std::shared_ptr<Conn>> collect(const Set& s) const;  // under mutex_

  db::Pool& pool_;
  std::string url_;
  // The fan-out's own connection: a notification's message is read without waiting behind the
  // requests that fill the shared pool (measured: the tail of bench/chat).
  std::unique_ptr<db::Pool> reader_;
  mutable std::mutex mutex_;
  Set all_;
  std::unordered_map<std::string, Set> by_dialog_;
  std::unordered_map<std::string, Set> by_staff_;     // staff id → its sockets
  std::unordered_map<std::string, Set> queue_;        // merchant id → its staff's sockets
  Set support_;                                       // the gateway's staff
  bool started_ = false;
  std::atomic<bool> listening_{false};
};

}  // namespace skybill::chat
