#include <gtest/gtest.h>

#include "skybill/booking/model.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"

using namespace skybill;
using namespace skybill::booking;

namespace {

const core::TimePoint kNow = *core::parse_rfc3339("2026-11-23T12:00:00Z");

nlohmann::json valid() {
  return nlohmann::json::parse(R"({
    "reference": "ORD-1", "pnr": "0Ж1Г5К",
    "client": {"inn": "7728168971", "kpp": "772801001", "name": "Romashka"},
    "contact_email": "a@b.example",
    "passengers": [{"first_name": "Ivan", "last_name": "Petrov", "type": "adult"}],
    "segments": [{"flight": "SU1234", "from": "SVO", "to": "LED", "departure": "2026-12-20T10:00:00+03:00"}],
    "lines": [
      {"kind": "fare", "description": "Fare", "passenger": 0, "amount": "10000.00", "vat_rate": "10"},
      {"kind": "tax", "description": "Tax", "amount": "499.50", "vat_rate": 22},
      {"kind": "service", "description": "Bag", "amount": "1000.00", "vat_rate": "20", "emd": "5552100000001"},
      {"kind": "fee", "description": "Fee", "amount": "1.00", "vat_rate": "none"}],
    "currency": "RUB",
    "ticketing_time_limit": "2026-11-23T15:01:00+03:00"})");
}

std::set<std::string> bad_fields(const nlohmann::json& body) {
  try {
    parse_booking(body, kNow);
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    std::set<std::string> out;
    for (const auto& e : p.errors) out.insert(e.field);
    return out;
  }
  return {};
}

}  // namespace

TEST(ParseBooking, AcceptsAValidBookingAndComputesVatPerLine) {
  auto in = parse_booking(valid(), kNow);
  EXPECT_EQ(in.reference, "ORD-1");
  EXPECT_EQ(in.pnr, "0Ж1Г5К");
  ASSERT_EQ(in.lines.size(), 4u);
  EXPECT_EQ(in.lines[0].vat_minor, 90909);
  EXPECT_EQ(in.lines[1].vat_minor, 9007);
  EXPECT_EQ(in.lines[2].vat_minor, 16667);
  EXPECT_EQ(in.lines[3].vat_minor, 0);
  EXPECT_EQ(in.lines[2].emd, "5552100000001");
  EXPECT_EQ(in.ticketing_time_limit, *core::parse_rfc3339("2026-11-23T12:01:00Z"));
}

TEST(ParseBooking, TimeLimitMustBeAtLeastOneMinuteAhead) {
  auto body = valid();
  body["ticketing_time_limit"] = "2026-11-23T12:00:59Z";
  EXPECT_EQ(bad_fields(body), std::set<std::string>{"ticketing_time_limit"});
  body["ticketing_time_limit"] = "2026-11-23T12:01:00Z";
  EXPECT_TRUE(bad_fields(body).empty());
  body["ticketing_time_limit"] = "2026-11-23T15:01:00";  // no offset
  EXPECT_EQ(bad_fields(body), std::set<std::string>{"ticketing_time_limit"});
}

TEST(ParseBooking, NamesEveryBadFieldAtOnce) {
  auto body = valid();
  body.erase("reference");
  body["pnr"] = "AB C";
  body["client"] = {{"inn", "1234567890"}};
  body["contact_email"] = "nope";
  body["passengers"][0].erase("last_name");
  body["segments"][0]["to"] = "SVO";
  body["lines"][0]["amount"] = "10000";
  body["lines"][1]["kind"] = "discount";
  body["lines"][2]["emd"] = "123";
  body["lines"][3]["passenger"] = 1;
  body["currency"] = "XYZ";
  body["extra"] = true;
  auto fields = bad_fields(body);
  for (const char* f : {"reference", "pnr", "client.inn", "client.name", "contact_email", "passengers[0].last_name",
                        "segments[0].to", "lines[1].kind", "lines[2].emd", "lines[3].passenger", "currency", "extra"})
    EXPECT_TRUE(fields.count(f)) << f;
}

TEST(ParseBooking, AmountsFollowTheCurrencyExponent) {
  auto body = valid();
  body["lines"][0]["amount"] = "10000.5";
  EXPECT_EQ(bad_fields(body), std::set<std::string>{"lines[0].amount"});
  body = valid();
  body["lines"][0]["amount"] = "0.00";
  EXPECT_EQ(bad_fields(body), std::set<std::string>{"lines[0].amount"});
  body = valid();
  body["currency"] = "JPY";
  for (auto& l : body["lines"]) l["amount"] = "1000";
  EXPECT_TRUE(bad_fields(body).empty());
}

TEST(ParseBooking, ClientByIdMustBeAUuidAndAlone) {
  auto body = valid();
  body["client"] = {{"id", "not-a-uuid"}};
  EXPECT_EQ(bad_fields(body), std::set<std::string>{"client.id"});
  body["client"] = {{"id", "6f1c2a52-4a7e-4c1e-9d55-0a4c1f0b8e11"}, {"inn", "7728168971"}};
  EXPECT_EQ(bad_fields(body), std::set<std::string>{"client.inn"});
  body["client"] = {{"id", "6f1c2a52-4a7e-4c1e-9d55-0a4c1f0b8e11"}};
  EXPECT_TRUE(bad_fields(body).empty());
}

TEST(ParseBooking, ArraysMustHoldOneToManyObjects) {
  for (const char* field : {"passengers", "segments", "lines"}) {
    auto body = valid();
    body[field] = nlohmann::json::array();
    EXPECT_TRUE(bad_fields(body).count(field)) << field;
    body[field] = {1};
    EXPECT_TRUE(bad_fields(body).count(std::string(field) + "[0]")) << field;
  }
}

TEST(Totals, SumsRoundedLineVatPerRateInAFixedOrder) {
  auto in = parse_booking(valid(), kNow);
  auto t = totals(in.lines);
  EXPECT_EQ(t.amount_minor, 1150050);
  EXPECT_EQ(t.vat_minor, 90909 + 9007 + 16667);
  ASSERT_EQ(t.by_rate.size(), 4u);
  EXPECT_EQ(t.by_rate[0].rate, core::VatRate::vat22);
  EXPECT_EQ(t.by_rate[1].rate, core::VatRate::vat20);
  EXPECT_EQ(t.by_rate[2].rate, core::VatRate::vat10);
  EXPECT_EQ(t.by_rate[3].rate, core::VatRate::none);
  auto j = totals_json(t, core::currency("RUB"));
  EXPECT_EQ(j["amount"], "11500.50");
  EXPECT_EQ(j["vat"], "1165.83");
}

TEST(Totals, OverflowIsAValidationError) {
  Line big{LineKind::fare, "x", std::nullopt, INT64_MAX - 1, core::VatRate::none, 0, std::nullopt};
  EXPECT_THROW(totals({big, big}), core::Problem);
}
