#pragma once
// The pay link of a booking (/pay/{token}): the one lookup every /pay/{token}/... route goes
// through, and its rotation and revocation. Each runs inside the caller's transaction.
#include <string>

#include "skybill/core/clock.hpp"

namespace skybill::db { class Tx; }

namespace skybill::booking {

// A link lives until this long after the booking's ticketing time limit (or after a rotation).
inline constexpr std::chrono::hours kPayLinkLifetime{24 * 30};

struct PayLink {
  std::string token, booking_id, merchant_id;
  core::TimePoint expires_at;
};

// The booking the token opens. Throws core::Problem 404 pay-link-not-found for a token that
// never was one (or is malformed), 410 pay-link-expired past its expiry, 410 pay-link-revoked
// once revoked or replaced. `lock` takes the booking's row for update. Reveals nothing of
// other bookings: the problems name no booking.
PayLink open_pay_link(db::Tx& tx, const std::string& token, core::TimePoint now, bool lock = false);

// A new token for the booking, valid until kPayLinkLifetime after the later of now and its
// time limit; the old one answers 410 from now on.
PayLink rotate_pay_link(db::Tx& tx, const std::string& booking_id, const std::string& new_token, core::TimePoint now);
// Revokes the booking's link (no new one); returns when it was revoked (earlier, if it was).
core::TimePoint revoke_pay_link(db::Tx& tx, const std::string& booking_id, core::TimePoint now);

}  // namespace skybill::booking
