#include <boost/asio/awaitable.hpp>
#include <charconv>

#include "funds.hpp"
#include "invoices.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/identity/clients.hpp"
#include "skybill/identity/model.hpp"
#include "skybill/invoicing/invoicing.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/support/cases.hpp"
#include "guarantee.hpp"
#include "lifecycle.hpp"

namespace skybill::invoicing {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {


options::Input engine_input(db::Tx& tx, const booking::Booking& b, core::TimePoint now, bool lock_funds,
                            const options::Settings& settings) {
  auto funds = load_funds(tx, b.client_id, b.currency, lock_funds);
  return options::Input{now,
                        b.ticketing_time_limit,
                        core::Money(booking::totals(b.lines).amount_minor, core::currency(b.currency)),
                        funds.credit,
                        funds.deposit_minor,
                        settings};
}

nlohmann::json options_json(const std::vector<options::Option>& opts) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : opts)
    out.push_back({{"method", std::string(options::to_string(o.method))},
                   {"available", o.available},
                   {"reason", o.reason},
                   {"due_at", o.due_at ? nlohmann::json(core::to_rfc3339(*o.due_at)) : nlohmann::json(nullptr)},
                   {"ticket_at_once", o.ticket_at_once}});
  return out;
}

}  // namespace

options::Method parse_choice(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  for (const auto& [k, v] : body.items())
    if (k != "method") errors.push_back({k, "is not a known field"});
  auto it = body.find("method");
  std::optional<options::Method> m;
  if (it == body.end() || !it->is_string() || !(m = options::parse_method(it->get<std::string>())))
    errors.push_back({"method", "must be one of credit_line, deposit, card_hold, guarantee_letter, card, invoice"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return *m;
}

namespace {

InvoiceFilter parse_invoice_filter(const Request& req, const http::Page& page, std::vector<core::FieldError>& errors) {
  InvoiceFilter f;
  f.limit = page.fetch();
  f.after_id = page.cursor;
  f.status = req.query_param("status");
  if (f.status && *f.status != "open" && *f.status != "paid" && *f.status != "partially_paid" &&
      *f.status != "void" && *f.status != "overdue")
    errors.push_back({"status", "must be open, paid, partially_paid, void or overdue"});
  for (auto [name, slot] : {std::pair{"booking", &f.booking_id}, std::pair{"client", &f.client_id}})
    if (auto v = req.query_param(name)) {
      if (!core::is_uuid(*v)) errors.push_back({name, "must be an id"});
      *slot = *v;
    }
  return f;
}

}  // namespace

Response choose_payment_method(db::Tx& tx, const booking::RouteContext& ctx, const std::string& id,
                               options::Method method, const db::AuditEntry& who, const std::string& instance,
                               std::optional<core::TimePoint> due_at) {
    const auto& merchant = who.merchant_id;
    auto now = ctx.clock.now();
    std::optional<booking::Booking> locked;
    if (core::is_uuid(id)) locked = booking::load_booking(tx, merchant, id, true);
    if (!locked) throw core::not_found("booking " + id);
    auto& b = *locked;
    if (b.status == "expired") {
      // The expiry won the race: people look at it, and the 409 is stored with the case.
      support::open_case(tx, merchant, b.id, "choice_after_expiry",
                         "payment method " + std::string(options::to_string(method)) +
                             " chosen after the booking expired",
                         now, who.actor, who.request_id);
      return Response::problem(core::Problem(409, "booking-expired", "Booking expired",
                                             "booking " + id + " expired at its ticketing time limit"),
                               instance);
    }
    if (!booking::is_open(b.status))
      throw core::Problem(409, "booking-not-open", "Booking is not open for payment",
                          "booking " + id + " is " + b.status);
    auto method_name = std::string(options::to_string(method));
    // A chat bill is paid by card, chosen when the operator issued it (chat/bills.cpp).
    if (b.kind == "chat_bill" && b.payment_method)
      throw core::Problem(409, "chat-bill-paid-by-card", "A chat bill is paid by card",
                          "booking " + id + " is a bill of the payment chat; its payment method cannot change");
    if (b.payment_method == method_name)
      throw core::Problem(409, "payment-method-already-chosen", "Payment method already chosen",
                          method_name + " was already chosen for booking " + id);
    auto merchant_settings = identity::merchant_settings(tx, merchant);
    auto option = options::evaluate(
        engine_input(tx, b, now, true, settings_from_json(merchant_settings)), method);
    if (!option.available)
      throw core::Problem(409, "payment-method-unavailable", "Payment method unavailable", option.reason);

    auto actor = who;
    // A pending booking has no invoice yet; after a choice, the unpaid one is locked
    // first so its status before voiding is known for the audit row.
    std::optional<std::string> previous;
    if (b.status != "pending") previous = lock_unpaid_invoice(tx, b.id);
    if (auto old = void_open_invoice(tx, b.id, now)) {
      actor.action = "invoice.voided";
      actor.subject = old->id;
      db::audit(tx, actor, {{"number", old->number}, {"reason", "payment method changed"}},
                voiding(*old, previous.value_or("open")));
      db::enqueue_event(tx, merchant, "invoice.voided", b.id, invoice_json(tx, *old));
    }
    bool paid_now = method == options::Method::deposit;
    auto inv = issue_invoice(tx, b, method_name, paid_now ? "paid" : "open",
                             due_at.value_or(option.due_at.value_or(now)), now);
    auto status = option.ticket_at_once && options::is_guarantee(method) ? "ticketing_authorized"
                                                                         : "awaiting_payment";
    // A credit line or deposit is drawn on at once; a card hold or letter guarantees
    // the invoice when it authorises ticketing (a letter: once staff approve it).
    nlohmann::json entry_id = nullptr;
    if (method == options::Method::credit_line || method == options::Method::deposit ||
        std::string(status) == "ticketing_authorized")
      entry_id = book_guarantee(tx, b, inv, now);
    booking::set_status(tx, b.id, status, method_name, now);

    auto inv_json = invoice_json(tx, inv);
    actor.action = "invoice.issued";
    actor.subject = inv.id;
    db::audit(tx, actor,
              {{"number", inv.number}, {"method", method_name}, {"booking_id", b.id}, {"ledger_entry_id", entry_id}},
              db::Changes().set("status", nullptr, inv.status));
    actor.action = "booking.payment_method_chosen";
    actor.subject = b.id;
    db::audit(tx, actor, {{"invoice_id", inv.id}, {"number", inv.number}},
              db::Changes()
                  .set("status", b.status, status)
                  .set("payment_method", b.payment_method ? nlohmann::json(*b.payment_method)
                                                          : nlohmann::json(nullptr),
                       method_name));
    db::enqueue_event(tx, merchant, "invoice.issued", b.id, inv_json);
    // Paid from the deposit as it is issued: the client is told of the payment too.
    if (paid_now) db::enqueue_event(tx, merchant, "invoice.paid", b.id, inv_json);
    auto body = booking_reply(tx, ctx, merchant, b.id, now);
    if (std::string(status) == "ticketing_authorized")
      db::enqueue_event(tx, merchant, "booking.ticketing_authorized", b.id, body);
    return Response::json(200, body);
}

booking::Enrich enricher() {
  return [](db::Tx& tx, const booking::Booking& b, core::TimePoint now, nlohmann::json& out) {
    auto settings = settings_from_json(identity::merchant_settings(tx, b.merchant_id));
    if (booking::is_open(b.status) && b.kind != "chat_bill")
      out["payment_options"] = options_json(options::evaluate(engine_input(tx, b, now, false, settings)));
    else
      out["payment_options"] = nlohmann::json::array();
    // A pending booking has had no choice yet, so it has no invoice (not even a void one).
    auto inv = b.status == "pending" ? std::nullopt : current_invoice(tx, b.id);
    out["invoice"] = inv ? invoice_json(tx, *inv) : nlohmann::json(nullptr);
  };
}

void add_routes(http::Router& router, const booking::RouteContext& ctx) {
  router.add("POST", "/v1/bookings/{id}/payment-choice", http::Access::merchant,
             [&ctx](Request& req) -> awaitable<Response> {
               auto method = parse_choice(req.json());
               const auto& id = req.param("id");
               co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
                 return choose_payment_method(tx, ctx, id, method, audit::entry(req, req.caller().id, "", ""),
                                              req.path);
               });
             });

  add_lifecycle_routes(router, ctx);
  add_staff_routes(router, ctx);

  router.add("PUT", "/v1/bookings/{id}/lines", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    auto body = req.json();
    const auto& id = req.param("id");
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      const auto& merchant = req.caller().id;
      auto now = ctx.clock.now();
      auto b = locked_booking(tx, req);
      if (b.kind == "chat_bill")
        throw core::Problem(409, "chat-bill-price-fixed", "A chat bill's amount is fixed",
                            "booking " + id + " is a bill of the payment chat: cancel it and issue another");
      if (b.status == "ticketing_authorized" || b.status == "paid" || b.status == "ticketed") {
        // Committed with its support case: people decide between a refund and an additional invoice.
        support::open_case(tx, merchant, b.id, "price_change_after_guarantee",
                           "a price change was attempted after the booking was " + b.status, now,
                           audit::actor(req.caller()), req.request_id);
        return Response::problem(
            core::Problem(409, "price-locked", "Price can no longer change",
                          "booking " + id + " is " + b.status +
                              ": to charge more issue an additional invoice, to charge less make a refund"),
            req.path);
      }
      if (!booking::is_open(b.status))
        throw core::Problem(409, "booking-not-open", "Booking is not open", "booking " + id + " is " + b.status);
      auto lines = booking::parse_lines(body, b.currency, b.passengers.size());
      auto before = booking::totals_json(booking::totals(b.lines), core::currency(b.currency));
      std::optional<std::string> previous;
      if (b.status != "pending") previous = lock_unpaid_invoice(tx, b.id);
      booking::add_price_version(tx, b.id, b.price_version + 1, lines, now);
      auto updated = *booking::load_booking(tx, merchant, b.id, false);
      auto actor = audit::entry(req, merchant, "booking.price_changed", b.id);
      if (auto old = void_open_invoice(tx, b.id, now)) {
        db::audit(tx, {actor.actor, merchant, "invoice.voided", old->id, req.request_id},
                  {{"number", old->number}, {"reason", "price changed"}}, voiding(*old, previous.value_or("open")));
        db::enqueue_event(tx, merchant, "invoice.voided", b.id, invoice_json(tx, *old));
        // The same method again; its due date as the engine gives it now, or the old one if
        // the method would no longer be offered (the client chose it while it was).
        auto settings = identity::merchant_settings(tx, merchant);
        auto method = *options::parse_method(old->method);
        auto option = options::evaluate(engine_input(tx, updated, now, true, settings_from_json(settings)), method);
        auto inv = issue_invoice(tx, updated, old->method, "open", option.available ? *option.due_at : old->due_at, now);
        db::audit(tx, {actor.actor, merchant, "invoice.issued", inv.id, req.request_id},
                  {{"number", inv.number}, {"method", inv.method}, {"booking_id", b.id}, {"replaces", old->id}},
                  db::Changes().set("status", nullptr, inv.status));
        db::enqueue_event(tx, merchant, "invoice.issued", b.id, invoice_json(tx, inv));
      }
      auto out = booking_reply(tx, ctx, merchant, b.id, now);
      db::audit(tx, actor, nullptr,
                db::Changes()
                    .set("price_version", b.price_version, updated.price_version)
                    .set("totals", before, out["totals"]));
      db::enqueue_event(tx, merchant, "booking.price_changed", b.id, {{"booking", out}, {"previous_totals", before}});
      return Response::json(200, out);
    });
  });

  router.add("GET", "/v1/invoices/{id}", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    std::optional<nlohmann::json> body;
    if (core::is_uuid(id))
      co_await ctx.pool.transact([&](db::Tx& tx) {
        if (auto inv = load_invoice(tx, req.caller().id, id)) body = invoice_json(tx, *inv);
      });
    if (!body) throw core::not_found("invoice " + id);
    co_return Response::json(200, *body);
  });

  router.add("GET", "/v1/invoices", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto page = http::page_of(req, errors);
    auto filter = parse_invoice_filter(req, page, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json data = nlohmann::json::array();
    co_await ctx.pool.transact([&](db::Tx& tx) {
      for (const auto& inv : list_invoices(tx, req.caller().id, filter)) data.push_back(invoice_json(tx, inv));
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });
}

}  // namespace skybill::invoicing
