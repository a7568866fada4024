// The two chat sockets (docs/chat.md, "The WebSocket protocol"): the customer's and staff's.
#include "socket.hpp"

#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

#include "hub.hpp"
#include "limits.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/log/log.hpp"

namespace skybill::chat {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kCloseHelloRefused = 4001;
constexpr int kMaxBadFrames = 10;

std::string error_frame(std::string_view code, std::string_view detail, const std::string& id = {}) {
  json e{{"type", "error"}, {"code", code}, {"detail", detail}};
  if (!id.empty()) e["id"] = id;
  return e.dump();
}

// A core::Problem as the protocol's error code.
std::string code_of(const core::Problem& p) {
  if (p.status == 404) return "not-found";
  if (p.status == 409) return "closed";
  if (p.status == 403) return "forbidden";
  if (p.status == 422 && !p.errors.empty() && p.errors.front().message.find("at most") != std::string::npos)
    return "too-large";
  return "bad-frame";
}

std::string detail_of(const core::Problem& p) {
  if (!p.errors.empty()) return p.errors.front().message;
  return p.detail.empty() ? std::string(p.what()) : p.detail;
}

json who_json(const store::Who& w) {
  return {{"kind", w.visitor() ? "visitor" : "staff"}, {"id", w.id}, {"name", w.name}};
}

// A member that must be a string; "" when absent or of another type.
std::string text_of(const json& f, const char* name) {
  auto it = f.find(name);
  return it != f.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag_of(const json& f, const char* name) {
  auto it = f.find(name);
  return it != f.end() && it->is_boolean() && it->get<bool>();
}

bool valid_client_id(const json& id) {
  if (!id.is_string()) return false;
  const auto& s = id.get_ref<const std::string&>();
  return !s.empty() && s.size() <= 64;
}

class Session {
 public:
  Session(const Context& ctx, std::shared_ptr<Hub> hub, std::shared_ptr<http::WebSocket> ws)
      : ctx_(ctx), hub_(std::move(hub)), ws_(std::move(ws)),
        sends_(20, 5, SteadyClock::now()), typing_(3, 3, SteadyClock::now()) {}

  awaitable<void> run(http::Request& req, bool staff) {
    auto first = co_await ws_->read();
    if (!first) co_return;
    auto hello = json::parse(*first, nullptr, false);
    if (hello.is_discarded() || !hello.is_object() || text_of(hello, "type") != "hello") {
      ws_->send(error_frame("bad-frame", "the first frame must be {\"type\":\"hello\", ...}"));
      ws_->close(kCloseHelloRefused, "hello expected");
      co_return;
    }
    std::optional<store::Who> who;
    std::vector<store::DialogRow> dialogs;
    auto now = ctx_.clock.now();
    co_await ctx_.pool.transact([&](db::Tx& tx) {
      if (staff) who = store::staff_who(tx, req.caller());
      else if (hello.contains("token") && hello["token"].is_string())
        who = store::visitor_by_token(tx, hello["token"].get<std::string>(), now);
      if (!who) return;
      dialogs = who->visitor() ? store::visitor_dialogs(tx, who->id) : store::staff_dialogs(tx, *who);
    });
    if (!who) {
      ws_->send(error_frame("forbidden", "unknown visitor token: make a new one with POST /chat/api/visitors"));
      ws_->close(kCloseHelloRefused, "unknown token");
      co_return;
    }
    conn_ = std::make_shared<Conn>(hub_, ctx_.pool, ws_, *who);
    hub_->attach(conn_, ws_->executor());
    try {
      co_await welcome(hello, dialogs);
      co_await loop();
    } catch (...) {
      hub_->detach(conn_.get());
      throw;
    }
    hub_->detach(conn_.get());
  }

 private:
  const store::Who& who() const { return conn_->who(); }

  awaitable<void> welcome(const json& hello, const std::vector<store::DialogRow>& dialogs) {
    json list = json::array();
    for (const auto& d : dialogs)
      list.push_back(json::parse(who().visitor() ? d.visitor_json : d.staff_json));
    ws_->send(json{{"type", "welcome"},
                   {"you", who_json(who())},
                   {"dialogs", std::move(list)},
                   {"server_time", core::to_rfc3339(ctx_.clock.now())}}
                  .dump());
    std::map<std::string, int> resume;
    if (auto r = hello.find("resume"); r != hello.end() && r->is_object())
      for (const auto& [id, seq] : r->items())
        if (core::is_uuid(id) && seq.is_number_integer()) resume[id] = seq.get<int>();
    if (resume.size() > 200) resume.clear();
    // Dialogs it takes part in (the customer: its live one) follow from where it left them; a
    // resumed dialog it no longer may see is dropped.
    for (const auto& d : dialogs) {
      bool mine = who().visitor() ? d.status != "closed"
                                  : std::find(d.staff.begin(), d.staff.end(), who().id) != d.staff.end();
      if (auto it = resume.find(d.id); it != resume.end()) {
        conn_->follow(d.id, it->second);
        resume.erase(it);
      } else if (mine) {
        conn_->follow(d.id, who().visitor() ? 0 : d.last_seq);
      }
    }
    for (const auto& [id, after] : resume) {
      bool may = false;
      co_await ctx_.pool.read([&](db::Tx& tx) { may = store::may_follow(tx, who(), id); });
      if (may) conn_->follow(id, after);
    }
  }

  awaitable<void> loop() {
    int bad = 0;
    for (;;) {
      auto frame = co_await ws_->read();
      if (!frame) co_return;
      auto f = json::parse(*frame, nullptr, false);
      if (f.is_discarded() || !f.is_object() || !f.contains("type") || !f["type"].is_string()) {
        ws_->send(error_frame("bad-frame", "each frame is a JSON object with a \"type\""));
        if (++bad > kMaxBadFrames) {
          ws_->close(http::kClosePolicy, "too many bad frames");
          co_return;
        }
        continue;
      }
      auto type = f["type"].get<std::string>();
      try {
        if (type == "send") co_await on_send(f);
        else if (type == "typing") co_await on_typing(f);
        else if (type == "read") co_await on_read(f);
        else if (type == "watch") co_await on_watch(f);
        else if (type == "unwatch") conn_->unfollow(text_of(f, "dialog"));
        else if (type == "ping") ws_->send(json{{"type", "pong"}, {"t", f.value("t", json())}}.dump());
        else {
          ws_->send(error_frame("bad-frame", "unknown frame type " + type));
          ++bad;
        }
      } catch (const core::Problem& p) {
        ws_->send(error_frame(code_of(p), detail_of(p), text_of(f, "id")));
        if (p.status >= 500) {
          ws_->close(1011, "try again");
          co_return;
        }
      }
    }
  }

  awaitable<void> on_send(const json& f) {
    auto id = f.value("id", json());
    if (!valid_client_id(id)) {
      ws_->send(error_frame("bad-frame", "send needs \"id\": the message's own id, 1 to 64 characters"));
      co_return;
    }
    auto client_id = id.get<std::string>();
    auto now = SteadyClock::now();
    if (!sends_.take(now)) {
      json e = json::parse(error_frame("rate-limited", "too many messages: wait a moment", client_id));
      e["retry_after_ms"] = sends_.retry_after_ms(now);
      ws_->send(e.dump());
      co_return;
    }
    if (!f.contains("text") || !f["text"].is_string()) {
      ws_->send(error_frame("bad-frame", "send needs \"text\"", client_id));
      co_return;
    }
    auto text = f["text"].get<std::string>();
    auto dialog = text_of(f, "dialog");
    bool priv = flag_of(f, "private");
    if (priv && who().visitor()) {
      ws_->send(error_frame("forbidden", "only staff write private messages", client_id));
      co_return;
    }
    store::Sent sent;
    auto at = ctx_.clock.now();
    co_await ctx_.pool.transact([&](db::Tx& tx) {
      sent = who().visitor() ? store::visitor_send(tx, who(), client_id, text, text_of(f, "page"), at)
                             : store::staff_send(tx, who(), dialog, client_id, text, priv, at);
    });
    ws_->send(json{{"type", "ack"}, {"id", client_id}, {"dialog", sent.dialog_id}, {"seq", sent.seq}}.dump());
    conn_->follow_if_new(sent.dialog_id);
  }

  awaitable<void> on_typing(const json& f) {
    auto dialog = text_of(f, "dialog");
    if (!conn_->follows(dialog) || !typing_.take(SteadyClock::now())) co_return;  // dropped
    bool on = !f.contains("on") || flag_of(f, "on");
    bool priv = !who().visitor() && flag_of(f, "private");
    json payload{{"t", "typing"},
                 {"d", dialog},
                 {"p", priv},
                 {"f", {{"type", "typing"}, {"dialog", dialog}, {"who", who_json(who())}, {"on", on}}}};
    co_await ctx_.pool.read([&](db::Tx& tx) { store::notify(tx, payload.dump()); });  // nothing stored
  }

  awaitable<void> on_read(const json& f) {
    auto dialog = text_of(f, "dialog");
    if (!f.contains("seq") || !f["seq"].is_number_integer()) {
      ws_->send(error_frame("bad-frame", "read needs \"dialog\" and \"seq\""));
      co_return;
    }
    if (!conn_->follows(dialog)) throw core::not_found("dialog");
    int seq = f["seq"].get<int>();
    json payload{{"t", "read"},
                 {"d", dialog},
                 {"p", false},
                 {"f", {{"type", "read"}, {"dialog", dialog}, {"who", who_json(who())}, {"seq", seq}}}};
    co_await ctx_.pool.transact([&](db::Tx& tx) {
      store::set_read(tx, who(), dialog, seq);
      store::notify(tx, payload.dump());
    });
  }

  awaitable<void> on_watch(const json& f) {
    auto dialog = text_of(f, "dialog");
    int after = f.contains("after") && f["after"].is_number_integer() ? f["after"].get<int>() : 0;
    bool may = false;
    co_await ctx_.pool.read([&](db::Tx& tx) { may = store::may_follow(tx, who(), dialog); });
    if (!may) throw core::not_found("dialog");
    conn_->follow(dialog, after);
  }

  const Context& ctx_;
  std::shared_ptr<Hub> hub_;
  std::shared_ptr<http::WebSocket> ws_;
  std::shared_ptr<Conn> conn_;
  TokenBucket sends_;
  TokenBucket typing_;
};

}  // namespace

awaitable<void> serve_visitor(const Context& ctx, std::shared_ptr<Hub> hub, http::Request& req,
                              std::shared_ptr<http::WebSocket> ws) {
  Session s(ctx, std::move(hub), std::move(ws));
  co_await s.run(req, false);
}

awaitable<void> serve_staff(const Context& ctx, std::shared_ptr<Hub> hub, http::Request& req,
                            std::shared_ptr<http::WebSocket> ws) {
  Session s(ctx, std::move(hub), std::move(ws));
  co_await s.run(req, true);
}

}  // namespace skybill::chat
