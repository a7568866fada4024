#pragma once
// The chat's statements. Reads produce the protocol's JSON in SQL (json_build_object), so that
// a message read once per instance is sent to every socket as it is.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "skybill/chat/chat.hpp"
#include "skybill/core/clock.hpp"
#include "skybill/http/message.hpp"

namespace pqxx {
class result;
}
namespace skybill::db {
class Tx;
}

namespace skybill::chat::store {

inline constexpr const char* kChannel = "skybill_chat";
inline constexpr std::size_t kMaxText = 10000;  // characters

// Who is on a socket.
struct Who {
  enum class Kind { visitor, staff } kind = Kind::visitor;
  std::string id;
  std::string name;
  std::string merchant_id;  // the visitor's airline; airline staff's; empty for the gateway's staff
  std::string role;         // staff role
  bool visitor() const { return kind == Kind::visitor; }
};

// A visitor by its token (hashed here), seen now; nullopt when unknown.
std::optional<Who> visitor_by_token(db::Tx& tx, const std::string& token, core::TimePoint now);
Who staff_who(db::Tx& tx, const http::Principal& p);

struct Sent {
  std::string dialog_id;
  int seq = 0;
  bool duplicate = false;
  bool new_dialog = false;
};

// The customer's message: into its live dialog, or a new one (whatever dialog the widget names,
// a closed or foreign one is never written to). Throws core::Problem on bad input.
Sent visitor_send(db::Tx& tx, const Who& v, const std::string& client_id, const std::string& text,
                  const std::string& page_url, core::TimePoint now);
// Staff's message: takes a waiting dialog, joins an open one; 409 on a closed one.
Sent staff_send(db::Tx& tx, const Who& s, const std::string& dialog, const std::string& client_id,
                const std::string& text, bool is_private, core::TimePoint now);

// Whether `who` may see `dialog` (and, for staff, its merchant matches / support is invited).
bool may_follow(db::Tx& tx, const Who& who, const std::string& dialog);

struct MessageRow {
  std::string dialog_id;
  int seq = 0;
  bool is_private = false;
  std::string json;  // the "message" frame
};
// Messages after `after`, in order, at most `limit`; the visitor's view without private ones.
// `last_seq`: the dialog's last number in the same snapshot.
std::vector<MessageRow> messages_after(db::Tx& tx, const std::string& dialog, int after, bool with_private,
                                       int limit, int& last_seq);
std::vector<MessageRow> messages_by_key(db::Tx& tx, const std::vector<std::pair<std::string, int>>& keys);

struct DialogRow {
  std::string id;
  std::string merchant_id;
  std::string visitor_id;
  std::string status;
  bool support_requested = false;
  int last_seq = 0;
  std::vector<std::string> staff;  // participants now
  std::string staff_json;          // the <dialog> object for staff
  std::string visitor_json;        // and for the customer
};
// SELECT <the DialogRow columns> FROM chat_dialogs d JOIN chat_visitors v ... : add WHERE etc.
extern const char* const kDialogSelect;
std::vector<DialogRow> dialog_rows(const pqxx::result& r);
std::vector<DialogRow> dialogs_by_id(db::Tx& tx, const std::vector<std::string>& ids);
// The customer's dialogs, the live one first, at most 20.
std::vector<DialogRow> visitor_dialogs(db::Tx& tx, const std::string& visitor_id);
// Staff's dialogs: those it takes part in, and the queue it watches (its airline's waiting
// dialogs; for the gateway's staff, those asking for support).
std::vector<DialogRow> staff_dialogs(db::Tx& tx, const Who& s);

void set_read(db::Tx& tx, const Who& who, const std::string& dialog, int seq);
void notify(db::Tx& tx, const std::string& payload);

}  // namespace skybill::chat::store
