// GET /admin/api/today: what needs a person now, each queue with its count and first items.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "skybill/console/query.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "today.hpp"

namespace skybill::console {

namespace {

constexpr int kTop = 5;

std::string iso(std::string_view col) {
  std::string s = "to_char(";
  s += col;
  s += " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
  return s;
}

// One queue: `count_sql` answers one number, `items_sql` one JSON array (text); both take
// $1 (the airline, '' for every airline) and $2 (now, epoch microseconds).
nlohmann::json queue(db::Tx& tx, const char* key, const char* screen, const std::string& from_where,
                     const std::string& item, const std::string& order, const std::string& scope, long long now_us) {
  auto sql = "WITH now AS (SELECT 'epoch'::timestamptz + $2::bigint * interval '1 microsecond' AS t) "
             "SELECT (SELECT count(*) " + from_where + "), (SELECT coalesce(jsonb_agg(x), '[]'::jsonb)::text FROM "
             "(SELECT " + item + " AS x " + from_where + " ORDER BY " + order + " LIMIT " + std::to_string(kTop) + ") s)";
  auto r = tx->exec_params(sql, scope, now_us);
  auto items = nlohmann::json::parse(r[0][1].as<std::string>());
  for (auto& i : items) decimalize(i, core::currency("RUB"));
  return {{"key", key}, {"screen", screen}, {"count", r[0][0].as<long long>()}, {"items", std::move(items)}};
}

}  // namespace

void add_today_route(http::Router& router, const Context& ctx) {
  router.add("GET", "/admin/api/today", http::Access::any_staff, "console",
             [&ctx](http::Request& req) -> boost::asio::awaitable<http::Response> {
               const auto& me = req.caller();
               auto scope = me.merchant_id;
               auto now = ctx.bookings.clock.now();
               long long now_us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
               long long at_risk_us = std::chrono::duration_cast<std::chrono::microseconds>(ctx.refund_at_risk).count();
               auto mine = [](const char* col) {
                 std::string s = "($1 = '' OR ";
                 s += col;
                 s += "::text = $1)";
                 return s;
               };
               nlohmann::json queues = nlohmann::json::array();
               co_await ctx.bookings.pool.transact([&](db::Tx& tx) {
                 queues = nlohmann::json::array();
                 // The bank's payments nobody could match: the gateway's own money, not an airline's.
                 if (scope.empty() && me.may("reconciliation.read"))
                   queues.push_back(queue(tx, "reconciliation", "reconciliation",
                                          "FROM bank_documents d, now WHERE d.status = 'reconciliation' AND $1 = '' AND now.t IS NOT NULL",
                                          "jsonb_build_object('id', d.id, 'title', d.payer_name, 'detail', d.purpose, "
                                          "'amount_minor', d.amount_minor, 'currency', d.currency, 'at', d.doc_date, 'href', '#/reconciliation')",
                                          "d.seq", scope, now_us));
                 if (me.may("cases.read"))
                   queues.push_back(queue(tx, "support_cases", "cases",
                                          "FROM support_cases c JOIN merchants m ON m.id = c.merchant_id LEFT JOIN bookings b ON b.id = c.booking_id, now "
                                          "WHERE c.status = 'open' AND " + mine("c.merchant_id") + " AND now.t IS NOT NULL",
                                          "jsonb_build_object('id', c.id, 'title', c.type, 'detail', concat_ws(' · ', m.name, b.reference), "
                                          "'at', " + iso("c.created_at") + ", 'href', CASE WHEN b.id IS NULL THEN '#/cases' ELSE '#/bookings/' || b.id END)",
                                          "c.created_at", scope, now_us));
                 // Pending refunds with a leg not through that are due within refunds.at_risk_hours,
                 // flagged at risk, or with a failed leg nobody replaced.
                 queues.push_back(queue(tx, "refunds_at_risk", "booking",
                                        "FROM refunds r JOIN bookings b ON b.id = r.booking_id, now WHERE r.status = 'pending' AND " + mine("r.merchant_id") +
                                        " AND (r.at_risk_at IS NOT NULL OR r.deadline_at < now.t + " + std::to_string(at_risk_us) +
                                        "::bigint * interval '1 microsecond' OR EXISTS (SELECT 1 FROM refund_legs l WHERE l.refund_id = r.id "
                                        "AND l.status = 'failed' AND l.replaced_by IS NULL))",
                                        "jsonb_build_object('id', r.id, 'title', b.reference, 'detail', r.reason, 'amount_minor', r.amount_minor, "
                                        "'currency', r.currency, 'at', " + iso("r.deadline_at") + ", 'overdue', r.deadline_at < now.t, "
                                        "'failed_legs', (SELECT count(*) FROM refund_legs l WHERE l.refund_id = r.id AND l.status = 'failed' AND l.replaced_by IS NULL), "
                                        "'href', '#/bookings/' || b.id)",
                                        "r.deadline_at", scope, now_us));
                 if (me.may("payouts.read"))
                   queues.push_back(queue(tx, "failed_payouts", "payouts",
                                          "FROM payouts p JOIN merchants m ON m.id = p.merchant_id, now WHERE p.status = 'failed' AND " + mine("p.merchant_id") +
                                          " AND now.t IS NOT NULL",
                                          "jsonb_build_object('id', p.id, 'title', m.name, 'detail', p.failure_reason, 'amount_minor', p.net_minor, "
                                          "'currency', p.currency, 'at', " + iso("p.failed_at") + ", 'href', '#/payouts')",
                                          "p.failed_at DESC", scope, now_us));
                 if (me.may("webhooks.read"))
                   queues.push_back(queue(tx, "webhook_endpoints", "airline",
                                          "FROM webhook_endpoints e JOIN merchants m ON m.id = e.merchant_id, now WHERE " + mine("e.merchant_id") +
                                          " AND ((e.status = 'enabled' AND e.failing_since IS NOT NULL) OR e.status = 'disabled') AND now.t IS NOT NULL",
                                          "jsonb_build_object('id', e.id, 'title', m.name, 'detail', e.url, 'status', e.status, "
                                          "'at', " + iso("coalesce(e.disabled_at, e.failing_since)") + ", 'href', '#/airlines/' || m.id)",
                                          "coalesce(e.disabled_at, e.failing_since)", scope, now_us));
                 // Unpaid bookings whose ticketing time limit ends within two hours.
                 queues.push_back(queue(tx, "expiring_bookings", "booking",
                                        "FROM bookings b JOIN merchants m ON m.id = b.merchant_id, now WHERE (b.status = 'pending' OR b.status = 'awaiting_payment') "
                                        "AND b.ticketing_time_limit >= now.t AND b.ticketing_time_limit < now.t + interval '2 hours' AND " + mine("b.merchant_id"),
                                        "jsonb_build_object('id', b.id, 'title', b.reference, 'detail', concat_ws(' · ', m.name, b.pnr), "
                                        "'amount_minor', b.amount_minor, 'currency', b.currency, 'at', " + iso("b.ticketing_time_limit") +
                                        ", 'href', '#/bookings/' || b.id)",
                                        "b.ticketing_time_limit", scope, now_us));
               });
               co_return http::Response::json(200, {{"now", core::to_rfc3339(now)}, {"queues", std::move(queues)}});
             });
}

}  // namespace skybill::console
