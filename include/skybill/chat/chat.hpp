#pragma once
// The payment chat (docs/chat.md): dialogs between an airline's customers and its operators,
// over WebSockets, with bills paid by card in the conversation.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/core/clock.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::http {
class StaticFiles;
}

namespace skybill::chat {

class Hub;  // this instance's sockets, fed by LISTEN skybill_chat (hub.hpp, src/chat only)

struct Context {
  db::Pool& pool;
  const core::Clock& clock;
  std::string database_url;  // for the dedicated LISTEN connection
  std::string public_url;    // the gateway's origin: a browser's socket must come from it
  std::shared_ptr<const http::StaticFiles> web;  // web/chat/: the widget page and its loader
  bool echo = false;  // chat.echo: serve /chat/echo (bench/chat's baseline)
};

// A message to store. kind: text | bill | event; author_kind: visitor | staff | system.
struct NewMessage {
  std::string dialog_id;
  std::string kind = "text";
  std::string author_kind = "system";
  std::string author_id{};  // empty for system
  bool is_private = false;  // staff only
  std::string client_id{};  // the sender's idempotency key; empty: none
  std::string body{};
  nlohmann::json data = nlohmann::json::object();
};

struct Appended {
  int seq = 0;
  bool duplicate = false;  // the same client_id was stored before: its seq, nothing written
};

// Stores the message under the dialog's row lock with the next seq, touches the dialog and
// announces it (NOTIFY skybill_chat, sent on commit). Runs in the caller's transaction.
// Throws core::Problem 404 for an unknown dialog.
Appended append_message(db::Tx& tx, const NewMessage& m, core::TimePoint now);

// Announces that a dialog's state (status, assignee, participants) changed, on commit.
void announce_dialog(db::Tx& tx, const std::string& dialog_id);

// The dialog a bill belongs to and its merchant, for the bill routes: 404 when the dialog is
// not the caller's airline's (airline staff) or unknown.
struct DialogRef {
  std::string id;
  std::string merchant_id;
  std::string visitor_id;
  std::string status;
};
DialogRef dialog_for_staff(db::Tx& tx, const http::Principal& who, const std::string& dialog_id, bool lock);

// Routes: /chat/..., /admin/api/chat/..., and the two WebSocket endpoints. Starts the
// listener on the server's executor through the returned Hub (kept alive by the caller).
std::shared_ptr<Hub> add_routes(http::Router& router, const Context& ctx);

}  // namespace skybill::chat
