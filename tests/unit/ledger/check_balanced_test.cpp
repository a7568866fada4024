// ledger::check_balanced: the pure rule every entry passes before it is written.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

#include "skybill/core/problem.hpp"
#include "skybill/ledger/ledger.hpp"

using namespace skybill;
using ledger::Entry;
using ledger::Kind;
using ledger::Owner;
using ledger::Posting;

namespace {

constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
const std::string kClient = "6f1c2d3e-4a5b-4c6d-8e7f-0123456789ab";
const std::string kMerchant = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

Posting bank(std::int64_t amount, std::string currency = "RUB") {
  return {{Owner::gateway, {}, Kind::bank, std::move(currency)}, amount};
}
Posting deposit(std::int64_t amount, std::string currency = "RUB") {
  return {{Owner::client, kClient, Kind::deposit, std::move(currency)}, amount};
}
Posting payable(std::int64_t amount, std::string currency = "RUB") {
  return {{Owner::merchant, kMerchant, Kind::payable, std::move(currency)}, amount};
}

Entry entry(std::vector<Posting> postings) { return {"test.entry", "ref", "memo", std::move(postings)}; }

// The problem check_balanced throws, or nullopt when it accepts the entry.
std::optional<core::Problem> rejection(const Entry& e) {
  try {
    ledger::check_balanced(e);
    return std::nullopt;
  } catch (const core::Problem& p) {
    return p;
  }
}

void expect_rejected(const Entry& e, const std::string& detail_part) {
  auto p = rejection(e);
  ASSERT_TRUE(p.has_value()) << "accepted, expected: " << detail_part;
  EXPECT_EQ(p->status, 422);
  EXPECT_EQ(p->type, "unbalanced-entry");
  EXPECT_NE(p->detail.find(detail_part), std::string::npos) << p->detail;
}

}  // namespace

TEST(LedgerCheckBalanced, AcceptsASimpleTopUp) {
  EXPECT_FALSE(rejection(entry({bank(10000000), deposit(-10000000)})));
}

TEST(LedgerCheckBalanced, AcceptsManyPostingsAndTheSameAccountTwice) {
  EXPECT_FALSE(rejection(entry({bank(100), bank(50), deposit(-120), payable(-30)})));
  EXPECT_FALSE(rejection(entry({deposit(7), deposit(-7)})));
}

TEST(LedgerCheckBalanced, AcceptsAnEntryBalancedInEachOfSeveralCurrencies) {
  EXPECT_FALSE(rejection(entry({bank(500, "RUB"), deposit(-500, "RUB"), bank(3, "USD"), payable(-3, "USD"),
                                bank(125, "JPY"), deposit(-125, "JPY")})));
}

TEST(LedgerCheckBalanced, RejectsFewerThanTwoPostings) {
  expect_rejected(entry({}), "at least two postings, this one has 0");
  expect_rejected(entry({bank(100)}), "at least two postings, this one has 1");
}

TEST(LedgerCheckBalanced, RejectsAZeroAmount) {
  expect_rejected(entry({bank(100), deposit(-100), payable(0)}), "posting 3");
  expect_rejected(entry({bank(0), deposit(0)}), "the amount is zero");
}

TEST(LedgerCheckBalanced, RejectsAnUnbalancedEntryNamingTheCurrencyAndTheDifference) {
  expect_rejected(entry({bank(10000), deposit(-9999)}), "the RUB postings sum to 0.01 RUB");
  expect_rejected(entry({bank(1), deposit(-2)}), "sum to -0.01 RUB");
  expect_rejected(entry({bank(5), deposit(-5), bank(5)}), "sum to 0.05 RUB");
}

TEST(LedgerCheckBalanced, BalancedInTotalButNotPerCurrencyIsRejected) {
  // 100 RUB against 100 USD sums to zero minor units overall, but not in either currency.
  auto p = rejection(entry({bank(100, "RUB"), deposit(-100, "USD")}));
  ASSERT_TRUE(p);
  EXPECT_NE(p->detail.find("RUB"), std::string::npos) << p->detail;
  // One currency balanced, another not: the unbalanced one is named.
  expect_rejected(entry({bank(100, "RUB"), deposit(-100, "RUB"), bank(1, "EUR"), payable(-2, "EUR")}),
                  "the EUR postings sum to -0.01 EUR");
}

TEST(LedgerCheckBalanced, RejectsUnknownCurrencies) {
  expect_rejected(entry({bank(100, "XXY"), deposit(-100, "XXY")}), "\"XXY\" is not an ISO 4217 currency code");
  expect_rejected(entry({bank(100, "rub"), deposit(-100, "rub")}), "\"rub\" is not an ISO 4217");
  expect_rejected(entry({bank(100, ""), deposit(-100, "")}), "is not an ISO 4217");
}

TEST(LedgerCheckBalanced, DebitsOrCreditsOverflowingInt64AreRejected) {
  expect_rejected(entry({bank(kMax), bank(1), deposit(-kMax), deposit(-1)}), "the RUB debits overflow");
  expect_rejected(entry({deposit(kMin), deposit(-1), bank(kMax), bank(1)}), "the RUB credits overflow");
  // A single posting of INT64_MIN can never be balanced by debits that fit in int64.
  expect_rejected(entry({deposit(kMin), bank(kMax)}), "sum to");
}

TEST(LedgerCheckBalanced, TheVerdictDoesNotDependOnTheOrderOfPostings) {
  // Debits and credits are summed apart: an entry whose debits fit in int64 is accepted in any
  // order, one that moves more than int64 holds is rejected in any order (a running sum would
  // accept MAX, -MAX, MAX, -MAX but overflow on MAX, MAX, -MAX, -MAX).
  std::vector<Posting> fits = {bank(kMax - 1), bank(1), deposit(-kMax)};
  std::vector<Posting> too_big = {bank(kMax), deposit(-kMax), bank(kMax), deposit(-kMax)};
  for (auto* postings : {&fits, &too_big}) {
    std::vector<int> order(postings->size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    do {
      std::vector<Posting> permuted;
      for (int i : order) permuted.push_back((*postings)[static_cast<std::size_t>(i)]);
      if (postings == &fits)
        EXPECT_FALSE(rejection(entry(permuted)));
      else
        expect_rejected(entry(permuted), "overflow a 64-bit amount");
    } while (std::next_permutation(order.begin(), order.end()));
  }
}

TEST(LedgerCheckBalanced, RejectsAccountsAnOwnerCannotHave) {
  expect_rejected(entry({{{Owner::merchant, kMerchant, Kind::deposit, "RUB"}, 100}, deposit(-100)}),
                  "a merchant has no deposit account");
  expect_rejected(entry({{{Owner::gateway, {}, Kind::payable, "RUB"}, 100}, deposit(-100)}),
                  "a gateway has no payable account");
  expect_rejected(entry({{{Owner::client, kClient, Kind::bank, "RUB"}, 100}, deposit(-100)}),
                  "a client has no bank account");
}

TEST(LedgerCheckBalanced, RejectsMissingOrMalformedOwnerIds) {
  expect_rejected(entry({bank(100), {{Owner::client, "", Kind::deposit, "RUB"}, -100}}), "must be a UUID");
  expect_rejected(entry({bank(100), {{Owner::client, "aeroflot", Kind::deposit, "RUB"}, -100}}), "must be a UUID");
  expect_rejected(entry({{{Owner::gateway, kClient, Kind::bank, "RUB"}, 100}, deposit(-100)}),
                  "the gateway's accounts have no owner id");
}

TEST(LedgerCheckBalanced, RejectsAnEmptyOrOverlongKind) {
  auto e = entry({bank(1), deposit(-1)});
  e.kind = "";
  expect_rejected(e, "kind");
  e.kind = std::string(101, 'k');
  expect_rejected(e, "kind");
  e.kind = std::string(100, 'k');
  EXPECT_FALSE(rejection(e));
}

TEST(LedgerNames, RoundTrip) {
  for (auto o : {Owner::client, Owner::merchant, Owner::gateway})
    EXPECT_EQ(ledger::parse_owner(ledger::to_string(o)), o);
  for (auto k : {Kind::receivable, Kind::credit_receivable, Kind::deposit, Kind::payable, Kind::bank})
    EXPECT_EQ(ledger::parse_kind(ledger::to_string(k)), k);
  EXPECT_EQ(ledger::to_string(Kind::credit_receivable), std::string("credit_receivable"));
  EXPECT_FALSE(ledger::parse_kind("Deposit"));
  EXPECT_FALSE(ledger::parse_owner(""));
}
