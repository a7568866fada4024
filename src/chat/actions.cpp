// What staff do with a dialog: take, transfer, join, leave, ask the gateway's support in,
// close. Each is one transaction: the change, its event message in the dialog, its audit row.
#include <nlohmann/json.hpp>

#include "routes.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/identity/permissions.hpp"
#include "store.hpp"

namespace skybill::chat {

using boost::asio::awaitable;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

json staff_ref(db::Tx& tx, const std::string& id) {
  auto r = tx->exec_params("SELECT name FROM staff_users WHERE id = $1::uuid", id);
  return {{"id", id}, {"name", r.empty() ? "" : r[0][0].as<std::string>()}};
}

void event(db::Tx& tx, const std::string& dialog, json data, core::TimePoint now) {
  append_message(tx, {.dialog_id = dialog, .kind = "event", .author_kind = "system", .data = std::move(data)}, now);
  announce_dialog(tx, dialog);
}

void participate(db::Tx& tx, const std::string& dialog, const std::string& staff, const std::string& role,
                 const std::string& ts) {
  tx->exec_params(
      "INSERT INTO chat_participants (dialog_id, staff_id, role, joined_at) "
      "VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz) "
      "ON CONFLICT (dialog_id, staff_id) DO UPDATE SET role = $3, left_at = NULL",
      dialog, staff, role, ts);
}

json dialog_json(db::Tx& tx, const std::string& id) {
  auto d = store::dialogs_by_id(tx, {id});
  return d.empty() ? json() : json::parse(d[0].staff_json);
}

using Action = std::function<void(db::Tx&, const Request&, const DialogRef&, core::TimePoint)>;

// The common frame of an action: the dialog locked and in the caller's scope, not closed.
awaitable<Response> act(const Shared& ctx, Request& req, Action action) {
  json out;
  auto now = ctx.clock.now();
  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto d = dialog_for_staff(tx, req.caller(), req.param("id"), true);
    if (d.status == "closed") throw core::Problem(409, "dialog-closed", "Dialog closed", "the dialog is closed");
    action(tx, req, d, now);
    out = dialog_json(tx, d.id);
  });
  co_return Response::json(200, out);
}

void take(db::Tx& tx, const Request& req, const DialogRef& d, core::TimePoint now) {
  const auto& me = req.caller().id;
  auto cur = tx->exec_params1("SELECT assignee_id FROM chat_dialogs WHERE id = $1::uuid", d.id)[0];
  if (!cur.is_null()) {
    if (cur.as<std::string>() == me) return;  // taken by me already: nothing to do
    auto who = staff_ref(tx, cur.as<std::string>());
    throw core::Problem(409, "dialog-taken", "Dialog taken",
                        "the dialog was taken by " + who["name"].get<std::string>() + "; join it or ask for a transfer");
  }
  auto ts = core::to_rfc3339(now);
  tx->exec_params("UPDATE chat_dialogs SET status = 'open', assignee_id = $2::uuid, updated_at = $3::timestamptz "
                  "WHERE id = $1::uuid",
                  d.id, me, ts);
  participate(tx, d.id, me, "assignee", ts);
  event(tx, d.id, {{"event", "dialog.taken"}, {"staff", staff_ref(tx, me)}}, now);
  db::audit(tx, audit::entry(req, d.merchant_id, "chat_dialog.taken", d.id), nullptr,
            db::Changes().set("assignee_id", nullptr, me));
}

void transfer(db::Tx& tx, const Request& req, const DialogRef& d, core::TimePoint now) {
  auto body = req.json();
  if (!body.is_object() || !body.contains("to") || !body["to"].is_string() ||
      !core::is_uuid(body["to"].get<std::string>()))
    throw core::validation_failed({{"to", "the operator's staff user id"}});
  auto to = body["to"].get<std::string>();
  auto target = tx->exec_params(
      "SELECT role FROM staff_users WHERE id = $1::uuid AND disabled_at IS NULL AND merchant_id = $2::uuid", to,
      d.merchant_id);
  if (target.empty() || !identity::role_may(target[0][0].as<std::string>(), "chat.operate"))
    throw core::validation_failed({{"to", "no enabled operator of this airline has this id"}});
  auto cur = tx->exec_params1("SELECT assignee_id FROM chat_dialogs WHERE id = $1::uuid", d.id)[0];
  std::string from = cur.is_null() ? "" : cur.as<std::string>();
  if (from == to) return;
  auto ts = core::to_rfc3339(now);
  if (!from.empty())
    tx->exec_params("UPDATE chat_participants SET left_at = $3::timestamptz WHERE dialog_id = $1::uuid "
                    "AND staff_id = $2::uuid",
                    d.id, from, ts);
  tx->exec_params("UPDATE chat_dialogs SET status = 'open', assignee_id = $2::uuid, updated_at = $3::timestamptz "
                  "WHERE id = $1::uuid",
                  d.id, to, ts);
  participate(tx, d.id, to, "assignee", ts);
  event(tx, d.id,
        {{"event", "dialog.transferred"},
         {"from", from.empty() ? json() : staff_ref(tx, from)},
         {"to", staff_ref(tx, to)},
         {"by", staff_ref(tx, req.caller().id)}},
        now);
  db::audit(tx, audit::entry(req, d.merchant_id, "chat_dialog.transferred", d.id), nullptr,
            db::Changes().set("assignee_id", from.empty() ? json() : json(from), to));
}

void join(db::Tx& tx, const Request& req, const DialogRef& d, core::TimePoint now) {
  const auto& me = req.caller();
  auto in = tx->exec_params("SELECT 1 FROM chat_participants WHERE dialog_id = $1::uuid AND staff_id = $2::uuid "
                            "AND left_at IS NULL",
                            d.id, me.id);
  if (!in.empty()) return;
  participate(tx, d.id, me.id, me.merchant_id.empty() ? "support" : "operator", core::to_rfc3339(now));
  event(tx, d.id, {{"event", "dialog.joined"}, {"staff", staff_ref(tx, me.id)}}, now);
  db::audit(tx, audit::entry(req, d.merchant_id, "chat_dialog.joined", d.id), nullptr);
}

void leave(db::Tx& tx, const Request& req, const DialogRef& d, core::TimePoint now) {
  const auto& me = req.caller().id;
  auto ts = core::to_rfc3339(now);
  auto left = tx->exec_params("UPDATE chat_participants SET left_at = $3::timestamptz WHERE dialog_id = $1::uuid "
                              "AND staff_id = $2::uuid AND left_at IS NULL RETURNING role",
                              d.id, me, ts);
  if (left.empty()) return;
  // The assignee leaving puts the dialog back in the queue.
  if (left[0][0].as<std::string>() == "assignee")
    tx->exec_params("UPDATE chat_dialogs SET status = 'waiting', assignee_id = NULL, updated_at = $2::timestamptz "
                    "WHERE id = $1::uuid",
                    d.id, ts);
  event(tx, d.id, {{"event", "dialog.left"}, {"staff", staff_ref(tx, me)}}, now);
  db::audit(tx, audit::entry(req, d.merchant_id, "chat_dialog.left", d.id), nullptr);
}

void invite_support(db::Tx& tx, const Request& req, const DialogRef& d, core::TimePoint now) {
  auto r = tx->exec_params("UPDATE chat_dialogs SET support_requested = true, updated_at = $2::timestamptz "
                           "WHERE id = $1::uuid AND NOT support_requested RETURNING id",
                           d.id, core::to_rfc3339(now));
  if (r.empty()) return;
  event(tx, d.id, {{"event", "support.invited"}, {"by", staff_ref(tx, req.caller().id)}}, now);
  db::audit(tx, audit::entry(req, d.merchant_id, "chat_dialog.support_invited", d.id), nullptr);
}

void close(db::Tx& tx, const Request& req, const DialogRef& d, core::TimePoint now) {
  auto ts = core::to_rfc3339(now);
  tx->exec_params("UPDATE chat_dialogs SET status = 'closed', closed_at = $2::timestamptz, updated_at = $2::timestamptz "
                  "WHERE id = $1::uuid",
                  d.id, ts);
  event(tx, d.id, {{"event", "dialog.closed"}, {"by", staff_ref(tx, req.caller().id)}}, now);
  db::audit(tx, audit::entry(req, d.merchant_id, "chat_dialog.closed", d.id), nullptr,
            db::Changes().set("status", d.status, "closed"));
}

}  // namespace

void add_action_routes(http::Router& router, std::shared_ptr<const Shared> ctx) {
  auto route = [ctx](Action action) { return [ctx, action](Request& req) { return act(*ctx, req, action); }; };
  router.add("POST", "/admin/api/chat/dialogs/{id}/take", http::Access::any_staff, "chat.operate", route(take));
  router.add("POST", "/admin/api/chat/dialogs/{id}/transfer", http::Access::any_staff, "chat.operate", route(transfer));
  router.add("POST", "/admin/api/chat/dialogs/{id}/join", http::Access::any_staff, "chat.operate", route(join));
  router.add("POST", "/admin/api/chat/dialogs/{id}/leave", http::Access::any_staff, "chat.operate", route(leave));
  router.add("POST", "/admin/api/chat/dialogs/{id}/invite-support", http::Access::any_staff, "chat.operate",
             route(invite_support));
  router.add("POST", "/admin/api/chat/dialogs/{id}/close", http::Access::any_staff, "chat.operate", route(close));
}

}  // namespace skybill::chat
