#include "skybill/documents/payment_qr.hpp"

#include <gtest/gtest.h>

#include "samples.hpp"
#include "skybill/core/problem.hpp"

namespace skybill::documents {
namespace {

// The fields a Problem names, in order.
std::vector<std::string> fields_of(const PaymentDetails& d) {
  try {
    payment_qr_string(d);
  } catch (const core::Problem& p) {
    std::vector<std::string> out;
    for (const auto& e : p.errors) out.push_back(e.field);
    return out;
  }
  return {};
}

TEST(PaymentQr, TheRequiredFiveComeFirstThenTheOptionalOnesInOrder) {
  auto d = samples::gateway_payment();
  d.sum_kopecks = 1149950;
  d.purpose = "Оплата по счету № DA-2026-000001 от 07.12.2026, в т.ч. НДС 999.16";
  d.payee_inn = "7707083893";
  d.kpp = "770701001";
  EXPECT_EQ(payment_qr_string(d),
            "ST00012|Name=ООО \"Скайбилл\"|PersonalAcc=40702810900000000001|BankName=ПАО Сбербанк|BIC=044525225|"
            "CorrespAcc=30101810400000000225|Sum=1149950|Purpose=Оплата по счету № DA-2026-000001 от 07.12.2026, в т.ч. "
            "НДС 999.16|PayeeINN=7707083893|KPP=770701001");
}

TEST(PaymentQr, OnlyTheRequiredFields) {
  EXPECT_EQ(payment_qr_string(samples::gateway_payment()),
            "ST00012|Name=ООО \"Скайбилл\"|PersonalAcc=40702810900000000001|BankName=ПАО Сбербанк|BIC=044525225|"
            "CorrespAcc=30101810400000000225");
  auto d = samples::gateway_payment();
  d.sum_kopecks = 0;
  d.payer_inn = "772816897123";
  EXPECT_TRUE(payment_qr_string(d).ends_with("|Sum=0|PayerINN=772816897123"));
}

TEST(PaymentQr, AValueHoldingTheBarTakesTheFirstSeparatorNoValueHolds) {
  auto d = samples::gateway_payment();
  d.purpose = "A|B #1; time 10:00";
  auto s = payment_qr_string(d);
  EXPECT_TRUE(s.starts_with("ST00012^Name=")) << s << ": '|', '#', ';' and ':' are taken";
  EXPECT_TRUE(s.ends_with("^Purpose=A|B #1; time 10:00")) << s;
}

TEST(PaymentQr, NoFreeSeparatorIsRefused) {
  auto d = samples::gateway_payment();
  d.purpose = "|#;:^_~{}!$%&()*+,/@";
  EXPECT_EQ(fields_of(d), std::vector<std::string>{""});
}

TEST(PaymentQr, EveryBrokenRuleIsNamed) {
  PaymentDetails d;
  d.personal_acc = "4070281090000000000";   // 19 digits
  d.bic = "04452522A";
  d.corresp_acc = "301018104000000002250";  // 21 digits
  d.sum_kopecks = -1;
  d.payee_inn = "77070838";
  d.kpp = "77070100";
  d.payer_inn = "abc";
  EXPECT_EQ(fields_of(d), (std::vector<std::string>{"name", "personal_acc", "bank_name", "bic", "corresp_acc",
                                                     "sum_kopecks", "payee_inn", "payer_inn", "kpp"}));
}

TEST(PaymentQr, LengthsAreCountedInCharactersNotBytes) {
  auto d = samples::gateway_payment();
  d.bank_name = std::string(45 / 1, 'x');
  EXPECT_NO_THROW(payment_qr_string(d));
  d.bank_name = "";
  for (int i = 0; i < 45; ++i) d.bank_name += "б";  // 90 bytes, 45 characters
  EXPECT_NO_THROW(payment_qr_string(d));
  d.bank_name += "б";
  EXPECT_EQ(fields_of(d), std::vector<std::string>{"bank_name"});

  d = samples::gateway_payment();
  d.purpose = std::string(160, 'p');
  EXPECT_NO_THROW(payment_qr_string(d));
  d.purpose += "p";
  EXPECT_EQ(fields_of(d), std::vector<std::string>{"purpose"});
  d = samples::gateway_payment();
  d.purpose = "line one\nline two";
  EXPECT_EQ(fields_of(d), std::vector<std::string>{"purpose"});
}

TEST(PaymentQr, TheRequiredBlockFitsInThreeHundredBytes) {
  auto d = samples::gateway_payment();
  d.name = "";
  for (int i = 0; i < 160; ++i) d.name += "Щ";  // 320 bytes: within 160 characters, past 300 bytes
  EXPECT_EQ(fields_of(d), std::vector<std::string>{""});
  d.name = std::string(160, 'N');
  EXPECT_NO_THROW(payment_qr_string(d));
}

TEST(PaymentQr, TheLargestSumTheStandardAllows) {
  auto d = samples::gateway_payment();
  d.sum_kopecks = 999'999'999'999'999'999;
  EXPECT_TRUE(payment_qr_string(d).ends_with("|Sum=999999999999999999"));
  d.sum_kopecks = 1'000'000'000'000'000'000;
  EXPECT_EQ(fields_of(d), std::vector<std::string>{"sum_kopecks"});
}

TEST(PaymentQr, KppTakesLettersOnlyInItsFifthAndSixthPlaces) {
  auto d = samples::gateway_payment();
  d.kpp = "7707AB001";
  EXPECT_TRUE(payment_qr_string(d).ends_with("|KPP=7707AB001"));
  d.kpp = "A70701001";
  EXPECT_EQ(fields_of(d), std::vector<std::string>{"kpp"});
}

}  // namespace
}  // namespace skybill::documents
