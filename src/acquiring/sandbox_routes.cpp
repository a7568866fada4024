// The sandbox acquirer, built in: a payment session API (no key: a sandbox), the card page,
// the 3-D Secure challenge page, and signed callbacks to the URL each session was given. It
// keeps its own state in sandbox_acquirer_* tables and knows nothing of skybill's.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "context.hpp"
#include "html.hpp"
#include "http_client.hpp"
#include "sandbox_store.hpp"
#include "skybill/acquiring/sandbox.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/log/log.hpp"
#include "skybill/webhooks/signature.hpp"

namespace skybill::acquiring {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr int kCallbackGiveUpAttempts = 15;
const std::string kBase = "/sandbox-acquirer";

std::int64_t unix_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool valid_session_id(const std::string& id) {
  if (id.size() != 28 || !id.starts_with("sbx_")) return false;
  for (std::size_t i = 4; i < id.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(id[i]))) return false;
  return true;
}

nlohmann::json session_json(const sandbox::Session& s) {
  return {{"id", s.id},
          {"reference", s.reference},
          {"status", s.status},
          {"amount_minor", s.amount_minor},
          {"currency", s.currency},
          {"capture", s.capture},
          {"captured_minor", s.captured_minor},
          {"refunded_minor", s.refunded_minor},
          {"card", s.card_last4 ? nlohmann::json{{"last4", *s.card_last4}, {"brand", s.card_brand.value_or("card")}}
                                : nlohmann::json(nullptr)},
          {"failure_reason", s.failure_reason ? nlohmann::json(*s.failure_reason) : nlohmann::json(nullptr)}};
}

// What the sandbox tells the gateway: the session as it is now.
std::string callback_body(const sandbox::Session& s, core::TimePoint now) {
  nlohmann::json body = {{"event_id", crypto::random_hex(16)},
                         {"type", "session." + s.status},
                         {"created", core::to_rfc3339(now)},
                         {"session", session_json(s)}};
  return body.dump();
}

// Signs and POSTs one callback (blocking); empty when the gateway took it (2xx), else why not.
std::string send_callback(const Context& ctx, const std::string& url, const std::string& body) {
  auto header = webhooks::signature_header(unix_seconds(ctx.clock.now()), body, {ctx.settings.callback_secret});
  auto r = http_json("POST", url, body, {{std::string(kSignatureHeader), header}}, ctx.settings.timeout,
                     "skybill-sandbox-acquirer/1");
  if (!r.status) return r.error;
  if (*r.status >= 200 && *r.status < 300) return {};
  return "HTTP " + std::to_string(*r.status) + ": " + r.body.substr(0, 300);
}

std::chrono::seconds backoff(int attempts) {
  auto s = std::chrono::seconds(5) * (1LL << std::min(attempts - 1, 10));
  return std::min<std::chrono::seconds>(s, std::chrono::hours(1));
}

awaitable<void> deliver(Context& ctx, const sandbox::Callback& cb) {
  std::string error;
  co_await ctx.blocking.run([&] { error = send_callback(ctx, cb.url, cb.body); });
  auto now = ctx.clock.now();
  co_await ctx.pool.transact([&](db::Tx& tx) {
    if (error.empty()) sandbox::callback_delivered(tx, cb.id, now);
    else
      sandbox::callback_failed(tx, cb.id, error, now + backoff(cb.attempts), cb.attempts >= kCallbackGiveUpAttempts);
  });
  if (!error.empty())
    log::event(log::Level::warn, "sandbox acquirer callback not delivered",
               {{"session", cb.session_id}, {"attempt", cb.attempts}, {"error", error}});
}

// Ends the session (approved, declined or failed) and queues its callback, claimed by the
// caller, who sends it after commit.
sandbox::Callback finish(Context& ctx, db::Tx& tx, sandbox::Session& s, core::TimePoint now) {
  sandbox::save_session(tx, s, now);
  auto body = callback_body(s, now);
  auto lease = now + std::chrono::duration_cast<std::chrono::microseconds>(ctx.lease());
  auto id = sandbox::enqueue_callback(tx, s.id, s.callback_url, body, now, lease);
  return {id, s.id, s.callback_url, body, 1};
}

void approve(sandbox::Session& s) {
  s.status = s.capture ? "captured" : "authorized";
  s.captured_minor = s.capture ? s.amount_minor : 0;
  s.failure_reason.reset();
}

// --- pages ---

std::string summary(const sandbox::Session& s) {
  return "<p class=\"note\">Sandbox acquirer: test cards only, no real money moves.</p>\n<dl><dt>Payment</dt><dd>" +
         html::escape(s.description) + "</dd><dt>Amount</dt><dd>" + html::escape(html::money(s.amount_minor, s.currency)) +
         (s.capture ? "" : " (held on the card, charged later)") + "</dd></dl>\n";
}

std::string field_error(const std::vector<core::FieldError>& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e.field == field) return "<span class=\"error\">" + html::escape(e.message) + "</span>";
  return "";
}

Response card_form(const sandbox::Session& s, const std::vector<core::FieldError>& errors,
                   const std::map<std::string, std::string>& typed) {
  auto value = [&](const std::string& k) {
    auto it = typed.find(k);
    return it == typed.end() ? std::string() : html::escape(it->second);
  };
  std::string body = summary(s);
  if (!errors.empty()) body += "<p class=\"error\">Please correct the card details.</p>\n";
  body += "<form method=\"post\" action=\"" + kBase + "/pay/" + s.id + "\">\n";
  body += "<label>Card number " + field_error(errors, "number") +
          "<input name=\"number\" inputmode=\"numeric\" autocomplete=\"cc-number\" required></label>\n";
  body += "<label>Expiry (MM/YY) " + field_error(errors, "expiry") + "<input name=\"expiry\" value=\"" +
          value("expiry") + "\" autocomplete=\"cc-exp\" required></label>\n";
  body += "<label>CVC " + field_error(errors, "cvc") +
          "<input name=\"cvc\" inputmode=\"numeric\" autocomplete=\"cc-csc\" required></label>\n";
  body += "<label>Name on card " + field_error(errors, "holder") + "<input name=\"holder\" value=\"" + value("holder") +
          "\" autocomplete=\"cc-name\" required></label>\n";
  body += "<button type=\"submit\">" + std::string(s.capture ? "Pay " : "Authorise ") +
          html::escape(html::money(s.amount_minor, s.currency)) + "</button>\n</form>\n";
  return html::respond(errors.empty() ? 200 : 422, "Card payment", body);
}

Response challenge_form(const sandbox::Session& s, const std::string& error) {
  std::string body = summary(s);
  body += "<p>Your bank sent a one-time code to the phone number of the card •••• " +
          html::escape(s.card_last4.value_or("")) + ". Enter it to confirm the payment.</p>\n";
  body += "<p class=\"note\">Sandbox: the code is " + std::string(sandbox::kChallengeCode) + ".</p>\n";
  if (!error.empty()) body += "<p class=\"error\">" + html::escape(error) + "</p>\n";
  body += "<form method=\"post\" action=\"" + kBase + "/pay/" + s.id + "/challenge\">\n";
  body += "<label>One-time code <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required></label>\n";
  body += "<button type=\"submit\">Confirm</button>\n</form>\n";
  return html::respond(error.empty() ? 200 : 422, "3-D Secure", body);
}

Response finished_page(const sandbox::Session& s) {
  std::string outcome = s.status == "declined" || s.status == "failed"
                            ? "The payment did not go through: " + s.failure_reason.value_or(s.status) + "."
                            : "The payment was " + s.status + ".";
  return html::respond(200, "Card payment",
                       summary(s) + "<p>" + html::escape(outcome) + "</p>\n<p><a href=\"" + html::escape(s.return_url) +
                           "\">Back to the merchant</a></p>\n");
}

// Where the browser goes after a POST: the challenge, or back to the merchant when it is over.
Response after_post(const sandbox::Session& s) {
  if (s.status == "challenge") return html::see_other(kBase + "/pay/" + s.id + "/challenge");
  if (s.status == "open") return html::see_other(kBase + "/pay/" + s.id);
  return html::see_other(s.return_url);
}

Response not_found_page() {
  return html::respond(404, "Card payment", "<p>No such payment session.</p>\n");
}

// --- API ---

sandbox::Session parse_new_session(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  static const std::set<std::string> known = {"reference",   "amount_minor", "currency",  "capture",
                                              "description", "callback_url", "return_url"};
  for (const auto& [k, v] : body.items())
    if (!known.count(k)) errors.push_back({k, "is not a known field"});
  sandbox::Session s;
  auto text = [&](const char* name, std::size_t max, std::string& out) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > max)
      errors.push_back({name, "must be a string of 1-" + std::to_string(max) + " characters"});
    else out = it->get<std::string>();
  };
  text("reference", 200, s.reference);
  text("description", 500, s.description);
  text("callback_url", 2048, s.callback_url);
  text("return_url", 2048, s.return_url);
  for (auto [name, url] : {std::pair{"callback_url", &s.callback_url}, std::pair{"return_url", &s.return_url}})
    if (!url->empty() && !url->starts_with("http://") && !url->starts_with("https://"))
      errors.push_back({name, "must be an http(s) URL"});
  auto amount = body.find("amount_minor");
  if (amount == body.end() || !amount->is_number_integer() || amount->get<std::int64_t>() <= 0)
    errors.push_back({"amount_minor", "must be a positive whole number of minor units"});
  else s.amount_minor = amount->get<std::int64_t>();
  auto cur = body.find("currency");
  if (cur == body.end() || !cur->is_string() || !core::find_currency(cur->get<std::string>()))
    errors.push_back({"currency", "must be an ISO 4217 currency code"});
  else s.currency = cur->get<std::string>();
  auto capture = body.find("capture");
  if (capture == body.end() || !capture->is_boolean()) errors.push_back({"capture", "must be true or false"});
  else s.capture = capture->get<bool>();
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return s;
}

std::int64_t amount_of(const nlohmann::json& body, std::int64_t fallback) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  auto it = body.find("amount_minor");
  if (it == body.end()) return fallback;
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0)
    throw core::validation_failed({{"amount_minor", "must be a positive whole number of minor units"}});
  return it->get<std::int64_t>();
}

core::Problem conflict(const sandbox::Session& s, const std::string& what) {
  return core::Problem(409, "session-state", "Session is not in a state for this",
                       "cannot " + what + " session " + s.id + ": it is " + s.status);
}

sandbox::Session locked(db::Tx& tx, const std::string& id) {
  std::optional<sandbox::Session> s;
  if (valid_session_id(id)) s = sandbox::load_session(tx, id, true);
  if (!s) throw core::not_found("session " + id);
  return *s;
}

}  // namespace

void add_sandbox_routes(http::Router& router, std::shared_ptr<Context> ctx) {
  router.add("POST", kBase + "/api/sessions", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    auto s = parse_new_session(req.json());
    s.id = "sbx_" + crypto::random_base62(24);
    co_await ctx->pool.transact([&](db::Tx& tx) { sandbox::insert_session(tx, s, ctx->clock.now()); });
    auto out = session_json(s);
    out["redirect_url"] = ctx->settings.public_url + kBase + "/pay/" + s.id;
    co_return Response::json(201, out);
  });

  router.add("GET", kBase + "/api/sessions/{id}", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    std::optional<sandbox::Session> s;
    if (valid_session_id(req.param("id")))
      co_await ctx->pool.read([&](db::Tx& tx) { s = sandbox::load_session(tx, req.param("id"), false); });
    if (!s) throw core::not_found("session " + req.param("id"));
    co_return Response::json(200, session_json(*s));
  });

  router.add("POST", kBase + "/api/sessions/{id}/capture", http::Access::anyone,
             [ctx](Request& req) -> awaitable<Response> {
               auto body = req.body.empty() ? nlohmann::json::object() : req.json();
               nlohmann::json out;
               co_await ctx->pool.transact([&](db::Tx& tx) {
                 auto now = ctx->clock.now();
                 auto s = locked(tx, req.param("id"));
                 auto amount = amount_of(body, s.amount_minor);
                 if (s.status == "captured" && !s.capture && s.captured_minor == amount) {  // a repeat
                   out = session_json(s);
                   return;
                 }
                 if (s.status != "authorized") throw conflict(s, "capture");
                 if (amount > s.amount_minor)
                   throw core::validation_failed({{"amount_minor", "is more than the authorised " +
                                                                       std::to_string(s.amount_minor)}});
                 s.status = "captured";
                 s.captured_minor = amount;
                 sandbox::record_operation(tx, s.id, "capture", amount, "capture", now);
                 sandbox::save_session(tx, s, now);
                 out = session_json(s);
               });
               co_return Response::json(200, out);
             });

  router.add("POST", kBase + "/api/sessions/{id}/release", http::Access::anyone,
             [ctx](Request& req) -> awaitable<Response> {
               nlohmann::json out;
               co_await ctx->pool.transact([&](db::Tx& tx) {
                 auto now = ctx->clock.now();
                 auto s = locked(tx, req.param("id"));
                 if (s.status != "released") {
                   if (s.status != "authorized") throw conflict(s, "release");
                   s.status = "released";
                   sandbox::record_operation(tx, s.id, "release", s.amount_minor, "release", now);
                   sandbox::save_session(tx, s, now);
                 }
                 out = session_json(s);
               });
               co_return Response::json(200, out);
             });

  router.add("POST", kBase + "/api/sessions/{id}/refund", http::Access::anyone,
             [ctx](Request& req) -> awaitable<Response> {
               auto body = req.json();
               auto ref = body.is_object() && body.contains("reference") && body["reference"].is_string()
                              ? body["reference"].get<std::string>()
                              : std::string();
               if (ref.empty() || ref.size() > 200)
                 throw core::validation_failed({{"reference", "must be a string of 1-200 characters"}});
               nlohmann::json out;
               co_await ctx->pool.transact([&](db::Tx& tx) {
                 auto now = ctx->clock.now();
                 auto s = locked(tx, req.param("id"));
                 auto amount = amount_of(body, s.captured_minor - s.refunded_minor);
                 if (s.status != "captured" && s.status != "refunded") throw conflict(s, "refund");
                 if (sandbox::record_operation(tx, s.id, "refund", amount, ref, now)) {
                   if (amount > s.captured_minor - s.refunded_minor)
                     throw core::validation_failed({{"amount_minor", "is more than what is left to refund"}});
                   s.refunded_minor += amount;
                   if (s.refunded_minor == s.captured_minor) s.status = "refunded";
                   sandbox::save_session(tx, s, now);
                 }
                 out = session_json(s);
               });
               co_return Response::json(200, out);
             });

  // --- the payer's pages ---

  router.add("GET", kBase + "/pay/{id}", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    std::optional<sandbox::Session> s;
    if (valid_session_id(req.param("id")))
      co_await ctx->pool.read([&](db::Tx& tx) { s = sandbox::load_session(tx, req.param("id"), false); });
    if (!s) co_return not_found_page();
    if (s->status == "open") co_return card_form(*s, {}, {});
    if (s->status == "challenge") co_return html::see_other(kBase + "/pay/" + s->id + "/challenge");
    co_return finished_page(*s);
  });

  router.add("POST", kBase + "/pay/{id}", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    auto form = html::parse_form(req.body);
    sandbox::CardForm card{form["number"], form["expiry"], form["cvc"], form["holder"]};
    std::optional<sandbox::Session> session;
    std::optional<sandbox::Callback> callback;
    std::optional<Response> again;
    if (valid_session_id(req.param("id")))
      co_await ctx->pool.transact([&](db::Tx& tx) {
        auto now = ctx->clock.now();
        auto s = sandbox::load_session(tx, req.param("id"), true);
        if (!s) return;
        session = s;
        if (s->status != "open") return;  // submitted twice: where it stands now
        auto checked = sandbox::check_card(card, now);
        if (!checked.errors.empty()) {
          again = card_form(*s, checked.errors, form);
          return;
        }
        const auto& d = checked.decision;
        s->card_last4 = d.last4;
        s->card_brand = d.brand;
        switch (d.outcome) {
          case sandbox::Outcome::approved: approve(*s); break;
          case sandbox::Outcome::declined:
            s->status = "declined";
            s->failure_reason = d.reason;
            break;
          case sandbox::Outcome::challenge:
            s->status = "challenge";
            s->challenge_code = std::string(sandbox::kChallengeCode);
            break;
        }
        // The challenge is announced too, as real acquirers do; the result follows later.
        callback = finish(*ctx, tx, *s, now);
        session = s;
      });
    if (!session) co_return not_found_page();
    if (again) co_return *again;
    if (callback) co_await deliver(*ctx, *callback);
    co_return after_post(*session);
  });

  router.add("GET", kBase + "/pay/{id}/challenge", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    std::optional<sandbox::Session> s;
    if (valid_session_id(req.param("id")))
      co_await ctx->pool.read([&](db::Tx& tx) { s = sandbox::load_session(tx, req.param("id"), false); });
    if (!s) co_return not_found_page();
    if (s->status != "challenge") co_return html::see_other(kBase + "/pay/" + s->id);
    co_return challenge_form(*s, "");
  });

  router.add("POST", kBase + "/pay/{id}/challenge", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    auto code = html::parse_form(req.body)["code"];
    std::optional<sandbox::Session> session;
    std::optional<sandbox::Callback> callback;
    std::optional<Response> again;
    if (valid_session_id(req.param("id")))
      co_await ctx->pool.transact([&](db::Tx& tx) {
        auto now = ctx->clock.now();
        auto s = sandbox::load_session(tx, req.param("id"), true);
        if (!s) return;
        session = s;
        if (s->status != "challenge") return;
        if (s->challenge_code && crypto::equal_constant_time(code, *s->challenge_code)) {
          approve(*s);
        } else {
          ++s->challenge_attempts;
          if (s->challenge_attempts < sandbox::kChallengeTries) {
            sandbox::save_session(tx, *s, now);
            int left = sandbox::kChallengeTries - s->challenge_attempts;
            again = challenge_form(*s, "Wrong code; " + std::to_string(left) + (left == 1 ? " try" : " tries") + " left.");
            return;
          }
          s->status = "failed";
          s->failure_reason = "3-D Secure authentication failed";
        }
        s->challenge_code.reset();
        callback = finish(*ctx, tx, *s, now);
        session = s;
      });
    if (!session) co_return not_found_page();
    if (again) co_return *again;
    if (callback) co_await deliver(*ctx, *callback);
    co_return after_post(*session);
  });
}

awaitable<int> redeliver_sandbox_callbacks(Context& ctx) {
  int total = 0;
  for (;;) {
    std::vector<sandbox::Callback> due;
    auto now = ctx.clock.now();
    co_await ctx.pool.transact([&](db::Tx& tx) {
      due = sandbox::claim_due_callbacks(tx, now, now + std::chrono::duration_cast<std::chrono::microseconds>(ctx.lease()),
                                         20);
    });
    for (const auto& cb : due) co_await deliver(ctx, cb);
    total += static_cast<int>(due.size());
    if (due.size() < 20) co_return total;
  }
}

}  // namespace skybill::acquiring
