// The console's money routes over real HTTP and PostgreSQL: clients searched by INN or name,
// a client's credit lines, deposit and ledger history, a credit line set and a deposit topped
// up by staff (roles refused, bad input refused with nothing written, audit rows, an
// idempotent top-up), and the reconciliation view of a queued payment with its candidates'
// invoices as they are now.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "fixtures.hpp"
#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;

namespace {

const std::string kOurAccount = "40702810900000000001";
const std::string kClientInn = "7728168971";

std::string today() { return ru_date(server_now()); }

// A one-document 1C statement paid by the client (as payments_test writes them).
std::string one_c(const std::string& number, const std::string& purpose, const std::string& amount) {
  const std::string eol = "\r\n";
  std::string s = "1CClientBankExchange" + eol + "ВерсияФормата=1.03" + eol + "Кодировка=Windows" + eol +
                  "Отправитель=Бухгалтерия" + eol + "Получатель=" + eol + "ДатаСоздания=" + today() + eol +
                  "ДатаНачала=" + today() + eol + "ДатаКонца=" + today() + eol + "РасчСчет=" + kOurAccount + eol +
                  "СекцияРасчСчет" + eol + "ДатаНачала=" + today() + eol + "РасчСчет=" + kOurAccount + eol +
                  "КонецРасчСчет" + eol;
  s += "СекцияДокумент=Платежное поручение" + eol + "Номер=" + number + eol + "Дата=" + today() + eol +
       "Сумма=" + amount + eol + "ПлательщикСчет=40702810500000012345" + eol + "ПлательщикИНН=" + kClientInn + eol +
       "ПлательщикКПП=772801001" + eol + "Плательщик1=ООО \"Ромашка\"" + eol + "ПлательщикБИК=044525974" + eol +
       "ПолучательСчет=" + kOurAccount + eol + "ПолучательИНН=7707083893" + eol + "Получатель1=ООО \"Скайбилл\"" + eol +
       "ДатаПоступило=" + today() + eol + "ВидОплаты=01" + eol + "НазначениеПлатежа=" + purpose + eol +
       "КонецДокумента" + eol;
  return s + "КонецФайла" + eol;
}

struct Staff {
  std::string id, key;
};

class ConsoleMoneyTest : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    (*env)["SKYBILL_STAFF_PASSWORD_ITERATIONS"] = "1000";  // behaviour, not cost
    server = new ServerProcess(*env);
  }
  void SetUp() override {
    m = create_merchant(*env);
    accountant = staff("Anna", "accountant");
    support = staff("Olga", "support");
    airline = airline_user(m.merchant_id);
    HttpClient http(server->port());
    auto b = http.post_json("/v1/bookings", booking_body("CON-1"), m.api_key);
    ASSERT_EQ(b.status, 201) << b.body;
    booking_id = b.json()["id"];
    client_id = db->scalar("SELECT client_id FROM bookings WHERE id = '" + booking_id + "'");
    ASSERT_FALSE(client_id.empty());
  }
  Staff staff(const std::string& name, const std::string& role, const std::string& merchant = {}) {
    std::vector<std::string> args{"staff", "key", "create", "--name", name, "--role", role};
    if (!merchant.empty()) {
      args.push_back("--merchant");
      args.push_back(merchant);
    }
    auto r = run_cli(args, *env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    return {j["staff_id"], j["staff_key"]};
  }
  // Airline staff have no staff keys: a user of the airline, signed in; `key` is its cookie.
  Staff airline_user(const std::string& merchant) {
    static int n = 0;
    auto email = "ivan" + std::to_string(++n) + ".money@skybill.example";
    HttpClient http(server->port());
    auto s = staff_session(http, *env, "Ivan", email, "airline", "Konsol-parol-2026!", merchant);
    return {s.id, s.cookie + "|" + s.csrf};
  }
  static HttpResponse call(HttpClient& http, const std::string& key, const std::string& method, const std::string& target,
                           const nlohmann::json& body = nullptr, const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> h;
    if (key.starts_with("skybill_session=")) {  // a signed-in user: the cookie and its CSRF token
      h["Cookie"] = key.substr(0, key.find('|'));
      h["X-CSRF-Token"] = key.substr(key.find('|') + 1);
    } else {
      h["Authorization"] = "Bearer " + key;
    }
    for (const auto& [k, v] : extra) h[k] = v;
    std::string text;
    if (!body.is_null()) {
      h["Content-Type"] = "application/json";
      text = body.dump();
    }
    return http.request(method, target, text, h);
  }
  std::string count(const std::string& sql) { return db->scalar("SELECT count(*) " + sql); }
  std::string audits(const std::string& action) {
    return count("FROM audit_log WHERE action = '" + action + "' AND subject = '" + client_id + "'");
  }
  static std::vector<std::string> fields(const HttpResponse& r) {
    std::vector<std::string> out;
    auto body = r.json();  // kept: a loop over a member of the temporary would read freed memory
    for (const auto& e : body["errors"]) out.push_back(e["field"]);
    return out;
  }
  MerchantKey m;
  Staff accountant, support, airline;
  std::string booking_id, client_id;
};

}  // namespace

TEST_F(ConsoleMoneyTest, StaffFindClientsByInnOrNameAndEachRoleSeesOnlyWhatItMay) {
  HttpClient http(server->port());
  auto by_inn = call(http, accountant.key, "GET", "/admin/api/clients?q=77281");
  ASSERT_EQ(by_inn.status, 200) << by_inn.body;
  ASSERT_EQ(by_inn.json()["data"].size(), 1u) << by_inn.body;
  EXPECT_EQ(by_inn.json()["data"][0]["id"], client_id);
  EXPECT_EQ(by_inn.json()["data"][0]["inn"], kClientInn);
  EXPECT_EQ(by_inn.json()["data"][0]["airlines"], nlohmann::json::array({"Test Air"}));
  auto by_name = call(http, support.key, "GET", "/admin/api/clients?q=%D1%80%D0%BE%D0%BC%D0%B0");  // "рома": no match
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(by_name.json()["data"].size(), 0u);
  auto latin = call(http, support.key, "GET", "/admin/api/clients?q=romash");
  ASSERT_EQ(latin.status, 200);
  EXPECT_EQ(latin.json()["data"].size(), 1u) << "a part of the name, any case: " << latin.body;
  EXPECT_EQ(call(http, support.key, "GET", "/admin/api/clients?q=50%25").json()["data"].size(), 0u)
      << "% is a character, not a wildcard";
  EXPECT_EQ(call(http, accountant.key, "GET", "/admin/api/clients?limit=0").status, 422);

  EXPECT_EQ(call(http, support.key, "GET", "/admin/api/clients/" + client_id).status, 200) << "support reads clients";
  EXPECT_EQ(call(http, airline.key, "GET", "/admin/api/clients").status, 403) << "airline staff are refused";
  EXPECT_EQ(call(http, airline.key, "GET", "/admin/api/clients/" + client_id).status, 403);
  EXPECT_EQ(call(http, m.api_key, "GET", "/admin/api/clients").status, 403) << "an airline's API key is refused";
  EXPECT_EQ(call(http, accountant.key, "GET", "/admin/api/clients/00000000-0000-0000-0000-000000000000").status, 404);
  EXPECT_EQ(call(http, accountant.key, "GET", "/admin/api/clients/not-a-uuid").status, 404);

  nlohmann::json line = {{"limit", "500000.00"}, {"deferral_days", 30}, {"approved", true}};
  auto refused = call(http, support.key, "PUT", "/admin/api/clients/" + client_id + "/credit-lines/RUB", line);
  EXPECT_EQ(refused.status, 403) << "support may not set credit: " << refused.body;
  EXPECT_EQ(call(http, airline.key, "PUT", "/admin/api/clients/" + client_id + "/credit-lines/RUB", line).status, 403);
  EXPECT_EQ(call(http, support.key, "POST", "/admin/api/clients/" + client_id + "/deposits",
                 {{"currency", "RUB"}, {"amount", "10.00"}})
                .status,
            403);
  EXPECT_EQ(count("FROM credit_lines"), "0");
  EXPECT_EQ(audits("credit_line.set"), "0");
  EXPECT_EQ(audits("deposit.added"), "0");
}

TEST_F(ConsoleMoneyTest, ACreditLineIsSetWithItsAuditRowAndBadInputWritesNothing) {
  HttpClient http(server->port());
  auto path = "/admin/api/clients/" + client_id + "/credit-lines/RUB";
  auto bad = call(http, accountant.key, "PUT", path, {{"limit", "-5.00"}, {"deferral_days", 400}, {"approved", "yes"}, {"x", 1}});
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(fields(bad), (std::vector<std::string>{"deferral_days", "approved", "x"})) << bad.body;
  auto scale = call(http, accountant.key, "PUT", path, {{"limit", "100.001"}, {"deferral_days", 10}, {"approved", true}});
  ASSERT_EQ(scale.status, 422) << scale.body;
  EXPECT_EQ(fields(scale), (std::vector<std::string>{"limit"}));
  auto negative = call(http, accountant.key, "PUT", path, {{"limit", "-1.00"}, {"deferral_days", 10}, {"approved", true}});
  EXPECT_EQ(negative.status, 422) << negative.body;
  auto currency = call(http, accountant.key, "PUT", "/admin/api/clients/" + client_id + "/credit-lines/rub",
                       {{"limit", "1.00"}, {"deferral_days", 10}, {"approved", true}});
  ASSERT_EQ(currency.status, 422) << currency.body;
  EXPECT_EQ(fields(currency), (std::vector<std::string>{"currency"}));
  EXPECT_EQ(count("FROM credit_lines"), "0");
  EXPECT_EQ(audits("credit_line.set"), "0");

  auto set = call(http, accountant.key, "PUT", path, {{"limit", "500000.00"}, {"deferral_days", 30}, {"approved", true}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["credit_line"]["limit"], "500000.00");
  EXPECT_EQ(set.json()["credit_line"]["available"], "500000.00");
  EXPECT_EQ(set.json()["credit_line"]["deferral_days"], 30);
  EXPECT_EQ(audits("credit_line.set"), "1");
  EXPECT_EQ(db->scalar("SELECT actor FROM audit_log WHERE action = 'credit_line.set'"), "staff:" + accountant.id);
  EXPECT_EQ(db->scalar("SELECT request_id FROM audit_log WHERE action = 'credit_line.set'"), set.header("x-request-id"));

  auto lower = call(http, accountant.key, "PUT", path, {{"limit", "1000.00"}, {"deferral_days", 5}, {"approved", false}});
  ASSERT_EQ(lower.status, 200) << lower.body;
  EXPECT_EQ(lower.json()["credit_line"]["available"], "0.00") << "not approved: nothing available";
  EXPECT_EQ(audits("credit_line.set"), "2");
  EXPECT_EQ(db->scalar("SELECT data->'previous'->>'limit' FROM audit_log WHERE action = 'credit_line.set' "
                       "ORDER BY id DESC LIMIT 1"),
            "500000.00");

  auto client = call(http, support.key, "GET", "/admin/api/clients/" + client_id);
  ASSERT_EQ(client.status, 200) << client.body;
  auto j = client.json();
  EXPECT_EQ(j["client"]["inn"], kClientInn);
  ASSERT_EQ(j["currencies"].size(), 1u) << j.dump();
  EXPECT_EQ(j["currencies"][0]["currency"], "RUB");
  EXPECT_EQ(j["currencies"][0]["credit_line"]["limit"], "1000.00");
  EXPECT_EQ(j["currencies"][0]["credit_line"]["approved"], false);
  EXPECT_TRUE(j["deposit_reference"].get<std::string>().starts_with("DEP-"));
}

TEST_F(ConsoleMoneyTest, ADepositTopUpIsOneEntryOnceForOneKeyAndShowsInTheHistory) {
  HttpClient http(server->port());
  auto path = "/admin/api/clients/" + client_id + "/deposits";
  auto bad = call(http, accountant.key, "POST", path, {{"currency", "RUB"}, {"amount", "0.00"}});
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(fields(bad), (std::vector<std::string>{"amount"}));
  auto missing = call(http, accountant.key, "POST", path, {{"amount", 5}});
  ASSERT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(fields(missing), (std::vector<std::string>{"currency", "amount"}));
  EXPECT_EQ(count("FROM ledger_entries WHERE kind = 'deposit.top_up'"), "0");
  EXPECT_EQ(audits("deposit.added"), "0");

  std::map<std::string, std::string> key{{"Idempotency-Key", "top-up-1"}};
  auto first = call(http, accountant.key, "POST", path, {{"currency", "RUB"}, {"amount", "25000.00"}}, key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json()["deposit"], "25000.00");
  auto again = call(http, accountant.key, "POST", path, {{"currency", "RUB"}, {"amount", "25000.00"}}, key);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(again.json()["entry_id"], first.json()["entry_id"]);
  auto other = call(http, accountant.key, "POST", path, {{"currency", "RUB"}, {"amount", "1.00"}}, key);
  EXPECT_EQ(other.status, 422) << "the same key with another body: " << other.body;
  EXPECT_EQ(count("FROM ledger_entries WHERE kind = 'deposit.top_up'"), "1");
  EXPECT_EQ(audits("deposit.added"), "1");
  EXPECT_EQ(db->scalar("SELECT actor FROM audit_log WHERE action = 'deposit.added'"), "staff:" + accountant.id);

  auto second = call(http, accountant.key, "POST", path, {{"currency", "RUB"}, {"amount", "500.50"}},
                     {{"Idempotency-Key", "top-up-2"}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json()["deposit"], "25500.50");

  auto client = call(http, accountant.key, "GET", "/admin/api/clients/" + client_id).json();
  ASSERT_EQ(client["currencies"].size(), 1u) << client.dump();
  EXPECT_EQ(client["currencies"][0]["deposit"], "25500.50");
  EXPECT_TRUE(client["currencies"][0]["credit_line"].is_null());
  auto history = client["history"];
  ASSERT_EQ(history.size(), 2u) << history.dump();
  EXPECT_EQ(history[0]["kind"], "deposit.top_up");
  EXPECT_EQ(history[0]["amount"], "500.50") << "newest first, money in positive";
  EXPECT_EQ(history[0]["account"], "deposit");
  EXPECT_EQ(history[1]["amount"], "25000.00");
  EXPECT_TRUE(client["history_next"].is_null());
  auto v = run_cli({"ledger", "verify"}, *env);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(ConsoleMoneyTest, AQueuedPaymentShowsItsCandidatesInvoicesAsTheyAreNow) {
  HttpClient http(server->port());
  auto choice = http.post_json("/v1/bookings/" + booking_id + "/payment-choice", {{"method", "invoice"}}, m.api_key);
  ASSERT_EQ(choice.status, 200) << choice.body;
  auto invoice = choice.json()["invoice"];
  // The client's INN and the amount, no number: proposed, not matched.
  auto r = http.request("POST", "/v1/statements", one_c("901", "Оплата за авиабилеты", "11499.50"),
                        {{"Authorization", "Bearer " + accountant.key}, {"Content-Type", "text/plain"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto queue = call(http, accountant.key, "GET", "/v1/reconciliation").json()["data"];
  ASSERT_EQ(queue.size(), 1u);
  std::string id = queue[0]["id"];

  auto view = call(http, accountant.key, "GET", "/admin/api/reconciliation/" + id);
  ASSERT_EQ(view.status, 200) << view.body;
  auto c = view.json()["candidates"];
  ASSERT_GE(c.size(), 1u) << view.body;
  EXPECT_EQ(c[0]["invoice_id"], invoice["id"]);
  EXPECT_EQ(c[0]["invoice"]["number"], invoice["number"]);
  EXPECT_EQ(c[0]["invoice"]["due"], "11499.50");
  EXPECT_EQ(c[0]["invoice"]["payable"], true);
  // Paid the day it was issued (a day either way where the bank's date and UTC's differ).
  EXPECT_LE(std::abs(c[0]["invoice"]["days_after_issue"].get<int>()), 1) << view.body;
  EXPECT_EQ(c[0]["invoice"]["client"]["inn"], kClientInn);
  EXPECT_FALSE(c[0]["reasons"].empty());

  auto listed = call(http, support.key, "GET", "/admin/api/reconciliation?limit=10");
  ASSERT_EQ(listed.status, 200) << "support reads the queue: " << listed.body;
  EXPECT_EQ(listed.json()["total"], 1);
  EXPECT_EQ(listed.json()["data"][0]["id"], id);
  EXPECT_EQ(call(http, airline.key, "GET", "/admin/api/reconciliation").status, 403);
  EXPECT_EQ(call(http, support.key, "GET", "/admin/api/reconciliation/" + id).status, 200) << "support reads";
  EXPECT_EQ(call(http, airline.key, "GET", "/admin/api/reconciliation/" + id).status, 403);
  EXPECT_EQ(call(http, accountant.key, "GET", "/admin/api/reconciliation/00000000-0000-0000-0000-000000000000").status,
            404);

  // Voided after the import: the view says so, and a match is refused.
  db->exec("UPDATE invoices SET status = 'void', voided_at = now() WHERE id = '" + invoice["id"].get<std::string>() + "'");
  auto after = call(http, accountant.key, "GET", "/admin/api/reconciliation/" + id).json()["candidates"][0]["invoice"];
  EXPECT_EQ(after["closed"], true);
  EXPECT_EQ(after["payable"], false);
}
