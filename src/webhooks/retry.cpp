#include "skybill/webhooks/retry.hpp"

#include <algorithm>
#include <random>

namespace skybill::webhooks {

std::chrono::milliseconds backoff(const RetryPolicy& p, int failures, double jitter) {
  auto delay = p.base;
  for (int i = 1; i < failures && delay < p.cap; ++i) delay *= 2;
  delay = std::min(delay, p.cap);
  jitter = std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(delay.count()) * (0.8 + 0.4 * jitter)));
}

double random_jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::optional<core::TimePoint> next_attempt(const RetryPolicy& p, int failures, core::TimePoint first_queued,
                                            core::TimePoint failed_at, double jitter) {
  auto next = failed_at + std::chrono::duration_cast<std::chrono::microseconds>(backoff(p, failures, jitter));
  if (next > first_queued + p.give_up) return std::nullopt;
  return next;
}

}  // namespace skybill::webhooks
