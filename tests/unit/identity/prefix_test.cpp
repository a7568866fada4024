#include <gtest/gtest.h>

#include <set>
#include <string>

#include "skybill/identity/model.hpp"
#include "skybill/matching/matching.hpp"

namespace skybill::identity {
namespace {

TEST(InvoicePrefix, AcceptsWhatTheMatcherReadsAsAPrefix) {
  for (const char* p : {"AX", "S7", "AL001", "SU", "UTAIR", "ABCDEFGH", "SB2"}) {
    EXPECT_EQ(invoice_prefix_error(p), std::nullopt) << p;
    std::string number = std::string(p) + "-2026-000042";
    EXPECT_EQ(matching::invoice_numbers_in("Оплата по счету № " + number + " от 20.11.2026", 2026),
              std::vector<std::string>{number})
        << p;
  }
}

TEST(InvoicePrefix, RefusesBadShapes) {
  for (const char* p : {"", "A", "ax", "Ax", "7S", "ABCDEFGHI", "A-B", "A B", "АБ" /* Cyrillic */, "A_1"})
    EXPECT_TRUE(invoice_prefix_error(p).has_value()) << p;
}

TEST(InvoicePrefix, RefusesMarkerWordsAndTheLegacySeries) {
  for (const char* p : {"NO", "NR", "NUM", "INV", "INVOICE", "INN", "KPP", "BIK", "BIC", "OGRN", "OKPO", "OKTMO",
                        "KBK", "TEL", "DEP"})
    EXPECT_NE(invoice_prefix_error(p).value_or("").find("label"), std::string::npos) << p;
  EXPECT_NE(invoice_prefix_error("SB").value_or("").find("reserved"), std::string::npos);
}

std::string derive(const std::string& name, std::set<std::string> taken = {}) {
  return derive_invoice_prefix(name, [&](const std::string& p) { return taken.count(p) > 0; });
}

TEST(InvoicePrefix, DerivedFromTheNameInitialsOrFirstLetters) {
  EXPECT_EQ(derive("Demo Airlines"), "DA");
  EXPECT_EQ(derive("Ural Airlines Group Holding Extra"), "UAGH");
  EXPECT_EQ(derive("aeroflot"), "AER");
  EXPECT_EQ(derive("  S7 "), "S7");
  EXPECT_EQ(derive("7 Sky"), "AL");  // initials "7S": the leading digit dropped leaves too little
}

TEST(InvoicePrefix, FallsBackToALWithoutLatinLetters) {
  EXPECT_EQ(derive("Аэрофлот"), "AL");
  EXPECT_EQ(derive("Аэрофлот", {"AL"}), "AL2");
  EXPECT_EQ(derive("X"), "AL");
}

TEST(InvoicePrefix, TakenOrRefusedCandidatesGetANumber) {
  EXPECT_EQ(derive("Demo Airlines", {"DA"}), "DA2");
  EXPECT_EQ(derive("Demo Airlines", {"DA", "DA2", "DA3"}), "DA4");
  EXPECT_EQ(derive("Sky Bird"), "SB2");            // SB is reserved
  EXPECT_EQ(derive("Inner North Nations"), "INN2"); // a marker word
  std::set<std::string> taken{"ABCD"};
  for (int i = 2; i < 10; ++i) taken.insert("ABCD" + std::to_string(i));
  EXPECT_EQ(derive("Alpha Beta Charlie Delta", taken), "ABCD10");
  for (const auto& name : {"Demo Airlines", "Аэрофлот", "x"}) EXPECT_FALSE(invoice_prefix_error(derive(name)));
}

}  // namespace
}  // namespace skybill::identity
