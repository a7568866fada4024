// Staff sign-in: sessions in an HttpOnly cookie, CSRF tokens bound to them, rate-limited
// attempts, password changes, and the admins' management of staff users.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "skybill/core/clock.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/crypto/password.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/identity/permissions.hpp"
#include "skybill/identity/keys.hpp"
#include "skybill/identity/routes.hpp"
#include "skybill/log/log.hpp"
#include "staff_store.hpp"
#include "store.hpp"

namespace skybill::identity {

namespace asio = boost::asio;
using asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kCookie = "skybill_session";
constexpr std::size_t kTokenLength = 43;  // base62: about 256 bits
constexpr std::chrono::minutes kTouchEvery{1};
constexpr std::size_t kMaxUserAgent = 300;

// Password hashing takes ~150 ms of CPU: never on the I/O threads, and at most two at a time.
asio::thread_pool& hashing_threads() {
  static asio::thread_pool threads(2);
  return threads;
}

template <class F>
awaitable<std::invoke_result_t<F&>> off_loop(F f) {
  using R = std::invoke_result_t<F&>;
  co_return co_await asio::co_spawn(
      hashing_threads(), [f = std::move(f)]() mutable -> awaitable<R> { co_return f(); }, asio::use_awaitable);
}

// Verified when no user has the e-mail, so that an unknown address takes as long as a known one:
// a well-formed encoding of the configured cost whose salt and hash are random (no password
// has it), made without hashing anything.
const std::string& dummy_hash(int iterations) {
  static std::once_flag once;
  static std::string hash;
  std::call_once(once, [&] {
    hash = "pbkdf2-sha256$";
    hash += std::to_string(iterations);
    hash += '$';
    hash += crypto::base64_encode(crypto::random_hex(8));  // 16 bytes of salt
    hash += '$';
    hash += crypto::base64_encode(crypto::random_hex(16));  // 32 bytes of "hash"
  });
  return hash;
}

std::string csrf_token_of(std::string_view session_token) {
  return crypto::hmac_sha256_hex(session_token, "skybill staff session csrf v1");
}

bool well_formed_token(std::string_view t) {
  return t.size() == kTokenLength &&
         std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isalnum(c) != 0; });
}

std::optional<std::string> bearer_token(std::string_view v) {
  if (v.size() < 7 || !(v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

// The skybill_session value of the Cookie header(s), or nullopt.
std::optional<std::string> session_cookie(const Request& req) {
  for (const auto& [name, value] : req.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      auto pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos || pair.substr(0, eq) != kCookie) continue;
      auto v = pair.substr(eq + 1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      return std::string(v);
    }
  }
  return std::nullopt;
}

bool unsafe_method(const std::string& m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }

core::Problem session_ended() {
  return core::Problem(401, "unauthorized", "Unauthorized", "the session has expired or was signed out: sign in again");
}

std::string cookie_attributes(const Request& req, const StaffContext& ctx) {
  std::string out = "; Path=/; HttpOnly; SameSite=Strict";
  if (ctx.settings.secure_cookie || req.header("x-forwarded-proto") == std::optional<std::string_view>("https"))
    out += "; Secure";
  return out;
}

std::string user_agent(const Request& req) {
  std::string out;
  for (char c : req.header("user-agent").value_or(""))
    if (out.size() < kMaxUserAgent) out += c >= 0x20 && c < 0x7f ? c : '?';
  return out;
}

// When the session ends unless used again: the idle limit or its absolute end.
core::TimePoint session_end(const staff_store::Session& s, const StaffContext& ctx) {
  return std::min(s.last_seen + ctx.settings.session_idle, s.expires_at);
}

Response too_many_attempts(const Request& req, core::TimePoint until, core::TimePoint now) {
  auto seconds = std::chrono::ceil<std::chrono::seconds>(until - now).count();
  auto res = Response::problem(core::Problem(429, "too-many-attempts", "Too many sign-in attempts",
                                             "too many failed attempts: wait before trying again (Retry-After)"),
                               req.path);
  res.with_header("Retry-After", std::to_string(std::max<long long>(1, seconds)));
  return res;
}

std::optional<core::TimePoint> later(std::optional<core::TimePoint> a, std::optional<core::TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

void require_admin(const Request& req) {
  if (req.caller().role != "admin")
    throw core::Problem(403, "forbidden", "Forbidden", "only an admin manages staff users");
}

// The string members of a JSON object body; unknown members and wrong types are 422.
std::map<std::string, std::string> string_members(const nlohmann::json& body, std::initializer_list<const char*> names) {
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  std::map<std::string, std::string> out;
  for (const char* n : names) {
    auto it = body.find(n);
    if (it == body.end()) errors.push_back({n, "is required"});
    else if (!it->is_string()) errors.push_back({n, "must be a string"});
    else out[n] = it->get<std::string>();
  }
  for (const auto& [key, value] : body.items())
    if (std::none_of(names.begin(), names.end(), [&](const char* n) { return key == n; }))
      errors.push_back({key, "is not a field here"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

db::AuditEntry staff_entry(const Request& req) {
  return db::AuditEntry{"staff:" + req.caller().id, {}, {}, {}, req.request_id};
}

awaitable<Response> sign_in(const StaffContext& ctx, Request& req) {
  auto fields = string_members(req.json(), {"email", "password"});
  auto email = normalize_email(fields["email"]);
  const auto& password = fields["password"];
  if (!is_staff_email(email)) throw core::validation_failed({{"email", "must be an e-mail address"}});
  const auto& ip = req.remote_address;
  auto now = ctx.clock.now();

  std::optional<core::TimePoint> blocked;
  std::optional<staff_store::StaffRow> user;
  co_await ctx.pool.read([&](db::Tx& tx) {
    blocked = later(staff_store::account_blocked_until(tx, email, now), staff_store::address_blocked_until(tx, ip, now));
    user = staff_store::by_email(tx, email);
  });
  if (blocked) {
    log::event(log::Level::warn, "staff sign-in refused: too many failures",
               {{"request_id", req.request_id}, {"ip", ip}});
    co_return too_many_attempts(req, *blocked, now);
  }

  bool has_password = user && !user->password_hash.empty();
  int iterations = ctx.settings.password_iterations;
  // The same work whether or not the user exists, has a password or is disabled.
  bool matches = co_await off_loop([&] {
    return crypto::verify_password(password, has_password ? user->password_hash : dummy_hash(iterations));
  });
  std::string reason = !user ? "unknown_email" : !has_password ? "no_password" : !matches ? "wrong_password"
                       : user->disabled ? "disabled" : "";
  bool ok = reason.empty();
  std::optional<std::string> stronger;
  if (ok && crypto::password_iterations(user->password_hash).value_or(iterations) < iterations)
    stronger = co_await off_loop([&] { return crypto::hash_password(password, iterations); });

  auto token = crypto::random_base62(kTokenLength);
  auto session_id = crypto::sha256_hex(token);
  auto expires_at = now + std::chrono::duration_cast<std::chrono::microseconds>(ctx.settings.session_max);
  auto agent = user_agent(req);
  co_await ctx.pool.transact([&](db::Tx& tx) {
    staff_store::record_attempt(tx, email, ip, ok, now);
    if (!ok) {
      db::audit(tx, {"anonymous", user ? user->merchant_id : "", "staff.sign_in_failed", user ? user->id : "",
                     req.request_id},
                {{"email", email}, {"ip", ip}, {"reason", reason}});
      return;
    }
    if (stronger) staff_store::rehash(tx, user->id, *stronger);
    staff_store::insert_session(tx, session_id, user->id, now, expires_at, ip, agent);
    db::audit(tx, {"staff:" + user->id, user->merchant_id, "staff.signed_in", user->id, req.request_id},
              {{"ip", ip}, {"user_agent", agent}, {"session_expires_at", core::to_rfc3339(expires_at)}});
  });
  if (!ok) throw core::Problem(401, "sign-in-failed", "Sign-in failed", "e-mail or password is wrong");

  staff_store::Session s;
  s.last_seen = now;
  s.expires_at = expires_at;
  auto res = Response::json(200, {{"staff", user->json},
                                  {"permissions", permissions_of(user->json.value("role", ""))},
                                  {"csrf_token", csrf_token_of(token)},
                                  {"expires_at", core::to_rfc3339(session_end(s, ctx))}});
  res.with_header("Set-Cookie", std::string(kCookie) + "=" + token + cookie_attributes(req, ctx));
  res.with_header("Cache-Control", "no-store");
  co_return res;
}

awaitable<Response> current_session(const StaffContext& ctx, Request& req) {
  const auto& me = req.caller();
  auto now = ctx.clock.now();
  std::optional<staff_store::StaffRow> user;
  std::optional<staff_store::Session> session;
  co_await ctx.pool.read([&](db::Tx& tx) {
    user = staff_store::by_id(tx, me.id);
    session = me.session_id.empty() ? std::nullopt : staff_store::live_session(tx, me.session_id, now, ctx.settings.session_idle);
  });
  if (!user) throw core::not_found("staff user");
  nlohmann::json out = {{"staff", user->json}, {"permissions", me.permissions}, {"csrf_token", nullptr},
                        {"expires_at", nullptr}};
  auto token = session_cookie(req);
  if (session && token) {
    out["csrf_token"] = csrf_token_of(*token);
    out["expires_at"] = core::to_rfc3339(session_end(*session, ctx));
  }
  auto res = Response::json(200, out);
  res.with_header("Cache-Control", "no-store");
  co_return res;
}

awaitable<Response> sign_out(const StaffContext& ctx, Request& req) {
  const auto& me = req.caller();
  if (!me.session_id.empty()) {
    auto now = ctx.clock.now();
    co_await ctx.pool.transact([&](db::Tx& tx) {
      if (staff_store::revoke_session(tx, me.session_id, now))
        db::audit(tx, {"staff:" + me.id, me.merchant_id, "staff.signed_out", me.id, req.request_id}, nullptr);
    });
  }
  Response res;
  res.status = 204;
  res.with_header("Set-Cookie", std::string(kCookie) + "=" + cookie_attributes(req, ctx) + "; Max-Age=0");
  co_return res;
}

awaitable<Response> change_password(const StaffContext& ctx, Request& req) {
  auto fields = string_members(req.json(), {"current_password", "new_password"});
  const auto& me = req.caller();
  const auto& ip = req.remote_address;
  auto now = ctx.clock.now();
  std::optional<staff_store::StaffRow> user;
  std::optional<core::TimePoint> blocked;
  co_await ctx.pool.read([&](db::Tx& tx) {
    user = staff_store::by_id(tx, me.id);
    if (user && !user->email.empty())
      blocked = later(staff_store::account_blocked_until(tx, user->email, now),
                      staff_store::address_blocked_until(tx, ip, now));
  });
  if (!user) throw core::not_found("staff user");
  if (user->password_hash.empty())
    throw core::Problem(409, "no-password", "No password",
                        "this staff user has no password: it uses a staff key (an admin gives it one by creating a user)");
  if (blocked) co_return too_many_attempts(req, *blocked, now);

  std::vector<core::FieldError> errors;
  for (auto& m : password_problems(fields["new_password"], user->email)) errors.push_back({"new_password", std::move(m)});
  if (fields["new_password"] == fields["current_password"])
    errors.push_back({"new_password", "must differ from the current password"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));

  bool matches =
      co_await off_loop([&] { return crypto::verify_password(fields["current_password"], user->password_hash); });
  std::string hash;
  if (matches) {
    int iterations = ctx.settings.password_iterations;
    hash = co_await off_loop([&] { return crypto::hash_password(fields["new_password"], iterations); });
  }
  int revoked = 0;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    staff_store::record_attempt(tx, user->email, ip, matches, now);
    if (!matches) {
      db::audit(tx, {"staff:" + me.id, user->merchant_id, "staff.password_change_failed", me.id, req.request_id},
                {{"ip", ip}, {"reason", "wrong_password"}});
      return;
    }
    staff_store::set_password(tx, me.id, hash, now);
    revoked = staff_store::revoke_sessions(tx, me.id, me.session_id, now);
    db::audit(tx, {"staff:" + me.id, user->merchant_id, "staff.password_changed", me.id, req.request_id},
              {{"sessions_revoked", revoked}, {"ip", ip}});
  });
  if (!matches) throw core::validation_failed({{"current_password", "is not your current password"}});
  co_return Response::json(200, {{"password_changed_at", core::to_rfc3339(now)}, {"sessions_revoked", revoked}});
}

awaitable<Response> create_staff(const StaffContext& ctx, Request& req) {
  require_admin(req);
  auto in = parse_staff(req.json());
  int iterations = ctx.settings.password_iterations;
  auto hash = co_await off_loop([&] { return crypto::hash_password(in.password, iterations); });
  nlohmann::json out;
  auto now = ctx.clock.now();
  co_await ctx.pool.transact([&](db::Tx& tx) { out = create_staff_in(tx, in, hash, now, staff_entry(req)); });
  co_return Response::json(201, out);
}

awaitable<Response> update_staff(const StaffContext& ctx, Request& req) {
  require_admin(req);
  const auto& id = req.param("id");
  if (!core::is_uuid(id)) throw core::not_found("staff user " + id);
  auto body = req.json();
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  std::optional<std::string> role, merchant_id;  // merchant_id "" : null
  std::optional<bool> disabled;
  for (const auto& [key, value] : body.items()) {
    if (key == "role") {
      if (value.is_string() && is_staff_user_role(value.get<std::string>())) role = value.get<std::string>();
      else errors.push_back({key, "must be admin, accountant, support or airline"});
    } else if (key == "merchant_id") {
      if (value.is_null()) merchant_id = "";
      else if (value.is_string() && core::is_uuid(value.get<std::string>())) merchant_id = value.get<std::string>();
      else errors.push_back({key, "must be an airline's id (a UUID) or null"});
    } else if (key == "disabled") {
      if (value.is_boolean()) disabled = value.get<bool>();
      else errors.push_back({key, "must be true or false"});
    } else {
      errors.push_back({key, "is not a field here: role, merchant_id and disabled may change"});
    }
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));

  const auto& me = req.caller();
  auto now = ctx.clock.now();
  nlohmann::json out;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto user = staff_store::by_id(tx, id, true);
    if (!user) throw core::not_found("staff user " + id);
    auto new_role = role.value_or(user->role);
    // The airline follows the role: leaving role airline drops it unless one is given.
    auto new_merchant = merchant_id.value_or(new_role == "airline" ? user->merchant_id : "");
    std::vector<core::FieldError> bad;
    if (new_role == "airline" && new_merchant.empty())
      bad.push_back({"merchant_id", "is required for airline staff: the airline they work for"});
    if (new_role != "airline" && !new_merchant.empty())
      bad.push_back({"merchant_id", "is only for airline staff; the gateway's staff belong to no airline"});
    if (!new_merchant.empty() && new_merchant != user->merchant_id && !store::merchant_exists(tx, new_merchant))
      bad.push_back({"merchant_id", "no airline has this id"});
    bool role_changes = new_role != user->role || new_merchant != user->merchant_id;
    if (id == me.id && (role_changes || disabled == true))
      bad.push_back({role_changes ? "role" : "disabled",
                     "you cannot change your own role or disable yourself: another admin must"});
    if (!bad.empty()) throw core::validation_failed(std::move(bad));

    auto nullable = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    if (role_changes) {
      staff_store::set_role(tx, id, new_role, new_merchant);
      auto who = staff_entry(req);
      who.merchant_id = new_merchant.empty() ? user->merchant_id : new_merchant;
      who.action = "staff.role_changed";
      who.subject = id;
      db::audit(tx, who, nullptr,
                db::Changes()
                    .set("role", user->role, new_role)
                    .set("merchant_id", nullable(user->merchant_id), nullable(new_merchant)));
    }
    if (disabled == true && !user->disabled) {
      disable_staff_in(tx, *user, now, staff_entry(req));
    } else if (disabled == false && user->disabled) {
      staff_store::set_disabled(tx, id, std::nullopt);
      auto who = staff_entry(req);
      who.merchant_id = new_merchant;
      who.action = "staff.enabled";
      who.subject = id;
      db::audit(tx, who, nullptr, db::Changes().set("disabled", true, false));
    }
    out = staff_store::by_id(tx, id)->json;
  });
  co_return Response::json(200, out);
}

}  // namespace

void add_staff_routes(http::Router& router, const StaffContext& ctx) {
  router.add("POST", "/admin/api/session", http::Access::anyone,
             [&ctx](Request& req) { return sign_in(ctx, req); });
  router.add("GET", "/admin/api/session", http::Access::any_staff, "console",
             [&ctx](Request& req) { return current_session(ctx, req); });
  router.add("DELETE", "/admin/api/session", http::Access::any_staff, "console",
             [&ctx](Request& req) { return sign_out(ctx, req); });
  router.add("POST", "/admin/api/password", http::Access::any_staff, "console",
             [&ctx](Request& req) { return change_password(ctx, req); });
  router.add("GET", "/admin/api/me", http::Access::any_staff, "console", [&ctx](Request& req) -> awaitable<Response> {
    std::optional<staff_store::StaffRow> user;
    co_await ctx.pool.read([&](db::Tx& tx) { user = staff_store::by_id(tx, req.caller().id); });
    if (!user) throw core::not_found("staff user");
    auto me = user->json;
    me["permissions"] = req.caller().permissions;
    co_return Response::json(200, me);
  });
  router.add("GET", "/admin/api/staff", http::Access::staff, "staff.manage", [&ctx](Request& req) -> awaitable<Response> {
    require_admin(req);
    std::vector<nlohmann::json> users;
    co_await ctx.pool.read([&](db::Tx& tx) { users = staff_store::all(tx); });
    co_return Response::json(200, {{"data", users}});
  });
  router.add("POST", "/admin/api/staff", http::Access::staff, "staff.manage",
             [&ctx](Request& req) { return create_staff(ctx, req); });
  router.add("PATCH", "/admin/api/staff/{id}", http::Access::staff, "staff.manage",
             [&ctx](Request& req) { return update_staff(ctx, req); });
}

http::Authenticator make_authenticator(const StaffContext& ctx) {
  return [&ctx](const Request& req) -> awaitable<std::optional<http::Principal>> {
    if (auto authorization = req.header("authorization")) {
      auto token = bearer_token(*authorization);
      if (!token)
        throw core::Problem(401, "unauthorized", "Unauthorized", "send the API key as Authorization: Bearer <key>");
      std::optional<http::Principal> principal;
      if (auto kind = classify_key(*token)) {  // not even shaped like a key: no database round trip
        auto hash = hash_key(*token);
        co_await ctx.pool.read([&](db::Tx& tx) {
          principal = *kind == KeyKind::staff ? store::find_staff_key(tx, hash) : store::find_merchant_key(tx, hash);
        });
      }
      if (!principal) throw core::Problem(401, "unauthorized", "Unauthorized", "the key is unknown or revoked");
      co_return principal;
    }
    auto token = session_cookie(req);
    if (!token) co_return std::nullopt;
    if (!well_formed_token(*token)) throw session_ended();
    auto id = crypto::sha256_hex(*token);
    auto now = ctx.clock.now();
    std::optional<staff_store::Session> session;
    co_await ctx.pool.read([&](db::Tx& tx) {
      session = staff_store::live_session(tx, id, now, ctx.settings.session_idle);
      if (session && now - session->last_seen >= kTouchEvery) staff_store::touch_session(tx, id, now);
    });
    if (!session) throw session_ended();
    // Double submit bound to the session: a page of another site can make the browser send the
    // cookie (SameSite=Strict aside), never read the token from our JSON or set this header.
    if (unsafe_method(req.method)) {
      auto sent = req.header("x-csrf-token");
      if (!sent || !crypto::equal_constant_time(*sent, csrf_token_of(*token)))
        throw core::Problem(403, "csrf-failed", "CSRF check failed",
                            "a signed-in request that changes something must send the session's csrf_token as "
                            "X-CSRF-Token");
    }
    co_return session->principal;
  };
}

awaitable<void> purge_sign_in_records(const StaffContext& ctx) {
  auto now = ctx.clock.now();
  co_await ctx.pool.transact([&](db::Tx& tx) { staff_store::purge(tx, now); });
}

}  // namespace skybill::identity
