// The refund jobs: card legs sent to the acquirer, and refunds close to their deadline flagged.
#include <nlohmann/json.hpp>

#include "refunds.hpp"
#include "skybill/acquiring/acquirer.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/log/log.hpp"
#include "skybill/support/cases.hpp"

namespace skybill::settlement {
namespace {
constexpr int kBatch = 20;
const std::string kCardJob = "job:card-refunds";
}  // namespace

boost::asio::awaitable<int> send_card_refunds(const Context& ctx) {
  if (!ctx.card_refund) co_return 0;
  struct Claimed {
    std::string leg_id, acquirer_ref;
    std::int64_t amount_minor;
  };
  std::vector<Claimed> claimed;
  auto now = ctx.clock.now();
  // Claimed under a lease: another instance takes a leg only after the lease ran out (its
  // sender died mid-call); the acquirer dedupes a repeat by the leg's id.
  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto rows = tx->exec_params(
        "WITH due AS (SELECT l.id FROM refund_legs l WHERE l.route = 'card' AND (l.status = 'created' "
        "  OR (l.status = 'sending' AND l.lease_until <= $1::timestamptz)) ORDER BY l.created_at LIMIT $3 "
        "  FOR UPDATE SKIP LOCKED) "
        "UPDATE refund_legs l SET status = 'sending', lease_until = $2::timestamptz, attempts = l.attempts + 1 "
        "FROM due, payments p, card_payments c WHERE l.id = due.id AND p.id = l.payment_id AND c.id::text = p.reference "
        "RETURNING l.id, c.acquirer_ref, l.amount_minor",
        core::to_rfc3339(now), core::to_rfc3339(now + ctx.card_lease), kBatch);
    for (const auto& r : rows)
      claimed.push_back({r[0].as<std::string>(), r[1].is_null() ? "" : r[1].as<std::string>(), r[2].as<long long>()});
  });
  int done = 0;
  for (const auto& c : claimed) {
    std::string error;
    bool retry = false;
    try {
      if (c.acquirer_ref.empty()) throw acquiring::AcquirerError("the card payment has no acquirer reference", false);
      co_await ctx.card_refund(c.acquirer_ref, c.amount_minor, "refund:" + c.leg_id);
    } catch (const acquiring::AcquirerError& e) {
      error = e.what();
      retry = e.retryable;
    }
    co_await ctx.pool.transact([&](db::Tx& tx) {
      auto at = ctx.clock.now();
      if (retry) {  // tried again when the lease runs out; the at-risk job watches the deadline
        tx->exec_params("UPDATE refund_legs SET last_error = $2 WHERE id = $1::uuid", c.leg_id, error);
        return;
      }
      finish_leg(tx, c.leg_id, error.empty(), error.empty() ? "" : "the acquirer refused the refund: " + error, "", at,
                 kCardJob, "");
    });
    if (!retry) ++done;
    else log::event(log::Level::warn, "card refund will be retried", {{"leg_id", c.leg_id}, {"error", error}});
  }
  co_return done;
}

boost::asio::awaitable<int> flag_refunds_at_risk(const Context& ctx) {
  int flagged = 0;
  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto now = ctx.clock.now();
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id FROM refunds WHERE status = 'pending' AND at_risk_at IS NULL "
        "  AND deadline_at - $2 * interval '1 hour' <= $1::timestamptz ORDER BY deadline_at LIMIT 100 "
        "  FOR UPDATE SKIP LOCKED) "
        "UPDATE refunds r SET at_risk_at = $1::timestamptz FROM due WHERE r.id = due.id "
        "RETURNING r.id, r.merchant_id, r.booking_id, r.amount_minor, r.currency, " +
            ts_sql("r.deadline_at"),
        core::to_rfc3339(now), static_cast<int>(ctx.refund_at_risk.count()));
    for (const auto& r : rows) {
      auto id = r[0].as<std::string>();
      auto legs = tx->exec_params(
          "SELECT route, status, coalesce(last_error, '') FROM refund_legs WHERE refund_id = $1::uuid "
          "AND status NOT IN ('succeeded', 'failed')",
          id);
      std::string open;
      for (const auto& l : legs) {
        if (!open.empty()) open += "; ";
        open.append(l[0].as<std::string>()).append(" ").append(l[1].as<std::string>());
        if (!l[2].as<std::string>().empty()) open.append(" (").append(l[2].as<std::string>()).append(")");
      }
      support::open_case(tx, r[1].as<std::string>(), r[2].as<std::string>(), "refund_at_risk",
                         "refund " + id + " of " + money_text(r[3].as<long long>(), r[4].as<std::string>()) + " " +
                             r[4].as<std::string>() + " must reach the client by " + r[5].as<std::string>() +
                             "; still open: " + open,
                         now, "job:refunds-at-risk", "");
      db::audit(tx, {"job:refunds-at-risk", r[1].as<std::string>(), "refund.at_risk", id, ""},
                {{"deadline_at", r[5].as<std::string>()}});
      ++flagged;
    }
  });
  co_return flagged;
}

}  // namespace skybill::settlement
