// An airline's chat set-up: canned replies, the sites that embed the widget, its identity key,
// its greeting, and who its operators are. Airline staff act on their airline; the gateway's
// admin names one with ?merchant=.
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "routes.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/identity/permissions.hpp"

namespace skybill::chat {

using boost::asio::awaitable;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

std::string airline_of(const Request& req) {
  const auto& mine = req.caller().merchant_id;
  if (!mine.empty()) return mine;
  auto asked = req.query_param("merchant").value_or("");
  if (!core::is_uuid(asked)) throw core::validation_failed({{"merchant", "the airline's id (gateway staff name one)"}});
  return asked;
}

void airline_exists(db::Tx& tx, const std::string& merchant) {
  if (tx->exec_params("SELECT 1 FROM merchants WHERE id = $1::uuid", merchant).empty())
    throw core::not_found("airline");
}

// "https://www.airline.example" or with a port: what a browser sends as Origin.
bool valid_origin(const std::string& o) {
  auto u = boost::urls::parse_absolute_uri(o);
  if (!u || (u->scheme() != "https" && u->scheme() != "http") || !u->has_authority()) return false;
  if (u->encoded_host().empty() || !u->encoded_path().empty() || u->has_query() || u->has_fragment() ||
      u->has_userinfo())
    return false;
  return o.find_first_of(" ;,'\"*") == std::string::npos;
}

json settings_json(db::Tx& tx, const std::string& merchant) {
  auto r = tx->exec_params(
      "SELECT enabled, array_to_json(origins)::text, identity_secret IS NOT NULL, greeting::text, "
      "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM chat_settings WHERE merchant_id = $1::uuid",
      merchant);
  if (r.empty())
    return {{"merchant", merchant}, {"enabled", false}, {"origins", json::array()}, {"identity_key_set", false},
            {"greeting", json::object()}, {"updated_at", nullptr}};
  return {{"merchant", merchant},
          {"enabled", r[0][0].as<bool>()},
          {"origins", json::parse(r[0][1].as<std::string>())},
          {"identity_key_set", r[0][2].as<bool>()},
          {"greeting", json::parse(r[0][3].as<std::string>())},
          {"updated_at", r[0][4].as<std::string>()}};
}

awaitable<Response> get_settings(const Shared& ctx, Request& req) {
  auto merchant = airline_of(req);
  json out;
  co_await ctx.pool.read([&](db::Tx& tx) {
    airline_exists(tx, merchant);
    out = settings_json(tx, merchant);
  });
  co_return Response::json(200, out);
}

// PUT /admin/api/chat/settings {enabled, origins, greeting, rotate_identity_key}: the identity
// key is shown once, in the answer to the PUT that makes it.
awaitable<Response> put_settings(const Shared& ctx, Request& req) {
  auto merchant = airline_of(req);
  auto body = req.json();
  std::vector<core::FieldError> errors;
  if (!body.is_object()) throw core::validation_failed({{"", "the body is a JSON object"}});
  bool enabled = true;
  if (body.contains("enabled")) {
    if (!body["enabled"].is_boolean()) errors.push_back({"enabled", "true or false"});
    else enabled = body["enabled"].get<bool>();
  }
  std::vector<std::string> origins;
  if (body.contains("origins")) {
    if (!body["origins"].is_array() || body["origins"].size() > 20)
      errors.push_back({"origins", "a list of at most 20 origins"});
    else
      for (std::size_t i = 0; i < body["origins"].size(); ++i) {
        const auto& o = body["origins"][i];
        if (!o.is_string() || !valid_origin(o.get<std::string>()))
          errors.push_back({"origins[" + std::to_string(i) + "]", "an origin: https://www.airline.example[:port], no path"});
        else
          origins.push_back(o.get<std::string>());
      }
  }
  json greeting = json::object();
  if (body.contains("greeting")) {
    if (!body["greeting"].is_object()) errors.push_back({"greeting", "an object of language → text"});
    else
      for (const auto& [lang, text] : body["greeting"].items())
        if (lang.size() != 2 || !text.is_string() || text.get<std::string>().size() > 1000)
          errors.push_back({"greeting." + lang, "a two-letter language and a text of at most 1000 bytes"});
        else
          greeting[lang] = text;
  }
  bool rotate = body.value("rotate_identity_key", json(false)).is_boolean() && body.value("rotate_identity_key", false);
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  std::string key = rotate ? "cik_" + crypto::random_base62(40) : "";
  json out;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    airline_exists(tx, merchant);
    auto before = settings_json(tx, merchant);
    auto arr = db::text_array(origins);
    tx->exec_params(
        "INSERT INTO chat_settings (merchant_id, enabled, origins, identity_secret, greeting, updated_at) "
        "VALUES ($1::uuid, $2, $3::text[], $4, $5::jsonb, $6::timestamptz) "
        "ON CONFLICT (merchant_id) DO UPDATE SET enabled = $2, origins = CASE WHEN $7 THEN $3::text[] ELSE "
        "chat_settings.origins END, identity_secret = coalesce($4, chat_settings.identity_secret), "
        "greeting = CASE WHEN $8 THEN $5::jsonb ELSE chat_settings.greeting END, updated_at = $6::timestamptz",
        merchant, enabled, arr, key.empty() ? nullptr : key.c_str(), greeting.dump(),
        core::to_rfc3339(ctx.clock.now()), body.contains("origins"), body.contains("greeting"));
    out = settings_json(tx, merchant);
    db::Changes changes;
    changes.set("enabled", before["enabled"], out["enabled"]).set("origins", before["origins"], out["origins"]);
    changes.set("greeting", before["greeting"], out["greeting"]);
    db::audit(tx, audit::entry(req, merchant, "chat_settings.changed", merchant), {{"identity_key_rotated", rotate}},
              changes);
  });
  if (rotate) out["identity_key"] = key;
  co_return Response::json(200, out);
}

const std::regex kShortcode("^[a-z0-9_-]{1,32}$");

awaitable<Response> list_canned(const Shared& ctx, Request& req) {
  auto merchant = airline_of(req);
  json out = json::array();
  co_await ctx.pool.read([&](db::Tx& tx) {
    auto r = tx->exec_params(
        "SELECT coalesce(json_agg(json_build_object('shortcode', shortcode, 'title', title, 'body', body, "
        "'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')) ORDER BY shortcode), "
        "'[]'::json)::text FROM chat_canned_replies WHERE merchant_id = $1::uuid",
        merchant);
    out = json::parse(r[0][0].as<std::string>());
  });
  co_return Response::json(200, {{"data", std::move(out)}});
}

awaitable<Response> put_canned(const Shared& ctx, Request& req) {
  auto merchant = airline_of(req);
  const auto& code = req.param("shortcode");
  auto body = req.json();
  std::vector<core::FieldError> errors;
  if (!std::regex_match(code, kShortcode)) errors.push_back({"shortcode", "1 to 32 of a-z, 0-9, _ and -"});
  auto text = [&](const char* name, std::size_t max) {
    if (!body.is_object() || !body.contains(name) || !body[name].is_string() || body[name].get<std::string>().empty() ||
        body[name].get<std::string>().size() > max) {
      errors.push_back({name, "a text of 1 to " + std::to_string(max) + " bytes"});
      return std::string();
    }
    return body[name].get<std::string>();
  };
  auto title = text("title", 200);
  auto reply = text("body", 4000);
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  bool created = false;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    airline_exists(tx, merchant);
    auto r = tx->exec_params(
        "INSERT INTO chat_canned_replies (merchant_id, shortcode, title, body, updated_at) "
        "VALUES ($1::uuid, $2, $3, $4, $5::timestamptz) ON CONFLICT (merchant_id, shortcode) DO UPDATE "
        "SET title = $3, body = $4, updated_at = $5::timestamptz RETURNING (xmax = 0)",
        merchant, code, title, reply, core::to_rfc3339(ctx.clock.now()));
    created = r[0][0].as<bool>();
    db::audit(tx, audit::entry(req, merchant, created ? "chat_canned.created" : "chat_canned.changed", code),
              {{"title", title}});
  });
  co_return Response::json(created ? 201 : 200, {{"shortcode", code}, {"title", title}, {"body", reply}});
}

awaitable<Response> delete_canned(const Shared& ctx, Request& req) {
  auto merchant = airline_of(req);
  const auto& code = req.param("shortcode");
  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto r = tx->exec_params(
        "DELETE FROM chat_canned_replies WHERE merchant_id = $1::uuid AND shortcode = $2 RETURNING title", merchant,
        code);
    if (r.empty()) throw core::not_found("canned reply");
    db::audit(tx, audit::entry(req, merchant, "chat_canned.deleted", code), {{"title", r[0][0].as<std::string>()}});
  });
  co_return Response::json(200, {{"deleted", code}});
}

// The airline's operators who may take a dialog: the transfer list.
awaitable<Response> operators(const Shared& ctx, Request& req) {
  auto merchant = airline_of(req);
  json out = json::array();
  co_await ctx.pool.read([&](db::Tx& tx) {
    auto r = tx->exec_params(
        "SELECT id, name, role FROM staff_users WHERE merchant_id = $1::uuid AND disabled_at IS NULL ORDER BY name",
        merchant);
    out = json::array();
    for (const auto& row : r)
      if (identity::role_may(row[2].as<std::string>(), "chat.operate"))
        out.push_back({{"id", row[0].as<std::string>()}, {"name", row[1].as<std::string>()}});
  });
  co_return Response::json(200, {{"data", std::move(out)}});
}

}  // namespace

void add_admin_routes(http::Router& router, std::shared_ptr<const Shared> ctx) {
  router.add("GET", "/admin/api/chat/settings", http::Access::any_staff, "chat.settings",
             [ctx](Request& req) { return get_settings(*ctx, req); });
  router.add("PUT", "/admin/api/chat/settings", http::Access::any_staff, "chat.settings",
             [ctx](Request& req) { return put_settings(*ctx, req); });
  router.add("GET", "/admin/api/chat/canned", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return list_canned(*ctx, req); });
  router.add("PUT", "/admin/api/chat/canned/{shortcode}", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return put_canned(*ctx, req); });
  router.add("DELETE", "/admin/api/chat/canned/{shortcode}", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return delete_canned(*ctx, req); });
  router.add("GET", "/admin/api/chat/operators", http::Access::any_staff, "chat.operate",
             [ctx](Request& req) { return operators(*ctx, req); });
}

}  // namespace skybill::chat
