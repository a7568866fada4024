#pragma once
// A token bucket: `capacity` at once, refilled at `per_second`. Pure: the caller passes the time.
#include <algorithm>
#include <chrono>

namespace skybill::chat {

class TokenBucket {
 public:
  using Time = std::chrono::steady_clock::time_point;
  TokenBucket(double capacity, double per_second, Time now)
      : capacity_(capacity), rate_(per_second), tokens_(capacity), at_(now) {}

  // Takes one token; false (nothing taken) when there is none.
  bool take(Time now) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  // How long until a token is there again.
  long long retry_after_ms(Time now) {
    refill(now);
    if (tokens_ >= 1.0) return 0;
    return static_cast<long long>((1.0 - tokens_) / rate_ * 1000.0) + 1;
  }

 private:
  void refill(Time now) {
    if (now <= at_) return;
    tokens_ = std::min(capacity_, tokens_ + std::chrono::duration<double>(now - at_).count() * rate_);
    at_ = now;
  }
  double capacity_, rate_, tokens_;
  Time at_;
};

}  // namespace skybill::chat
