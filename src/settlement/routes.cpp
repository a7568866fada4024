#include <boost/asio/awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "orders.hpp"
#include "refunds.hpp"
#include "report.hpp"
#include "returns.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/settlement/rules.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

bool is_staff(const Request& req) { return req.caller().kind == http::Principal::Kind::staff; }

// A merchant sees its own; staff see every merchant's (optionally one, by ?merchant_id=).
std::string merchant_scope(const Request& req) {
  if (!is_staff(req)) return req.caller().id;
  return req.query_param("merchant_id").value_or("");
}

void require_uuid(const std::string& id, const char* what) {
  if (!core::is_uuid(id)) throw core::not_found(std::string(what) + " " + id);
}

std::string reason_of(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  for (const auto& [k, v] : body.items())
    if (k != "reason") errors.push_back({k, "is not a known field"});
  auto it = body.find("reason");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 500)
    errors.push_back({"reason", "must be a text of 1 to 500 characters"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return it->get<std::string>();
}

// {"payee": {name, inn, kpp?, account, bic, bank?, correspondent_account?}} or {}: null payee.
nlohmann::json payee_of(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  for (const auto& [k, v] : body.items())
    if (k != "payee") errors.push_back({k, "is not a known field"});
  auto it = body.find("payee");
  if (it == body.end() || it->is_null()) {
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    return nullptr;
  }
  check_payee(*it, errors);  // the same checks as an airline's payee
  for (const char* field : {"name", "inn"})
    if (!it->is_object() || !it->contains(field) || !(*it)[field].is_string() || (*it)[field].get<std::string>().empty())
      errors.push_back({std::string("payee.") + field, "is required"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return *it;
}

std::optional<std::string> date_param(const Request& req, const char* name, std::vector<core::FieldError>& errors) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  try {
    core::parse_iso_date(*v);
  } catch (const core::CalendarError&) {
    errors.push_back({name, "must be a date YYYY-MM-DD"});
  }
  return v;
}

using Failure = std::function<nlohmann::json(db::Tx&, const std::string& id, const std::string& reason,
                                             core::TimePoint now, const std::string& actor,
                                             const std::string& request_id)>;

// POST …/{id}/failed {"reason"} by an accountant: the bank refused or returned what {id} names.
http::Handler failure_handler(const Context& ctx, const char* what, Failure fail) {
  return [&ctx, what, fail](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, what);
    auto reason = reason_of(req.json());
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      return Response::json(200, fail(tx, id, reason, ctx.clock.now(), audit::actor(req.caller()), req.request_id));
    });
  };
}

using LegAction = std::function<nlohmann::json(db::Tx&, const std::string& refund_id, const std::string& leg_id,
                                               const nlohmann::json& body, core::TimePoint now,
                                               const std::string& actor, const std::string& request_id)>;

// POST /v1/refunds/{id}/legs/{leg}/… by an accountant; `parse` checks the body before any work.
http::Handler leg_handler(const Context& ctx, std::function<nlohmann::json(const nlohmann::json&)> parse,
                          LegAction act) {
  return [&ctx, parse, act](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    const auto& leg = req.param("leg");
    require_uuid(id, "refund");
    require_uuid(leg, "refund leg");
    auto body = parse(req.json());
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      return Response::json(200, act(tx, id, leg, body, ctx.clock.now(), audit::actor(req.caller()), req.request_id));
    });
  };
}

}  // namespace

void add_merchant_routes(http::Router& router, const Context& ctx);  // merchant_routes.cpp

void add_routes(http::Router& router, const Context& ctx) {
  add_merchant_routes(router, ctx);
  router.add("GET", "/v1/payouts", http::Access::key, "payouts.read", [&ctx](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto scope = merchant_scope(req);
    if (!scope.empty() && !core::is_uuid(scope)) errors.push_back({"merchant_id", "must be a merchant id"});
    auto status = req.query_param("status").value_or("");
    if (!status.empty() && status != "created" && status != "exported" && status != "sent" && status != "confirmed" &&
        status != "failed")
      errors.push_back({"status", "must be created, exported, sent, confirmed or failed"});
    auto from = date_param(req, "from", errors), to = date_param(req, "to", errors);
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json data = nlohmann::json::array();
    co_await ctx.pool.read([&](db::Tx& tx) {
      auto rows = tx->exec_params(
          "SELECT " + kPayoutColumns + " FROM payouts p WHERE ($1 = '' OR merchant_id::text = $1) "
          "AND ($2 = '' OR status = $2) AND ($3::date IS NULL OR business_day >= $3::date) "
          "AND ($4::date IS NULL OR business_day <= $4::date) AND ($5::uuid IS NULL OR (business_day, id) < "
          "(SELECT business_day, id FROM payouts WHERE id = $5::uuid)) ORDER BY business_day DESC, id DESC LIMIT $6",
          scope, status, from ? from->c_str() : nullptr, to ? to->c_str() : nullptr,
          page.cursor ? page.cursor->c_str() : nullptr, page.fetch());
      for (const auto& r : rows) data.push_back(payout_json(r));
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });

  router.add("GET", "/v1/payouts/{id}", http::Access::key, "payouts.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "payout");
    auto scope = is_staff(req) ? std::string() : req.caller().id;
    nlohmann::json out;
    co_await ctx.pool.read([&](db::Tx& tx) { out = payout_with_items(tx, id, scope); });
    co_return Response::json(200, out);
  });

  router.add("POST", "/v1/payouts/{id}/failed", http::Access::staff, "payouts.write",
             failure_handler(ctx, "payout",
                             [](db::Tx& tx, const std::string& id, const std::string& reason, core::TimePoint now,
                                const std::string& actor, const std::string& request_id) {
                               return fail_payout(tx, id, "", reason, now, actor, request_id);
                             }));

  router.add("GET", "/v1/settlement-report", http::Access::key, "payouts.read", [&ctx](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto scope = merchant_scope(req);
    if (scope.empty()) errors.push_back({"merchant_id", "is required with a staff key"});
    else if (!core::is_uuid(scope)) errors.push_back({"merchant_id", "must be a merchant id"});
    auto from = date_param(req, "from", errors), to = date_param(req, "to", errors);
    if (!from) errors.push_back({"from", "is required: the first business day, YYYY-MM-DD"});
    if (!to) errors.push_back({"to", "is required: the last business day, YYYY-MM-DD"});
    if (from && to && errors.empty() && *to < *from) errors.push_back({"to", "must not be before from"});
    auto format = req.query_param("format").value_or("json");
    if (format != "json" && format != "csv") errors.push_back({"format", "must be json or csv"});
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json report;
    co_await ctx.pool.read([&](db::Tx& tx) { report = settlement_report(tx, scope, *from, *to); });
    if (format == "json") co_return Response::json(200, report);
    co_return Response::text(200, report_csv(report), "text/csv; charset=utf-8")
        .with_header("Content-Disposition",
                     "attachment; filename=\"settlement-" + *from + "-" + *to + ".csv\"");
  });

  router.add("POST", "/v1/bookings/{id}/refunds", http::Access::key, "refunds.write", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "booking");
    auto request = parse_refund_request(req.json());
    auto scope = is_staff(req) ? std::string() : req.caller().id;
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      return Response::json(201, create_refund(tx, ctx, id, scope, request, audit::actor(req.caller()), req.request_id));
    });
  });

  // The same for the staff console: airline staff too, kept to their own airline's bookings
  // (another airline's booking is a 404, as if it did not exist).
  router.add("POST", "/admin/api/bookings/{id}/refunds", http::Access::any_staff, "refunds.write", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "booking");
    auto request = parse_refund_request(req.json());
    auto scope = req.caller().merchant_id;
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      return Response::json(201, create_refund(tx, ctx, id, scope, request, audit::actor(req.caller()), req.request_id));
    });
  });

  router.add("GET", "/v1/bookings/{id}/refunds", http::Access::key, "bookings.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "booking");
    auto scope = is_staff(req) ? std::string() : req.caller().id;
    nlohmann::json data = nlohmann::json::array();
    co_await ctx.pool.read([&](db::Tx& tx) {
      if (tx->exec_params("SELECT 1 FROM bookings WHERE id = $1::uuid AND ($2 = '' OR merchant_id::text = $2)", id, scope)
              .empty())
        throw core::not_found("booking " + id);
      for (const auto& r : tx->exec_params("SELECT id FROM refunds WHERE booking_id = $1::uuid ORDER BY created_at, id", id))
        data.push_back(refund_json(tx, r[0].as<std::string>()));
    });
    co_return Response::json(200, {{"data", data}});
  });

  router.add("GET", "/v1/refunds/{id}", http::Access::key, "bookings.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "refund");
    auto scope = is_staff(req) ? std::string() : req.caller().id;
    nlohmann::json out;
    co_await ctx.pool.read([&](db::Tx& tx) {
      if (tx->exec_params("SELECT 1 FROM refunds WHERE id = $1::uuid AND ($2 = '' OR merchant_id::text = $2)", id, scope)
              .empty())
        throw core::not_found("refund " + id);
      out = refund_json(tx, id);
    });
    co_return Response::json(200, out);
  });

  router.add("POST", "/v1/refunds/{id}/legs/{leg}/failed", http::Access::staff, "payouts.write",
             leg_handler(
                 ctx, [](const nlohmann::json& body) -> nlohmann::json { return reason_of(body); },
                 [](db::Tx& tx, const std::string& id, const std::string& leg, const nlohmann::json& reason,
                    core::TimePoint now, const std::string& actor, const std::string& request_id) {
                   return fail_refund_leg(tx, id, leg, reason.get<std::string>(), now, actor, request_id);
                 }));

  router.add("POST", "/v1/refunds/{id}/legs/{leg}/retry", http::Access::staff, "payouts.write", leg_handler(ctx, payee_of, retry_leg));

  router.add("POST", "/v1/reconciliation/{id}/return", http::Access::staff, "reconciliation.write", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "bank document");
    auto reason = reason_of(req.json());
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      return Response::json(201, return_document(tx, id, reason, ctx.clock.now(), audit::actor(req.caller()),
                                                 req.request_id));
    });
  });

  router.add("GET", "/v1/returns/{id}", http::Access::staff, "reconciliation.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "return");
    nlohmann::json out;
    co_await ctx.pool.read([&](db::Tx& tx) { out = return_json(tx, id); });
    co_return Response::json(200, out);
  });

  router.add("POST", "/v1/returns/{id}/failed", http::Access::staff, "reconciliation.write", failure_handler(ctx, "return", fail_return));

  router.add("POST", "/v1/payment-orders/exports", http::Access::staff, "payouts.write", [&ctx](Request& req) -> awaitable<Response> {
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      return Response::json(201, export_orders(tx, ctx, audit::actor(req.caller()), req.request_id));
    });
  });

  router.add("GET", "/v1/payment-orders/exports/{id}", http::Access::staff, "payouts.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_uuid(id, "payment order export");
    nlohmann::json out;
    co_await ctx.pool.read([&](db::Tx& tx) { out = export_json(tx, id, nullptr); });
    co_return Response::json(200, out);
  });

  router.add("GET", "/v1/payment-orders/exports/{id}/file", http::Access::staff, "payouts.read",
             [&ctx](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               require_uuid(id, "payment order export");
               auto format = req.query_param("format").value_or("1c");
               if (format != "1c" && format != "csv")
                 throw core::validation_failed({{"format", "must be 1c or csv"}});
               std::string file;
               co_await ctx.pool.read([&](db::Tx& tx) { file = export_file(tx, ctx, id, format); });
               bool one_c = format == "1c";
               co_return Response::text(200, std::move(file),
                                        one_c ? "text/plain; charset=windows-1251" : "text/csv; charset=utf-8")
                   .with_header("Content-Disposition", "attachment; filename=\"payment-orders-" + id.substr(0, 8) +
                                                           (one_c ? ".txt\"" : ".csv\""));
             });

  router.add("POST", "/v1/payment-orders/exports/{id}/sent", http::Access::staff, "payouts.write",
             [&ctx](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               require_uuid(id, "payment order export");
               co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
                 return Response::json(200, mark_export_sent(tx, id, ctx.clock.now(), audit::actor(req.caller()),
                                                             req.request_id));
               });
             });
}

}  // namespace skybill::settlement
