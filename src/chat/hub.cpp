#include "hub.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/log/log.hpp"

namespace skybill::chat {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr int kCatchUpPage = 200;
constexpr std::size_t kHighWater = 256 * 1024;
constexpr std::size_t kLowWater = 64 * 1024;
constexpr auto kStall = std::chrono::seconds(5);

Text text(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, std::vector<std::string>& sink)
      : pqxx::notification_receiver(c, store::kChannel), sink_(sink) {}
  void operator()(const std::string& payload, int) override { sink_.push_back(payload); }

 private:
  std::vector<std::string>& sink_;
};

}  // namespace

// --- Conn ---

Conn::Conn(std::shared_ptr<Hub> hub, db::Pool& pool, std::shared_ptr<http::WebSocket> ws, store::Who who)
    : hub_(std::move(hub)), pool_(pool), ws_(std::move(ws)), who_(std::move(who)) {}

void Conn::message(std::string dialog, int seq, bool is_private, Text json) {
  asio::post(ws_->executor(), [self = shared_from_this(), d = std::move(dialog), seq, is_private, j = std::move(json)] {
    self->deliver(d, seq, is_private, j);
  });
}

void Conn::frame(Text json) {
  // Frames without numbers go out as they come; the socket's queue keeps their order.
  ws_->send(*json);
}

void Conn::participant_of(std::string dialog, int last_seq) {
  asio::post(ws_->executor(), [self = shared_from_this(), d = std::move(dialog), last_seq] {
    if (!self->follows_.contains(d)) self->follow(d, last_seq);
  });
}

void Conn::resync() {
  asio::post(ws_->executor(), [self = shared_from_this()] {
    for (auto& [dialog, f] : self->follows_) {
      if (f.fetching) {
        f.dirty = true;
        continue;
      }
      f.fetching = true;
      asio::co_spawn(self->ws_->executor(), self->catch_up(dialog), asio::detached);
    }
  });
}

void Conn::follow(const std::string& dialog, int after) {
  auto& f = follows_[dialog];
  f.last = std::max(0, after);
  hub_->follow(dialog, shared_from_this());
  if (f.fetching) {
    f.dirty = true;
    return;
  }
  f.fetching = true;
  asio::co_spawn(ws_->executor(), catch_up(dialog), asio::detached);
}

void Conn::unfollow(const std::string& dialog) {
  follows_.erase(dialog);
  hub_->unfollow(dialog, this);
}

void Conn::deliver(const std::string& dialog, int seq, bool is_private, const Text& json) {
  auto it = follows_.find(dialog);
  if (it == follows_.end()) return;
  auto& f = it->second;
  if (f.fetching) {
    f.dirty = true;
    return;
  }
  if (seq <= f.last) return;  // sent already (by a catch-up)
  if (seq == f.last + 1) {
    f.last = seq;
    if (!(is_private && who_.visitor())) ws_->send(*json);
    return;
  }
  // A gap: a notification was lost or came before this socket followed; read what is missing.
  f.fetching = true;
  asio::co_spawn(ws_->executor(), catch_up(dialog), asio::detached);
}

awaitable<void> Conn::catch_up(std::string dialog) {
  auto self = shared_from_this();
  for (;;) {
    auto it = follows_.find(dialog);
    if (it == follows_.end()) co_return;
    int after = it->second.last;
    it->second.dirty = false;
    std::vector<store::MessageRow> rows;
    int last = after;
    try {
      co_await pool_.read([&](db::Tx& tx) {
        rows = store::messages_after(tx, dialog, after, !who_.visitor(), kCatchUpPage, last);
      });
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "chat catch-up failed", {{"dialog", dialog}, {"error", e.what()}});
      it = follows_.find(dialog);
      if (it != follows_.end()) it->second.fetching = false;
      ws_->close(1011, "try again");  // 1011 internal error: the client resumes from its last number
      co_return;
    }
    // At the reader's pace: a long history must not pile up in memory; a reader that takes
    // nothing in for a while is closed (it resumes from its last number when it can).
    for (const auto& r : rows) {
      it = follows_.find(dialog);
      if (it == follows_.end()) co_return;
      if (r.seq <= it->second.last) continue;
      ws_->send(r.json);
      it->second.last = r.seq;
      if (ws_->queued_bytes() > kHighWater && !co_await ws_->drained(kLowWater, kStall)) {
        ws_->close(http::kCloseTooSlow, "too slow: reconnect and resume");
        co_return;
      }
    }
    it = follows_.find(dialog);
    if (it == follows_.end()) co_return;
    auto& f = it->second;
    f.last = std::max(f.last, last);
    if (!f.dirty && static_cast<int>(rows.size()) < kCatchUpPage) {
      f.fetching = false;
      co_return;
    }
  }
}

// --- Hub ---

Hub::Hub(db::Pool& pool, std::string database_url)
    : pool_(pool), url_(std::move(database_url)),
      reader_(std::make_unique<db::Pool>(db::PoolOptions{.url = url_, .size = 1, .application_name = "skybill-chat"})) {}
Hub::~Hub() = default;

void Hub::attach(const std::shared_ptr<Conn>& c, const asio::any_io_executor& ex) {
  bool start = false;
  {
    std::lock_guard lock(mutex_);
    all_[c.get()] = c;
    const auto& w = c->who();
    if (!w.visitor()) {
      by_staff_[w.id][c.get()] = c;
      if (!w.merchant_id.empty()) queue_[w.merchant_id][c.get()] = c;
      else support_[c.get()] = c;
    }
    if (!started_) start = started_ = true;
  }
  if (start)
    asio::co_spawn(asio::make_strand(ex), [self = shared_from_this()] { return self->listen(); }, asio::detached);
}

void Hub::detach(const Conn* c) {
  std::lock_guard lock(mutex_);
  all_.erase(c);
  for (auto* index : {&by_dialog_, &by_staff_, &queue_})
    for (auto it = index->begin(); it != index->end();) {
      it->second.erase(c);
      it = it->second.empty() ? index->erase(it) : std::next(it);
    }
  support_.erase(c);
}

void Hub::follow(const std::string& dialog, const std::shared_ptr<Conn>& c) {
  std::lock_guard lock(mutex_);
  by_dialog_[dialog][c.get()] = c;
}

void Hub::unfollow(const std::string& dialog, const Conn* c) {
  std::lock_guard lock(mutex_);
  auto it = by_dialog_.find(dialog);
  if (it == by_dialog_.end()) return;
  it->second.erase(c);
  if (it->second.empty()) by_dialog_.erase(it);
}

std::size_t Hub::sockets() const {
  std::lock_guard lock(mutex_);
  return all_.size();
}

std::vector<std::shared_ptr<Conn>> Hub::collect(const Set& s) const {
  std::vector<std::shared_ptr<Conn>> out;
  out.reserve(s.size());
  for (const auto& [_, w] : s)
    if (auto c = w.lock()) out.push_back(std::move(c));
  return out;
}

// One connection, LISTEN skybill_chat; its socket waited on with the server's executor. Lost:
// made again after a second, and every socket catches up (notifications may have been missed).
awaitable<void> Hub::listen() {
  auto self = shared_from_this();
  auto ex = co_await asio::this_coro::executor;
  bool reconnect = false;
  for (;;) {
    try {
      pqxx::connection conn(url_);
      std::vector<std::string> pending;
      Receiver receiver(conn, pending);
      asio::posix::stream_descriptor socket(ex, ::dup(conn.sock()));
      listening_ = true;
      if (reconnect) {
        std::lock_guard lock(mutex_);
        for (auto& c : collect(all_)) c->resync();
      }
      log::event(log::Level::info, "chat listening", {{"channel", store::kChannel}});
      for (;;) {
        auto [ec] = co_await socket.async_wait(asio::posix::stream_descriptor::wait_read, asio::as_tuple(use_awaitable));
        if (ec) throw pqxx::broken_connection(ec.message());
        conn.get_notifs();
        if (!pending.empty()) {
          auto batch = std::move(pending);
          pending.clear();
          co_await dispatch(std::move(batch));
        }
      }
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "chat listener lost its connection", {{"error", e.what()}});
    }
    listening_ = false;
    reconnect = true;
    asio::steady_timer pause(ex, std::chrono::seconds(1));
    co_await pause.async_wait(asio::as_tuple(use_awaitable));
  }
}

// A batch of notifications, in commit order: the messages read in one statement, the changed
// dialogs in another, then each event sent to the sockets it concerns.
awaitable<void> Hub::dispatch(std::vector<std::string> payloads) {
  std::vector<nlohmann::json> events;
  std::vector<std::pair<std::string, int>> keys;
  std::set<std::string> dialog_ids;
  for (const auto& p : payloads) {
    auto e = nlohmann::json::parse(p, nullptr, false);
    if (e.is_discarded() || !e.contains("t")) continue;
    auto t = e["t"].get<std::string>();
    if (t == "m") {
      keys.emplace_back(e["d"].get<std::string>(), e["s"].get<int>());
      if (e.value("w", false)) dialog_ids.insert(e["d"].get<std::string>());  // the queue's preview
    } else if (t == "d") {
      dialog_ids.insert(e["d"].get<std::string>());
    }
    events.push_back(std::move(e));
  }
  std::unordered_map<std::string, Text> messages;  // "dialog/seq" → frame
  std::unordered_map<std::string, store::DialogRow> dialogs;
  if (!keys.empty() || !dialog_ids.empty()) {
    std::vector<store::MessageRow> rows;
    std::vector<store::DialogRow> drows;
    try {
      co_await reader_->read([&](db::Tx& tx) {
        rows = store::messages_by_key(tx, keys);
        drows = store::dialogs_by_id(tx, {dialog_ids.begin(), dialog_ids.end()});
      });
    } catch (const std::exception& e) {
      // The sockets find the gap at the next message of each dialog, or at their next resync.
      log::event(log::Level::warn, "chat dispatch could not read", {{"error", e.what()}});
      co_return;
    }
    for (auto& r : rows) messages[r.dialog_id + "/" + std::to_string(r.seq)] = text(std::move(r.json));
    for (auto& d : drows) dialogs[d.id] = std::move(d);
  }

  std::set<std::string> dialog_sent;
  for (const auto& e : events) {
    auto t = e["t"].get<std::string>();
    auto dialog = e.value("d", std::string());
    std::vector<std::shared_ptr<Conn>> followers;
    {
      std::lock_guard lock(mutex_);
      if (auto it = by_dialog_.find(dialog); it != by_dialog_.end()) followers = collect(it->second);
    }
    if (t == "m") {
      auto it = messages.find(dialog + "/" + std::to_string(e["s"].get<int>()));
      if (it == messages.end()) continue;  // rolled back cannot be: committed before NOTIFY; deleted never
      bool priv = e.value("p", false);
      for (auto& c : followers) c->message(dialog, e["s"].get<int>(), priv, it->second);
    }
    if ((t == "d" || (t == "m" && e.value("w", false))) && !dialog_sent.contains(dialog)) {
      auto it = dialogs.find(dialog);
      if (it == dialogs.end()) continue;
      dialog_sent.insert(dialog);
      const auto& d = it->second;
      auto staff_frame = text("{\"type\":\"dialog\",\"dialog\":" + d.staff_json + "}");
      auto visitor_frame = text("{\"type\":\"dialog\",\"dialog\":" + d.visitor_json + "}");
      std::unordered_map<const Conn*, std::shared_ptr<Conn>> to;
      {
        std::lock_guard lock(mutex_);
        if (auto q = queue_.find(d.merchant_id); q != queue_.end())
          for (auto& c : collect(q->second)) to[c.get()] = c;
        if (d.support_requested)
          for (auto& c : collect(support_)) to[c.get()] = c;
        for (const auto& staff : d.staff)
          if (auto s = by_staff_.find(staff); s != by_staff_.end())
            for (auto& c : collect(s->second)) {
              to[c.get()] = c;
              c->participant_of(d.id, d.last_seq);
            }
      }
      for (auto& c : followers) to[c.get()] = c;
      for (auto& [_, c] : to) c->frame(c->who().visitor() ? visitor_frame : staff_frame);
    }
    if (t == "typing" || t == "read") {
      bool priv = e.value("p", false);
      auto frame = text(e["f"].dump());
      for (auto& c : followers)
        if (!(priv && c->who().visitor())) c->frame(frame);
    }
  }
}

}  // namespace skybill::chat
