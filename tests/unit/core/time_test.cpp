#include <gtest/gtest.h>

#include "skybill/core/time.hpp"

using namespace skybill::core;
using namespace std::chrono;

namespace {
TimePoint at(int y, unsigned m, unsigned d, int h, int mi, int s, long long us = 0) {
  return time_point_cast<microseconds>(sys_days{year{y} / m / d} + hours{h} + minutes{mi} + seconds{s}) +
         microseconds{us};
}
}  // namespace

TEST(Rfc3339, ParsesOffsetsToTheSameInstant) {
  EXPECT_EQ(parse_rfc3339("2026-11-23T18:30:00+03:00"), at(2026, 11, 23, 15, 30, 0));
  EXPECT_EQ(parse_rfc3339("2026-11-23T15:30:00Z"), at(2026, 11, 23, 15, 30, 0));
  EXPECT_EQ(parse_rfc3339("2026-11-23t15:30:00z"), at(2026, 11, 23, 15, 30, 0));
  EXPECT_EQ(parse_rfc3339("2026-11-23T10:00:00-05:30"), at(2026, 11, 23, 15, 30, 0));
  EXPECT_EQ(parse_rfc3339("2026-01-01T01:00:00+03:00"), at(2025, 12, 31, 22, 0, 0));
}

TEST(Rfc3339, ParsesFractionsToMicroseconds) {
  EXPECT_EQ(parse_rfc3339("2026-11-23T15:30:00.25Z"), at(2026, 11, 23, 15, 30, 0, 250000));
  EXPECT_EQ(parse_rfc3339("2026-11-23T15:30:00.123456789Z"), at(2026, 11, 23, 15, 30, 0, 123456));
}

TEST(Rfc3339, RejectsWhatIsNotRfc3339) {
  for (const char* bad : {"", "2026-11-23", "2026-11-23T15:30:00", "2026-11-23 15:30:00Z", "2026-11-23T15:30Z",
                          "2026-02-30T10:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T15:60:00Z",
                          "2026-11-23T15:30:00+0300", "2026-11-23T15:30:00+24:00", "2026-11-23T15:30:00.Z",
                          "2026-11-23T15:30:00Zjunk", "26-11-23T15:30:00Z", "2026-11-23T15:30:00.1234567890Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(Rfc3339, FormatsInUtcAndRoundTrips) {
  EXPECT_EQ(to_rfc3339(at(2026, 11, 23, 15, 30, 0)), "2026-11-23T15:30:00Z");
  EXPECT_EQ(to_rfc3339(at(2026, 11, 23, 15, 30, 0, 250000)), "2026-11-23T15:30:00.25Z");
  EXPECT_EQ(to_rfc3339(at(1999, 1, 2, 3, 4, 5, 6)), "1999-01-02T03:04:05.000006Z");
  for (auto t : {at(2026, 2, 28, 23, 59, 59, 999999), at(2024, 2, 29, 0, 0, 0), at(2027, 12, 31, 12, 0, 0, 1)})
    EXPECT_EQ(parse_rfc3339(to_rfc3339(t)), t);
}
