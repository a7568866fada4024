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

boost::asio::awaitable<int> remind_expiring_bookings(db::Pool& pool, const core::Clock& clock) {
  co_return co_await in_batches(pool, kReminderBatch, [&clock](db::Tx& tx) {
    auto now = clock.now();
    auto rows = tx->exec_params(
        "WITH due AS (SELECT id FROM bookings WHERE status IN ('pending', 'awaiting_payment') "
        "  AND expiry_notice_at IS NULL AND ticketing_time_limit > $1::timestamptz "
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

}  // namespace skybill::invoicing
