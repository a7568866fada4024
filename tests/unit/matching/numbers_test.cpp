// What invoice_numbers_in and deposit_reference_in read out of payment purposes.
// Cyrillic look-alikes are written as \u escapes so a reader can tell them from Latin.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "skybill/matching/matching.hpp"

namespace skybill::matching {
namespace {

using Numbers = std::vector<std::string>;

struct Row {
  const char* purpose;
  Numbers expected;
  int payment_year = 2026;
};

void PrintTo(const Row& r, std::ostream* os) { *os << '"' << r.purpose << '"'; }

class NumbersIn : public ::testing::TestWithParam<Row> {};

TEST_P(NumbersIn, FindsExactlyTheseNumbers) {
  const Row& r = GetParam();
  EXPECT_EQ(invoice_numbers_in(r.purpose, r.payment_year), r.expected) << r.purpose;
}

const Numbers kSB123{"SB-2026-000123"};
const Numbers kBare123{"*-2026-000123"};
const Numbers kNothing{};

// The purposes of the brief and their variations.
INSTANTIATE_TEST_SUITE_P(Examples, NumbersIn, ::testing::Values(
  Row{"Оплата по счету № SB-2026-000123 от 20.11.2026, в т.ч. НДС 10% 909.09", kSB123},
  Row{"оплата сч. 123 от 21.11.2026", kBare123},
  Row{"счёт SB 2026 123", kSB123},
  Row{"СЧ№SB-2026-000123", kSB123},
  Row{"по счету S\u0412-2026-000123", kSB123},               // Cyrillic В
  Row{"Счет-оферта №SB2026000123", kSB123},
  Row{"по счетам SB-2026-000123, SB-2026-000124", {"SB-2026-000123", "SB-2026-000124"}},
  Row{"Пополнение депозита DEP-7K3M9Q2X", kNothing},
  Row{"Оплата за авиабилеты по договору", kNothing},
  Row{"", kNothing}));

INSTANTIATE_TEST_SUITE_P(Separators, NumbersIn, ::testing::Values(
  Row{"SB-2026-000123", kSB123},
  Row{"SB 2026 000123", kSB123},
  Row{"SB_2026_000123", kSB123},
  Row{"SB/2026/000123", kSB123},
  Row{"SB.2026.000123", kSB123},
  Row{"SB2026000123", kSB123},
  Row{"SB-2026000123", kSB123},
  Row{"SB2026-000123", kSB123},
  Row{"SB2026 123", kSB123},
  Row{"SB - 2026 - 000123", kSB123},
  Row{"SB\u20132026\u2013000123", kSB123},                   // en dash
  Row{"SB\u00A02026\u00A0000123", kSB123},                   // no-break space
  Row{"по счету\nSB\t2026\t000123", kSB123},
  Row{"SB-2026/123", kSB123},
  Row{"SB----2026-000123", kNothing}));                       // more than 3 separators

INSTANTIATE_TEST_SUITE_P(CaseAndMarkers, NumbersIn, ::testing::Values(
  Row{"sb-2026-000123", kSB123},
  Row{"Sb2026000123", kSB123},
  Row{"ОПЛАТА ПО СЧЁТУ SB-2026-000123", kSB123},
  Row{"№SB-2026-000123", kSB123},
  Row{"№ SB-2026-000123", kSB123},
  Row{"N SB-2026-000123", kSB123},
  Row{"No. SB-2026-000123", kSB123},
  Row{"#SB-2026-000123", kSB123},
  Row{"invoice SB-2026-000123", kSB123},
  Row{"СЧЕТSB-2026-000123", kSB123},                         // glued to a Cyrillic word
  Row{"сч.SB2026000123", kSB123},
  Row{"S7-2026-000001", {"S7-2026-000001"}},                 // a prefix with a digit
  Row{"S72026000001", {"S7-2026-000001"}},
  Row{"AX-2025-000045 (другой перевозчик)", {"AX-2025-000045"}},
  Row{"No2026000123", kNothing},                             // "No" is a marker, not a prefix
  Row{"INV-2026-000123", kBare123}));                         // "INV" is an invoice word, not a prefix

// Each upper-case Cyrillic look-alike, and each lower-case one, read as its Latin twin.
INSTANTIATE_TEST_SUITE_P(LookAlikes, NumbersIn, ::testing::Values(
  Row{"\u0410X-2026-000001", {"AX-2026-000001"}},            // А
  Row{"S\u0412-2026-000001", {"SB-2026-000001"}},            // В
  Row{"\u0421B-2026-000001", {"CB-2026-000001"}},            // С
  Row{"\u0415B-2026-000001", {"EB-2026-000001"}},            // Е
  Row{"\u041DB-2026-000001", {"HB-2026-000001"}},            // Н
  Row{"\u041AB-2026-000001", {"KB-2026-000001"}},            // К
  Row{"\u041CB-2026-000001", {"MB-2026-000001"}},            // М
  Row{"\u041EB-2026-000001", {"OB-2026-000001"}},            // О
  Row{"\u0420B-2026-000001", {"PB-2026-000001"}},            // Р
  Row{"\u0422B-2026-000001", {"TB-2026-000001"}},            // Т
  Row{"\u0425B-2026-000001", {"XB-2026-000001"}},            // Х
  Row{"\u0423B-2026-000001", {"YB-2026-000001"}},            // У
  Row{"\u0430x-2026-000001", {"AX-2026-000001"}},            // а
  Row{"\u0441b-2026-000001", {"CB-2026-000001"}},            // с
  Row{"\u0435b-2026-000001", {"EB-2026-000001"}},            // е
  Row{"\u043Eb-2026-000001", {"OB-2026-000001"}},            // о
  Row{"\u0440b-2026-000001", {"PB-2026-000001"}},            // р
  Row{"\u0445b-2026-000001", {"XB-2026-000001"}},            // х
  Row{"\u0443b-2026-000001", {"YB-2026-000001"}},            // у
  Row{"\u0421\u0412-2026-000123", {"CB-2026-000123"}},       // both letters Cyrillic
  Row{"s\u0432-2026-000123", kNothing},                      // lower-case в looks like no Latin letter
  Row{"\u0411\u0411-2026-000001", kNothing},                 // Б has no twin
  Row{"\u0431B-2026-000001", {"B-2026-000001"}}));           // glued to a Cyrillic word: starts at B

// Bare sequences: only right after an invoice word.
INSTANTIATE_TEST_SUITE_P(BareSequences, NumbersIn, ::testing::Values(
  Row{"оплата по счету 123", kBare123},
  Row{"оплата по счету 123", {"*-2027-000123"}, 2027},       // the payment's year
  Row{"сч. № 123 от 21.11.2026", kBare123},
  Row{"сч.№123", kBare123},
  Row{"сч 123", kBare123},
  Row{"счет N123 от 21.11.2026", kBare123},
  Row{"счет #123", kBare123},
  Row{"счет No 123", kBare123},
  Row{"счет Nr. 123", kBare123},
  Row{"СЧЕТ № 000123", kBare123},
  Row{"c\u0447ет 123", kBare123},                            // Latin c in счет
  Row{"Invoice no. 123", kBare123},
  Row{"inv #123 dated 2026-11-21", kBare123},
  Row{"Счет-оферта № 123", kBare123},
  Row{"Оплата по счету на оплату № 123 от 21.11.2026", kBare123},
  Row{"счет № 2026-000123", kBare123},                       // year written before it
  Row{"оплата сч. 123 от 21.11.2025", {"*-2025-000123"}},    // another year stated
  Row{"сч 5 от 01.02.25", {"*-2025-000005"}},
  Row{"счет 5 от 2025-02-01", {"*-2025-000005"}},
  Row{"счет 5 от 1 февраля 2025 г.", {"*-2025-000005"}},
  Row{"счет 5 21/11/2025", {"*-2025-000005"}},
  Row{"по счетам 123, 124 и 125 от 21.11.2025", {"*-2025-000123", "*-2025-000124", "*-2025-000125"}},
  Row{"сч. 12 от 20.11.2026, сч. 13 от 21.12.2025", {"*-2026-000012", "*-2025-000013"}},
  Row{"по счетам №№ 15; 16 & 17", {"*-2026-000015", "*-2026-000016", "*-2026-000017"}},
  Row{"invoices 15 and 16", {"*-2026-000015", "*-2026-000016"}},
  Row{"оплата по счету 123, 2 билета", kBare123},            // a singular takes no list
  Row{"оплата по счету 123 от 21.11.2026, 2 билета", kBare123},
  Row{"Оплата по сч 123 Сумма 1000-00", kBare123},
  Row{"ОПЛАТА ПО СЧЁТУ № 77 ОТ 01.12.2026", {"*-2026-000077"}},
  Row{"оплата 123 руб", kNothing},                           // no invoice word
  Row{"счет 0", kNothing},
  Row{"счет 1234567", kNothing},                             // 7 digits: not a sequence
  Row{"по счет-фактуре № 45 от 21.11.2026", kNothing},
  Row{"сч.ф. 45", kNothing},
  Row{"счет от 21.11.2026", kNothing},
  Row{"сч. 21.11.2026", kNothing},
  Row{"счет 123A", kNothing}));

// Things that look like numbers and are not.
INSTANTIATE_TEST_SUITE_P(NotNumbers, NumbersIn, ::testing::Values(
  Row{"ИНН 7728168971 КПП 772801001 оплата по счету 15", {"*-2026-000015"}},
  Row{"INN 2012345678 KPP 201201001", kNothing},
  Row{"ИНН 500100732259", kNothing},
  Row{"р/с 40702810900000012345 в ПАО Сбербанк", kNothing},
  Row{"на расчетный счет 40702810900000012345", kNothing},
  Row{"р/сч 123", kNothing},
  Row{"лицевой счет 12345", kNothing},
  Row{"SB40702810900000012345", kNothing},                   // prefix + 20-digit account
  Row{"тел. +7 (495) 123-45-67", kNothing},
  Row{"счет 123-45-67", kNothing},
  Row{"от 21.11.2026 на сумму 10000.00", kNothing},
  Row{"НДС 20% 1666.67", kNothing},
  Row{"SB-2026-000123 НДС(20%) 1666.67", kSB123},
  Row{"SB 2026 909.09", kNothing},                           // an amount, not a sequence
  Row{"SB-1999-000123", kNothing},                           // implausible year
  Row{"AB 1234 5678", kNothing},
  Row{"SB-2026-1234567", kNothing},                          // 7-digit sequence
  Row{"SB-2026-000000", kNothing},
  Row{"SB-2026-000123X", kNothing},
  Row{"SB 2026-11-21", kNothing},                            // a date after a word, not a number
  Row{"paid from 2026/11/21", kNothing},
  Row{"SB-2026-000123-01", kNothing},
  Row{"ABCDEFGHJ-2026-000123", kNothing}));                  // prefix longer than 8

// The same number once; a bare sequence also written in full once.
INSTANTIATE_TEST_SUITE_P(Duplicates, NumbersIn, ::testing::Values(
  Row{"SB-2026-000123 SB-2026-000123", kSB123},
  Row{"sb2026000123 и SB-2026-000123", kSB123},
  Row{"счет SB-2026-000123 (сч. 123 от 20.11.2026)", kSB123},
  Row{"сч. 123, SB-2026-000123", kSB123},
  Row{"сч. 123 от 20.11.2026, сч. 123", kBare123},
  Row{"SB-2026-000123, сч. 124", {"SB-2026-000123", "*-2026-000124"}},
  Row{"SB-2025-000123 (сч. 123)", {"SB-2025-000123"}},       // the bare one took the payment's year
  Row{"SB-2025-000123, сч. 123 от 01.01.2026", {"SB-2025-000123", "*-2026-000123"}}));

TEST(NumbersIn, InvalidUtf8IsSkipped) {
  EXPECT_EQ(invoice_numbers_in("\xff\xfeSB-2026-000123\xc3", 2026), kSB123);
  EXPECT_EQ(invoice_numbers_in("\xd1", 2026), kNothing);
  EXPECT_EQ(invoice_numbers_in("сч \xe2\x28\xa1 123", 2026), kNothing);
}

TEST(NumbersIn, OrderOfAppearance) {
  EXPECT_EQ(invoice_numbers_in("сч. 5, затем AX-2026-000001 и SB-2026-000002", 2026),
            (Numbers{"*-2026-000005", "AX-2026-000001", "SB-2026-000002"}));
}

TEST(NumbersIn, DepositReferenceIsNotAnInvoiceNumber) {
  EXPECT_EQ(invoice_numbers_in("DEP-20260001 DEP 2026000123", 2026), kNothing);
}

// --- deposit references ------------------------------------------------------------------------

struct DepRow {
  const char* purpose;
  std::optional<std::string> expected;
};
void PrintTo(const DepRow& r, std::ostream* os) { *os << '"' << r.purpose << '"'; }

class DepositIn : public ::testing::TestWithParam<DepRow> {};

TEST_P(DepositIn, Reads) { EXPECT_EQ(deposit_reference_in(GetParam().purpose), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Table, DepositIn, ::testing::Values(
  DepRow{"Пополнение депозита DEP-7K3M9Q2X", "DEP-7K3M9Q2X"},
  DepRow{"dep-7k3m9q2x", "DEP-7K3M9Q2X"},
  DepRow{"DEP 7K3M9Q2X", "DEP-7K3M9Q2X"},
  DepRow{"DEP_7K3M9Q2X", "DEP-7K3M9Q2X"},
  DepRow{"DEP: 7K3M9Q2X", "DEP-7K3M9Q2X"},
  DepRow{"депозит DEP\u20147K3M9Q2X.", "DEP-7K3M9Q2X"},        // em dash, full stop after
  DepRow{"DEP7K3M9Q2X", "DEP-7K3M9Q2X"},
  DepRow{"D\u0415\u0420-7\u041A3\u041C9Q2\u0425", "DEP-7K3M9Q2X"},  // Cyrillic Е Р К М Х
  DepRow{"DEP-O1IL0000", "DEP-01110000"},                      // Crockford: O→0, I/L→1
  DepRow{"DEP-ABCDEFGH", "DEP-ABCDEFGH"},
  DepRow{"DEP-AAAA0001 и DEP-BBBB0002", "DEP-AAAA0001"},       // the first one
  DepRow{"DEPARTMENTS", std::nullopt},
  DepRow{"DEPOSIT", std::nullopt},
  DepRow{"DEP-7K3M9Q2", std::nullopt},                          // 7 characters
  DepRow{"DEP-7K3M9Q2XY", std::nullopt},                        // 9 characters
  DepRow{"ADEP-7K3M9Q2X", std::nullopt},                        // not at a word start
  DepRow{"DEP---7K3M9Q2X", std::nullopt},
  DepRow{"Оплата по счету SB-2026-000123", std::nullopt},
  DepRow{"", std::nullopt}));

}  // namespace
}  // namespace skybill::matching
