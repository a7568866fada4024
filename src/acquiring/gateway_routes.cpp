// skybill's side of card payments: the start of a card payment at the acquirer, the return to
// the hosted page, and the acquirer's signed callback.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "html.hpp"
#include "skybill/booking/pay_links.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/log/log.hpp"
#include "skybill/webhooks/signature.hpp"
#include "store.hpp"

namespace skybill::acquiring {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

// Who acts through the pay link: whoever holds it (the payer).
const std::string kPayerActor = "payer";
const std::string kNilUuid = "00000000-0000-0000-0000-000000000000";

// The invoice is one to pay by card and may still take money (live attempts aside).
bool payable_by_card(const PayTarget& t) {
  return t.invoice && t.invoice->by_card() && t.invoice->unpaid() && t.invoice->due_minor() > 0 &&
         t.status != "cancelled" && t.status != "expired" && t.status != "ticketing_failed";
}

Response link_refused(const Context& ctx, const core::Problem& p) {
  if (ctx.settings.link_refused) return ctx.settings.link_refused(p);
  throw p;
}

core::Problem not_payable(const std::string& why) {
  return core::Problem(409, "card-payment-not-possible", "Card payment not possible", why);
}

std::int64_t unix_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// --- the callback ---

struct Event {
  std::string type, session_id, reference, status, currency;
  std::int64_t amount_minor = 0;
  std::optional<std::string> last4, brand, failure_reason;
};

Event parse_event(const nlohmann::json& body) {
  std::vector<core::FieldError> errors;
  Event e;
  const nlohmann::json* s = nullptr;
  if (!body.is_object() || !body.contains("session") || !body["session"].is_object())
    errors.push_back({"session", "must be an object"});
  else s = &body["session"];
  if (s) {
    auto text = [&](const char* name, std::string& out) {
      auto it = s->find(name);
      if (it == s->end() || !it->is_string() || it->get<std::string>().empty())
        errors.push_back({std::string("session.") + name, "must be a non-empty string"});
      else out = it->get<std::string>();
    };
    text("id", e.session_id);
    text("reference", e.reference);
    text("status", e.status);
    text("currency", e.currency);
    auto amount = s->find("amount_minor");
    if (amount == s->end() || !amount->is_number_integer())
      errors.push_back({"session.amount_minor", "must be a whole number"});
    else e.amount_minor = amount->get<std::int64_t>();
    if (auto card = s->find("card"); card != s->end() && card->is_object()) {
      if (card->contains("last4") && (*card)["last4"].is_string()) e.last4 = (*card)["last4"].get<std::string>();
      if (card->contains("brand") && (*card)["brand"].is_string()) e.brand = (*card)["brand"].get<std::string>();
    }
    if (auto why = s->find("failure_reason"); why != s->end() && why->is_string())
      e.failure_reason = why->get<std::string>().substr(0, 300);
  }
  if (e.last4 && (e.last4->size() != 4 || e.last4->find_first_not_of("0123456789") != std::string::npos))
    errors.push_back({"session.card.last4", "must be 4 digits"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return e;
}

const char* verdict_text(webhooks::Verdict v) {
  switch (v) {
    case webhooks::Verdict::valid: return "valid";
    case webhooks::Verdict::malformed: return "the Acquirer-Signature header is missing or malformed";
    case webhooks::Verdict::mismatch: return "the signature does not match the body";
    case webhooks::Verdict::outside_tolerance: return "the signature's timestamp is too far from now";
  }
  return "invalid";
}

nlohmann::json amount_json(std::int64_t minor, const std::string& currency) {
  return {{"amount", html::money(minor, currency)}, {"amount_minor", minor}, {"currency", currency}};
}

Response apply_event(Context& ctx, db::Tx& tx, const Event& ev, const std::string& request_id) {
  auto unknown = core::not_found("card payment " + ev.reference);
  if (!core::is_uuid(ev.reference)) throw unknown;
  auto peek = load_attempt(tx, ev.reference, false);
  if (!peek) throw unknown;
  lock_booking(tx, peek->booking_id);  // bookings first, as every change of a booking
  auto a = *load_attempt(tx, ev.reference, true);
  auto now = ctx.clock.now();
  db::AuditEntry entry{"acquirer:" + a.acquirer, a.merchant_id, "", a.id, request_id};
  auto reply = [&](bool duplicate) {
    return Response::json(200, {{"attempt_id", a.id}, {"status", a.status}, {"duplicate", duplicate}});
  };

  // Refused, never applied nor converted: the attempt stays as it was, the refusal is kept.
  auto refuse = [&](const std::string& why) {
    entry.action = "card_payment.callback_refused";
    db::audit(tx, entry,
              {{"reason", why},
               {"callback", {{"session_id", ev.session_id}, {"status", ev.status}, {"amount_minor", ev.amount_minor},
                             {"currency", ev.currency}}},
               {"expected", {{"session_id", a.acquirer_ref ? nlohmann::json(*a.acquirer_ref) : nlohmann::json(nullptr)},
                             {"amount_minor", a.amount_minor},
                             {"currency", a.currency}}}});
    log::event(log::Level::warn, "acquirer callback refused",
               {{"attempt_id", a.id}, {"reason", why}, {"request_id", request_id}});
    return Response::problem(core::Problem(422, "callback-mismatch", "Callback does not match the payment", why),
                             "/v1/acquirer/callback");
  };
  if (a.acquirer_ref && *a.acquirer_ref != ev.session_id)
    return refuse("the callback names session " + ev.session_id + ", the payment was started as " + *a.acquirer_ref);
  if (ev.currency != a.currency)
    return refuse("the callback is in " + ev.currency + ", the payment is in " + a.currency + " (never converted)");
  if (ev.amount_minor != a.amount_minor)
    return refuse("the callback is for " + std::to_string(ev.amount_minor) + " minor units of " + ev.currency +
                  ", the payment is for " + std::to_string(a.amount_minor));
  bool open = a.status == "created" || a.status == "challenge";
  auto before = a.status;
  if (!a.acquirer_ref) a.acquirer_ref = ev.session_id;
  if (ev.last4) a.card_last4 = ev.last4;
  if (ev.brand) a.card_brand = ev.brand;

  if (ev.status == "challenge") {
    if (a.status != "created") return reply(true);
    a.status = "challenge";
    save_attempt(tx, a, now);
    entry.action = "card_payment.challenge";
    db::audit(tx, entry, {{"acquirer_ref", *a.acquirer_ref}}, db::Changes().set("status", before, a.status));
    return reply(false);
  }
  if (ev.status == "declined" || ev.status == "failed") {
    if (!open) return reply(true);
    a.status = ev.status;
    a.failure_reason = ev.failure_reason.value_or(ev.status);
    a.finished_at = now;
    save_attempt(tx, a, now);
    entry.action = "card_payment." + ev.status;
    db::audit(tx, entry, {{"reason", *a.failure_reason}, {"acquirer_ref", *a.acquirer_ref}},
              db::Changes().set("status", before, a.status));
    return reply(false);
  }
  if (ev.status != "authorized" && ev.status != "captured")
    return refuse("unknown session status " + ev.status);
  if (ev.status != (a.hold() ? "authorized" : "captured"))
    return refuse(a.hold() ? "a hold was captured at once" : "a card payment was only authorised");
  if (!open) return reply(true);

  auto inv = lock_invoice(tx, a.invoice_id);
  bool payable = inv.unpaid() && inv.currency == a.currency && inv.due_minor() >= a.amount_minor &&
                 !invoice_has_live_attempt(tx, inv.id, a.id);
  a.authorized_at = now;
  if (!payable) {
    // The money arrived for an invoice that cannot take it (paid otherwise, voided): it goes
    // back to the card, by the settle job.
    if (a.hold()) {
      a.status = "releasing";
    } else {
      a.status = "refunding";
      a.captured_minor = a.amount_minor;
    }
    a.lease_until = now;
    a.failure_reason = "invoice " + inv.number + " could no longer take it (" + inv.status + ")";
    save_attempt(tx, a, now);
    entry.action = a.hold() ? "card_payment.authorized" : "card_payment.captured";
    db::audit(tx, entry, {{"reason", *a.failure_reason}, {"acquirer_ref", *a.acquirer_ref}},
              db::Changes().set("status", before, a.status));
    log::event(log::Level::warn, "card payment for an invoice that cannot take it; returning it",
               {{"attempt_id", a.id}, {"invoice", inv.number}, {"invoice_status", inv.status}});
    return reply(false);
  }
  if (a.hold()) {
    a.status = "authorized";
    a.capture_at = inv.due_at;
  } else {
    a.status = "captured";
    a.captured_minor = a.amount_minor;
    a.finished_at = now;
  }
  save_attempt(tx, a, now);
  entry.action = "card_payment." + a.status;
  auto data = amount_json(a.amount_minor, a.currency);
  data["acquirer_ref"] = *a.acquirer_ref;
  data["invoice_id"] = a.invoice_id;
  data["card_last4"] = a.card_last4 ? nlohmann::json(*a.card_last4) : nlohmann::json(nullptr);
  db::audit(tx, entry, data, db::Changes().set("status", before, a.status));
  ctx.sink(tx, CardPaid{a.merchant_id, a.booking_id, a.invoice_id, a.id, *a.acquirer_ref, a.currency, a.amount_minor,
                        a.hold()});
  return reply(false);
}

// Starts a card payment of the invoice the pay link opens: an attempt, then the acquirer's
// session. `json`: {"redirect_url"} for the page's script; else 303 to the acquirer's page.
awaitable<Response> start_card(std::shared_ptr<Context> ctx, const Request& req, bool json) {
  const auto& token = req.param("token");
  std::optional<Intent> intent;
  std::optional<Response> refused;
  try {
    co_await ctx->pool.transact([&](db::Tx& tx) {
      auto now = ctx->clock.now();
      booking::open_pay_link(tx, token, now);
      auto target = *load_pay_target(tx, token, true);
      if (!payable_by_card(target))
        throw not_payable(!target.invoice || !target.invoice->by_card() ? "no card payment is due for this booking"
                                                                         : "this invoice can no longer be paid by card");
      auto inv = lock_invoice(tx, target.invoice->id);
      if (invoice_has_live_attempt(tx, inv.id, kNilUuid) || inv.due_minor() <= 0)
        throw not_payable("the invoice is paid or held on a card already");
      Attempt a;
      a.merchant_id = target.merchant_id;
      a.booking_id = target.booking_id;
      a.invoice_id = inv.id;
      a.kind = inv.method;
      a.amount_minor = inv.due_minor();
      a.currency = inv.currency;
      a.acquirer = ctx->acquirer->name();
      a.id = insert_attempt(tx, a, now);
      auto data = amount_json(a.amount_minor, a.currency);
      data["invoice_id"] = inv.id;
      data["number"] = inv.number;
      data["kind"] = a.kind;
      db::audit(tx, {kPayerActor, a.merchant_id, "card_payment.created", a.id, req.request_id}, data,
                db::Changes().set("status", nullptr, "created"));
      intent = Intent{a.id,
                      a.amount_minor,
                      a.currency,
                      a.kind == "card",
                      target.merchant_name + ": invoice " + inv.number + ", booking " + target.reference,
                      ctx->callback_url(),
                      ctx->settings.public_url + "/pay/" + token + "/return?attempt=" + a.id};
    });
  } catch (const core::Problem& p) {
    if (json || !p.type.starts_with("pay-link-")) throw;
    refused = link_refused(*ctx, p);
  }
  if (refused) co_return std::move(*refused);

  Started started;
  std::string error;
  co_await ctx->blocking.run([&] {
    try {
      started = ctx->acquirer->start(*intent);
    } catch (const AcquirerError& e) {
      error = e.what();
    }
  });
  co_await ctx->pool.transact([&](db::Tx& tx) {
    auto now = ctx->clock.now();
    auto a = *load_attempt(tx, intent->reference, true);
    if (error.empty()) {
      a.acquirer_ref = started.acquirer_ref;
      save_attempt(tx, a, now);
      return;
    }
    a.status = "failed";
    a.failure_reason = "the card acquirer could not be reached";
    a.last_error = error;
    a.finished_at = now;
    save_attempt(tx, a, now);
    db::audit(tx, {kPayerActor, a.merchant_id, "card_payment.failed", a.id, req.request_id},
              {{"reason", *a.failure_reason}, {"error", error}}, db::Changes().set("status", "created", "failed"));
  });
  if (!error.empty()) {
    log::event(log::Level::error, "card acquirer unreachable", {{"attempt_id", intent->reference}, {"error", error}});
    throw core::Problem(502, "acquirer-unavailable", "Card payments unavailable",
                        "the card payment could not be started; please try again in a few minutes");
  }
  if (json) co_return Response::json(200, {{"redirect_url", started.redirect_url}, {"attempt_id", intent->reference}});
  co_return html::see_other(started.redirect_url);
}

}  // namespace

nlohmann::json card_view(db::Tx& tx, const std::string& pay_token) {
  auto target = load_pay_target(tx, pay_token, false);
  if (!target || !target->invoice || !target->invoice->by_card()) return nullptr;
  const auto& inv = *target->invoice;
  auto attempts = attempts_of_booking(tx, target->booking_id);
  nlohmann::json last = nullptr;
  for (const auto& a : attempts)
    if (a.invoice_id == inv.id) {
      last = {{"id", a.id},
              {"status", a.status},
              {"amount", core::Money(a.amount_minor, core::currency(a.currency)).to_string()},
              {"card_last4", a.card_last4 ? nlohmann::json(*a.card_last4) : nlohmann::json(nullptr)},
              {"failure_reason", a.failure_reason ? nlohmann::json(*a.failure_reason) : nlohmann::json(nullptr)},
              {"capture_at", a.capture_at ? nlohmann::json(core::to_rfc3339(*a.capture_at)) : nlohmann::json(nullptr)}};
      break;
    }
  bool can_pay = payable_by_card(*target) && !invoice_has_live_attempt(tx, inv.id, kNilUuid);
  return {{"can_pay", can_pay},
          {"hold", inv.method == "card_hold"},
          {"amount", core::Money(inv.due_minor(), core::currency(inv.currency)).to_string()},
          {"currency", inv.currency},
          {"action", "/pay/" + pay_token + "/api/card"},
          {"last_attempt", last}};
}

void add_gateway_routes(http::Router& router, std::shared_ptr<Context> ctx) {
  // The form post of a page without scripts: 303 to the acquirer's page.
  router.add("POST", "/pay/{token}/card", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    co_return co_await start_card(ctx, req, false);
  });
  // The hosted page: the acquirer's page URL, to open the 3-D Secure step in a frame.
  router.add("POST", "/pay/{token}/api/card", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    co_return co_await start_card(ctx, req, true);
  });

  // Where the acquirer sends the payer back: the hosted page, told which attempt (and that it
  // is inside the page's frame, when the browser says so).
  router.add("GET", "/pay/{token}/return", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    const auto& token = req.param("token");
    auto attempt_id = req.query_param("attempt").value_or("");
    bool known = false;
    std::optional<Response> refused;
    try {
      co_await ctx->pool.read([&](db::Tx& tx) {
        auto link = booking::open_pay_link(tx, token, ctx->clock.now());
        if (core::is_uuid(attempt_id))
          if (auto a = load_attempt(tx, attempt_id, false)) known = a->booking_id == link.booking_id;
      });
    } catch (const core::Problem& p) {
      refused = link_refused(*ctx, p);
    }
    if (refused) co_return std::move(*refused);
    std::string location = "/pay/" + token;
    if (known) location += "?attempt=" + attempt_id;
    if (req.header("sec-fetch-dest") == std::optional<std::string_view>("iframe"))
      location += known ? "&framed=1" : "?framed=1";
    co_return html::see_other(location);
  });

  router.add("POST", "/v1/acquirer/callback", http::Access::anyone, [ctx](Request& req) -> awaitable<Response> {
    auto header = req.header("acquirer-signature");
    auto verdict = header ? webhooks::verify_signature(*header, req.body, ctx->settings.callback_secret,
                                                       unix_seconds(ctx->clock.now()), kSignatureTolerance)
                          : webhooks::Verdict::malformed;
    if (verdict != webhooks::Verdict::valid) {
      log::event(log::Level::warn, "acquirer callback with a bad signature",
                 {{"request_id", req.request_id}, {"reason", verdict_text(verdict)}});
      throw core::Problem(400, "invalid-signature", "Invalid signature", verdict_text(verdict));
    }
    auto event = parse_event(req.json());
    Response res;
    co_await ctx->pool.transact([&](db::Tx& tx) { res = apply_event(*ctx, tx, event, req.request_id); });
    co_return res;
  });
}

}  // namespace skybill::acquiring
