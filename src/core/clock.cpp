#include "skybill/core/clock.hpp"

namespace skybill::core {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

TimePoint OffsetClock::now() const { return SystemClock().now() + offset_; }

TimePoint ManualClock::now() const { return TimePoint(std::chrono::microseconds(now_.load())); }

void ManualClock::set(TimePoint t) { now_.store(t.time_since_epoch().count()); }

void ManualClock::advance(std::chrono::microseconds d) { now_.fetch_add(d.count()); }

}  // namespace skybill::core
