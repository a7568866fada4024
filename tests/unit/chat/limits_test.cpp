// The chat socket's rate limit: a token bucket, driven by a clock the test moves.
#include "limits.hpp"

#include <gtest/gtest.h>

namespace skybill::chat {
namespace {

using namespace std::chrono;
using Time = TokenBucket::Time;

TEST(TokenBucket, ABurstUpToItsCapacityThenNothing) {
  Time t0{};
  TokenBucket b(20, 5, t0);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(b.take(t0)) << i;
  EXPECT_FALSE(b.take(t0));
  EXPECT_FALSE(b.take(t0));  // a refusal takes nothing
}

TEST(TokenBucket, RefillsAtItsRateAndSaysWhenTheNextTokenComes) {
  Time t0{};
  TokenBucket b(20, 5, t0);
  for (int i = 0; i < 20; ++i) b.take(t0);
  EXPECT_EQ(b.retry_after_ms(t0), 201);  // 1/5 s, rounded up past it
  EXPECT_FALSE(b.take(t0 + milliseconds(199)));
  EXPECT_TRUE(b.take(t0 + milliseconds(201)));
  EXPECT_FALSE(b.take(t0 + milliseconds(201)));
  // A second of quiet: five more, no more.
  int n = 0;
  while (b.take(t0 + milliseconds(1201))) ++n;
  EXPECT_EQ(n, 5);
}

TEST(TokenBucket, NeverHoldsMoreThanItsCapacity) {
  Time t0{};
  TokenBucket b(3, 3, t0);
  auto later = t0 + hours(1);
  int n = 0;
  while (b.take(later)) ++n;
  EXPECT_EQ(n, 3);
  EXPECT_EQ(b.retry_after_ms(later) > 0, true);
}

TEST(TokenBucket, TimeGoingBackwardsGivesNothing) {
  Time t0 = Time{} + seconds(10);
  TokenBucket b(1, 1, t0);
  EXPECT_TRUE(b.take(t0));
  EXPECT_FALSE(b.take(t0 - seconds(5)));
  EXPECT_FALSE(b.take(t0));
  EXPECT_TRUE(b.take(t0 + seconds(1)));
}

}  // namespace
}  // namespace skybill::chat
