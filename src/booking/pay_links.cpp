#include "skybill/booking/pay_links.hpp"

#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::booking {
namespace {

bool well_formed(const std::string& t) {
  if (t.empty() || t.size() > 128) return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

core::Problem unknown() {
  return core::Problem(404, "pay-link-not-found", "Payment link not found", "this payment link is not valid");
}

core::Problem revoked() {
  return core::Problem(410, "pay-link-revoked", "Payment link revoked",
                       "this payment link was withdrawn; ask the airline for a new one");
}

}  // namespace

PayLink open_pay_link(db::Tx& tx, const std::string& token, core::TimePoint now, bool lock) {
  if (!well_formed(token)) throw unknown();
  auto rows = tx->exec_params(
      "SELECT id, merchant_id, " + db::epoch_us("pay_token_expires_at") +
          ", pay_token_revoked_at IS NOT NULL FROM bookings WHERE pay_token = $1" + (lock ? " FOR UPDATE" : ""),
      token);
  if (rows.empty()) {
    if (!tx->exec_params("SELECT 1 FROM pay_tokens_retired WHERE token = $1", token).empty()) throw revoked();
    throw unknown();
  }
  const auto& r = rows[0];
  if (r[3].as<bool>()) throw revoked();
  PayLink link{token, r[0].as<std::string>(), r[1].as<std::string>(), db::as_time(r[2])};
  if (link.expires_at <= now)
    throw core::Problem(410, "pay-link-expired", "Payment link expired",
                        "this payment link expired on " + core::to_rfc3339(link.expires_at) +
                            "; ask the airline for a new one");
  return link;
}

PayLink rotate_pay_link(db::Tx& tx, const std::string& booking_id, const std::string& new_token, core::TimePoint now) {
  auto ts = core::to_rfc3339(now);
  tx->exec_params(
      "INSERT INTO pay_tokens_retired (token, booking_id, revoked_at) "
      "SELECT pay_token, id, coalesce(pay_token_revoked_at, $2::timestamptz) FROM bookings WHERE id = $1::uuid",
      booking_id, ts);
  auto r = tx->exec_params1(
      "UPDATE bookings SET pay_token = $2, pay_token_revoked_at = NULL, "
      "pay_token_expires_at = greatest($3::timestamptz, ticketing_time_limit) + make_interval(hours => $4) "
      "WHERE id = $1::uuid RETURNING merchant_id, " + db::epoch_us("pay_token_expires_at"),
      booking_id, new_token, ts, static_cast<int>(kPayLinkLifetime.count()));
  return PayLink{new_token, booking_id, r[0].as<std::string>(), db::as_time(r[1])};
}

core::TimePoint revoke_pay_link(db::Tx& tx, const std::string& booking_id, core::TimePoint now) {
  auto r = tx->exec_params1(
      "UPDATE bookings SET pay_token_revoked_at = coalesce(pay_token_revoked_at, $2::timestamptz) "
      "WHERE id = $1::uuid RETURNING " + db::epoch_us("pay_token_revoked_at"),
      booking_id, core::to_rfc3339(now));
  return db::as_time(r[0]);
}

}  // namespace skybill::booking
