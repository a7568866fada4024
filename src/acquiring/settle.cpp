// The settle job: tells the acquirer what became of each hold, and returns money that arrived
// for an invoice that could not take it. Claim (commit), call the acquirer, record: no
// transaction is held across a call, and a lease keeps two instances off one attempt.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/log/log.hpp"
#include "store.hpp"

namespace skybill::acquiring {

using boost::asio::awaitable;

namespace {

constexpr int kBatch = 20;
constexpr std::chrono::minutes kRetryAfter{1};
const std::string kActor = "job:settle_card_payments";

awaitable<void> settle_one(Context& ctx, const Claimed& c) {
  const auto& a = c.attempt;
  auto capture_minor = std::min(a.amount_minor, c.due_minor);
  std::string error;
  bool retryable = false;
  co_await ctx.blocking.run([&] {
    try {
      if (!a.acquirer_ref) throw AcquirerError("the payment has no acquirer reference", false);
      if (a.status == "capturing") ctx.acquirer->capture(*a.acquirer_ref, capture_minor);
      else if (a.status == "releasing") ctx.acquirer->release(*a.acquirer_ref);
      else ctx.acquirer->refund(*a.acquirer_ref, a.captured_minor, "return:" + a.id);
    } catch (const AcquirerError& e) {
      error = e.what();
      retryable = e.retryable;
    }
  });

  co_await ctx.pool.transact([&](db::Tx& tx) {
    auto now = ctx.clock.now();
    lock_booking(tx, a.booking_id);
    auto cur = load_attempt(tx, a.id, true);
    if (!cur || cur->status != a.status) return;  // finished by someone else meanwhile
    auto x = *cur;
    auto before = x.status;
    db::AuditEntry entry{kActor, x.merchant_id, "", x.id, ""};
    if (!error.empty()) {
      x.last_error = error;
      if (retryable) {
        x.lease_until = now + std::chrono::duration_cast<std::chrono::microseconds>(kRetryAfter);
        save_attempt(tx, x, now);
        return;
      }
      // The acquirer said no: people look at it (the invoice keeps its status).
      x.status = "failed";
      x.failure_reason = "the acquirer refused to " + std::string(before == "capturing" ? "capture" : before == "releasing" ? "release" : "refund") + ": " + error;
      x.finished_at = now;
      x.lease_until.reset();
      save_attempt(tx, x, now);
      entry.action = "card_payment.failed";
      db::audit(tx, entry, {{"reason", *x.failure_reason}}, db::Changes().set("status", before, x.status));
      return;
    }
    x.last_error.reset();
    x.lease_until.reset();
    if (before == "releasing" || before == "refunding") {
      x.status = before == "releasing" ? "released" : "refunded";
      x.finished_at = now;
      save_attempt(tx, x, now);
      entry.action = "card_payment." + x.status;
      db::audit(tx, entry, {{"acquirer_ref", *x.acquirer_ref}, {"amount_minor", before == "releasing" ? x.amount_minor : x.captured_minor}, {"currency", x.currency}},
                db::Changes().set("status", before, x.status));
      return;
    }
    // Captured at the due date. Paid otherwise since the claim: the money goes back.
    auto inv = lock_invoice(tx, x.invoice_id);
    x.captured_minor = capture_minor;
    entry.action = "card_payment.captured";
    if (!inv.unpaid() || inv.currency != x.currency || inv.due_minor() < capture_minor) {
      x.status = "refunding";
      x.lease_until = now;
      x.failure_reason = "invoice " + inv.number + " was " + inv.status + " by the time the hold was captured";
      save_attempt(tx, x, now);
      db::audit(tx, entry, {{"reason", *x.failure_reason}}, db::Changes().set("status", before, x.status));
      return;
    }
    x.status = "captured";
    x.finished_at = now;
    save_attempt(tx, x, now);
    db::audit(tx, entry,
              {{"acquirer_ref", *x.acquirer_ref}, {"amount_minor", capture_minor}, {"currency", x.currency},
               {"invoice_id", x.invoice_id}},
              db::Changes().set("status", before, x.status));
    ctx.sink(tx, CardPaid{x.merchant_id, x.booking_id, x.invoice_id, x.id, *x.acquirer_ref, x.currency, capture_minor,
                          false});
  });
  if (!error.empty())
    log::event(retryable ? log::Level::warn : log::Level::error, "card acquirer call failed",
               {{"attempt_id", a.id}, {"action", a.status}, {"error", error}});
}

}  // namespace

awaitable<int> settle_attempts(Context& ctx) {
  int total = 0;
  for (;;) {
    std::vector<Claimed> claimed;
    auto now = ctx.clock.now();
    co_await ctx.pool.transact([&](db::Tx& tx) {
      claimed = claim_to_settle(tx, now, now + std::chrono::duration_cast<std::chrono::microseconds>(ctx.lease()), kBatch);
    });
    for (const auto& c : claimed) co_await settle_one(ctx, c);
    total += static_cast<int>(claimed.size());
    if (claimed.size() < static_cast<std::size_t>(kBatch)) co_return total;
  }
}

}  // namespace skybill::acquiring
