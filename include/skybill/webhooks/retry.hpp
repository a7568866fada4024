#pragma once
// When a failed webhook or e-mail is tried again: exponential back-off with jitter, capped,
// until it has been failing for `give_up`.
#include <chrono>
#include <optional>

#include "skybill/core/clock.hpp"

namespace skybill::webhooks {

struct RetryPolicy {
  std::chrono::milliseconds base{30'000};
  std::chrono::milliseconds cap{std::chrono::hours(6)};
  std::chrono::hours give_up{72};
};

// The delay after the `failures`-th failure (1 = the first): base * 2^(failures-1), capped,
// scaled by 0.8 + 0.4 * jitter (jitter in [0, 1)) so that a burst does not retry in step.
std::chrono::milliseconds backoff(const RetryPolicy& p, int failures, double jitter);

// A uniform draw from [0, 1) for backoff's jitter (per-thread generator).
double random_jitter();

// The next attempt after a failure at `failed_at`, or nullopt when it would fall later than
// `give_up` after `first_queued`: then the delivery is dead.
std::optional<core::TimePoint> next_attempt(const RetryPolicy& p, int failures, core::TimePoint first_queued,
                                            core::TimePoint failed_at, double jitter);

}  // namespace skybill::webhooks
