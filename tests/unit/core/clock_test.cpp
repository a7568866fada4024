#include "skybill/core/clock.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace skybill::core {
namespace {

using namespace std::chrono_literals;

TEST(SystemClock, IsCloseToTheSystemTime) {
  const SystemClock clock;
  const auto before = std::chrono::system_clock::now();
  const TimePoint now = clock.now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_GE(now, std::chrono::time_point_cast<std::chrono::microseconds>(before));
  EXPECT_LE(now, std::chrono::time_point_cast<std::chrono::microseconds>(after) + 1us);
}

TEST(ManualClock, MovesOnlyWhenTold) {
  const TimePoint start{1'790'000'000'000'000us};
  ManualClock clock(start);
  EXPECT_EQ(clock.now(), start);
  EXPECT_EQ(clock.now(), start);
  clock.advance(90s);
  EXPECT_EQ(clock.now(), start + 90s);
  clock.advance(-30s);
  EXPECT_EQ(clock.now(), start + 60s);
  clock.set(start - 1h);
  EXPECT_EQ(clock.now(), start - 1h);
}

TEST(ManualClock, UsableThroughTheInterface) {
  ManualClock manual(TimePoint{0us});
  const Clock& clock = manual;
  manual.advance(5us);
  EXPECT_EQ(clock.now().time_since_epoch(), 5us);
}

TEST(ManualClock, ConcurrentAdvancesAreNotLost) {
  ManualClock clock(TimePoint{0us});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) clock.advance(1us);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.now().time_since_epoch(), 40000us);
}

}  // namespace
}  // namespace skybill::core
