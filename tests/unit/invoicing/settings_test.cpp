#include <gtest/gtest.h>

#include "skybill/invoicing/invoicing.hpp"

using namespace skybill;
using options::Method;

TEST(MerchantSettings, DefaultsWhenEmptyOrNotAnObject) {
  for (const auto& j : {nlohmann::json::object(), nlohmann::json(nullptr), nlohmann::json::array()}) {
    auto s = invoicing::settings_from_json(j);
    EXPECT_TRUE(s.disabled.empty());
    EXPECT_EQ(s.guarantee_letter_lead, std::chrono::minutes(30));
    EXPECT_EQ(s.invoice_due_after, std::chrono::hours(24));
    EXPECT_EQ(s.invoice_safety_margin, std::chrono::minutes(60));
    EXPECT_EQ(s.max_deferral_days, 30);
  }
}

TEST(MerchantSettings, ReadsEveryKey) {
  auto s = invoicing::settings_from_json(nlohmann::json::parse(R"({
    "disabled_methods": ["card_hold", "guarantee_letter"], "guarantee_letter_lead_minutes": 45,
    "invoice_due_hours": 12, "invoice_safety_margin_minutes": 90, "max_deferral_days": 14})"));
  EXPECT_EQ(s.disabled, (std::set<Method>{Method::card_hold, Method::guarantee_letter}));
  EXPECT_EQ(s.guarantee_letter_lead, std::chrono::minutes(45));
  EXPECT_EQ(s.invoice_due_after, std::chrono::hours(12));
  EXPECT_EQ(s.invoice_safety_margin, std::chrono::minutes(90));
  EXPECT_EQ(s.max_deferral_days, 14);
}

TEST(MerchantSettings, DeferralBeyondThirtyDaysIsCappedAndBadValuesIgnored) {
  auto s = invoicing::settings_from_json(nlohmann::json::parse(R"({
    "disabled_methods": ["teleport", 5], "guarantee_letter_lead_minutes": -1, "invoice_due_hours": "12",
    "invoice_safety_margin_minutes": 100000, "max_deferral_days": 45})"));
  EXPECT_TRUE(s.disabled.empty());
  EXPECT_EQ(s.guarantee_letter_lead, std::chrono::minutes(30));
  EXPECT_EQ(s.invoice_due_after, std::chrono::hours(24));
  EXPECT_EQ(s.invoice_safety_margin, std::chrono::minutes(60));
  EXPECT_EQ(s.max_deferral_days, 30);
}
