#pragma once
// The one source of "now". Injected everywhere so that tests move time instead of sleeping.
#include <atomic>
#include <chrono>

namespace skybill::core {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// The system clock shifted by a fixed offset: lets a second instance live "in the future"
// (clock.offset_seconds) so that time-driven jobs can be exercised without waiting.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(std::chrono::seconds offset) : offset_(offset) {}
  TimePoint now() const override;

 private:
  std::chrono::seconds offset_;
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override;
  void set(TimePoint t);
  void advance(std::chrono::microseconds d);

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace skybill::core
