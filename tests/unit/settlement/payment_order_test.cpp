// settlement::to_one_c and to_csv: the exact text, amounts, every validation error, CSV quoting and
// the formula guard, and a round trip of the 1C file through statements::parse.
#include "skybill/settlement/payment_order.hpp"

#include <gtest/gtest.h>
#include <iconv.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "skybill/statements/statements.hpp"

using namespace std::chrono;
using skybill::settlement::PaymentOrder;
using skybill::settlement::Requisites;
using skybill::settlement::to_csv;
using skybill::settlement::to_one_c;

namespace {

// Our company and its accounts (as in tests/unit/statements/data/README.md), two payees. INNs
// and accounts pass their checksums.
const std::string kSber = "40702810238000001234";
const std::string kTbank = "40702810610000012345";
const Requisites kUsSber{R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kSber, "ПАО СБЕРБАНК", "044525225",
                         "30101810400000000225"};
const Requisites kUsTbank{R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kTbank, "АО «ТБанк»", "044525974",
                          "30101810145250000974"};
const Requisites kAirline{R"(АО "ДЕМО АВИАЛИНИИ")", "7707083893", "770701001", "40702810401300077777",
                          "АО «АЛЬФА-БАНК»", "044525593", "30101810200000000593"};
// A passenger refunded by transfer: 12-digit INN, no KPP.
const Requisites kPassenger{"Иванова Анна Сергеевна", "770712345633", "", "40817810099910004312", "АО «ТБанк»",
                            "044525974", "30101810145250000974"};

constexpr year_month_day kCreated = 2026y / November / 24;

PaymentOrder payout() {
  PaymentOrder o;
  o.number = "1045";
  o.date = 2026y / November / 23;
  o.amount_minor = 184'325'075;
  o.payer = kUsSber;
  o.payee = kAirline;
  o.purpose = "Перечисление по агентскому договору № 17/2026 за период 16.11.2026-22.11.2026. Без НДС";
  o.reference = "payout_01JD5K2W7Q";
  return o;
}

PaymentOrder refund() {
  PaymentOrder o;
  o.number = "1046";
  o.date = 2026y / November / 23;
  o.amount_minor = 1'250'000;
  o.payer = kUsSber;
  o.payee = kPassenger;
  o.purpose = "Возврат за авиабилет 555-2412345678, заказ SB-2026-000123. Без НДС";
  o.reference = "refund_01JD5K3A1B";
  return o;
}

// The bytes of `text` converted between encodings with glibc's iconv.
std::string convert(const std::string& text, const char* from, const char* to) {
  const iconv_t cd = iconv_open(to, from);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(text.size() * 4 + 4, '\0');
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size(), out_left = out.size();
  char* o = out.data();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<std::size_t>(-1)) << "cannot convert " << from;
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}
std::string from_cp1251(const std::string& bytes) { return convert(bytes, "CP1251", "UTF-8"); }
std::string to_cp1251(const std::string& utf8) { return convert(utf8, "UTF-8", "CP1251"); }

std::string crlf_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\r\n";
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

// The bank's statement of the executed orders: the written file (CP1251 bytes) with
// ДатаСписано=`debited` before every КонецДокумента.
std::string as_statement(const std::string& file, const std::string& debited = "23.11.2026") {
  const std::string end = to_cp1251("КонецДокумента\r\n");
  const std::string insert = to_cp1251("ДатаСписано=" + debited + "\r\n");
  std::string out;
  std::size_t from = 0;
  for (auto pos = file.find(end); pos != std::string::npos; pos = file.find(end, from)) {
    out.append(file, from, pos - from);
    out += insert;
    out += end;
    from = pos + end.size();
  }
  out.append(file, from);
  return out;
}

// what() of the std::invalid_argument `f` throws; a test failure when it throws none.
std::string invalid(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected std::invalid_argument";
  return {};
}

// A strict RFC 4180 reader for checking the CSV writer: records of cells, every record ended
// by CRLF.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string cell;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quoted cell";
          return records;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          cell += text[i];
        }
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        EXPECT_NE(text[i], '"') << "a quote in an unquoted cell at " << i;
        cell += text[i++];
      }
    }
    record.push_back(std::move(cell));
    cell.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
    } else if (text.compare(i, 2, "\r\n") == 0) {
      records.push_back(std::move(record));
      record.clear();
      i += 2;
    } else {
      ADD_FAILURE() << "expected a comma or CRLF at " << i;
      return records;
    }
  }
  EXPECT_TRUE(record.empty()) << "the last record has no CRLF";
  return records;
}

const std::vector<std::string> kCsvHeader{
    "number",     "date",       "amount",     "currency",      "payer_name", "payer_inn",
    "payer_account", "payer_bic", "payee_name", "payee_inn",   "payee_kpp",  "payee_account",
    "payee_bank", "payee_bic",  "payee_correspondent_account", "purpose",    "reference"};

}  // namespace

// ---- 1C: the exact text ----------------------------------------------------------------------

TEST(PaymentOrderTest, OneOrderExactText) {
  const std::string file = to_one_c({payout()}, kCreated, "09:15:02");
  const std::string expected = crlf_lines({
      "1CClientBankExchange",
      "ВерсияФормата=1.03",
      "Кодировка=Windows",
      "Отправитель=skybill",
      "Получатель=",
      "ДатаСоздания=24.11.2026",
      "ВремяСоздания=09:15:02",
      "ДатаНачала=23.11.2026",
      "ДатаКонца=23.11.2026",
      "РасчСчет=40702810238000001234",
      "Документ=Платежное поручение",
      "СекцияДокумент=Платежное поручение",
      "Номер=1045",
      "Дата=23.11.2026",
      "Сумма=1843250.75",
      "ПлательщикСчет=40702810238000001234",
      R"(Плательщик=ИНН 7702070139 ООО "СКАЙБИЛЛ")",
      "ПлательщикИНН=7702070139",
      "ПлательщикКПП=770201001",
      R"(Плательщик1=ООО "СКАЙБИЛЛ")",
      "ПлательщикРасчСчет=40702810238000001234",
      "ПлательщикБанк1=ПАО СБЕРБАНК",
      "ПлательщикБИК=044525225",
      "ПлательщикКорсчет=30101810400000000225",
      "ПолучательСчет=40702810401300077777",
      R"(Получатель=ИНН 7707083893 АО "ДЕМО АВИАЛИНИИ")",
      "ПолучательИНН=7707083893",
      "ПолучательКПП=770701001",
      R"(Получатель1=АО "ДЕМО АВИАЛИНИИ")",
      "ПолучательРасчСчет=40702810401300077777",
      "ПолучательБанк1=АО «АЛЬФА-БАНК»",
      "ПолучательБИК=044525593",
      "ПолучательКорсчет=30101810200000000593",
      "ВидПлатежа=",
      "ВидОплаты=01",
      "Очередность=5",
      "НазначениеПлатежа=Перечисление по агентскому договору № 17/2026 за период 16.11.2026-22.11.2026. Без НДС",
      "КонецДокумента",
      "КонецФайла",
  });
  EXPECT_EQ(from_cp1251(file), expected);
  EXPECT_EQ(file, to_cp1251(expected));
}

TEST(PaymentOrderTest, OneCBytesAreWindows1251WithCrlf) {
  const std::string file = to_one_c({payout()}, kCreated, "09:15:02");
  // "ВерсияФормата" in Windows-1251, not UTF-8.
  EXPECT_EQ(file.substr(0, 36), "1CClientBankExchange\r\n\xC2\xE5\xF0\xF1\xE8\xFF\xD4\xEE\xF0\xEC\xE0\xF2\xE0=");
  EXPECT_NE(file.find("\xB9 17/2026"), std::string::npos);  // "№" is 0xB9
  EXPECT_NE(file.find("\xAB\xC0\xCB\xDC\xD4\xC0-\xC1\xC0\xCD\xCA\xBB"), std::string::npos);  // «АЛЬФА-БАНК»
  // Every line ends with CRLF: no bare LF, no bare CR; the file ends with a line end.
  for (std::size_t i = 0; i < file.size(); ++i) {
    if (file[i] == '\n') {
      ASSERT_TRUE(i > 0 && file[i - 1] == '\r') << "bare LF at " << i;
    }
    if (file[i] == '\r') {
      ASSERT_TRUE(i + 1 < file.size() && file[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  EXPECT_EQ(file.substr(file.size() - 12), to_cp1251("КонецФайла\r\n"));
}

TEST(PaymentOrderTest, SeveralOrdersInOrderWithTheSpanOfTheirDates) {
  auto a = payout();
  auto b = refund();
  b.date = 2026y / November / 20;
  auto c = refund();
  c.number = "7";
  c.date = 2026y / December / 1;
  c.amount_minor = 1;
  const std::string text = from_cp1251(to_one_c({a, b, c}, kCreated, "23:59:59"));
  EXPECT_EQ(count(text, "СекцияДокумент=Платежное поручение\r\n"), 3u);
  EXPECT_EQ(count(text, "КонецДокумента\r\n"), 3u);
  EXPECT_EQ(count(text, "КонецФайла\r\n"), 1u);
  EXPECT_EQ(count(text, "\r\nРасчСчет=" + kSber + "\r\n"), 1u);  // one payer account, named once
  EXPECT_NE(text.find("ВремяСоздания=23:59:59\r\nДатаНачала=20.11.2026\r\nДатаКонца=01.12.2026\r\n"),
            std::string::npos);
  // The sections in the orders' order.
  const auto p1 = text.find("Номер=1045\r\nДата=23.11.2026\r\nСумма=1843250.75\r\n");
  const auto p2 = text.find("Номер=1046\r\nДата=20.11.2026\r\nСумма=12500.00\r\n");
  const auto p3 = text.find("Номер=7\r\nДата=01.12.2026\r\nСумма=0.01\r\n");
  ASSERT_NE(p1, std::string::npos);
  ASSERT_NE(p2, std::string::npos);
  ASSERT_NE(p3, std::string::npos);
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  // A payee without KPP: an empty ПолучательКПП.
  EXPECT_NE(text.find("ПолучательИНН=770712345633\r\nПолучательКПП=\r\nПолучатель1=Иванова Анна Сергеевна\r\n"),
            std::string::npos);
  EXPECT_GT(text.find("Документ=Платежное поручение\r\nСекцияДокумент"), text.find("РасчСчет="));
}

TEST(PaymentOrderTest, EveryPayerAccountIsNamedInTheHeader) {
  auto a = payout();
  auto b = refund();
  b.payer = kUsTbank;
  auto c = refund();
  c.number = "1047";
  const std::string text = from_cp1251(to_one_c({a, b, c}, kCreated, "00:00:00"));
  EXPECT_NE(text.find("РасчСчет=" + kSber + "\r\nРасчСчет=" + kTbank + "\r\nДокумент=Платежное поручение\r\n"),
            std::string::npos);
  EXPECT_EQ(count(text, "\r\nРасчСчет="), 2u);
}

TEST(PaymentOrderTest, DatesArePaddedDdMmYyyy) {
  auto o = payout();
  o.date = 2027y / January / 5;
  const std::string text = from_cp1251(to_one_c({o}, 2027y / February / 3, "07:05:09"));
  EXPECT_NE(text.find("\r\nДата=05.01.2027\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nДатаСоздания=03.02.2027\r\nВремяСоздания=07:05:09\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nДатаНачала=05.01.2027\r\nДатаКонца=05.01.2027\r\n"), std::string::npos);
}

TEST(PaymentOrderTest, OptionalRequisitesEmptyAreWrittenEmpty) {
  auto o = payout();
  o.payee.kpp.clear();
  o.payee.bank.clear();
  o.payee.correspondent_account.clear();
  const std::string text = from_cp1251(to_one_c({o}, kCreated, "09:15:02"));
  EXPECT_NE(text.find("\r\nПолучательКПП=\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nПолучательБанк1=\r\nПолучательБИК=044525593\r\nПолучательКорсчет=\r\n"),
            std::string::npos);
}

TEST(PaymentOrderTest, APurposeWithEqualsSignsAndQuotesIsWrittenAsIs) {
  auto o = payout();
  o.purpose = R"(Оплата "по счёту" № 5 = 100%; ключ=значение)";
  const std::string text = from_cp1251(to_one_c({o}, kCreated, "09:15:02"));
  EXPECT_NE(text.find("\r\nНазначениеПлатежа=" + o.purpose + "\r\nКонецДокумента\r\n"), std::string::npos);
}

// ---- Amounts ---------------------------------------------------------------------------------

struct AmountCase {
  std::int64_t minor;
  std::string text;
};

void PrintTo(const AmountCase& c, std::ostream* os) { *os << c.minor << " -> " << c.text; }

class PaymentOrderAmountTest : public testing::TestWithParam<AmountCase> {};

TEST_P(PaymentOrderAmountTest, KopecksInOneCAndCsv) {
  auto o = payout();
  o.amount_minor = GetParam().minor;
  const std::string text = from_cp1251(to_one_c({o}, kCreated, "09:15:02"));
  EXPECT_NE(text.find("\r\nСумма=" + GetParam().text + "\r\n"), std::string::npos) << text;
  const auto csv = read_csv(to_csv({o}));
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_EQ(csv[1][2], GetParam().text);
  EXPECT_EQ(csv[1][3], "RUB");
}

INSTANTIATE_TEST_SUITE_P(
    Amounts, PaymentOrderAmountTest,
    testing::Values(AmountCase{1, "0.01"}, AmountCase{9, "0.09"}, AmountCase{10, "0.10"}, AmountCase{99, "0.99"},
                    AmountCase{100, "1.00"}, AmountCase{101, "1.01"}, AmountCase{1'000, "10.00"},
                    AmountCase{10'000, "100.00"}, AmountCase{123'405, "1234.05"}, AmountCase{123'450, "1234.50"},
                    AmountCase{1'200'000, "12000.00"}, AmountCase{999'999'999'999, "9999999999.99"},
                    AmountCase{std::numeric_limits<std::int64_t>::max() - 99, "92233720368547757.08"},
                    AmountCase{std::numeric_limits<std::int64_t>::max(), "92233720368547758.07"}));

TEST(PaymentOrderTest, CsvAmountFollowsTheCurrencyExponent) {
  auto jpy = payout();
  jpy.currency = "JPY";
  jpy.amount_minor = 125;
  auto kwd = refund();
  kwd.currency = "KWD";
  kwd.amount_minor = 1'234;
  auto usd = refund();
  usd.number = "1047";
  usd.currency = "USD";
  usd.amount_minor = 5;
  const auto csv = read_csv(to_csv({jpy, kwd, usd}));
  ASSERT_EQ(csv.size(), 4u);
  EXPECT_EQ(csv[1][2], "125");
  EXPECT_EQ(csv[1][3], "JPY");
  EXPECT_EQ(csv[2][2], "1.234");
  EXPECT_EQ(csv[2][3], "KWD");
  EXPECT_EQ(csv[3][2], "0.05");
  EXPECT_EQ(csv[3][3], "USD");
}

// ---- Validation ------------------------------------------------------------------------------

struct InvalidCase {
  std::string name;
  std::function<void(PaymentOrder&)> spoil;  // applied to the second of two valid orders
  std::string message;                        // what() of to_one_c and to_csv
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class PaymentOrderInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(PaymentOrderInvalidTest, BothWritersNameTheOrderAndTheField) {
  auto bad = refund();
  GetParam().spoil(bad);
  const std::vector<PaymentOrder> orders{payout(), bad};
  EXPECT_EQ(invalid([&] { to_one_c(orders, kCreated, "09:15:02"); }), GetParam().message);
  EXPECT_EQ(invalid([&] { to_csv(orders); }), GetParam().message);
}

const std::string kOrder2 = R"(payment order 2 (number "1046"): )";

INSTANTIATE_TEST_SUITE_P(
    Fields, PaymentOrderInvalidTest,
    testing::Values(
        InvalidCase{"NumberEmpty", [](auto& o) { o.number = ""; }, "payment order 2: number: is empty"},
        InvalidCase{"NumberSevenDigits", [](auto& o) { o.number = "1234567"; },
                    R"(payment order 2 (number "1234567"): number: "1234567" is not 1 to 6 digits)"},
        InvalidCase{"NumberNotDigits", [](auto& o) { o.number = "12A"; },
                    R"(payment order 2 (number "12A"): number: "12A" is not 1 to 6 digits)"},
        InvalidCase{"NumberWithSpace", [](auto& o) { o.number = " 12"; },
                    R"(payment order 2 (number " 12"): number: " 12" is not 1 to 6 digits)"},
        InvalidCase{"NumberNegative", [](auto& o) { o.number = "-12"; },
                    R"(payment order 2 (number "-12"): number: "-12" is not 1 to 6 digits)"},
        InvalidCase{"NumberZero", [](auto& o) { o.number = "000"; },
                    R"(payment order 2 (number "000"): number: is zero)"},
        InvalidCase{"NumberLineBreak", [](auto& o) { o.number = "10\n46"; },
                    R"(payment order 2 (number "10\x0A46"): number: "10\x0A46" holds a control character (U+000A))"},
        InvalidCase{"DateNotACalendarDate", [](auto& o) { o.date = 2026y / February / 29; },
                    kOrder2 + "date: is not a calendar date"},
        InvalidCase{"DateYearZero", [](auto& o) { o.date = year{0} / January / 1; },
                    kOrder2 + "date: the year 0 is not 1..9999"},
        InvalidCase{"DateYear10000", [](auto& o) { o.date = year{10000} / January / 1; },
                    kOrder2 + "date: the year 10000 is not 1..9999"},
        InvalidCase{"AmountZero", [](auto& o) { o.amount_minor = 0; }, kOrder2 + "amount_minor: 0 is not > 0"},
        InvalidCase{"AmountNegative", [](auto& o) { o.amount_minor = -100; },
                    kOrder2 + "amount_minor: -100 is not > 0"},
        InvalidCase{"AmountInt64Min", [](auto& o) { o.amount_minor = std::numeric_limits<std::int64_t>::min(); },
                    kOrder2 + "amount_minor: -9223372036854775808 is not > 0"},
        InvalidCase{"PayerNameEmpty", [](auto& o) { o.payer.name = ""; }, kOrder2 + "payer.name: is empty"},
        InvalidCase{"PayeeNameBlank", [](auto& o) { o.payee.name = "  "; }, kOrder2 + "payee.name: is empty"},
        InvalidCase{"PayeeNameTab", [](auto& o) { o.payee.name = "Иванова\tАнна"; },
                    kOrder2 + R"(payee.name: "Иванова\x09Анна" holds a control character (U+0009))"},
        InvalidCase{"PayeeNameDel", [](auto& o) { o.payee.name = "Иванова\x7F"; },
                    kOrder2 + R"(payee.name: "Иванова\x7F" holds a control character (U+007F))"},
        InvalidCase{"PayeeNameC1Control", [](auto& o) { o.payee.name = "Иванова\xC2\x85"; },
                    kOrder2 + R"(payee.name: "Иванова\xC2\x85" holds a control character (U+0085))"},
        InvalidCase{"PayeeNameInvalidUtf8", [](auto& o) { o.payee.name = "Ива\xC0\xAFнова"; },
                    kOrder2 + R"(payee.name: "Ива\xC0\xAFнова" is not valid UTF-8 (byte 0xC0 at offset 6))"},
        InvalidCase{"PayeeBankTruncatedUtf8", [](auto& o) { o.payee.bank = "АО \xD0"; },
                    kOrder2 + R"(payee.bank: "АО \xD0" is not valid UTF-8 (byte 0xD0 at offset 5))"},
        InvalidCase{"PayerInnEmpty", [](auto& o) { o.payer.inn = ""; }, kOrder2 + "payer.inn: is empty"},
        InvalidCase{"PayerInnNineDigits", [](auto& o) { o.payer.inn = "770207013"; },
                    kOrder2 +
                        R"(payer.inn: "770207013" is not a valid INN (10 or 12 digits, control digits checked))"},
        InvalidCase{"PayerInnBadControlDigit", [](auto& o) { o.payer.inn = "7702070138"; },
                    kOrder2 +
                        R"(payer.inn: "7702070138" is not a valid INN (10 or 12 digits, control digits checked))"},
        InvalidCase{"PayeeInnElevenDigits", [](auto& o) { o.payee.inn = "77071234563"; },
                    kOrder2 +
                        R"(payee.inn: "77071234563" is not a valid INN (10 or 12 digits, control digits checked))"},
        InvalidCase{"PayeeInnTwelveDigitsBadControl", [](auto& o) { o.payee.inn = "770712345634"; },
                    kOrder2 +
                        R"(payee.inn: "770712345634" is not a valid INN (10 or 12 digits, control digits checked))"},
        InvalidCase{"PayerKppShort", [](auto& o) { o.payer.kpp = "77020100"; },
                    kOrder2 + R"(payer.kpp: "77020100" is not a valid KPP (9 characters, NNNNXXNNN))"},
        InvalidCase{"PayeeKppLowerCase", [](auto& o) { o.payee.kpp = "7707ab001"; },
                    kOrder2 + R"(payee.kpp: "7707ab001" is not a valid KPP (9 characters, NNNNXXNNN))"},
        InvalidCase{"PayerAccountEmpty", [](auto& o) { o.payer.account = ""; }, kOrder2 + "payer.account: is empty"},
        InvalidCase{"PayerAccount19Digits", [](auto& o) { o.payer.account = "4070281023800000123"; },
                    kOrder2 + R"(payer.account: "4070281023800000123" is not 20 digits)"},
        InvalidCase{"PayeeAccount21Digits", [](auto& o) { o.payee.account = "408178100999100043120"; },
                    kOrder2 + R"(payee.account: "408178100999100043120" is not 20 digits)"},
        InvalidCase{"PayeeAccountWithSpaces", [](auto& o) { o.payee.account = "40817 810 0999100043"; },
                    kOrder2 + R"(payee.account: "40817 810 0999100043" is not 20 digits)"},
        InvalidCase{"PayeeAccountEmpty", [](auto& o) { o.payee.account = ""; }, kOrder2 + "payee.account: is empty"},
        InvalidCase{"PayerBicEmpty", [](auto& o) { o.payer.bic = ""; }, kOrder2 + "payer.bic: is empty"},
        InvalidCase{"PayerBicEightDigits", [](auto& o) { o.payer.bic = "04452522"; },
                    kOrder2 + R"(payer.bic: "04452522" is not 9 digits)"},
        InvalidCase{"PayeeBicLetter", [](auto& o) { o.payee.bic = "04452597A"; },
                    kOrder2 + R"(payee.bic: "04452597A" is not 9 digits)"},
        InvalidCase{"PayeeBicEmpty", [](auto& o) { o.payee.bic = ""; }, kOrder2 + "payee.bic: is empty"},
        InvalidCase{"PayerCorrespondentAccountShort", [](auto& o) { o.payer.correspondent_account = "301018104"; },
                    kOrder2 + R"(payer.correspondent_account: "301018104" is not 20 digits)"},
        InvalidCase{"PayeeCorrespondentAccountLetters",
                    [](auto& o) { o.payee.correspondent_account = "3010181014525000097O"; },
                    kOrder2 + R"(payee.correspondent_account: "3010181014525000097O" is not 20 digits)"},
        InvalidCase{"PurposeEmpty", [](auto& o) { o.purpose = ""; }, kOrder2 + "purpose: is empty"},
        InvalidCase{"PurposeBlank", [](auto& o) { o.purpose = " \t "; },
                    kOrder2 + R"(purpose: " \x09 " holds a control character (U+0009))"},
        InvalidCase{"PurposeSpaces", [](auto& o) { o.purpose = "   "; }, kOrder2 + "purpose: is empty"},
        InvalidCase{"Purpose211Characters", [](auto& o) { o.purpose = std::string(211, 'x'); },
                    kOrder2 + "purpose: is 211 characters long, more than 210"},
        InvalidCase{"Purpose211CyrillicCharacters",
                    [](auto& o) {
                      o.purpose.clear();
                      for (int i = 0; i < 211; ++i) o.purpose += "ж";
                    },
                    kOrder2 + "purpose: is 211 characters long, more than 210"},
        // A line break would let the purpose end the document and start another one in 1C.
        InvalidCase{"PurposeInjectsLines",
                    [](auto& o) { o.purpose = "Возврат\r\nКонецДокумента\r\nСекцияДокумент=Платежное поручение"; },
                    kOrder2 + R"(purpose: "Возврат\x0D\x0AКонецДокумента\x0D\x0AСекцияДокумент=Платежное поручение")"
                              R"( holds a control character (U+000D))"},
        InvalidCase{"PurposeNul", [](auto& o) { o.purpose = std::string("Возврат\0x", 16); },
                    kOrder2 + R"(purpose: "Возврат\x00x" holds a control character (U+0000))"},
        InvalidCase{"DuplicateNumber", [](auto& o) { o.number = "1045"; },
                    R"(payment order 2 (number "1045"): number: repeats payment order 1 of the same payer account)"
                    R"( and year)"},
        InvalidCase{"DuplicateNumberWithLeadingZeros", [](auto& o) { o.number = "001045"; },
                    R"(payment order 2 (number "001045"): number: repeats payment order 1 of the same payer)"
                    R"( account and year)"}),
    [](const testing::TestParamInfo<InvalidCase>& info) { return info.param.name; });

TEST(PaymentOrderTest, Purpose210CharactersIsAccepted) {
  auto o = payout();
  o.purpose.clear();
  for (int i = 0; i < 210; ++i) o.purpose += "ж";  // 420 bytes of UTF-8, 210 characters
  const std::string text = from_cp1251(to_one_c({o}, kCreated, "09:15:02"));
  EXPECT_NE(text.find("\r\nНазначениеПлатежа=" + o.purpose + "\r\n"), std::string::npos);
  EXPECT_EQ(read_csv(to_csv({o}))[1][15], o.purpose);
}

TEST(PaymentOrderTest, NoOrders) {
  EXPECT_EQ(invalid([] { to_one_c({}, kCreated, "09:15:02"); }), "no payment orders");
  EXPECT_EQ(invalid([] { to_csv({}); }), "no payment orders");
}

TEST(PaymentOrderTest, TheFirstInvalidOrderIsReported) {
  auto a = payout();
  a.payee.bic = "1";
  auto b = refund();
  b.amount_minor = 0;
  EXPECT_EQ(invalid([&] { to_csv({a, b}); }), R"(payment order 1 (number "1045"): payee.bic: "1" is not 9 digits)");
  auto c = payout();
  c.amount_minor = 0;  // amount comes before the requisites
  c.payee.bic = "1";
  EXPECT_EQ(invalid([&] { to_csv({c}); }), R"(payment order 1 (number "1045"): amount_minor: 0 is not > 0)");
}

TEST(PaymentOrderTest, ALongValueIsShortenedInTheMessage) {
  auto o = payout();
  o.payee.account = std::string(100, '4');
  EXPECT_EQ(invalid([&] { to_csv({o}); }),
            R"(payment order 1 (number "1045"): payee.account: ")" + std::string(60, '4') + R"(..." is not 20 digits)");
}

TEST(PaymentOrderTest, NumbersRepeatOnlyForTheSamePayerAccountAndYear) {
  auto a = payout();
  auto other_year = refund();
  other_year.number = a.number;
  other_year.date = 2027y / January / 11;
  auto other_account = refund();
  other_account.number = a.number;
  other_account.payer = kUsTbank;
  EXPECT_NO_THROW(to_one_c({a, other_year, other_account}, kCreated, "09:15:02"));
  EXPECT_NO_THROW(to_csv({a, other_year, other_account}));
  auto same = refund();
  same.number = "1045";
  same.date = 2026y / January / 1;  // same year, another day
  EXPECT_EQ(invalid([&] { to_csv({a, other_year, other_account, same}); }),
            R"(payment order 4 (number "1045"): number: repeats payment order 1 of the same payer account and year)");
}

TEST(PaymentOrderTest, SixDigitAndOneDigitNumbersAreAccepted) {
  auto a = payout();
  a.number = "999999";
  auto b = refund();
  b.number = "1";
  auto c = refund();
  c.number = "01";
  c.payer = kUsTbank;
  const std::string text = from_cp1251(to_one_c({a, b, c}, kCreated, "09:15:02"));
  EXPECT_NE(text.find("\r\nНомер=999999\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nНомер=1\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nНомер=01\r\n"), std::string::npos);
}

TEST(PaymentOrderTest, OneCCarriesRubOnly) {
  for (const std::string currency : {"USD", "rub", "RUR", "", "RUB "}) {
    SCOPED_TRACE(currency);
    auto o = refund();
    o.currency = currency;
    EXPECT_EQ(invalid([&] { to_one_c({payout(), o}, kCreated, "09:15:02"); }),
              kOrder2 + "currency: \"" + currency + "\": a 1CClientBankExchange file carries RUB only");
  }
}

TEST(PaymentOrderTest, CsvTakesAnyIso4217Currency) {
  auto o = refund();
  o.currency = "EUR";
  EXPECT_EQ(read_csv(to_csv({o}))[1][3], "EUR");
  for (const std::string currency : {"rub", "XYZ", "RUR", "", "EURO"}) {
    SCOPED_TRACE(currency);
    o.currency = currency;
    EXPECT_EQ(invalid([&] { to_csv({payout(), o}); }),
              kOrder2 + "currency: \"" + currency + "\" is not an ISO 4217 currency code");
  }
}

TEST(PaymentOrderTest, OneCRefusesCharactersOutsideWindows1251) {
  auto o = refund();
  o.payee.name = "Zoë Müller";  // ë is not in Windows-1251 (ё is)
  EXPECT_EQ(invalid([&] { to_one_c({payout(), o}, kCreated, "09:15:02"); }),
            kOrder2 + R"(payee.name: "Zoë Müller" holds U+00EB, which Windows-1251 cannot encode)");
  o = refund();
  o.payee.bank = "Банк 🛫";
  EXPECT_EQ(invalid([&] { to_one_c({payout(), o}, kCreated, "09:15:02"); }),
            kOrder2 + R"(payee.bank: "Банк 🛫" holds U+1F6EB, which Windows-1251 cannot encode)");
  o = refund();
  o.payer.name = "ООО 中文";
  EXPECT_EQ(invalid([&] { to_one_c({payout(), o}, kCreated, "09:15:02"); }),
            kOrder2 + R"(payer.name: "ООО 中文" holds U+4E2D, which Windows-1251 cannot encode)");
  o = refund();
  o.purpose = "Возврат ≈ 100 ₽";
  EXPECT_EQ(invalid([&] { to_one_c({payout(), o}, kCreated, "09:15:02"); }),
            kOrder2 + R"(purpose: "Возврат ≈ 100 ₽" holds U+2248, which Windows-1251 cannot encode)");
}

TEST(PaymentOrderTest, OneCEncodesWhatWindows1251Has) {
  auto o = refund();
  o.payee.name = "Пётр Ёлкин";
  o.purpose = "Возврат — «ёлка» № 5 € † ‰ ™";
  const std::string file = to_one_c({o}, kCreated, "09:15:02");
  const std::string text = from_cp1251(file);
  EXPECT_NE(text.find("\r\nПолучатель1=Пётр Ёлкин\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nНазначениеПлатежа=Возврат — «ёлка» № 5 € † ‰ ™\r\n"), std::string::npos);
}

TEST(PaymentOrderTest, CsvTakesAnyUtf8) {
  auto o = refund();
  o.payee.name = "Zoë Müller 🛫 中文";
  o.purpose = "Возврат ≈ 100 ₽";
  const auto csv = read_csv(to_csv({o}));
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_EQ(csv[1][8], "Zoë Müller 🛫 中文");
  EXPECT_EQ(csv[1][15], "Возврат ≈ 100 ₽");
}

TEST(PaymentOrderTest, ReferenceIsCheckedForCsvOnly) {
  auto o = refund();
  o.reference = "refund\xFF";
  EXPECT_EQ(invalid([&] { to_csv({payout(), o}); }),
            kOrder2 + R"(reference: "refund\xFF" is not valid UTF-8 (byte 0xFF at offset 6))");
  EXPECT_NO_THROW(to_one_c({payout(), o}, kCreated, "09:15:02"));  // not written to 1C
  o.reference = "é 🛫";  // not in Windows-1251, but not written to 1C either
  EXPECT_NO_THROW(to_one_c({o}, kCreated, "09:15:02"));
  const std::string text = from_cp1251(to_one_c({refund()}, kCreated, "09:15:02"));
  EXPECT_EQ(text.find(refund().reference), std::string::npos);
}

TEST(PaymentOrderTest, CreatedDateAndTimeAreChecked) {
  const std::vector<PaymentOrder> orders{payout()};
  EXPECT_EQ(invalid([&] { to_one_c(orders, 2026y / February / 30, "09:15:02"); }),
            "created: not a calendar date in years 1..9999");
  EXPECT_EQ(invalid([&] { to_one_c(orders, year{10000} / 1 / 1, "09:15:02"); }),
            "created: not a calendar date in years 1..9999");
  for (const std::string time : {"9:15:02", "24:00:00", "09:60:00", "09:15:60", "09:15", "09:15:02 ", "09-15-02",
                                 "", "0a:15:02", "+9:15:02"}) {
    SCOPED_TRACE(time);
    EXPECT_EQ(invalid([&] { to_one_c(orders, kCreated, time); }),
              "created_time: \"" + time + "\" is not a time HH:MM:SS");
  }
  EXPECT_NO_THROW(to_one_c(orders, kCreated, "00:00:00"));
  EXPECT_NO_THROW(to_one_c(orders, kCreated, "23:59:59"));
}

// ---- CSV -------------------------------------------------------------------------------------

TEST(PaymentOrderTest, CsvExactText) {
  auto o = payout();
  o.purpose = "Перечисление по договору № 17/2026. Без НДС";
  const std::string expected =
      "number,date,amount,currency,payer_name,payer_inn,payer_account,payer_bic,payee_name,payee_inn,payee_kpp,"
      "payee_account,payee_bank,payee_bic,payee_correspondent_account,purpose,reference\r\n"
      R"(1045,2026-11-23,1843250.75,RUB,"ООО ""СКАЙБИЛЛ""",7702070139,40702810238000001234,044525225,)"
      R"("АО ""ДЕМО АВИАЛИНИИ""",7707083893,770701001,40702810401300077777,АО «АЛЬФА-БАНК»,044525593,)"
      "30101810200000000593,Перечисление по договору № 17/2026. Без НДС,payout_01JD5K2W7Q\r\n"
      "1046,2026-11-23,12500.00,RUB,\"ООО \"\"СКАЙБИЛЛ\"\"\",7702070139,40702810238000001234,044525225,"
      "Иванова Анна Сергеевна,770712345633,,40817810099910004312,АО «ТБанк»,044525974,30101810145250000974,"
      "\"Возврат за авиабилет 555-2412345678, заказ SB-2026-000123. Без НДС\",refund_01JD5K3A1B\r\n";
  EXPECT_EQ(to_csv({o, refund()}), expected);
}

TEST(PaymentOrderTest, CsvHeaderAndRecordsReadBack) {
  const auto csv = read_csv(to_csv({payout(), refund()}));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], kCsvHeader);
  const auto o = refund();
  EXPECT_EQ(csv[2], (std::vector<std::string>{o.number, "2026-11-23", "12500.00", "RUB", o.payer.name, o.payer.inn,
                                              o.payer.account, o.payer.bic, o.payee.name, o.payee.inn, o.payee.kpp,
                                              o.payee.account, o.payee.bank, o.payee.bic,
                                              o.payee.correspondent_account, o.purpose, o.reference}));
}

TEST(PaymentOrderTest, CsvDatesArePaddedIso) {
  auto o = payout();
  o.date = 2027y / January / 5;
  EXPECT_EQ(read_csv(to_csv({o}))[1][1], "2027-01-05");
}

TEST(PaymentOrderTest, CsvQuotesCommaQuoteCrAndLf) {
  auto o = refund();
  o.payee.name = R"(ООО "ВЕКТОР")";
  o.purpose = "Возврат, заказ 5";
  o.reference = "line1\r\nline2";
  std::string csv = to_csv({o});
  EXPECT_NE(csv.find(R"(,"ООО ""ВЕКТОР""",)"), std::string::npos);
  EXPECT_NE(csv.find(",\"Возврат, заказ 5\","), std::string::npos);
  EXPECT_NE(csv.find(",\"line1\r\nline2\"\r\n"), std::string::npos);
  o.reference = "a\rb";
  EXPECT_NE(to_csv({o}).find(",\"a\rb\"\r\n"), std::string::npos);
  o.reference = "a\nb";
  EXPECT_NE(to_csv({o}).find(",\"a\nb\"\r\n"), std::string::npos);
  o.reference = "\"";
  EXPECT_NE(to_csv({o}).find(",\"\"\"\"\r\n"), std::string::npos);
  o.reference = "plain;semi colon\ttab";  // nothing to quote
  EXPECT_NE(to_csv({o}).find(",plain;semi colon\ttab\r\n"), std::string::npos);
  o.reference = "";
  EXPECT_EQ(to_csv({o}).substr(to_csv({o}).size() - 3), ",\r\n");
}

TEST(PaymentOrderTest, CsvGuardsAgainstFormulas) {
  struct Case {
    std::string value, cell;
  };
  for (const auto& [value, cell] : std::vector<Case>{
           {R"x(=HYPERLINK("http://evil.example","x"))x", R"x("'=HYPERLINK(""http://evil.example"",""x"")")x"},
           {"=1+2", "'=1+2"},
           {"+79990000000", "'+79990000000"},
           {"-5", "'-5"},
           {"@SUM(A1:A9)", "'@SUM(A1:A9)"},
           {"\tcmd", "'\tcmd"},
           {"\r=1", "\"'\r=1\""},
           {"=1,2", "\"'=1,2\""},
           {"a=1", "a=1"},
           {"'=1", "'=1"},
           {" =1", " =1"},
       }) {
    SCOPED_TRACE(value);
    auto o = refund();
    o.reference = value;
    const std::string csv = to_csv({o});
    EXPECT_EQ(csv.substr(csv.rfind(',', csv.size() - cell.size() - 2) + 1), cell + "\r\n");
    EXPECT_EQ(read_csv(csv)[1][16], cell.front() == '"' ? "'" + value : cell);
  }
  // Every text column is guarded, not only the reference.
  auto o = refund();
  o.payee.name = "=cmd|' /C calc'!A0";
  o.payee.bank = "+банк";
  o.purpose = "-10% скидка, возврат";
  o.payer.name = "@ООО";
  const auto cells = read_csv(to_csv({o}))[1];
  EXPECT_EQ(cells[4], "'@ООО");
  EXPECT_EQ(cells[8], "'=cmd|' /C calc'!A0");
  EXPECT_EQ(cells[12], "'+банк");
  EXPECT_EQ(cells[15], "'-10% скидка, возврат");
}

TEST(PaymentOrderTest, CsvReadsBackManyAwkwardValues) {
  std::vector<PaymentOrder> orders;
  const std::vector<std::string> refs{"", ",", "\"\"", "a,\"b\"\r\nc", "\n", "x\r", "ß"};
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto o = refund();
    o.number = std::to_string(i + 1);
    o.reference = refs[i];
    o.purpose = "Возврат \"" + std::to_string(i) + "\", часть " + std::to_string(i);
    orders.push_back(o);
  }
  const auto csv = read_csv(to_csv(orders));
  ASSERT_EQ(csv.size(), orders.size() + 1);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    SCOPED_TRACE(i);
    ASSERT_EQ(csv[i + 1].size(), kCsvHeader.size());
    EXPECT_EQ(csv[i + 1][0], orders[i].number);
    EXPECT_EQ(csv[i + 1][15], orders[i].purpose);
    EXPECT_EQ(csv[i + 1][16], orders[i].reference);
  }
}

// ---- Round trip through the statement parser ---------------------------------------------------

namespace {

void expect_outgoing(const skybill::statements::Document& d, const PaymentOrder& o, const std::string& value_date) {
  SCOPED_TRACE("order " + o.number);
  const auto iso = [](year_month_day ymd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return std::string(buf);
  };
  EXPECT_EQ(d.direction, skybill::statements::Direction::outgoing);
  EXPECT_EQ(d.number, o.number);
  EXPECT_EQ(d.date, iso(o.date));
  EXPECT_EQ(d.amount_minor, o.amount_minor);
  EXPECT_EQ(d.currency, "RUB");
  EXPECT_EQ(d.value_date, value_date);
  EXPECT_EQ(d.purpose, o.purpose);
  EXPECT_EQ(d.kind, "Платежное поручение");
  for (const auto& [party, req, which] : {std::tuple{&d.payer, &o.payer, "payer"}, {&d.payee, &o.payee, "payee"}}) {
    SCOPED_TRACE(which);
    EXPECT_EQ(party->account, req->account);
    EXPECT_EQ(party->name, req->name);
    EXPECT_EQ(party->inn, req->inn);
    EXPECT_EQ(party->kpp, req->kpp);
    EXPECT_EQ(party->bic, req->bic);
    EXPECT_EQ(party->bank, req->bank);
  }
}

}  // namespace

TEST(PaymentOrderTest, RoundTripThroughTheStatementParser) {
  auto a = payout();
  auto b = refund();
  b.date = 2026y / November / 20;
  b.amount_minor = 1;
  const std::vector<PaymentOrder> orders{a, b};
  const std::string file = to_one_c(orders, kCreated, "09:15:02");
  const auto st = skybill::statements::parse(as_statement(file, "24.11.2026"), {kSber});
  EXPECT_EQ(st.format, skybill::statements::Format::one_c);
  EXPECT_EQ(st.encoding, "windows-1251");
  EXPECT_EQ(st.account, kSber);
  EXPECT_EQ(st.period_from, "2026-11-20");
  EXPECT_EQ(st.period_to, "2026-11-23");
  ASSERT_EQ(st.documents.size(), 2u);
  expect_outgoing(st.documents[0], a, "2026-11-24");
  expect_outgoing(st.documents[1], b, "2026-11-24");
  EXPECT_EQ(st.documents[0].line, 12);  // the СекцияДокумент right after the 11 header lines
}

TEST(PaymentOrderTest, UnexecutedOrdersAreNotInTheStatement) {
  // Without ДатаСписано the parser reads the orders as not executed yet: valid file, no documents.
  const auto st = skybill::statements::parse(to_one_c({payout(), refund()}, kCreated, "09:15:02"), {kSber});
  EXPECT_EQ(st.account, kSber);
  EXPECT_TRUE(st.documents.empty());
}

TEST(PaymentOrderTest, RoundTripPerPayerAccount) {
  auto a = payout();
  auto b = refund();
  b.payer = kUsTbank;
  auto c = refund();
  c.number = "1047";
  const std::string statement = as_statement(to_one_c({a, b, c}, kCreated, "09:15:02"));
  const auto sber = skybill::statements::parse(statement, {kSber});
  ASSERT_EQ(sber.documents.size(), 2u);
  expect_outgoing(sber.documents[0], a, "2026-11-23");
  expect_outgoing(sber.documents[1], c, "2026-11-23");
  const auto tbank = skybill::statements::parse(statement, {kTbank});
  ASSERT_EQ(tbank.documents.size(), 1u);
  expect_outgoing(tbank.documents[0], b, "2026-11-23");
  // Both of our accounts in one file is what the parser refuses for a statement.
  EXPECT_THROW(skybill::statements::parse(statement, {kSber, kTbank}), skybill::statements::ParseError);
}

TEST(PaymentOrderTest, RoundTripOfExtremeAmountsAndTexts) {
  auto a = payout();
  a.amount_minor = std::numeric_limits<std::int64_t>::max();
  a.number = "999999";
  a.purpose.clear();
  for (int i = 0; i < 210; ++i) a.purpose += "Ё";
  auto b = refund();
  b.number = "1";
  b.payee.name = R"(ИП Пётр "Ёлкин" = «ёлка»)";
  b.payee.kpp.clear();
  b.payee.bank.clear();
  b.payee.correspondent_account.clear();
  b.purpose = "=1+2; НазначениеПлатежа1=не ключ, № 5 — € ‰";
  const auto st = skybill::statements::parse(as_statement(to_one_c({a, b}, kCreated, "09:15:02")), {kSber});
  ASSERT_EQ(st.documents.size(), 2u);
  expect_outgoing(st.documents[0], a, "2026-11-23");
  expect_outgoing(st.documents[1], b, "2026-11-23");
}

TEST(PaymentOrderTest, RoundTripOfManyRandomOrders) {
  std::mt19937_64 rng(20261124);
  const std::string alphabet[] = {"А", "б", "в", "Ж", "ё", "Ё", "я", "Я", "z", "Q", "0", "9", " ", ",", ".", ";",
                                  ":", "№", "«", "»", "\"", "'", "=", "-", "+", "(", ")", "/", "%", "—", "€", "@"};
  const Requisites payees[] = {kAirline, kPassenger, kUsTbank};
  std::vector<PaymentOrder> orders;
  std::set<int> numbers;
  for (int i = 0; i < 300; ++i) {
    PaymentOrder o;
    int number;
    do number = static_cast<int>(rng() % 999'999) + 1;
    while (!numbers.insert(number).second);
    o.number = std::to_string(number);
    o.date = sys_days{2026y / January / 1} + days{static_cast<int>(rng() % 365)};
    switch (rng() % 3) {
      case 0: o.amount_minor = static_cast<std::int64_t>(rng() % 100) + 1; break;
      case 1: o.amount_minor = static_cast<std::int64_t>(rng() % 100'000'000'000) + 1; break;
      default: o.amount_minor = static_cast<std::int64_t>(rng() >> 1) + 1; break;  // up to INT64_MAX
    }
    o.payer = kUsSber;
    o.payee = payees[rng() % 3];
    const auto length = rng() % 210 + 1;
    for (std::size_t k = 0; k < length; ++k) o.purpose += alphabet[rng() % std::size(alphabet)];
    // The parser trims values: a purpose starting or ending with a space would not come back as is.
    if (o.purpose.front() == ' ') o.purpose.front() = 'x';
    if (o.purpose.back() == ' ') o.purpose.back() = 'x';
    orders.push_back(std::move(o));
  }
  const auto st = skybill::statements::parse(as_statement(to_one_c(orders, kCreated, "09:15:02")), {kSber});
  ASSERT_EQ(st.documents.size(), orders.size());
  for (std::size_t i = 0; i < orders.size(); ++i) expect_outgoing(st.documents[i], orders[i], "2026-11-23");
  // The CSV of the same orders reads back cell for cell.
  const auto csv = read_csv(to_csv(orders));
  ASSERT_EQ(csv.size(), orders.size() + 1);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto& p = orders[i].purpose;
    const bool guarded = p.front() == '=' || p.front() == '+' || p.front() == '-' || p.front() == '@';
    EXPECT_EQ(csv[i + 1][15], guarded ? "'" + p : p);
    const auto minor = orders[i].amount_minor;
    const auto kopecks = std::to_string(minor % 100);
    EXPECT_EQ(csv[i + 1][2], std::to_string(minor / 100) + (minor % 100 < 10 ? ".0" : ".") + kopecks);
  }
}
