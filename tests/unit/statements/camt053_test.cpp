// statements::parse_camt053: the fixtures field by field, versions, refusals, XXE.
#include <iconv.h>

#include "test_support.hpp"

using namespace statements_test;

namespace {

const std::string kEntry = "camt.053 entry";

std::optional<ParseError> camt_error(const std::string& file, const std::vector<std::string>& own = kOwn) {
  return parse_error([&] { parse_camt053(file, own); });
}

std::string v08() { return fixture("camt053_v08_tbank.xml"); }

// The text of the n-th (1-based) <Ntry>…</Ntry> of the v08 fixture.
std::string entry_text(const std::string& file, int n) {
  std::size_t pos = 0;
  for (int i = 0; i < n; ++i) pos = file.find("<Ntry>", pos + 1);
  return file.substr(pos, file.find("</Ntry>", pos) + 7 - pos);
}

// The v08 fixture with the n-th entry's text edited.
std::string with_entry(int n, const std::string& from, const std::string& to) {
  const auto file = v08();
  const auto old_entry = entry_text(file, n);
  return replaced(file, old_entry, replaced(old_entry, from, to));
}

void expect_error(const std::string& file, const std::string& where, const std::string& what) {
  const auto e = camt_error(file);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, where);
  EXPECT_STREQ(e->what(), what.c_str());
}

}  // namespace

// ---- The fixtures, every field ----------------------------------------------------------------

TEST(CamtFixtures, V08TwoStatementsSixEntries) {
  const auto st = parse_camt053(v08(), kOwn);
  EXPECT_EQ(st.format, Format::camt053);
  EXPECT_EQ(st.account, kTbank);
  EXPECT_EQ(st.period_from, "2026-11-20");
  EXPECT_EQ(st.period_to, "2026-11-24");
  EXPECT_EQ(st.encoding, "utf-8");
  // Our side, completed from Stmt/Acct (Ownr, Svcr) where the transaction says nothing.
  const Party us{R"(ООО "СКАЙБИЛЛ")", "7702070139", "", kTbank, "TICSRUMM", "АО «ТБанк»"};
  expect_documents(
      st.documents,
      {
          {"512", "2026-11-20", 1'200'000, "RUB", Direction::incoming, "2026-11-20",
           {R"(ООО "РОМАШКА")", "7728168971", "772801001", kRomashkaAcc, "VTBRRUMM", "БАНК ВТБ (ПАО)"}, us,
           "Оплата по счету № SB-2026-000123 от 20.11.2026, в т.ч. НДС (10%) 1090.91 руб.", kEntry, 0,
           "Stmt[1]/Ntry[1]"},
          // EndToEndId NOTPROVIDED: the transaction's AcctSvcrRef; the purpose is a structured reference.
          {"TB-318", "2026-11-21", 1'950'000, "RUB", Direction::outgoing, "2026-11-22", us,
           {R"(АО "ДЕМО АВИАЛИНИИ")", "7707083893", "", kAirlineAcc, "ALFARUMM", "АО «АЛЬФА-БАНК»"}, "AG-17/2026-W47",
           kEntry, 0, "Stmt[1]/Ntry[2]"},
          // A batch entry: one document per TxDtls, each with its own amount.
          {"1045", "2026-11-22", 600'000, "RUB", Direction::incoming, "2026-11-22",
           {R"(ООО "СЕВЕРНЫЙ ВЕТЕР")", "7715013579", "", kVeterAcc, "044525974", "АО «ТБанк»"}, us,
           "Оплата по счету № SB-2026-000140 от 21.11.2026. Без НДС", kEntry, 0,
           "Stmt[1]/Ntry[3]/NtryDtls[1]/TxDtls[1]"},
          {"TB-BATCH-7781-2", "2026-11-22", 500'000, "RUB", Direction::incoming, "2026-11-22",
           {R"(ООО "ВЕКТОР")", "", "", kVektorAcc, "", ""}, us, "Оплата по счету № SB-2026-000152 от 23.11.2026",
           kEntry, 0, "Stmt[1]/Ntry[3]/NtryDtls[1]/TxDtls[2]"},
          // Ntry[4] is PDNG: skipped. Ntry[5]: dollars, only NtryRef, no ValDt.
          {"NTRY-0005", "2026-11-23", 150'050, "USD", Direction::incoming, "2026-11-23",
           {"Sky Travel GmbH", "", "", "DE89370400440532013000", "COBADEFFXXX", "Commerzbank AG"}, us,
           "Invoice SB-2026-000155", kEntry, 0, "Stmt[1]/Ntry[5]"},
          // A fee without NtryDtls: no counterparty details, the purpose from AddtlNtryInf.
          {"TB-FEE-11", "2026-11-23", 49'000, "RUB", Direction::outgoing, "2026-11-23", us, {},
           "Комиссия за ведение счета за ноябрь 2026 г.", kEntry, 0, "Stmt[1]/Ntry[6]"},
          // The second statement of the same account, whose Acct has no Ownr or Svcr.
          {"513", "2026-11-24", 880'000, "RUB", Direction::incoming, "2026-11-24",
           {R"(ООО "РОМАШКА")", "", "", kRomashkaAcc, "", ""}, {"", "", "", kTbank, "", ""},
           "Оплата по счету № SB-2026-000135 от 23.11.2026, в т.ч. НДС (10%) 800.00 руб.", kEntry, 0,
           "Stmt[2]/Ntry[1]"},
      });
}

TEST(CamtFixtures, V02) {
  const auto st = parse(fixture("camt053_v02_sber.xml"), kOwn);
  EXPECT_EQ(st.format, Format::camt053);
  EXPECT_EQ(st.account, kSber);
  EXPECT_EQ(st.period_from, "");
  EXPECT_EQ(st.period_to, "");
  EXPECT_EQ(st.encoding, "utf-8");
  // The INFO entry is skipped; AmtDtls has only InstdAmt, so the entry's amount is used.
  expect_documents(st.documents,
                   {
                       {"77", "2026-11-21", 3'642'000, "RUB", Direction::incoming, "2026-11-21",
                        {R"(ООО "ВЕКТОР")", "5027012348", "", kVektorAcc, "SABRRUMM", "ПАО СБЕРБАНК"},
                        {R"(ООО "СКАЙБИЛЛ")", "7702070139", "770201001", kSber, "SABRRUMM", "ПАО СБЕРБАНК"},
                        "Оплата по счету № SB-2026-000131 от 19.11.2026 за авиабилеты, в т.ч. НДС (22%) 6567.54 руб.",
                        kEntry, 0, "Stmt[1]/Ntry[1]"},
                   });
}

TEST(CamtFixtures, AnXmlEncodingOtherThanUtf8) {
  const auto utf8 = fixture("camt053_v02_sber.xml");
  std::string cp1251;
  {
    const iconv_t cd = iconv_open("CP1251", "UTF-8");
    ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
    const auto source = replaced(utf8, R"(encoding="UTF-8")", R"(encoding="windows-1251")");
    cp1251.assign(source.size(), '\0');
    char* in = const_cast<char*>(source.data());
    char* out = cp1251.data();
    std::size_t in_left = source.size(), out_left = cp1251.size();
    ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<std::size_t>(-1));
    iconv_close(cd);
    cp1251.resize(cp1251.size() - out_left);
  }
  const auto st = parse(cp1251, kOwn);
  EXPECT_EQ(st.encoding, "windows-1251");
  expect_documents(st.documents, parse(utf8, kOwn).documents);
}

TEST(CamtFixtures, ParseDetectsXml) {
  EXPECT_EQ(parse(v08(), kOwn).documents.size(), 7u);
  EXPECT_EQ(parse("\xEF\xBB\xBF" + v08(), kOwn).documents.size(), 7u);  // a BOM is fine
  // Without an XML declaration, leading white space is fine too.
  const auto undeclared = replaced(v08(), R"(<?xml version="1.0" encoding="UTF-8"?>)", "");
  EXPECT_EQ(parse("\n\n" + undeclared, kOwn).documents.size(), 7u);
}

TEST(CamtFixtures, DocumentKeys) {
  const auto st = parse_camt053(v08(), kOwn);
  EXPECT_EQ(document_key(st.documents[0]), "512|2026-11-20|" + kRomashkaAcc + "|1200000|incoming");
  EXPECT_EQ(document_key(st.documents[1]), "TB-318|2026-11-21|" + kTbank + "|1950000|outgoing");
  // Line endings and indentation do not change anything.
  const auto crlf = parse_camt053(replaced_all(v08(), "\n", "\r\n"), kOwn);
  ASSERT_EQ(crlf.documents.size(), st.documents.size());
  for (std::size_t i = 0; i < st.documents.size(); ++i)
    EXPECT_EQ(document_key(crlf.documents[i]), document_key(st.documents[i]));
}

// ---- Versions ----------------------------------------------------------------------------------

TEST(CamtVersions, From02To08AreAccepted) {
  for (char v = '2'; v <= '8'; ++v) {
    SCOPED_TRACE(v);
    const auto file = replaced(v08(), "camt.053.001.08", std::string("camt.053.001.0") + v);
    EXPECT_EQ(parse_camt053(file, kOwn).documents.size(), 7u);
  }
  // A prefixed namespace is the same namespace.
  const auto prefixed = replaced_all(replaced_all(replaced(v08(), "xmlns=", "xmlns:c="), "<", "<c:"), "<c:/", "</c:");
  const auto fixed = replaced_all(replaced(prefixed, "<c:?xml", "<?xml"), "<c:!--", "<!--");
  EXPECT_EQ(parse_camt053(fixed, kOwn).documents.size(), 7u);
}

TEST(CamtVersions, OtherNamespacesAreRefused) {
  for (const std::string ns : {"camt.053.001.01", "camt.053.001.09", "camt.052.001.08", "camt.054.001.08"}) {
    SCOPED_TRACE(ns);
    const auto e = camt_error(replaced(v08(), "camt.053.001.08", ns));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->where, "Document");
  }
  const auto no_ns = camt_error(replaced(v08(), R"( xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08")", ""));
  ASSERT_TRUE(no_ns);
  EXPECT_EQ(no_ns->where, "Document");
  const auto other_root = camt_error("<Foo/>");
  ASSERT_TRUE(other_root);
  EXPECT_EQ(other_root->where, "Foo");
}

// ---- Errors ---------------------------------------------------------------------------------------

TEST(CamtErrors, MissingAmt) {
  expect_error(with_entry(2, R"(<Amt Ccy="RUB">19500.00</Amt>)", ""), "Stmt[1]/Ntry[2]/Amt",
               "Stmt[1]/Ntry[2]/Amt: missing");
}

TEST(CamtErrors, BadAmounts) {
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt Ccy="RUB">12.345</Amt>)"),
               "Stmt[1]/Ntry[1]/Amt", R"(Stmt[1]/Ntry[1]/Amt: "12.345" has more than 2 decimal places)");
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt Ccy="RUB">0.00</Amt>)"),
               "Stmt[1]/Ntry[1]/Amt", R"(Stmt[1]/Ntry[1]/Amt: "0.00" is zero)");
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt Ccy="RUB">-12000.00</Amt>)"),
               "Stmt[1]/Ntry[1]/Amt", R"(Stmt[1]/Ntry[1]/Amt: "-12000.00" is negative)");
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt Ccy="RUB">12000,00</Amt>)"),
               "Stmt[1]/Ntry[1]/Amt", R"(Stmt[1]/Ntry[1]/Amt: "12000,00" is not an amount)");
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt Ccy="XYZ">12000.00</Amt>)"),
               "Stmt[1]/Ntry[1]/Amt", R"(Stmt[1]/Ntry[1]/Amt: currency "XYZ" is not ISO 4217)");
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt>12000.00</Amt>)"), "Stmt[1]/Ntry[1]/Amt",
               "Stmt[1]/Ntry[1]/Amt: Ccy missing");
  // The transaction's own amount is checked too.
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>
            <CdtDbtInd>)",
                          R"(<Amt Ccy="RUB">1.5e4</Amt>
            <CdtDbtInd>)"),
               "Stmt[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]/Amt",
               R"(Stmt[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]/Amt: "1.5e4" is not an amount)");
  // Zeros beyond the currency's decimals are harmless (the schema allows 5 decimals).
  const auto padded = parse_camt053(
      with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>)", R"(<Amt Ccy="RUB"> 12000.00000 </Amt>)"), kOwn);
  EXPECT_EQ(padded.documents[0].amount_minor, 1'200'000);
}

TEST(CamtErrors, ExponentsFollowTheCurrency) {
  const auto yen = parse_camt053(with_entry(5, R"(<Amt Ccy="USD">1500.5</Amt>)", R"(<Amt Ccy="JPY">1500</Amt>)"), kOwn);
  EXPECT_EQ(yen.documents[4].amount_minor, 1500);
  EXPECT_EQ(yen.documents[4].currency, "JPY");
  expect_error(with_entry(5, R"(<Amt Ccy="USD">1500.5</Amt>)", R"(<Amt Ccy="JPY">1500.5</Amt>)"),
               "Stmt[1]/Ntry[5]/Amt", R"(Stmt[1]/Ntry[5]/Amt: "1500.5" is not a whole number)");
  // RUR, the rouble's code before 1998, still comes from some banks: it is RUB.
  const auto rur = parse_camt053(with_entry(6, R"(<Amt Ccy="RUB">490.00</Amt>)", R"(<Amt Ccy="RUR">490.00</Amt>)"), kOwn);
  EXPECT_EQ(rur.documents[5].currency, "RUB");
  EXPECT_EQ(rur.documents[5].amount_minor, 49'000);
  const auto dinar = parse_camt053(with_entry(5, R"(<Amt Ccy="USD">1500.5</Amt>)", R"(<Amt Ccy="KWD">1.005</Amt>)"), kOwn);
  EXPECT_EQ(dinar.documents[4].amount_minor, 1005);
}

TEST(CamtErrors, WrongAccount) {
  const auto e = camt_error(v08(), {kSber, kAlfa});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "Stmt[1]/Acct/Id");
  EXPECT_STREQ(e->what(), "Stmt[1]/Acct/Id: statement is for account 40702810610000012345, not ours");
  // The second statement for another of our accounts: one account per Statement.
  const auto file = v08();
  const auto second = file.find("<Stmt>", file.find("<Stmt>") + 1);
  auto two_accounts = file;
  two_accounts.replace(two_accounts.find(kTbank, second), kTbank.size(), kSber);
  const auto e2 = camt_error(two_accounts);
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->where, "Stmt[2]/Acct/Id");
  // No account at all.
  expect_error(replaced(v08(), "<Id><Othr><Id>40702810610000012345</Id></Othr></Id>", "<Id/>"), "Stmt[1]/Acct/Id",
               "Stmt[1]/Acct/Id: missing");
  // An IBAN is an account id too.
  const auto iban = parse_camt053(
      replaced_all(v08(), "<Id><Othr><Id>40702810610000012345</Id></Othr></Id>", "<Id><IBAN>RU0204452560040702810412345678901</IBAN></Id>"),
      {"RU0204452560040702810412345678901"});
  EXPECT_EQ(iban.account, "RU0204452560040702810412345678901");
}

TEST(CamtErrors, NotXml) {
  for (const std::string text : {"this is not xml", "", "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">"}) {
    SCOPED_TRACE(text);
    const auto e = camt_error(text);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->where, "line 1");
    EXPECT_NE(std::string(e->what()).find("not well-formed XML"), std::string::npos) << e->what();
  }
  // The line of the fault.
  const auto broken = camt_error(replaced(v08(), "</GrpHdr>", "</GrpHdrX>"));
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->where, "line 7");
  // parse() refuses what is neither 1C nor XML.
  const auto e = parse_error([] { parse("this is not xml", kOwn); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where, "line 1");
}

TEST(CamtErrors, DtdsAreRefusedSoNoEntityIsEverExpanded) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE Document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><Stmt><Acct><Id><Othr>"
      "<Id>&xxe;</Id></Othr></Id></Acct></Stmt></BkToCstmrStmt></Document>\n";
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n<Document>&lol3;</Document>\n";
  const std::string network =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Document SYSTEM \"http://127.0.0.1:9/camt.dtd\">\n<Document/>\n";
  const auto with_doctype = replaced(v08(), "<Document ", "<!DOCTYPE Document>\n<Document ");
  for (const auto& file : {xxe, laughs, network, with_doctype}) {
    const auto e = camt_error(file);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->where, "line 2");
    EXPECT_NE(std::string(e->what()).find("DTD"), std::string::npos) << e->what();
    const auto via_parse = parse_error([&] { parse(file, kOwn); });
    ASSERT_TRUE(via_parse);
    EXPECT_EQ(via_parse->where, "line 2");
  }
  // An undeclared entity without a DTD is not well-formed.
  const auto undeclared = camt_error(replaced(v08(), "<MsgId>TB-20261124-000017</MsgId>", "<MsgId>&xxe;</MsgId>"));
  ASSERT_TRUE(undeclared);
  EXPECT_EQ(undeclared->where, "line 5");
}

TEST(CamtErrors, EntryFields) {
  expect_error(with_entry(1, "<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>", "<CdtDbtInd>CRDIT</CdtDbtInd>\n        <Sts>"),
               "Stmt[1]/Ntry[1]/CdtDbtInd", R"(Stmt[1]/Ntry[1]/CdtDbtInd: "CRDIT" is not CRDT or DBIT)");
  expect_error(with_entry(1, "<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>", "<Sts>"), "Stmt[1]/Ntry[1]/CdtDbtInd",
               "Stmt[1]/Ntry[1]/CdtDbtInd: missing");
  expect_error(with_entry(1, "<Sts><Cd>BOOK</Cd></Sts>", ""), "Stmt[1]/Ntry[1]/Sts", "Stmt[1]/Ntry[1]/Sts: missing");
  expect_error(with_entry(1, "<BookgDt><Dt>2026-11-20</Dt></BookgDt>", ""), "Stmt[1]/Ntry[1]/BookgDt",
               "Stmt[1]/Ntry[1]/BookgDt: missing");
  expect_error(with_entry(1, "<BookgDt><Dt>2026-11-20</Dt></BookgDt>", "<BookgDt><Dt>2026-02-30</Dt></BookgDt>"),
               "Stmt[1]/Ntry[1]/BookgDt/Dt", R"(Stmt[1]/Ntry[1]/BookgDt/Dt: "2026-02-30" is not a date)");
  expect_error(with_entry(2, "<DtTm>2026-11-22T10:15:00+03:00</DtTm>", "<DtTm>22.11.2026 10:15</DtTm>"),
               "Stmt[1]/Ntry[2]/ValDt/DtTm", R"(Stmt[1]/Ntry[2]/ValDt/DtTm: "22.11.2026 10:15" is not a date)");
  expect_error(replaced(v08(), "<FrDtTm>2026-11-20T00:00:00+03:00</FrDtTm>", "<FrDtTm>yesterday</FrDtTm>"),
               "Stmt[1]/FrToDt/FrDtTm", R"(Stmt[1]/FrToDt/FrDtTm: "yesterday" is not a date)");
  // No reference at all.
  expect_error(with_entry(6, "<AcctSvcrRef>TB-FEE-11</AcctSvcrRef>", ""), "Stmt[1]/Ntry[6]",
               "Stmt[1]/Ntry[6]: no reference: none of EndToEndId, AcctSvcrRef or NtryRef is given");
  // A pending entry is skipped before anything in it is checked.
  EXPECT_EQ(parse_camt053(with_entry(4, R"(<Amt Ccy="RUB">3000.00</Amt>)", ""), kOwn).documents.size(), 7u);
  // Statuses of 001.02-001.07 (text) and Prtry.
  EXPECT_EQ(parse_camt053(with_entry(1, "<Sts><Cd>BOOK</Cd></Sts>", "<Sts>BOOK</Sts>"), kOwn).documents.size(), 7u);
  EXPECT_EQ(parse_camt053(with_entry(1, "<Sts><Cd>BOOK</Cd></Sts>", "<Sts>INFO</Sts>"), kOwn).documents.size(), 6u);
  EXPECT_EQ(parse_camt053(with_entry(1, "<Sts><Cd>BOOK</Cd></Sts>", "<Sts><Prtry>BOOK</Prtry></Sts>"), kOwn).documents.size(),
            7u);
}

TEST(CamtErrors, BatchEntries) {
  // Each transaction of a batch needs its own amount.
  expect_error(with_entry(3, R"(<Amt Ccy="RUB">5000.00</Amt>)", ""), "Stmt[1]/Ntry[3]/NtryDtls[1]/TxDtls[2]/Amt",
               "Stmt[1]/Ntry[3]/NtryDtls[1]/TxDtls[2]/Amt: missing (each transaction of a batch entry needs its own "
               "amount)");
  // And they must add up to the entry.
  expect_error(with_entry(3, R"(<Amt Ccy="RUB">5000.00</Amt>)", R"(<Amt Ccy="RUB">5000.01</Amt>)"),
               "Stmt[1]/Ntry[3]/Amt",
               "Stmt[1]/Ntry[3]/Amt: the entry's amount 1100000 is not the sum of its transactions' amounts 1100001 "
               "(minor units)");
  // A single transaction's differing amount is refused the same way.
  expect_error(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>
            <CdtDbtInd>)",
                          R"(<Amt Ccy="RUB">1200.00</Amt>
            <CdtDbtInd>)"),
               "Stmt[1]/Ntry[1]/Amt",
               "Stmt[1]/Ntry[1]/Amt: the entry's amount 1200000 is not the sum of its transactions' amounts 120000 "
               "(minor units)");
  // Transactions in another currency than the entry (a conversion) are not summed.
  const auto converted =
      parse_camt053(with_entry(1, R"(<Amt Ccy="RUB">12000.00</Amt>
            <CdtDbtInd>)",
                               R"(<Amt Ccy="EUR">130.00</Amt>
            <CdtDbtInd>)"),
                    kOwn);
  EXPECT_EQ(converted.documents[0].amount_minor, 13'000);
  EXPECT_EQ(converted.documents[0].currency, "EUR");
  // TxDtls spread over two NtryDtls.
  const auto split = parse_camt053(with_entry(3, "</TxDtls>\n          <TxDtls>", "</TxDtls></NtryDtls><NtryDtls><TxDtls>"), kOwn);
  ASSERT_EQ(split.documents.size(), 7u);
  EXPECT_EQ(split.documents[3].element, "Stmt[1]/Ntry[3]/NtryDtls[2]/TxDtls[1]");
}

TEST(CamtErrors, NoStatement) {
  const std::string empty =
      R"(<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>)";
  expect_error(empty, "Stmt", "Stmt: missing");
  expect_error(R"(<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>)", "BkToCstmrStmt",
               "BkToCstmrStmt: missing");
}
