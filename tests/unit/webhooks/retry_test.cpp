#include "skybill/webhooks/retry.hpp"

#include <gtest/gtest.h>

using namespace skybill;
using namespace std::chrono;
using webhooks::RetryPolicy;

TEST(Backoff, DoublesFromTheBaseWithoutJitterAtTheMiddle) {
  RetryPolicy p;
  EXPECT_EQ(webhooks::backoff(p, 1, 0.5), seconds(30));
  EXPECT_EQ(webhooks::backoff(p, 2, 0.5), seconds(60));
  EXPECT_EQ(webhooks::backoff(p, 3, 0.5), seconds(120));
  EXPECT_EQ(webhooks::backoff(p, 10, 0.5), seconds(30 * 512));
}

TEST(Backoff, IsCappedAtSixHoursHoweverManyFailures) {
  RetryPolicy p;
  EXPECT_EQ(webhooks::backoff(p, 11, 0.5), hours(6));
  EXPECT_EQ(webhooks::backoff(p, 1000, 0.5), hours(6));
  EXPECT_EQ(webhooks::backoff(p, 1'000'000, 0.999), milliseconds(static_cast<long long>(6 * 3600 * 1000 * 1.1996)));
}

TEST(Backoff, JitterSpreadsFromEightyToOneHundredTwentyPercent) {
  RetryPolicy p{.base = milliseconds(1000)};
  EXPECT_EQ(webhooks::backoff(p, 1, 0.0), milliseconds(800));
  EXPECT_EQ(webhooks::backoff(p, 1, 0.25), milliseconds(900));
  EXPECT_LT(webhooks::backoff(p, 1, 0.9999), milliseconds(1200));
  EXPECT_EQ(webhooks::backoff(p, 1, -3.0), milliseconds(800)) << "clamped";
  EXPECT_EQ(webhooks::backoff(p, 1, 7.0), milliseconds(1200)) << "clamped";
}

TEST(NextAttempt, GivesUpWhenTheNextTryWouldFallAfterThreeDays) {
  RetryPolicy p;
  core::TimePoint queued{seconds(1'700'000'000)};
  auto next = webhooks::next_attempt(p, 1, queued, queued, 0.5);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, queued + seconds(30));
  auto late = queued + hours(71);
  EXPECT_TRUE(webhooks::next_attempt(p, 20, queued, late - hours(6), 0.5));
  EXPECT_FALSE(webhooks::next_attempt(p, 20, queued, late, 0.5)) << "71 h + 6 h is past 72 h";
  EXPECT_FALSE(webhooks::next_attempt(p, 1, queued, queued + hours(73), 0.0));
}

TEST(NextAttempt, ScheduleOverThreeDaysHasAboutTwentyTries) {
  RetryPolicy p;
  core::TimePoint queued{seconds(0)};
  auto t = queued;
  int tries = 1;
  while (auto next = webhooks::next_attempt(p, tries, queued, t, 0.5)) {
    t = *next;
    ++tries;
  }
  EXPECT_EQ(tries, 21);
  EXPECT_LE(t - queued, hours(72));
}
