#include "skybill/core/identifiers.hpp"
#include "skybill/booking/routes.hpp"

#include <boost/asio/awaitable.hpp>
#include <algorithm>
#include <charconv>

#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/booking/pay_links.hpp"
#include "skybill/identity/clients.hpp"

namespace skybill::booking {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kPayTokenLength = 32;
const char* const kStatuses[] = {"pending",  "awaiting_payment", "ticketing_authorized", "paid",
                                 "ticketed", "cancelled",        "expired",              "ticketing_failed"};

nlohmann::json lines_json(const std::vector<Line>& lines, const core::Currency& cur) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : lines) {
    nlohmann::json j = {{"kind", std::string(to_string(l.kind))},
                        {"description", l.description},
                        {"amount", core::Money(l.amount_minor, cur).to_string()},
                        {"vat_rate", std::string(core::to_string(l.vat_rate))},
                        {"vat", core::Money(l.vat_minor, cur).to_string()}};
    if (l.passenger) j["passenger"] = *l.passenger;
    if (l.emd) j["emd"] = *l.emd;
    out.push_back(j);
  }
  return out;
}

// The client's JSON (with its id), linked to the caller.
nlohmann::json resolve_client(db::Tx& tx, const Request& req, const ClientRef& ref) {
  const auto& merchant = req.caller().id;
  if (ref.id) {
    auto client = identity::find_linked_client(tx, merchant, *ref.id);
    if (!client) throw core::validation_failed({{"client.id", "no client with this id is linked to your account"}});
    return *client;
  }
  auto linked = identity::link_client(tx, merchant, {ref.inn, ref.kpp, ref.name});
  auto id = linked.client["id"].get<std::string>();
  if (linked.created)
    db::audit(tx, audit::entry(req, merchant, "client.created", id), linked.client,
              db::Changes().set("inn", nullptr, linked.client["inn"]).set("kpp", nullptr, linked.client["kpp"])
                  .set("name", nullptr, linked.client["name"]));
  if (linked.linked) {
    db::audit(tx, audit::entry(req, merchant, "client.linked", id), nullptr, db::Changes().set("linked", false, true));
    db::enqueue_event(tx, merchant, "client.linked", {}, linked.client);
  }
  return linked.client;
}

// `client`: the booking's client when the caller has it at hand already.
nlohmann::json full_json(db::Tx& tx, const RouteContext& ctx, const Booking& b, core::TimePoint now,
                         std::optional<nlohmann::json> client = std::nullopt) {
  if (!client) client = identity::find_linked_client(tx, b.merchant_id, b.client_id).value_or(nlohmann::json(nullptr));
  auto out = booking_json(b, *client, ctx.public_url);
  if (ctx.enrich) ctx.enrich(tx, b, now, out);
  return out;
}

BookingFilter parse_filter(const Request& req, const http::Page& page, std::vector<core::FieldError>& errors) {
  BookingFilter f;
  f.limit = page.fetch();
  f.after_id = page.cursor;
  f.status = req.query_param("status");
  if (f.status && std::none_of(std::begin(kStatuses), std::end(kStatuses), [&](auto s) { return *f.status == s; }))
    errors.push_back({"status", "is not a booking status"});
  f.reference = req.query_param("reference");
  f.client_id = req.query_param("client");
  if (f.client_id && !core::is_uuid(*f.client_id)) errors.push_back({"client", "must be a client id"});
  for (auto [name, slot] : {std::pair{"created_from", &f.created_from}, std::pair{"created_to", &f.created_to}})
    if (auto v = req.query_param(name)) {
      *slot = core::parse_rfc3339(*v);
      if (!*slot) errors.push_back({name, "must be an RFC 3339 time with its offset"});
    }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return f;
}

}  // namespace

nlohmann::json booking_json(const Booking& b, const nlohmann::json& client, const std::string& public_url) {
  const auto& cur = core::currency(b.currency);
  return {{"id", b.id},
          {"reference", b.reference},
          {"pnr", b.pnr},
          {"status", b.status},
          {"client", client},
          {"contact_email", b.contact_email},
          {"language", b.language},
          {"passengers", b.passengers},
          {"segments", b.segments},
          {"currency", b.currency},
          {"lines", lines_json(b.lines, cur)},
          {"totals", totals_json(totals(b.lines), cur)},
          {"price_version", b.price_version},
          {"ticketing_time_limit", core::to_rfc3339(b.ticketing_time_limit)},
          {"payment_method", b.payment_method ? nlohmann::json(*b.payment_method) : nlohmann::json(nullptr)},
          {"payment_url", b.pay_token_revoked ? nlohmann::json(nullptr) : nlohmann::json(public_url + "/pay/" + b.pay_token)},
          {"payment_url_expires_at",
           b.pay_token_revoked ? nlohmann::json(nullptr) : nlohmann::json(core::to_rfc3339(b.pay_token_expires_at))},
          {"tickets", b.tickets},
          {"metadata", b.metadata},
          {"created_at", core::to_rfc3339(b.created_at)},
          {"updated_at", core::to_rfc3339(b.updated_at)}};
}

void add_routes(http::Router& router, const RouteContext& ctx) {
  router.add("POST", "/v1/bookings", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    auto now = ctx.clock.now();
    auto body_json = req.json();
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      // Validated here, after a stored response was looked for: a retry of a booking accepted
      // earlier replays it even once its time limit is under a minute away.
      auto input = parse_booking(body_json, now);
      const auto& merchant = req.caller().id;
      auto client = resolve_client(tx, req, input.client);
      auto id = insert_booking(tx, merchant, client["id"].get<std::string>(), input,
                               crypto::random_base62(kPayTokenLength), now);
      if (!id) {
        auto existing = booking_id_by_reference(tx, merchant, input.reference);
        throw core::Problem(409, "booking-reference-taken", "Booking reference already used",
                            "booking " + existing + " already has reference " + input.reference);
      }
      add_price_version(tx, *id, 1, input.lines, now);
      auto booking = *load_booking(tx, merchant, *id, false);
      auto body = full_json(tx, ctx, booking, now, client);
      db::audit(tx, audit::entry(req, merchant, "booking.created", *id),
                {{"reference", input.reference}, {"totals", body["totals"]}},
                db::Changes().set("status", nullptr, booking.status).set("price_version", nullptr, booking.price_version));
      db::enqueue_event(tx, merchant, "booking.created", *id, body);
      return Response::json(201, body);
    });
  });

  router.add("GET", "/v1/bookings/{id}", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    auto now = ctx.clock.now();
    std::optional<nlohmann::json> body;
    if (core::is_uuid(id))
      co_await ctx.pool.transact([&](db::Tx& tx) {
        if (auto b = load_booking(tx, req.caller().id, id, false)) body = full_json(tx, ctx, *b, now);
      });
    if (!body) throw core::not_found("booking " + id);
    co_return Response::json(200, *body);
  });

  // A new pay link (the old one answers 410 from now on): for a link that leaked or expired.
  router.add("POST", "/v1/bookings/{id}/payment-link", http::Access::merchant,
             [&ctx](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("booking " + id);
               co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
                 const auto& merchant = req.caller().id;
                 auto now = ctx.clock.now();
                 auto b = load_booking(tx, merchant, id, true);
                 if (!b) throw core::not_found("booking " + id);
                 auto link = rotate_pay_link(tx, id, crypto::random_base62(kPayTokenLength), now);
                 // The tokens themselves are secrets: the audit row keeps only the times.
                 db::audit(tx, audit::entry(req, merchant, "booking.payment_link_rotated", id), nullptr,
                           db::Changes()
                               .set("expires_at", b->pay_token_revoked ? nlohmann::json(nullptr)
                                                                       : nlohmann::json(core::to_rfc3339(b->pay_token_expires_at)),
                                    core::to_rfc3339(link.expires_at))
                               .set("revoked", b->pay_token_revoked, false));
                 return Response::json(200, {{"payment_url", ctx.public_url + "/pay/" + link.token},
                                             {"expires_at", core::to_rfc3339(link.expires_at)}});
               });
             });

  router.add("DELETE", "/v1/bookings/{id}/payment-link", http::Access::merchant,
             [&ctx](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("booking " + id);
               co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
                 const auto& merchant = req.caller().id;
                 auto b = load_booking(tx, merchant, id, true);
                 if (!b) throw core::not_found("booking " + id);
                 auto at = revoke_pay_link(tx, id, ctx.clock.now());
                 if (!b->pay_token_revoked)
                   db::audit(tx, audit::entry(req, merchant, "booking.payment_link_revoked", id), nullptr,
                             db::Changes().set("revoked", false, true));
                 return Response::json(200, {{"payment_url", nullptr}, {"revoked_at", core::to_rfc3339(at)}});
               });
             });

  router.add("GET", "/v1/bookings", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto page = http::page_of(req, errors);
    auto filter = parse_filter(req, page, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    auto now = ctx.clock.now();
    nlohmann::json data = nlohmann::json::array();
    co_await ctx.pool.transact([&](db::Tx& tx) {
      for (const auto& b : list_bookings(tx, req.caller().id, filter)) data.push_back(full_json(tx, ctx, b, now));
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });
}

}  // namespace skybill::booking
