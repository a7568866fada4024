#include "lifecycle.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/invoicing/invoicing.hpp"

namespace skybill::invoicing {

namespace {
constexpr int kReminderBatch = 100;
}

// A chat bill's booking is not told: its time limit is the bill's due time, not a ticketing one.
boost::asio::awaitable<int> remind_expiring_bookings(db::Pool& pool, const core::Clock& clock) {
  co_return co_await in_batches(pool, kReminderBatch, [&clock](db::Tx& tx) {
    auto now = clock.now();
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id FROM bookings WHERE status IN ('pending', 'awaiting_payment') "
        "  AND kind = 'ticket' AND expiry_notice_at IS NULL AND ticketing_time_limit > $1::timestamptz "
        "  AND ticketing_time_limit <= $1::timestamptz + $2 * interval '1 minute' "
        "  ORDER BY ticketing_time_limit LIMIT $3 FOR UPDATE SKIP LOCKED) "
        "UPDATE bookings b SET expiry_notice_at = $1::timestamptz FROM due WHERE b.id = due.id "
        "RETURNING b.id, b.merchant_id, b.reference, b.status, " +
            db::epoch_us("b.ticketing_time_limit") + " AS tl_us",
        core::to_rfc3339(now), static_cast<int>(kExpiryNotice.count()), kReminderBatch);
    for (const auto& r : rows) {
      auto id = r["id"].as<std::string>();
      db::enqueue_event(tx, r["merchant_id"].as<std::string>(), "booking.expiring", id,
                        {{"id", id},
                         {"reference", r["reference"].as<std::string>()},
                         {"status", r["status"].as<std::string>()},
                         {"ticketing_time_limit", core::to_rfc3339(db::as_time(r["tl_us"]))}});
    }
    return static_cast<int>(rows.size());
  });
}

boost::asio::awaitable<int> remind_credit_invoices(db::Pool& pool, const core::Clock& clock) {
  co_return co_await in_batches(pool, kReminderBatch, [&clock](db::Tx& tx) {
    auto now = clock.now();
    // The latest stage reached and not yet told; a stage passed while nobody ran is skipped.
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id, CASE WHEN $1::timestamptz >= due_at + interval '1 day' THEN 'after' "
        "                             WHEN $1::timestamptz >= due_at THEN 'due' ELSE 'before' END AS stage "
        "  FROM invoices WHERE method = 'credit_line' AND status IN ('open', 'partially_paid', 'overdue') "
        "  AND $1::timestamptz >= due_at - interval '3 days' ORDER BY due_at), "
        "todo AS (SELECT i.id, due.stage FROM invoices i JOIN due ON due.id = i.id "
        "  WHERE NOT due.stage = ANY (i.reminders) LIMIT $2 FOR UPDATE OF i SKIP LOCKED) "
        "UPDATE invoices i SET reminders = i.reminders || todo.stage FROM todo WHERE i.id = todo.id "
        "RETURNING i.id, i.merchant_id, i.booking_id, todo.stage",
        core::to_rfc3339(now), kReminderBatch);
    for (const auto& r : rows) {
      auto payload = invoice_json_by_id(tx, r["id"].as<std::string>());
      payload["reminder"] = r["stage"].as<std::string>();
      db::enqueue_event(tx, r["merchant_id"].as<std::string>(), "invoice.payment_reminder",
                        r["booking_id"].as<std::string>(), payload);
    }
    return static_cast<int>(rows.size());
  });
}

}  // namespace skybill::invoicing
