// After the choice: cancel, tickets issued, ticketing failed, and the expiry job.
#include <boost/asio/awaitable.hpp>
#include <regex>
#include <set>

#include "invoices.hpp"
#include "guarantee.hpp"
#include "lifecycle.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/identity/clients.hpp"
#include "skybill/identity/model.hpp"
#include "skybill/invoicing/invoicing.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/support/cases.hpp"

namespace skybill::invoicing {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr int kExpiryBatch = 100;
const std::regex kTicketNumber(R"(^\d{13}$)");



void void_with_events(db::Tx& tx, const std::string& merchant, const std::string& booking_id, core::TimePoint now,
                      const std::string& actor, const std::string& request_id, const std::string& reason) {
  auto previous = lock_unpaid_invoice(tx, booking_id);
  if (!previous) return;
  if (auto inv = void_open_invoice(tx, booking_id, now)) {
    db::audit(tx, {actor, merchant, "invoice.voided", inv->id, request_id}, {{"number", inv->number}, {"reason", reason}},
              voiding(*inv, *previous));
    db::enqueue_event(tx, merchant, "invoice.voided", booking_id, invoice_json(tx, *inv));
  }
}

std::vector<std::pair<int, std::string>> parse_tickets(const nlohmann::json& body, std::size_t passengers) {
  std::vector<core::FieldError> errors;
  std::vector<std::pair<int, std::string>> out;
  if (!body.is_object() || !body.contains("tickets") || !body["tickets"].is_array() || body["tickets"].empty())
    throw core::validation_failed({{"tickets", "must be a non-empty array of {passenger, number}"}});
  for (const auto& [k, v] : body.items())
    if (k != "tickets") errors.push_back({k, "is not a known field"});
  const auto& list = body["tickets"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto path = "tickets[" + std::to_string(i) + "]";
    const auto& t = list[i];
    if (!t.is_object()) {
      errors.push_back({path, "must be an object"});
      continue;
    }
    auto p = t.find("passenger");
    auto n = t.find("number");
    if (p == t.end() || !p->is_number_integer() || p->get<long long>() < 0 ||
        p->get<long long>() >= static_cast<long long>(passengers))
      errors.push_back({path + ".passenger", "must be the index of a passenger"});
    if (n == t.end() || !n->is_string() || !std::regex_match(n->get<std::string>(), kTicketNumber))
      errors.push_back({path + ".number", "must be a 13-digit ticket number"});
    for (const auto& [k, v] : t.items())
      if (k != "passenger" && k != "number") errors.push_back({path + "." + k, "is not a known field"});
    if (errors.empty()) out.emplace_back(p->get<int>(), n->get<std::string>());
  }
  if (errors.empty()) {
    // Every passenger flies on a ticket of their own; a number is issued once.
    std::set<int> ticketed;
    std::set<std::string> numbers;
    for (std::size_t i = 0; i < out.size(); ++i) {
      ticketed.insert(out[i].first);
      if (!numbers.insert(out[i].second).second)
        errors.push_back({"tickets[" + std::to_string(i) + "].number", "is given twice"});
    }
    for (std::size_t p = 0; p < passengers; ++p)
      if (!ticketed.count(static_cast<int>(p)))
        errors.push_back({"tickets", "passenger " + std::to_string(p) + " has no ticket"});
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

// Releases the booking's guarantee: its invoice becomes void (whatever the method: a card hold
// is then never captured, a letter never called on), and the ledger entry of a credit line or
// deposit is reversed so the credit is free again or the deposit refilled.
void release_guarantee(db::Tx& tx, const booking::Booking& b, core::TimePoint now, const std::string& actor,
                       const std::string& request_id) {
  auto inv = current_invoice(tx, b.id);
  if (!inv) return;
  const auto& merchant = b.merchant_id;
  release_guarantee_booking(tx, b, *inv, now);
  tx->exec_params("UPDATE invoices SET status = 'void', voided_at = $2::timestamptz WHERE id = $1::uuid", inv->id,
                  core::to_rfc3339(now));
  auto voided = *load_invoice(tx, merchant, inv->id);
  db::audit(tx, {actor, merchant, "invoice.voided", inv->id, request_id},
            {{"number", inv->number}, {"reason", "ticketing failed: guarantee released"}}, voiding(voided, inv->status));
  db::enqueue_event(tx, merchant, "invoice.voided", voided.booking_id, invoice_json(tx, voided));
}

}  // namespace

std::optional<std::string> lock_unpaid_invoice(db::Tx& tx, const std::string& booking_id) {
  auto rows = tx->exec_params(
      "SELECT status FROM invoices WHERE booking_id = $1::uuid AND status IN ('open', 'overdue') FOR UPDATE", booking_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

db::Changes voiding(const Invoice& voided, const std::string& previous_status) {
  return db::Changes()
      .set("status", previous_status, voided.status)
      .set("voided_at", nullptr, voided.voided_at ? nlohmann::json(core::to_rfc3339(*voided.voided_at))
                                                   : nlohmann::json(nullptr));
}

// The booking, locked, or 404.
booking::Booking locked_booking(db::Tx& tx, const Request& req) {
  const auto& id = req.param("id");
  std::optional<booking::Booking> b;
  if (core::is_uuid(id)) b = booking::load_booking(tx, req.caller().id, id, true);
  if (!b) throw core::not_found("booking " + id);
  return *b;
}

nlohmann::json booking_reply(db::Tx& tx, const booking::RouteContext& ctx, const std::string& merchant,
                             const std::string& booking_id, core::TimePoint now) {
  auto b = *booking::load_booking(tx, merchant, booking_id, false);
  auto client = identity::find_linked_client(tx, merchant, b.client_id).value_or(nullptr);
  auto body = booking::booking_json(b, client, ctx.public_url);
  enricher()(tx, b, now, body);
  return body;
}

awaitable<int> in_batches(db::Pool& pool, int size, std::function<int(db::Tx&)> batch) {
  int total = 0;
  for (;;) {
    int n = 0;
    co_await pool.transact([&](db::Tx& tx) { n = batch(tx); });
    total += n;
    if (n < size) co_return total;
  }
}

nlohmann::json cancel_booking(db::Tx& tx, const booking::RouteContext& ctx, const booking::Booking& b,
                              const db::AuditEntry& who) {
  auto now = ctx.clock.now();
  const auto& merchant = b.merchant_id;
  if (!booking::is_open(b.status))
    throw core::Problem(409, "booking-not-cancellable", "Booking cannot be cancelled",
                        "booking " + b.id + " is " + b.status +
                            "; a guaranteed or paid booking is settled by a refund instead");
  void_with_events(tx, merchant, b.id, now, who.actor, who.request_id, "booking cancelled");
  booking::set_status(tx, b.id, "cancelled", std::nullopt, now);
  db::audit(tx, {who.actor, merchant, "booking.cancelled", b.id, who.request_id}, nullptr,
            db::Changes().set("status", b.status, "cancelled"));
  auto body = booking_reply(tx, ctx, merchant, b.id, now);
  db::enqueue_event(tx, merchant, "booking.cancelled", b.id, body);
  return body;
}

void add_lifecycle_routes(http::Router& router, const booking::RouteContext& ctx) {
  router.add("POST", "/v1/bookings/{id}/cancel", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      auto b = locked_booking(tx, req);
      return Response::json(200, cancel_booking(tx, ctx, b, audit::entry(req, req.caller().id, "", "")));
    });
  });

  router.add("POST", "/v1/bookings/{id}/tickets", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    auto body = req.json();
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      auto now = ctx.clock.now();
      auto b = locked_booking(tx, req);
      const auto& merchant = req.caller().id;
      if (b.kind == "chat_bill")
        throw core::Problem(409, "chat-bill-not-ticketed", "A chat bill has no tickets",
                            "booking " + b.id + " is a bill of the payment chat");
      auto tickets = parse_tickets(body, b.passengers.size());
      if (b.status != "ticketing_authorized" && b.status != "paid")
        throw core::Problem(409, "ticketing-not-authorized", "Ticketing is not authorized",
                            "booking " + b.id + " is " + b.status + "; tickets may be issued once it is guaranteed or paid");
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [p, n] : tickets) list.push_back({{"passenger", p}, {"number", n}});
      tx->exec_params("UPDATE bookings SET tickets = $2::jsonb WHERE id = $1::uuid", b.id, list.dump());
      booking::set_status(tx, b.id, "ticketed", std::nullopt, now);
      db::audit(tx, audit::entry(req, merchant, "booking.ticketed", b.id), nullptr,
                db::Changes().set("status", b.status, "ticketed").set("tickets", b.tickets, list));
      auto body = booking_reply(tx, ctx, merchant, b.id, now);
      db::enqueue_event(tx, merchant, "booking.ticketed", b.id, body);
      return Response::json(200, body);
    });
  });

  router.add("POST", "/v1/bookings/{id}/ticketing-failed", http::Access::merchant,
             [&ctx](Request& req) -> awaitable<Response> {
               auto body = req.body.empty() ? nlohmann::json::object() : req.json();
               if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
               std::vector<core::FieldError> errors;
               for (const auto& [k, v] : body.items())
                 if (k != "reason") errors.push_back({k, "is not a known field"});
               if (body.contains("reason") && (!body["reason"].is_string() || body["reason"].get<std::string>().empty() ||
                                               body["reason"].get<std::string>().size() > 2000))
                 errors.push_back({"reason", "must be a string of 1 to 2000 bytes"});
               if (!errors.empty()) throw core::validation_failed(std::move(errors));
               auto reason = body.value("reason", std::string("the airline could not issue the ticket"));
               co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
                 auto now = ctx.clock.now();
                 auto b = locked_booking(tx, req);
                 const auto& merchant = req.caller().id;
                 if (b.status != "ticketing_authorized")
                   throw core::Problem(409, "ticketing-not-authorized", "Ticketing was not authorized",
                                       "booking " + b.id + " is " + b.status);
                 booking::set_status(tx, b.id, "ticketing_failed", std::nullopt, now);
                 release_guarantee(tx, b, now, audit::actor(req.caller()), req.request_id);
                 support::open_case(tx, merchant, b.id, "ticketing_failed", reason, now, audit::actor(req.caller()),
                                    req.request_id);
                 db::audit(tx, audit::entry(req, merchant, "booking.ticketing_failed", b.id), {{"reason", reason}},
                           db::Changes().set("status", b.status, "ticketing_failed"));
                 auto body = booking_reply(tx, ctx, merchant, b.id, now);
                 db::enqueue_event(tx, merchant, "booking.ticketing_failed", b.id, body);
                 return Response::json(200, body);
               });
             });
}

void add_staff_routes(http::Router& router, const booking::RouteContext& ctx) {
  router.add("POST", "/admin/api/bookings/{id}/approve-guarantee-letter", http::Access::staff, "guarantees.approve",
             [&ctx](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("booking " + id);
               nlohmann::json body;
               co_await ctx.pool.transact([&](db::Tx& tx) {
                 auto now = ctx.clock.now();
                 auto b = booking::load_booking_for_staff(tx, id, true);
                 if (!b) throw core::not_found("booking " + id);
                 if (b->status != "awaiting_payment" || b->payment_method != "guarantee_letter")
                   throw core::Problem(409, "no-guarantee-letter-to-approve", "No guarantee letter to approve",
                                       "booking " + id + " is " + b->status + " with " +
                                           b->payment_method.value_or("no payment method"));
                 if (now >= b->ticketing_time_limit)
                   throw core::Problem(409, "booking-expired", "Booking expired",
                                       "the ticketing time limit passed before the letter was approved");
                 booking::set_status(tx, b->id, "ticketing_authorized", std::nullopt, now);
                 if (auto inv = current_invoice(tx, b->id)) book_guarantee(tx, *b, *inv, now);
                 // A letter has no id of its own: the row's subject is its booking.
                 db::audit(tx, audit::entry(req, b->merchant_id, "guarantee_letter.approved", b->id), nullptr,
                           db::Changes().set("status", b->status, "ticketing_authorized"));
                 body = booking_reply(tx, ctx, b->merchant_id, b->id, now);
                 db::enqueue_event(tx, b->merchant_id, "booking.ticketing_authorized", b->id, body);
               });
               co_return Response::json(200, body);
             });
}

awaitable<int> expire_bookings(db::Pool& pool, const core::Clock& clock) {
  // SKIP LOCKED: another instance's job, or a choice in progress, keeps its rows.
  co_return co_await in_batches(pool, kExpiryBatch, [&clock](db::Tx& tx) {
    auto now = clock.now();
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id, status FROM bookings WHERE status IN ('pending', 'awaiting_payment') "
        "  AND ticketing_time_limit <= $1::timestamptz ORDER BY ticketing_time_limit LIMIT $2 "
        "  FOR UPDATE SKIP LOCKED) "
        "UPDATE bookings b SET status = 'expired', updated_at = $1::timestamptz FROM due WHERE b.id = due.id "
        "RETURNING b.id, b.merchant_id, b.reference, due.status AS previous_status",
        core::to_rfc3339(now), kExpiryBatch);
    for (const auto& r : rows) {
      auto id = r["id"].as<std::string>();
      auto merchant = r["merchant_id"].as<std::string>();
      void_with_events(tx, merchant, id, now, audit::job("expire_bookings"), {}, "ticketing time limit passed");
      db::audit(tx, {audit::job("expire_bookings"), merchant, "booking.expired", id, {}}, nullptr,
                db::Changes().set("status", r["previous_status"].as<std::string>(), "expired"));
      db::enqueue_event(tx, merchant, "booking.expired", id,
                        {{"id", id}, {"reference", r["reference"].as<std::string>()}, {"status", "expired"}});
    }
    return static_cast<int>(rows.size());
  });
}

awaitable<int> mark_overdue_invoices(db::Pool& pool, const core::Clock& clock) {
  co_return co_await in_batches(pool, kExpiryBatch, [&clock](db::Tx& tx) {
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id FROM invoices WHERE status = 'open' AND due_at <= $1::timestamptz "
        "  ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
        "UPDATE invoices i SET status = 'overdue' FROM due WHERE i.id = due.id RETURNING i.id, i.merchant_id",
        core::to_rfc3339(clock.now()), kExpiryBatch);
    for (const auto& r : rows) {
      auto merchant = r["merchant_id"].as<std::string>();
      auto inv = *load_invoice(tx, merchant, r["id"].as<std::string>());
      db::audit(tx, {audit::job("mark_overdue_invoices"), merchant, "invoice.overdue", inv.id, {}},
                {{"number", inv.number}}, db::Changes().set("status", "open", inv.status));
      db::enqueue_event(tx, merchant, "invoice.overdue", inv.booking_id, invoice_json(tx, inv));
    }
    return static_cast<int>(rows.size());
  });
}

}  // namespace skybill::invoicing
