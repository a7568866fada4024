// statements::parse_1c: the fixtures field by field, encodings, structure errors, amounts.
#include <iconv.h>

#include <limits>
#include <memory>

#include "test_support.hpp"

using namespace statements_test;

namespace {

const Party kUsSber{R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kSber, "044525225", "ПАО СБЕРБАНК г. Москва"};
const Party kRomashkaVtb{R"(ООО "РОМАШКА")", "7728168971", "772801001", kRomashkaAcc, "044525187",
                         "БАНК ВТБ (ПАО) г. Москва"};

// The bytes of `text` converted between encodings with glibc's iconv.
std::string convert(const std::string& text, const char* from, const char* to) {
  const iconv_t cd = iconv_open(to, from);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(text.size() * 4, '\0');
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size(), out_left = out.size();
  char* o = out.data();
  EXPECT_NE(iconv(cd, &in, &in_left, &o, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// A small UTF-8 1C file for our Sberbank account with the given document lines.
std::string one_c_file(const std::string& documents) {
  return "1CClientBankExchange\n"
         "ВерсияФормата=1.03\n"
         "Кодировка=Windows\n"
         "РасчСчет=" + kSber + "\n" + documents + "КонецФайла\n";
}

// One incoming payment order to our Sberbank account; `amount_line` is its Сумма line (line 8
// when it is the first document of one_c_file).
std::string incoming(const std::string& amount_line, const std::string& number = "1") {
  return "СекцияДокумент=Платежное поручение\n"
         "Номер=" + number + "\n"
         "Дата=20.11.2026\n" + amount_line + "\n"
         "ПлательщикСчет=" + kRomashkaAcc + "\n"
         "ПолучательСчет=" + kSber + "\n"
         "ДатаПоступило=20.11.2026\n"
         "КонецДокумента\n";
}

std::optional<ParseError> one_c_error(const std::string& file, const std::vector<std::string>& own = kOwn) {
  return parse_error([&] { parse_1c(file, own); });
}

}  // namespace

// ---- The fixtures, every field ----------------------------------------------------------------

TEST(OneCFixtures, SberbankCp1251Crlf) {
  const auto st = parse_1c(fixture("sberbank_cp1251_crlf.txt"), kOwn);
  EXPECT_EQ(st.format, Format::one_c);
  EXPECT_EQ(st.account, kSber);
  EXPECT_EQ(st.period_from, "2026-11-20");
  EXPECT_EQ(st.period_to, "2026-11-23");
  EXPECT_EQ(st.encoding, "windows-1251");
  // Document 513 touches our account but has neither date: not executed, skipped.
  expect_documents(
      st.documents,
      {
          {"512", "2026-11-20", 1'200'000, "RUB", Direction::incoming, "2026-11-20", kRomashkaVtb, kUsSber,
           "Оплата по счету № SB-2026-000123 от 20.11.2026, в т.ч. НДС (10%) 1090.91 руб.", "Платежное поручение",
           22, ""},
          // Only ПлательщикРасчСчет / ПолучательРасчСчет, and an amount without decimals.
          {"77", "2026-11-19", 3'642'000, "RUB", Direction::incoming, "2026-11-21",
           {R"(ООО "ВЕКТОР")", "5027012348", "502701001", kVektorAcc, "044525225", "ПАО СБЕРБАНК г. Москва"}, kUsSber,
           "Оплата по счету № SB-2026-000131 от 19.11.2026 за авиабилеты, в т.ч. НДС (22%) 6567.54 руб.",
           "Платежное поручение", 62, ""},
      });
}

TEST(OneCFixtures, TinkoffUtf8LfLabelledWindows) {
  const auto st = parse_1c(fixture("tinkoff_utf8_lf.txt"), kOwn);
  EXPECT_EQ(st.format, Format::one_c);
  EXPECT_EQ(st.account, kTbank);
  EXPECT_EQ(st.period_from, "2026-11-22");
  EXPECT_EQ(st.period_to, "2026-11-23");
  EXPECT_EQ(st.encoding, "utf-8");  // the header says Windows: the bytes say otherwise
  const Party us{R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kTbank, "044525974", "АО «ТБанк»"};
  expect_documents(
      st.documents,
      {
          {"1045", "2026-11-21", 750'050, "RUB", Direction::incoming, "2026-11-22",
           {R"(ООО "СЕВЕРНЫЙ ВЕТЕР")", "7715013579", "771501001", kVeterAcc, "044525974", "АО «ТБанк»"}, us,
           "Оплата по счету № SB-2026-000140 от 21.11.2026. Без НДС", "Платежное поручение", 21, ""},
          {"318", "2026-11-23", 1'950'000, "RUB", Direction::outgoing, "2026-11-23", us,
           {R"(АО "ДЕМО АВИАЛИНИИ")", "7707083893", "770701001", kAirlineAcc, "044525593", "АО «АЛЬФА-БАНК»"},
           "Перечисление по агентскому договору № 17/2026 за период 16.11.2026-22.11.2026. Без НДС",
           "Платежное поручение", 46, ""},
      });
}

TEST(OneCFixtures, AlfaCp866MixedLineEndings) {
  const auto st = parse_1c(fixture("alfa_cp866_dos_mixed.txt"), kOwn);
  EXPECT_EQ(st.account, kAlfa);
  EXPECT_EQ(st.period_from, "2026-11-23");
  EXPECT_EQ(st.period_to, "2026-11-23");
  EXPECT_EQ(st.encoding, "cp866");
  const std::string alfa_bank = R"(ФИЛИАЛ "ЕКАТЕРИНБУРГСКИЙ" АО "АЛЬФА-БАНК")";
  expect_documents(
      st.documents,
      {
          {"4410", "2026-11-23", 2'400'000, "RUB", Direction::incoming, "2026-11-23", kRomashkaVtb,
           {R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kAlfa, "046577964", alfa_bank + " г. Екатеринбург"},
           "Оплата по счету №SB-2026-000144 от 22.11.2026 (перелёт Екатеринбург-Москва), в т.ч. НДС (10%) "
           "2181.82 руб.",
           "Платежное поручение", 19, ""},
          {"15", "2026-11-22", 399'999, "RUB", Direction::incoming, "2026-11-23",
           {R"(ООО "ВЕКТОР")", "5027012348", "502701001", kVektorAcc, "044525225", "ПАО СБЕРБАНК"},
           {R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kAlfa, "046577964", alfa_bank},
           "Сбор за изменение бронирования SB-2026-000131. Без НДС", "Платежное требование", 45, ""},
      });
}

TEST(OneCFixtures, SberbankOrdersUtf8BomCrlf) {
  const auto st = parse_1c(fixture("sberbank_orders_utf8_bom_crlf.txt"), kOwn);
  EXPECT_EQ(st.account, kSber);
  EXPECT_EQ(st.period_from, "2026-11-23");
  EXPECT_EQ(st.period_to, "2026-11-23");
  EXPECT_EQ(st.encoding, "utf-8");
  const Party us{R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kSber, "044525225", "ПАО СБЕРБАНК"};
  Party us_without_kpp = us;
  us_without_kpp.kpp = "";  // ПлательщикКПП= is empty in the bank order
  // Document 9 (other people's accounts, a malformed amount) is skipped unchecked; 2240 has no dates.
  expect_documents(
      st.documents,
      {
          {"90021", "2026-11-23", 49'000, "RUB", Direction::outgoing, "2026-11-23", us_without_kpp,
           {"ПАО СБЕРБАНК", "7736520080", "773601001", kSberIncomeAcc, "044525225", "ПАО СБЕРБАНК"},
           "Комиссия за ведение счета за ноябрь 2026 г. Без НДС", "Банковский ордер", 21, ""},
          {"319", "2026-11-23", 10'000'000, "RUB", Direction::outgoing, "2026-11-23", us,
           {R"(АО "ДЕМО АВИАЛИНИИ")", "7707083893", "770701001", kAirlineAcc, "044525593", R"(АО "АЛЬФА-БАНК")"},
           "Перечисление средств по агентскому договору № 17/2026 от 01.02.2026 за период "
           "16.11.2026-22.11.2026, реестр № 47. Без НДС",
           "Платежное поручение", 46, ""},
          // НазначениеПлатежа1..2 only repeat НазначениеПлатежа split in two; '=' inside a value.
          {"2231", "2026-11-23", 1'500'000, "RUB", Direction::incoming, "2026-11-23",
           {R"(ООО "СЕВЕРНЫЙ ВЕТЕР")", "7715013579", "771501001", kVeterAcc, "044525974", "АО «ТБанк»"}, us,
           "Оплата по счету № SB-2026-000150 от 22.11.2026; ref=SB2026000150=1. Без НДС", "Платежное поручение", 73,
           ""},
      });
}

TEST(OneCFixtures, ParseDetectsTheFormat) {
  for (const char* name : {"sberbank_cp1251_crlf.txt", "tinkoff_utf8_lf.txt", "alfa_cp866_dos_mixed.txt",
                           "sberbank_orders_utf8_bom_crlf.txt"}) {
    SCOPED_TRACE(name);
    const auto file = fixture(name);
    const auto via_parse = parse(file, kOwn);
    EXPECT_EQ(via_parse.format, Format::one_c);
    const auto direct = parse_1c(file, kOwn);
    ASSERT_EQ(via_parse.documents.size(), direct.documents.size());
    for (std::size_t i = 0; i < direct.documents.size(); ++i)
      EXPECT_EQ(document_key(via_parse.documents[i]), document_key(direct.documents[i]));
  }
}

// ---- Encodings and re-exports --------------------------------------------------------------------

TEST(OneCEncoding, ReExportInUtf8WithBomAndLfGivesTheSameDocumentsAndKeys) {
  const auto original = fixture("sberbank_cp1251_crlf.txt");
  const auto utf8_lf = "\xEF\xBB\xBF" + replaced_all(convert(original, "CP1251", "UTF-8"), "\r\n", "\n");
  const auto a = parse(original, kOwn), b = parse(utf8_lf, kOwn);
  EXPECT_EQ(a.encoding, "windows-1251");
  EXPECT_EQ(b.encoding, "utf-8");
  ASSERT_EQ(a.documents.size(), 2u);
  expect_documents(b.documents, a.documents);
  EXPECT_EQ(document_key(a.documents[0]), "512|2026-11-20|" + kRomashkaAcc + "|1200000|incoming");
  EXPECT_EQ(document_key(b.documents[0]), document_key(a.documents[0]));
  EXPECT_EQ(document_key(b.documents[1]), document_key(a.documents[1]));
}

TEST(OneCEncoding, ReExportInCp866GivesTheSameKeys) {
  const auto utf8 = convert(fixture("sberbank_cp1251_crlf.txt"), "CP1251", "UTF-8");
  const auto dos = convert(replaced(utf8, "Кодировка=Windows", "Кодировка=DOS"), "UTF-8", "CP866");
  const auto a = parse(fixture("sberbank_cp1251_crlf.txt"), kOwn), b = parse(dos, kOwn);
  EXPECT_EQ(b.encoding, "cp866");
  ASSERT_EQ(b.documents.size(), a.documents.size());
  for (std::size_t i = 0; i < a.documents.size(); ++i)
    EXPECT_EQ(document_key(b.documents[i]), document_key(a.documents[i]));
  expect_documents(b.documents, a.documents);
}

TEST(OneCEncoding, AWrongKodirovkaValueDoesNotMatter) {
  // CP1251 bytes labelled DOS: the key's own bytes show the file is CP1251.
  const auto cp1251 = fixture("sberbank_cp1251_crlf.txt");
  const auto lying = replaced(cp1251, "=Windows", "=DOS");
  const auto st = parse_1c(lying, kOwn);
  EXPECT_EQ(st.encoding, "windows-1251");
  expect_documents(st.documents, parse_1c(cp1251, kOwn).documents);
  // And CP866 bytes labelled Windows.
  const auto cp866 = fixture("alfa_cp866_dos_mixed.txt");
  const auto st866 = parse_1c(replaced(cp866, "=DOS", "=Windows"), kOwn);
  EXPECT_EQ(st866.encoding, "cp866");
  expect_documents(st866.documents, parse_1c(cp866, kOwn).documents);
}

TEST(OneCEncoding, WithoutKodirovkaTheOtherKeysTellTheEncoding) {
  // No Кодировка line at all: КонецФайла in CP866 bytes gives it away (the default would be CP1251).
  const auto utf8 = convert(fixture("alfa_cp866_dos_mixed.txt"), "CP866", "UTF-8");
  const auto without = convert(replaced(utf8, "Кодировка=DOS\r\n", "\r\n"), "UTF-8", "CP866");
  const auto st = parse_1c(without, kOwn);
  EXPECT_EQ(st.encoding, "cp866");
  expect_documents(st.documents, parse_1c(fixture("alfa_cp866_dos_mixed.txt"), kOwn).documents);
}

TEST(OneCEncoding, AByteOutsideWindows1251IsAnErrorOnItsLine) {
  // 0x98 is the one byte CP1251 leaves undefined; put it in the purpose of document 512 (line 60).
  const auto file = replaced(fixture("sberbank_cp1251_crlf.txt"), "SB-2026-000123", "SB-2026-\x98");
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 60");
  EXPECT_NE(std::string(e->what()).find("0x98"), std::string::npos) << e->what();
}

TEST(OneCEncoding, InvalidUtf8AfterABomIsAnErrorOnItsLine) {
  const auto file = "\xEF\xBB\xBF" + one_c_file(incoming("Сумма=1.00\xC3"));
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 8");
}

// ---- Structure ---------------------------------------------------------------------------------

TEST(OneCStructure, FirstLineMustBe1CClientBankExchange) {
  const auto file = replaced(fixture("tinkoff_utf8_lf.txt"), "1CClientBankExchange", "1CClientBankExchang");
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 1");
  const auto blank_first = one_c_error("\n" + fixture("tinkoff_utf8_lf.txt"));
  ASSERT_TRUE(blank_first);
  EXPECT_EQ(blank_first->where, "line 1");
  EXPECT_TRUE(one_c_error(""));
  // parse() does not recognise it either.
  const auto via_parse = parse_error([&] { parse(file, kOwn); });
  ASSERT_TRUE(via_parse);
  EXPECT_EQ(via_parse->where, "line 1");
}

TEST(OneCStructure, DocumentWithoutKonecDokumenta) {
  // The first document (line 21) runs into the second СекцияДокумент.
  const auto file = replaced(fixture("tinkoff_utf8_lf.txt"), "КонецДокумента\n", "");
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 21");
  EXPECT_STREQ(e->what(), "line 21: СекцияДокумент without КонецДокумента");
  // The last document runs into КонецФайла.
  const auto last = one_c_error(replaced(fixture("tinkoff_utf8_lf.txt"), "КонецДокумента\nКонецФайла", "КонецФайла"));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->where, "line 46");
}

TEST(OneCStructure, MissingKonecFailaIsATruncatedFile) {
  const auto file = replaced(fixture("tinkoff_utf8_lf.txt"), "КонецФайла\n", "");
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 69");  // the last line there is
  EXPECT_NE(std::string(e->what()).find("truncated file"), std::string::npos) << e->what();
  // Cut in the middle of a document.
  const auto full = fixture("sberbank_cp1251_crlf.txt");
  const auto cut = one_c_error(full.substr(0, full.size() / 2));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->where, "line 22");
  EXPECT_NE(std::string(cut->what()).find("truncated file"), std::string::npos) << cut->what();
}

TEST(OneCStructure, BlankLinesUnknownKeysAndLinesAfterKonecFailaAreIgnored) {
  const auto file = one_c_file("\n\r\nНеизвестныйКлюч=1\n" + incoming("Сумма=5.00") + "\n") + "мусор после конца\n";
  const auto st = parse_1c(file, kOwn);
  ASSERT_EQ(st.documents.size(), 1u);
  EXPECT_EQ(st.documents[0].line, 8);
  EXPECT_EQ(st.documents[0].amount_minor, 500);
  EXPECT_EQ(st.period_from, "");
  EXPECT_EQ(st.period_to, "");
}

TEST(OneCStructure, LoneCarriageReturnsEndLinesToo) {
  const auto file = replaced_all(one_c_file(incoming("Сумма=5.00")), "\n", "\r");
  const auto st = parse_1c(file, kOwn);
  ASSERT_EQ(st.documents.size(), 1u);
  EXPECT_EQ(st.documents[0].line, 5);
}

// ---- Our account ---------------------------------------------------------------------------------

TEST(OneCAccount, AStatementForAnotherAccountIsRefused) {
  const auto e = one_c_error(fixture("tinkoff_utf8_lf.txt"), {kSber, kAlfa});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 10");
  EXPECT_STREQ(e->what(), "line 10: statement is for account 40702810610000012345, not ours");
}

TEST(OneCAccount, AFileForSeveralOfOurAccountsIsRefused) {
  const auto file = replaced(fixture("tinkoff_utf8_lf.txt"), "РасчСчет=" + kTbank + "\nСекцияРасчСчет",
                             "РасчСчет=" + kTbank + "\nРасчСчет=" + kSber + "\nСекцияРасчСчет");
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 11");
  // Listing an account that is not ours beside ours is fine.
  const auto other = replaced(fixture("tinkoff_utf8_lf.txt"), "РасчСчет=" + kTbank + "\nСекцияРасчСчет",
                              "РасчСчет=" + kTbank + "\nРасчСчет=" + kVektorAcc + "\nСекцияРасчСчет");
  EXPECT_EQ(parse_1c(other, kOwn).documents.size(), 2u);
}

TEST(OneCAccount, AFileThatNamesNoAccountIsRefused) {
  const std::string file = "1CClientBankExchange\nКодировка=Windows\n" + incoming("Сумма=5.00") + "КонецФайла\n";
  const auto e = one_c_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 1");
}

TEST(OneCAccount, DirectionFollowsTheDatesOnOurSide) {
  const std::string head = "СекцияДокумент=Платежное поручение\nНомер=5\nДата=20.11.2026\nСумма=10.00\n";
  // Payee is ours but only ДатаСписано is filled: not received yet, skipped.
  const auto only_written_off = one_c_file(head + "ПлательщикСчет=" + kRomashkaAcc + "\nПолучательСчет=" + kSber +
                                           "\nДатаСписано=20.11.2026\nКонецДокумента\n");
  EXPECT_TRUE(parse_1c(only_written_off, kOwn).documents.empty());
  // Payer is ours but only ДатаПоступило is filled: skipped too.
  const auto only_received = one_c_file(head + "ПлательщикСчет=" + kSber + "\nПолучательСчет=" + kRomashkaAcc +
                                        "\nДатаПоступило=20.11.2026\nКонецДокумента\n");
  EXPECT_TRUE(parse_1c(only_received, kOwn).documents.empty());
  // A transfer from another of our accounts to this one: incoming here.
  const auto transfer = one_c_file(head + "ПлательщикСчет=" + kTbank + "\nПолучательСчет=" + kSber +
                                   "\nДатаСписано=20.11.2026\nДатаПоступило=21.11.2026\nКонецДокумента\n");
  const auto st = parse_1c(transfer, kOwn);
  ASSERT_EQ(st.documents.size(), 1u);
  EXPECT_EQ(st.documents[0].direction, Direction::incoming);
  EXPECT_EQ(st.documents[0].value_date, "2026-11-21");
  EXPECT_EQ(st.documents[0].payer.account, kTbank);
  EXPECT_EQ(st.documents[0].payee.account, kSber);
}

TEST(OneCAccount, NamesAndPurposes) {
  const auto file = one_c_file(
      "СекцияДокумент=Платежное поручение\nНомер=6\nДата=20.11.2026\nСумма=10.00\n"
      "ПлательщикРасчСчет=" + kRomashkaAcc + "\nПлательщик=ИНН 7728168971 ООО \"РОМАШКА\"\n"
      "ПолучательРасчСчет=" + kSber + "\nПолучатель=ООО \"СКАЙБИЛЛ\"\nДатаПоступило=20.11.2026\n"
      "НазначениеПлатежа=   \nНазначениеПлатежа2= вторая строка \nНазначениеПлатежа1=первая строка\n"
      "НазначениеПлатежа7=не бывает\nКонецДокумента\n");
  const auto st = parse_1c(file, kOwn);
  ASSERT_EQ(st.documents.size(), 1u);
  EXPECT_EQ(st.documents[0].payer.name, "ООО \"РОМАШКА\"");  // "ИНН … " dropped
  EXPECT_EQ(st.documents[0].payer.account, kRomashkaAcc);
  EXPECT_EQ(st.documents[0].payee.name, "ООО \"СКАЙБИЛЛ\"");
  EXPECT_EQ(st.documents[0].purpose, "первая строка вторая строка");
}

// ---- Required fields ------------------------------------------------------------------------------

TEST(OneCFields, RequiredFieldsMissing) {
  const auto base = fixture("tinkoff_utf8_lf.txt");
  for (const char* line : {"Номер=1045\n", "Дата=21.11.2026\n", "Сумма=7500.5\n"}) {
    SCOPED_TRACE(line);
    const auto e = one_c_error(replaced(base, line, ""));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->where, "line 21");
    const std::string key(line, std::string_view(line).find('='));
    EXPECT_STREQ(e->what(), ("line 21: " + key + ": missing").c_str());
  }
  const auto empty = one_c_error(replaced(base, "Номер=1045", "Номер="));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->where, "line 21");
}

TEST(OneCFields, BadValuesNameTheirLine) {
  const auto base = fixture("tinkoff_utf8_lf.txt");
  struct Case {
    std::string from, to, what;
  };
  for (const auto& c : std::vector<Case>{
           {"Сумма=7500.5", "Сумма=12 000,00", R"(line 24: Сумма: "12 000,00" is not an amount)"},
           {"Дата=21.11.2026", "Дата=31.02.2026", R"(line 23: Дата: "31.02.2026" is not a date (DD.MM.YYYY))"},
           {"Дата=21.11.2026", "Дата=2026-11-21", R"(line 23: Дата: "2026-11-21" is not a date (DD.MM.YYYY))"},
           {"ДатаПоступило=22.11.2026", "ДатаПоступило=22.11.26",
            R"(line 34: ДатаПоступило: "22.11.26" is not a date (DD.MM.YYYY))"},
           {"ДатаНачала=22.11.2026", "ДатаНачала=22.13.2026",
            R"(line 8: ДатаНачала: "22.13.2026" is not a date (DD.MM.YYYY))"},
       }) {
    SCOPED_TRACE(c.to);
    const auto e = one_c_error(replaced(base, c.from, c.to));
    ASSERT_TRUE(e);
    EXPECT_STREQ(e->what(), c.what.c_str());
  }
  // 29 February exists in leap years only.
  EXPECT_EQ(parse_1c(replaced(base, "Дата=21.11.2026", "Дата=29.02.2028"), kOwn).documents[0].date, "2028-02-29");
  EXPECT_TRUE(one_c_error(replaced(base, "Дата=21.11.2026", "Дата=29.02.2026")));
  EXPECT_EQ(parse_1c(replaced(base, "Дата=21.11.2026", "Дата=01.01.0999"), kOwn).documents[0].date, "0999-01-01");
}

// ---- Amounts ---------------------------------------------------------------------------------------

TEST(OneCAmounts, Accepted) {
  struct Case {
    const char* text;
    std::int64_t minor;
  };
  for (const auto& c : std::vector<Case>{{"0.01", 1},
                                         {"0,01", 1},
                                         {"12000.00", 1'200'000},
                                         {"12000", 1'200'000},
                                         {"12000.5", 1'200'050},
                                         {"12000,5", 1'200'050},
                                         {"007.10", 710},
                                         {"9000000000000000.00", 900'000'000'000'000'000},
                                         {"92233720368547758.07", std::numeric_limits<std::int64_t>::max()}}) {
    SCOPED_TRACE(c.text);
    const auto st = parse_1c(one_c_file(incoming(std::string("Сумма=") + c.text)), kOwn);
    ASSERT_EQ(st.documents.size(), 1u);
    EXPECT_EQ(st.documents[0].amount_minor, c.minor);
  }
}

TEST(OneCAmounts, Refused) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const auto& c : std::vector<Case>{{"0", "is zero"},
                                         {"0.00", "is zero"},
                                         {"0,0", "is zero"},
                                         {"-5.00", "is negative"},
                                         {"-1", "is negative"},
                                         {"1.234", "has more than 2 decimal places"},
                                         {"1.000", "has more than 2 decimal places"},
                                         {"92233720368547758.08", "is too large"},
                                         {"90000000000000000000", "is too large"},
                                         {"9e15", "is not an amount"},
                                         {"12 000,00", "is not an amount"},
                                         {"+5", "is not an amount"},
                                         {".5", "is not an amount"},
                                         {"5.", "is not an amount"},
                                         {"1.2.3", "is not an amount"},
                                         {"1,2.3", "is not an amount"},
                                         {"0x10", "is not an amount"},
                                         {"12000.00 RUB", "is not an amount"},
                                         {"１２", "is not an amount"},
                                         {"-", "is not an amount"}}) {
    SCOPED_TRACE(c.text);
    const auto e = one_c_error(one_c_file(incoming(std::string("Сумма=") + c.text)));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->where, "line 8");
    EXPECT_STREQ(e->what(), (std::string("line 8: Сумма: \"") + c.text + "\" " + c.why).c_str());
  }
  const auto empty = one_c_error(one_c_file(incoming("Сумма=")));
  ASSERT_TRUE(empty);
  EXPECT_STREQ(empty->what(), "line 5: Сумма: missing");
}

TEST(OneCAmounts, ALongBadValueIsShortenedInTheMessage) {
  const auto e = one_c_error(one_c_file(incoming("Сумма=" + std::string(200, 'x'))));
  ASSERT_TRUE(e);
  EXPECT_STREQ(e->what(), ("line 8: Сумма: \"" + std::string(60, 'x') + "…\" is not an amount").c_str());
}

// ---- Size ------------------------------------------------------------------------------------------

TEST(OneCLarge, TenThousandDocuments) {
  std::string documents;
  documents.reserve(10'000 * 260);
  for (int i = 1; i <= 10'000; ++i)
    documents += incoming("Сумма=" + std::to_string(i) + "." + std::to_string(i % 10) + "0", std::to_string(i));
  const auto st = parse_1c(one_c_file(documents), kOwn);
  ASSERT_EQ(st.documents.size(), 10'000u);
  EXPECT_EQ(st.documents.front().number, "1");
  EXPECT_EQ(st.documents.back().number, "10000");
  EXPECT_EQ(st.documents.back().amount_minor, 1'000'000);
  EXPECT_EQ(st.documents.back().line, 5 + 9'999 * 8);
}
