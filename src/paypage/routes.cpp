#include <boost/asio/awaitable.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "skybill/acquiring/acquiring.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/booking/pay_links.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/http/static_files.hpp"
#include "skybill/invoicing/invoicing.hpp"
#include "skybill/issuing/issuing.hpp"
#include "skybill/log/log.hpp"
#include "skybill/paypage/paypage.hpp"
#include "store.hpp"

namespace skybill::paypage {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

// Who acts through the hosted page: whoever holds the booking's pay link (the client).
const std::string kClientActor = "client:pay_token";

bool refused_link(const core::Problem& p) { return p.type.starts_with("pay-link-"); }

std::string base_of(const std::string& token) { return "/pay/" + token; }

nlohmann::json invoice_view(db::Tx& tx, const Context& ctx, const nlohmann::json& inv, const std::string& token) {
  auto id = inv["id"].get<std::string>();
  auto status = inv["status"].get<std::string>();
  bool unpaid = status == "open" || status == "overdue" || status == "partially_paid";
  nlohmann::json purpose = nullptr, payment_string = nullptr;
  try {
    auto p = issuing::invoice_payment(tx, ctx.issuing, id);
    purpose = p.purpose;
    payment_string = p.payment_string;
  } catch (const core::Problem& e) {
    // The PDF cannot be made either (a support case is open for it): the page shows no QR.
    log::event(log::Level::warn, "invoice has no payment string", {{"invoice_id", id}, {"error", e.detail}});
  }
  auto base = base_of(token);
  return {{"id", id},
          {"number", inv["number"]},
          {"method", inv["method"]},
          {"status", status},
          {"currency", inv["currency"]},
          {"amount", inv["totals"]["amount"]},
          {"paid", inv["paid"]},
          {"outstanding", inv["outstanding"]},
          {"due_at", inv["due_at"]},
          {"issued_at", inv["issued_at"]},
          {"payee", inv["payee"]},
          {"purpose", purpose},
          {"payment_string", payment_string},
          {"qr_svg_url", unpaid && !payment_string.is_null() ? nlohmann::json(base + "/api/qr.svg") : nlohmann::json(nullptr)},
          {"pdf_url", base + "/invoice.pdf"}};
}

// The page's whole view of the booking the link opens, in the caller's transaction.
nlohmann::json view(db::Tx& tx, const Context& ctx, const booking::PayLink& link, core::TimePoint now) {
  auto b = *booking::load_booking(tx, link.merchant_id, link.booking_id, false);
  auto full = booking::booking_json(b, nullptr, ctx.bookings.public_url);
  if (ctx.bookings.enrich) ctx.bookings.enrich(tx, b, now, full);
  nlohmann::json booking = nlohmann::json::object();
  for (const char* k : {"id", "reference", "pnr", "status", "language", "currency", "ticketing_time_limit",
                        "passengers", "segments", "lines", "totals"})
    booking[k] = full[k];
  // ticket, or chat_bill: a bill of the payment chat (no passengers, its time limit the bill's due time).
  booking["kind"] = b.kind;
  const auto& inv = full["invoice"];
  auto base = base_of(link.token);
  return {{"booking", booking},
          {"merchant", {{"name", merchant_name(tx, link.merchant_id)}}},
          {"options", full.value("payment_options", nlohmann::json::array())},
          {"invoice", inv.is_object() && inv["status"] != "void" ? invoice_view(tx, ctx, inv, link.token)
                                                                 : nlohmann::json(nullptr)},
          {"card", acquiring::card_view(tx, link.token)},
          {"documents", issuing::pay_documents(tx, link.booking_id, link.token)},
          {"events_url", base + "/api/events"},
          {"expires_at", core::to_rfc3339(link.expires_at)},
          {"server_time", core::to_rfc3339(now)}};
}

nlohmann::json status_json(const Status& s) {
  nlohmann::json out = {{"booking_status", s.booking_status},
                        {"invoice_status", s.invoice_status.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.invoice_status)},
                        {"paid", s.paid},
                        {"outstanding", s.outstanding},
                        {"documents", s.documents},
                        {"card_status", s.card_status.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.card_status)}};
  out["version"] = crypto::sha256_hex(out.dump()).substr(0, 16);
  return out;
}

// Open status streams per pay token, to keep one link from holding many connections.
struct StreamCounts {
  std::mutex mutex;
  std::map<std::string, int> open;

  // A slot for `token` (released when the last copy of the result goes), or null when full.
  std::shared_ptr<void> take(const std::shared_ptr<StreamCounts>& self, const std::string& token, int limit) {
    std::lock_guard lock(mutex);
    auto& n = open[token];
    if (n >= limit) return nullptr;
    ++n;
    // Not null, so that the slot tests true; the deleter only counts.
    return std::shared_ptr<void>(static_cast<void*>(self.get()), [self, token](void*) {
      std::lock_guard lock(self->mutex);
      if (--self->open[token] <= 0) self->open.erase(token);
    });
  }
};

awaitable<void> stream_status(const Context& ctx, std::string token, http::StreamSink& sink) {
  co_await sink.write("retry: 3000\n\n");
  std::string last;
  auto quiet_since = std::chrono::steady_clock::now();
  for (;;) {
    Status s;
    bool failed = false;
    try {
      co_await ctx.bookings.pool.read([&](db::Tx& tx) { s = read_status(tx, token, ctx.bookings.clock.now()); });
    } catch (const std::exception& e) {
      // The database hiccuped: the stream stays, the next poll tries again.
      log::event(log::Level::warn, "pay page status poll failed", {{"error", e.what()}});
      failed = true;
    }
    if (!failed && (!s.found || !s.usable)) {
      co_await sink.write("event: gone\ndata: {\"reason\":\"the payment link is no longer valid\"}\n\n");
      co_return;
    }
    if (!failed) {
      auto j = status_json(s);
      auto version = j["version"].get<std::string>();
      if (version != last) {
        last = version;
        if (!co_await sink.write("id: " + version + "\nevent: status\ndata: " + j.dump() + "\n\n")) co_return;
        quiet_since = std::chrono::steady_clock::now();
      }
    }
    if (std::chrono::steady_clock::now() - quiet_since >= ctx.heartbeat) {
      if (!co_await sink.write(": heartbeat\n\n")) co_return;
      quiet_since = std::chrono::steady_clock::now();
    }
    if (!co_await sink.sleep(ctx.poll)) co_return;
  }
}

}  // namespace

http::Response refused_page(const http::StaticFiles& web, const core::Problem& problem) {
  if (auto page = web.page("pay/invalid.html", problem.status)) return *page;
  return Response::problem(problem);
}

void add_routes(http::Router& router, const Context& ctx) {
  // The page itself: the same static file for every booking; its script reads /api.
  router.add("GET", "/pay/{token}", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    std::optional<Response> refused;
    try {
      co_await ctx.bookings.pool.read(
          [&](db::Tx& tx) { booking::open_pay_link(tx, req.param("token"), ctx.bookings.clock.now()); });
    } catch (const core::Problem& p) {
      if (!refused_link(p)) throw;
      refused = refused_page(*ctx.web, p);
    }
    if (refused) co_return std::move(*refused);
    if (auto page = ctx.web->page("pay/index.html", 200)) co_return std::move(*page);
    co_return Response::text(500, "The payment page is not installed on this server.\n");
  });

  router.add("GET", "/pay/{token}/api", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    nlohmann::json body;
    co_await ctx.bookings.pool.read([&](db::Tx& tx) {
      auto now = ctx.bookings.clock.now();
      body = view(tx, ctx, booking::open_pay_link(tx, req.param("token"), now), now);
    });
    co_return Response::json(200, body).with_header("Cache-Control", "no-store");
  });

  // The same use case as POST /v1/bookings/{id}/payment-choice, audited as the client's.
  router.add("POST", "/pay/{token}/api/choice", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    auto method = invoicing::parse_choice(req.json());
    co_return co_await api::idempotent(ctx.bookings.pool, req, [&](db::Tx& tx) {
      auto now = ctx.bookings.clock.now();
      auto link = booking::open_pay_link(tx, req.param("token"), now);
      db::AuditEntry who{kClientActor, link.merchant_id, "", "", req.request_id};
      auto res = invoicing::choose_payment_method(tx, ctx.bookings, link.booking_id, method, who, req.path);
      if (res.status != 200) return res;
      return Response::json(200, view(tx, ctx, link, now));
    });
  });

  router.add("GET", "/pay/{token}/api/qr.svg", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    std::string payment;
    co_await ctx.bookings.pool.read([&](db::Tx& tx) {
      auto link = booking::open_pay_link(tx, req.param("token"), ctx.bookings.clock.now());
      auto invoice = unpaid_invoice_id(tx, link.booking_id);
      if (!invoice) throw core::not_found("unpaid invoice of this booking");
      payment = issuing::invoice_payment(tx, ctx.issuing, *invoice).payment_string;
    });
    co_return Response::text(200, qr_svg(payment), "image/svg+xml").with_header("Cache-Control", "no-store");
  });

  // Server-Sent Events: the status now and at every change, a heartbeat comment between.
  auto counts = std::make_shared<StreamCounts>();
  router.add("GET", "/pay/{token}/api/events", http::Access::anyone,
             [&ctx, counts](Request& req) -> awaitable<Response> {
               auto token = req.param("token");
               co_await ctx.bookings.pool.read(
                   [&](db::Tx& tx) { booking::open_pay_link(tx, token, ctx.bookings.clock.now()); });
               auto slot = counts->take(counts, token, ctx.streams_per_token);
               if (!slot)
                 throw core::Problem(429, "too-many-streams", "Too many status streams",
                                     "this payment link has " + std::to_string(ctx.streams_per_token) +
                                         " status streams open already; close one");
               Response res;
               res.content_type = "text/event-stream; charset=utf-8";
               res.with_header("Cache-Control", "no-cache, no-store").with_header("X-Accel-Buffering", "no");
               res.stream = [&ctx, token, slot](http::StreamSink& sink) { return stream_status(ctx, token, sink); };
               co_return res;
             });
}

}  // namespace skybill::paypage
