// Bank transfers: statements in 1C and camt.053 imported over HTTP, payments matched to
// invoices (or queued for staff), under- and overpayment, deposits, idempotent re-import, and
// `skybill ledger verify` clean after each.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kOurAccount = "40702810900000000001";
const std::string kClientInn = "7728168971";

// The day the bank writes on today's statement: the servers' date, never the wall clock's.
std::string today() { return ru_date(server_now()); }

struct Doc {
  std::string number, purpose, amount, payer_inn = kClientInn, date = today();
};

// A 1C export as banks write it: CRLF (or LF), optional fields missing, purpose continued.
std::string one_c(const std::vector<Doc>& docs, const std::string& eol = "\r\n") {
  std::string s = "1CClientBankExchange" + eol + "ВерсияФормата=1.03" + eol + "Кодировка=Windows" + eol +
                  "Отправитель=Бухгалтерия" + eol + "Получатель=" + eol + "ДатаСоздания=" + today() + eol +
                  "ДатаНачала=" + today() + eol + "ДатаКонца=" + today() + eol + "РасчСчет=" + kOurAccount + eol +
                  "СекцияРасчСчет" + eol + "ДатаНачала=" + today() + eol + "РасчСчет=" + kOurAccount + eol +
                  "КонецРасчСчет" + eol;
  for (const auto& d : docs) {
    s += "СекцияДокумент=Платежное поручение" + eol + "Номер=" + d.number + eol + "Дата=" + d.date + eol +
         "Сумма=" + d.amount + eol + "ПлательщикСчет=40702810500000012345" + eol + "ПлательщикИНН=" + d.payer_inn +
         eol + "ПлательщикКПП=772801001" + eol + "Плательщик1=ООО \"Ромашка\"" + eol + "ПлательщикБИК=044525974" +
         eol + "ПолучательСчет=" + kOurAccount + eol + "ПолучательИНН=7707083893" + eol + "Получатель1=ООО \"Скайбилл\"" +
         eol + "ДатаПоступило=" + d.date + eol + "ВидОплаты=01" + eol + "НазначениеПлатежа=" + d.purpose + eol +
         "КонецДокумента" + eol;
  }
  return s + "КонецФайла" + eol;
}

class PaymentsTest : public ServerSuite {
 protected:
  void SetUp() override {
    m = create_merchant(*env);
    auto staff = run_cli({"staff", "key", "create", "--name", "Anna Accountant", "--role", "accountant"}, *env);
    ASSERT_EQ(staff.exit_code, 0) << staff.err;
    accountant = nlohmann::json::parse(staff.out)["staff_key"];
  }
  // A booking with an invoice chosen by `method`; returns {booking id, invoice}.
  std::pair<std::string, nlohmann::json> invoiced(const std::string& reference, const std::string& method = "invoice") {
    HttpClient http(server->port());
    auto b = http.post_json("/v1/bookings", booking_body(reference), m.api_key);
    EXPECT_EQ(b.status, 201) << b.body;
    std::string id = b.json()["id"];
    auto r = http.post_json("/v1/bookings/" + id + "/payment-choice", {{"method", method}}, m.api_key);
    EXPECT_EQ(r.status, 200) << r.body;
    return {id, r.json()["invoice"]};
  }
  HttpResponse import(const std::string& file, const std::string& key = {}) {
    HttpClient http(server->port());
    return http.request("POST", "/v1/statements", file,
                        {{"Authorization", "Bearer " + (key.empty() ? accountant : key)}, {"Content-Type", "text/plain"}});
  }
  nlohmann::json booking(const std::string& id) {
    return HttpClient(server->port()).get("/v1/bookings/" + id, m.api_key).json();
  }
  void expect_ledger_clean() {
    auto v = run_cli({"ledger", "verify"}, *env);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }
  std::string count(const std::string& sql) { return db->scalar("SELECT count(*) " + sql); }
  MerchantKey m;
  std::string accountant;
};

}  // namespace

TEST_F(PaymentsTest, ASureTransferPaysItsInvoiceAndTheBookingAndTheSameFileTwiceChangesNothing) {
  auto [id, invoice] = invoiced("PAY-1");
  std::string number = invoice["number"];
  EXPECT_EQ(invoice["payee"]["account"], kOurAccount) << "the gateway is the payee";
  EXPECT_EQ(invoice["payee"]["inn"], "7707083893");
  EXPECT_EQ(invoice["payee"]["bic"], "044525225");
  auto file = one_c({{"101", "Оплата по счету № " + number + " от " + today() + ", в т.ч. НДС 999.16", "11499.50"}});
  auto r = import(file);
  ASSERT_EQ(r.status, 201) << r.body;
  auto s = r.json();
  EXPECT_EQ(s["format"], "1c");
  EXPECT_EQ(s["incoming"], 1);
  EXPECT_EQ(s["matched"], 1);
  EXPECT_EQ(s["reconciliation"], 0);

  auto b = booking(id);
  EXPECT_EQ(b["status"], "paid");
  EXPECT_EQ(b["invoice"]["status"], "paid");
  EXPECT_EQ(b["invoice"]["paid"], "11499.50");
  EXPECT_EQ(b["invoice"]["outstanding"], "0.00");
  EXPECT_EQ(count("FROM outbox WHERE topic = 'invoice.paid' AND booking_id = '" + id + "'"), "1");
  EXPECT_EQ(count("FROM outbox WHERE topic = 'booking.paid' AND booking_id = '" + id + "'"), "1");
  EXPECT_EQ(db->scalar("SELECT -sum(p.amount_minor) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id "
                       "WHERE a.owner = 'merchant' AND a.kind = 'payable'"),
            "1149950")
      << "the airline is owed the invoice";
  expect_ledger_clean();

  auto again = import(file);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["duplicate_file"], true);
  // The same bank document in another export (LF, another document beside it) is recorded once.
  auto other = import(one_c({{"101", "Оплата по счету № " + number + " от " + today() + ", в т.ч. НДС 999.16", "11499.50"},
                             {"102", "за что-то другое", "10.00", "7736207543"}},
                            "\n"));
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_EQ(other.json()["already_imported"], 1);
  EXPECT_EQ(other.json()["incoming"], 1);
  EXPECT_EQ(count("FROM payments"), "1");
  EXPECT_EQ(count("FROM bank_documents"), "2");
  expect_ledger_clean();
}

TEST_F(PaymentsTest, HowPeopleWriteTheNumberStillMatches) {
  auto [a, inv_a] = invoiced("PAY-LOOK");
  std::string number = inv_a["number"];  // TA-2026-000001: the prefix derived from "Test Air"
  ASSERT_TRUE(number.starts_with("TA")) << number;
  auto cyrillic = "T\u0410" + number.substr(2);  // a Cyrillic А after a Latin T
  auto seq = std::to_string(std::stoi(number.substr(number.rfind('-') + 1)));
  auto r = import(one_c({{"7", "опл. по сч." + cyrillic + " за авиабилеты", "11499.50"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["matched"], 1) << HttpClient(server->port()).get("/v1/reconciliation", accountant).body;
  EXPECT_EQ(booking(a)["status"], "paid");

  auto [b, inv_b] = invoiced("PAY-SEQ");
  std::string number_b = inv_b["number"];
  std::string seq_b = std::to_string(std::stoi(number_b.substr(number_b.rfind('-') + 1)));
  r = import(one_c({{"8", "Оплата сч. " + seq_b + " от " + today(), "11499.50"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["matched"], 1) << r.body;
  expect_ledger_clean();
}

TEST_F(PaymentsTest, AnUnderpaymentLeavesTheRestOwedAndOpensACaseThenTheRestPays) {
  auto [id, invoice] = invoiced("PAY-UNDER");
  std::string number = invoice["number"];
  auto r = import(one_c({{"201", "Оплата по счету " + number, "10000.00"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  auto b = booking(id);
  EXPECT_EQ(b["status"], "awaiting_payment");
  EXPECT_EQ(b["invoice"]["status"], "partially_paid");
  EXPECT_EQ(b["invoice"]["outstanding"], "1499.50");
  EXPECT_EQ(count("FROM support_cases WHERE type = 'underpayment' AND booking_id = '" + id + "'"), "1");
  EXPECT_EQ(count("FROM outbox WHERE topic = 'invoice.partially_paid'"), "1");
  expect_ledger_clean();

  r = import(one_c({{"202", "Доплата по счету " + number, "1499.50"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  b = booking(id);
  EXPECT_EQ(b["status"], "paid");
  EXPECT_EQ(b["invoice"]["status"], "paid");
  expect_ledger_clean();
}

TEST_F(PaymentsTest, AnOverpaymentPaysAndTheSurplusGoesToTheDeposit) {
  auto [id, invoice] = invoiced("PAY-OVER");
  auto r = import(one_c({{"301", "Оплата по счету " + invoice["number"].get<std::string>(), "12000.00"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(booking(id)["status"], "paid");
  EXPECT_EQ(count("FROM support_cases WHERE type = 'overpayment'"), "1");
  auto show = run_cli({"client", "show", "--inn", kClientInn, "--kpp", "772801001"}, *env);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(nlohmann::json::parse(show.out)["balances"]["RUB"]["deposit"], "500.50") << show.out;
  expect_ledger_clean();
}

TEST_F(PaymentsTest, AGuaranteedCreditLineInvoiceWhenPaidRepaysTheCredit) {
  ASSERT_EQ(HttpClient(server->port()).post_json("/v1/bookings", booking_body("PAY-CREDIT-0"), m.api_key).status, 201);
  ASSERT_EQ(run_cli({"client", "credit", "set", "--inn", kClientInn, "--kpp", "772801001", "--limit", "50000.00",
                     "--deferral-days", "10"},
                    *env)
                .exit_code,
            0);
  auto [id, invoice] = invoiced("PAY-CREDIT", "credit_line");
  auto used = [&] {
    auto show = run_cli({"client", "show", "--inn", kClientInn, "--kpp", "772801001"}, *env);
    return nlohmann::json::parse(show.out)["balances"]["RUB"]["credit_line"]["used"];
  };
  EXPECT_EQ(used(), "11499.50");
  auto r = import(one_c({{"401", "Оплата по счету " + invoice["number"].get<std::string>(), "11499.50"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["matched"], 1);
  EXPECT_EQ(used(), "0.00");
  EXPECT_EQ(booking(id)["status"], "paid") << "guaranteed, and now paid too";
  EXPECT_EQ(booking(id)["invoice"]["status"], "paid");
  expect_ledger_clean();
}

TEST_F(PaymentsTest, WhatIsNotSureWaitsForStaffWhoMatchSplitOrSetItAside) {
  auto [a, inv_a] = invoiced("PAY-Q1");
  auto [b, inv_b] = invoiced("PAY-Q2");
  // No number, the client's INN, the amount of both invoices: not sure.
  auto r = import(one_c({{"501", "Оплата за авиабилеты", "11499.50"},
                         {"502", "Оплата по счетам " + inv_a["number"].get<std::string>() + ", " +
                                     inv_b["number"].get<std::string>(),
                          "22999.00"},
                         {"503", "Возврат займа", "777.00", "7736207543"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["reconciliation"], 3) << r.body;
  HttpClient http(server->port());
  auto queue = http.get("/v1/reconciliation", accountant).json()["data"];
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_GE(queue[0]["candidates"].size(), 2u) << queue[0].dump();
  EXPECT_FALSE(queue[0]["candidates"][0]["reasons"].empty());
  std::string first = queue[0]["id"], second = queue[1]["id"], third = queue[2]["id"];

  r = http.post_json("/v1/reconciliation/" + first + "/match", {{"invoice_id", inv_a["id"]}}, accountant);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(booking(a)["status"], "paid");
  EXPECT_EQ(http.post_json("/v1/reconciliation/" + first + "/match", {{"invoice_id", inv_a["id"]}}, accountant).status,
            409);

  // 22 999.00 across two invoices; a wrong sum is refused whole.
  auto bad = http.post_json("/v1/reconciliation/" + second + "/split",
                            {{"allocations", {{{"invoice_id", inv_b["id"]}, {"amount", "100.00"}}}}}, accountant);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(count("FROM payments"), "1");
  r = http.post_json("/v1/reconciliation/" + second + "/split",
                     {{"allocations",
                       {{{"invoice_id", inv_b["id"]}, {"amount", "11499.50"}}, {{"invoice_id", inv_a["id"]}, {"amount", "11499.50"}}}}},
                     accountant);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(booking(b)["status"], "paid");  // split
  EXPECT_EQ(count("FROM support_cases WHERE type = 'overpayment'"), "1") << "A was already paid: the rest is a deposit";

  r = http.post_json("/v1/reconciliation/" + third + "/unrelated", {{"note", "a loan repayment"}}, accountant);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(http.get("/v1/reconciliation", accountant).json()["data"].size(), 0u);
  EXPECT_EQ(http.get("/v1/reconciliation?status=unrelated", accountant).json()["data"].size(), 1u);
  expect_ledger_clean();
}

TEST_F(PaymentsTest, APaymentForAnExpiredBookingOpensACase) {
  auto [id, invoice] = invoiced("PAY-LATE");
  db->exec("UPDATE bookings SET status = 'expired' WHERE id = '" + id + "'");
  db->exec("UPDATE invoices SET status = 'void', voided_at = " + sql_time(server_now()) + " WHERE booking_id = '" + id + "'");
  auto r = import(one_c({{"601", "Оплата по счету " + invoice["number"].get<std::string>(), "11499.50"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["reconciliation"], 1);
  std::string doc = HttpClient(server->port()).get("/v1/reconciliation", accountant).json()["data"][0]["id"];
  auto m2 = HttpClient(server->port()).post_json("/v1/reconciliation/" + doc + "/match", {{"invoice_id", invoice["id"]}},
                                                 accountant);
  ASSERT_EQ(m2.status, 200) << m2.body;
  EXPECT_EQ(count("FROM support_cases WHERE type = 'payment_for_closed_booking' AND booking_id = '" + id + "'"), "1");
  EXPECT_EQ(booking(id)["invoice"], nullptr);
  expect_ledger_clean();
}

TEST_F(PaymentsTest, ATransferNamingADepositReferenceTopsUpTheDeposit) {
  invoiced("PAY-DEP-0");
  // The client learns its reference from staff (client show makes one on first use).
  auto shown = run_cli({"client", "show", "--inn", kClientInn, "--kpp", "772801001"}, *env);
  std::string reference = nlohmann::json::parse(shown.out)["deposit_reference"];
  EXPECT_TRUE(std::regex_match(reference, std::regex("^DEP-[0-9A-HJKMNP-TV-Z]{8}$"))) << reference;
  EXPECT_EQ(nlohmann::json::parse(run_cli({"client", "show", "--inn", kClientInn, "--kpp", "772801001"}, *env).out)
                ["deposit_reference"],
            reference)
      << "stable";
  auto r = import(one_c({{"701", "Пополнение депозита " + reference, "50000.00"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["deposits"], 1);
  auto show = run_cli({"client", "show", "--inn", kClientInn, "--kpp", "772801001"}, *env);
  EXPECT_EQ(nlohmann::json::parse(show.out)["balances"]["RUB"]["deposit"], "50000.00") << show.out;
  expect_ledger_clean();
}

TEST_F(PaymentsTest, ACamt053StatementWithSeveralEntriesIsImported) {
  auto [a, inv_a] = invoiced("PAY-CAMT-1");
  auto [b, inv_b] = invoiced("PAY-CAMT-2");
  auto entry = [](const std::string& amount, const std::string& ind, const std::string& ref, const std::string& purpose) {
    return "<Ntry><Amt Ccy=\"RUB\">" + amount + "</Amt><CdtDbtInd>" + ind +
           "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>" + iso_date(server_now()) + "</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>" + ref +
           "</EndToEndId></Refs><RltdPties><Dbtr><Nm>Romashka</Nm><Id><OrgId><Othr><Id>7728168971</Id><SchmeNm><Prtry>INN"
           "</Prtry></SchmeNm></Othr></OrgId></Id></Dbtr><DbtrAcct><Id><Othr><Id>40702810500000012345</Id></Othr></Id>"
           "</DbtrAcct></RltdPties><RmtInf><Ustrd>" +
           purpose + "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>";
  };
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
                    "<BkToCstmrStmt><GrpHdr><MsgId>1</MsgId><CreDtTm>" + iso_date(server_now()) + "T18:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id>"
                    "<Acct><Id><Othr><Id>" + kOurAccount + "</Id></Othr></Id></Acct>" +
                    entry("11499.50", "CRDT", "E1", "Payment for invoice " + inv_a["number"].get<std::string>()) +
                    entry("11499.50", "CRDT", "E2", "Оплата по счету " + inv_b["number"].get<std::string>()) +
                    entry("300.00", "DBIT", "E3", "Bank fee") + "</Stmt></BkToCstmrStmt></Document>";
  auto r = import(xml);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["format"], "camt.053");
  EXPECT_EQ(r.json()["matched"], 2) << r.body;
  EXPECT_EQ(r.json()["outgoing"], 1);
  EXPECT_EQ(booking(a)["status"], "paid");
  EXPECT_EQ(booking(b)["status"], "paid");
  expect_ledger_clean();
}

TEST_F(PaymentsTest, AMalformedFileIsRefusedNamingTheLineAndNothingIsKept) {
  auto [id, invoice] = invoiced("PAY-BAD");
  auto file = one_c({{"801", "Оплата по счету " + invoice["number"].get<std::string>(), "11499.50"},
                     {"802", "вторая", "12 000,00"}});
  auto r = import(file);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(contains(r.body, "line")) << r.body;
  EXPECT_EQ(count("FROM bank_statements"), "0");
  EXPECT_EQ(count("FROM bank_documents"), "0");
  EXPECT_EQ(booking(id)["status"], "awaiting_payment");
  EXPECT_EQ(import("not a statement").status, 422);
  EXPECT_EQ(import("").status, 422);
}

TEST_F(PaymentsTest, OnlyAccountingStaffImportStatements) {
  EXPECT_EQ(import(one_c({}), m.api_key).status, 403);
  auto support = run_cli({"staff", "key", "create", "--name", "Sam Support", "--role", "support"}, *env);
  std::string key = nlohmann::json::parse(support.out)["staff_key"];
  EXPECT_EQ(import(one_c({}), key).status, 403);
  // Support reads the queue (a client asks where its payment went) but decides nothing there.
  EXPECT_EQ(HttpClient(server->port()).get("/v1/reconciliation", key).status, 200);
  EXPECT_EQ(HttpClient(server->port())
                .post_json("/v1/reconciliation/00000000-0000-4000-8000-000000000001/unrelated",
                           {{"reason", "not ours"}}, key)
                .status,
            403);
}

TEST_F(PaymentsTest, TheNamedInvoiceIsFoundAmongManyOpenOnesOfTheSameClient) {
  auto [id, invoice] = invoiced("PAY-MANY");
  // 60 later unpaid (overdue) invoices of the same client, copies under other numbers: the
  // payer's unpaid invoices alone would fill the candidate list. ZZ is no airline's series: the
  // copies pass as numbers from before series existed (legacy_number).
  db->exec("INSERT INTO invoices (merchant_id, booking_id, client_id, number, price_version, method, currency, "
           "amount_minor, vat_minor, status, issued_at, due_at, legacy_number) SELECT merchant_id, booking_id, "
           "client_id, 'ZZ-2026-' || lpad(g::text, 6, '0'), price_version, method, currency, amount_minor, vat_minor, "
           "'overdue', "
           "issued_at + g * interval '1 second', due_at, true FROM invoices, generate_series(1, 60) g "
           "WHERE id = '" + invoice["id"].get<std::string>() + "'");
  auto r = import(one_c({{"901", "Оплата по счету " + invoice["number"].get<std::string>(), "11499.50"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["matched"], 1) << r.body;
  EXPECT_EQ(db->scalar("SELECT status FROM invoices WHERE id = '" + invoice["id"].get<std::string>() + "'"), "paid");
  expect_ledger_clean();
}
