// The chat's routes: the customer's (/chat/...), the two sockets, and staff's dialog reads.
#include "routes.hpp"

#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>

#include "hub.hpp"
#include "skybill/chat/bills.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/static_files.hpp"
#include "socket.hpp"
#include "store.hpp"

namespace skybill::chat {

using boost::asio::awaitable;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

// "https://gw.example:8443" of "https://gw.example:8443/path"; empty when not a URL.
std::string origin_of(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u || !u->has_authority()) return {};
  std::string o(u->scheme());
  o += "://";
  o += u->encoded_host_and_port();
  return o;
}

std::string optional_text(const json& body, const char* name, std::size_t max, std::vector<core::FieldError>& errors) {
  if (!body.contains(name) || body[name].is_null()) return {};
  if (!body[name].is_string()) {
    errors.push_back({name, "must be a string"});
    return {};
  }
  auto s = body[name].get<std::string>();
  if (s.size() > max) errors.push_back({name, "at most " + std::to_string(max) + " bytes"});
  return s;
}

// POST /chat/api/visitors: a customer, or the same customer again when its id is signed.
awaitable<Response> make_visitor(const Shared& ctx, Request& req) {
  auto body = req.json();
  if (!body.is_object()) throw core::validation_failed({{"", "the body is a JSON object"}});
  std::vector<core::FieldError> errors;
  auto merchant = optional_text(body, "merchant", 64, errors);
  auto name = optional_text(body, "name", 200, errors);
  auto email = optional_text(body, "email", 254, errors);
  auto language = optional_text(body, "language", 2, errors);
  auto external = optional_text(body, "external_id", 200, errors);
  auto signature = optional_text(body, "signature", 64, errors);
  if (!core::is_uuid(merchant)) errors.push_back({"merchant", "the airline's id (a UUID)"});
  if (language.empty()) language = "ru";
  if (language.size() != 2 || !std::islower(static_cast<unsigned char>(language[0])) ||
      !std::islower(static_cast<unsigned char>(language[1])))
    errors.push_back({"language", "a two-letter language code: ru, en"});
  if (!external.empty() && signature.empty()) errors.push_back({"signature", "a signed external_id needs its signature"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  auto token = "cv_" + crypto::random_base62(40);
  auto now = core::to_rfc3339(ctx.clock.now());
  json out;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto s = tx->exec_params("SELECT enabled, identity_secret FROM chat_settings WHERE merchant_id = $1::uuid", merchant);
    if (s.empty() || !s[0][0].as<bool>()) throw core::not_found("chat of this airline");
    std::string visitor;
    if (!external.empty()) {
      if (s[0][1].is_null() ||
          !crypto::equal_constant_time(crypto::hmac_sha256_hex(s[0][1].as<std::string>(), external), signature))
        throw core::Problem(403, "bad-signature", "Bad signature",
                            "external_id must be signed: hex HMAC-SHA256 of it under the airline's identity key");
      auto found = tx->exec_params(
          "INSERT INTO chat_visitors (merchant_id, external_id, name, email, language, created_at, last_seen_at) "
          "VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamptz, $6::timestamptz) "
          "ON CONFLICT (merchant_id, external_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, "
          "name = CASE WHEN excluded.name = '' THEN chat_visitors.name ELSE excluded.name END, "
          "email = CASE WHEN excluded.email = '' THEN chat_visitors.email ELSE excluded.email END "
          "RETURNING id",
          merchant, external, name, email, language, now);
      visitor = found[0][0].as<std::string>();
    } else {
      visitor = tx->exec_params1(
                      "INSERT INTO chat_visitors (merchant_id, name, email, language, created_at, last_seen_at) "
                      "VALUES ($1::uuid, $2, $3, $4, $5::timestamptz, $5::timestamptz) RETURNING id",
                      merchant, name, email, language, now)[0]
                    .as<std::string>();
    }
    tx->exec_params("INSERT INTO chat_visitor_tokens (token_hash, visitor_id, created_at) "
                    "VALUES ($1, $2::uuid, $3::timestamptz)",
                    crypto::sha256_hex(token), visitor, now);
    out = {{"token", token},
           {"visitor", {{"id", visitor}, {"merchant", merchant}, {"name", name}, {"email", email}, {"language", language}}}};
  });
  co_return Response::json(201, out);
}

// GET /chat/w/{merchant}: the widget page, which only the airline's sites may frame.
awaitable<Response> widget_page(const Shared& ctx, Request& req) {
  const auto& merchant = req.param("merchant");
  if (!core::is_uuid(merchant)) throw core::not_found("chat of this airline");
  std::vector<std::string> origins;
  co_await ctx.pool.read([&](db::Tx& tx) {
    auto r = tx->exec_params("SELECT unnest(origins) FROM chat_settings WHERE merchant_id = $1::uuid AND enabled",
                             merchant);
    for (const auto& row : r) origins.push_back(row[0].as<std::string>());
  });
  auto page = ctx.web ? ctx.web->page("chat/widget.html", 200) : std::nullopt;
  if (!page) throw core::not_found("the widget page");
  std::string ancestors = "'self'";
  for (const auto& o : origins) ancestors += " " + o;
  page->with_header("Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors " +
                        ancestors);
  co_return std::move(*page);
}

awaitable<Response> widget_settings(const Shared& ctx, Request& req) {
  const auto& merchant = req.param("merchant");
  if (!core::is_uuid(merchant)) throw core::not_found("chat of this airline");
  json out;
  co_await ctx.pool.read([&](db::Tx& tx) {
    auto r = tx->exec_params(
        "SELECT m.name, s.greeting::text FROM chat_settings s JOIN merchants m ON m.id = s.merchant_id "
        "WHERE s.merchant_id = $1::uuid AND s.enabled",
        merchant);
    if (r.empty()) throw core::not_found("chat of this airline");
    out = {{"airline", r[0][0].as<std::string>()},
           {"greeting", json::parse(r[0][1].as<std::string>())},
           {"languages", {"ru", "en"}},
           {"server_time", core::to_rfc3339(ctx.clock.now())}};
  });
  co_return Response::json(200, out);
}

// GET /admin/api/chat/dialogs: the queue and my dialogs.
awaitable<Response> list_dialogs(const Shared& ctx, Request& req) {
  auto status = req.query_param("status").value_or("");
  bool mine = req.query_param("mine").value_or("") == "1";
  if (!status.empty() && status != "waiting" && status != "open" && status != "closed")
    throw core::validation_failed({{"status", "waiting, open or closed"}});
  const auto& who = req.caller();
  json list = json::array();
  std::vector<std::string> params;
  auto p = [&params](std::string v) {
    params.push_back(std::move(v));
    std::string n = "$";  // appended, not "$" + string (GCC 12 -O3 -Wrestrict in the release build)
    n += std::to_string(params.size());
    return n;
  };
  std::string sql = store::kDialogSelect;
  sql += "WHERE true ";
  if (!status.empty()) sql += "AND d.status = " + p(status) + " ";
  if (!who.merchant_id.empty()) sql += "AND d.merchant_id = " + p(who.merchant_id) + "::uuid ";
  if (mine)
    sql += "AND EXISTS (SELECT 1 FROM chat_participants p WHERE p.dialog_id = d.id AND p.staff_id = " + p(who.id) +
           "::uuid AND p.left_at IS NULL) ";
  else if (who.merchant_id.empty() && who.role != "admin")
    sql += "AND (d.support_requested OR EXISTS (SELECT 1 FROM chat_participants p WHERE p.dialog_id = d.id "
           "AND p.staff_id = " + p(who.id) + "::uuid)) ";
  sql += "ORDER BY d.updated_at DESC, d.id DESC LIMIT 200";
  co_await ctx.pool.read([&](db::Tx& tx) {
    list = json::array();
    for (const auto& d : store::dialog_rows(tx->exec_params(sql, pqxx::prepare::make_dynamic_params(params))))
      list.push_back(json::parse(d.staff_json));
  });
  co_return Response::json(200, {{"data", std::move(list)}});
}

// GET /admin/api/chat/dialogs/{id}?after=N: the dialog, its messages (private ones too) and bills.
awaitable<Response> get_dialog(const Shared& ctx, Request& req) {
  const auto& id = req.param("id");
  int after = 0;
  if (auto a = req.query_param("after")) {
    try {
      after = std::stoi(*a);
    } catch (...) {
      throw core::validation_failed({{"after", "a message number"}});
    }
  }
  json out;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    dialog_for_staff(tx, req.caller(), id, false);
    auto d = store::dialogs_by_id(tx, {id});
    if (d.empty()) throw core::not_found("dialog");
    out = json::parse(d[0].staff_json);
    int last = 0;
    json messages = json::array();
    for (const auto& m : store::messages_after(tx, id, after, true, 2000, last)) messages.push_back(json::parse(m.json));
    out["messages"] = std::move(messages);
    out["bills"] = bills_of_dialog(tx, id);
  });
  co_return Response::json(200, out);
}

}  // namespace

std::shared_ptr<Hub> add_routes(http::Router& router, const Context& c) {
  auto ctx = std::make_shared<const Shared>(c);
  auto hub = std::make_shared<Hub>(c.pool, c.database_url);
  // A browser's socket must come from the gateway's own pages (the widget's iframe, the
  // console): another site's page cannot ride on a signed-in operator's cookie.
  auto own_origin = origin_of(c.public_url);
  http::Admit same_origin = [own_origin](const Request& req) {
    auto o = req.header("origin");
    if (o && !own_origin.empty() && *o != own_origin)
      throw core::Problem(403, "forbidden-origin", "Forbidden origin",
                          "this socket takes pages of " + own_origin + " only");
  };
  router.add_socket("/chat/socket", http::Access::anyone, "",
                    [ctx, hub](Request& req, std::shared_ptr<http::WebSocket> ws) {
                      return serve_visitor(*ctx, hub, req, std::move(ws));
                    },
                    same_origin);
  router.add_socket("/admin/chat/socket", http::Access::any_staff, "chat.operate",
                    [ctx, hub](Request& req, std::shared_ptr<http::WebSocket> ws) {
                      return serve_staff(*ctx, hub, req, std::move(ws));
                    },
                    same_origin);
  // bench/chat's baseline (chat.echo=1 only): the same sockets doing nothing but sending each
  // frame back, no database, no hub.
  if (c.echo)
    router.add_socket("/chat/echo", http::Access::anyone, "",
                      [](Request&, std::shared_ptr<http::WebSocket> ws) -> awaitable<void> {
                        while (auto frame = co_await ws->read()) ws->send(std::move(*frame));
                      });
  router.add("POST", "/chat/api/visitors", http::Access::anyone,
             [ctx](Request& req) { return make_visitor(*ctx, req); });
  router.add("GET", "/chat/api/settings/{merchant}", http::Access::anyone,
             [ctx](Request& req) { return widget_settings(*ctx, req); });
  router.add("GET", "/chat/w/{merchant}", http::Access::anyone, [ctx](Request& req) { return widget_page(*ctx, req); });
  router.add("GET", "/chat/loader.js", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    if (!ctx->web) throw core::not_found("the loader");
    auto res = ctx->web->asset("chat/loader.js", req);
    // Any site may load the loader; the widget it opens is what the airline's settings guard.
    res.with_header("Cross-Origin-Resource-Policy", "cross-origin");
    co_return res;
  });
  router.add("GET", "/admin/api/chat/dialogs", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return list_dialogs(*ctx, req); });
  router.add("GET", "/admin/api/chat/dialogs/{id}", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return get_dialog(*ctx, req); });
  add_action_routes(router, ctx);
  add_archive_routes(router, ctx);
  add_admin_routes(router, ctx);
  return hub;
}

}  // namespace skybill::chat
