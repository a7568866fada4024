// Settlement and refunds with moved clocks, over real HTTP against the real binary and
// PostgreSQL: payouts across a weekend and the New Year holidays, commission to the kopeck,
// refunds by every route (card through the sandbox acquirer, transfer through a payment-order
// file and the bank statement that shows it leaving, deposit, credit line), refunds netted from
// a payout, over-refunds refused, two instances making one payout, and `skybill ledger verify`
// clean after every test.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "fixtures.hpp"
#include "harness.hpp"
#include "pages.hpp"
#include "server_clock.hpp"

using namespace skybill::test;
using namespace std::chrono;

namespace {

const std::string kOurAccount = "40702810900000000001";
const std::string kPayerAccount = "40702810500000012345";
const std::string kAirlineAccount = "40702810000000000042";
const std::string kClientInn = "7728168971";
const std::string kSecret = "settlement_test_callback_secret_01234";
const std::string kJobsOff = "3600000";

// The instant of a Moscow wall-clock time (UTC+3, no daylight saving), as Unix seconds.
std::int64_t msk(const std::string& ymd, int hour, int minute = 0) {
  year_month_day d{year{std::stoi(ymd.substr(0, 4))}, month{static_cast<unsigned>(std::stoi(ymd.substr(5, 2)))},
                   day{static_cast<unsigned>(std::stoi(ymd.substr(8, 2)))}};
  return duration_cast<seconds>(sys_days{d}.time_since_epoch()).count() + (hour - 3) * 3600 + minute * 60;
}

struct Doc {
  std::string number, purpose, amount, date;  // date DD.MM.YYYY
  bool outgoing = false;
  std::string counterparty_account = kPayerAccount;
};

// A 1C statement of the gateway's account: incoming client payments and outgoing orders.
std::string statement(const std::vector<Doc>& docs) {
  const std::string eol = "\r\n";
  std::string s = "1CClientBankExchange" + eol + "ВерсияФормата=1.03" + eol + "Кодировка=Windows" + eol +
                  "Отправитель=Банк" + eol + "РасчСчет=" + kOurAccount + eol + "СекцияРасчСчет" + eol +
                  "РасчСчет=" + kOurAccount + eol + "КонецРасчСчет" + eol;
  for (const auto& d : docs) {
    s += "СекцияДокумент=Платежное поручение" + eol + "Номер=" + d.number + eol + "Дата=" + d.date + eol +
         "Сумма=" + d.amount + eol;
    if (d.outgoing)
      s += "ПлательщикСчет=" + kOurAccount + eol + "ПлательщикИНН=7707083893" + eol + "Плательщик1=ООО \"Скайбилл\"" +
           eol + "ПолучательСчет=" + d.counterparty_account + eol + "ПолучательИНН=7707083893" + eol +
           "Получатель1=Получатель" + eol + "ДатаСписано=" + d.date + eol;
    else
      s += "ПлательщикСчет=" + d.counterparty_account + eol + "ПлательщикИНН=" + kClientInn + eol +
           "ПлательщикКПП=772801001" + eol + "Плательщик1=ООО \"Ромашка\"" + eol + "ПлательщикБИК=044525974" + eol +
           "ПолучательСчет=" + kOurAccount + eol + "ПолучательИНН=7707083893" + eol + "Получатель1=ООО \"Скайбилл\"" +
           eol + "ДатаПоступило=" + d.date + eol;
    s += "НазначениеПлатежа=" + d.purpose + eol + "КонецДокумента" + eol;
  }
  return s + "КонецФайла" + eol;
}

class SettlementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::make_unique<TestDatabase>();
    env = base_env(*db);
    env["SKYBILL_ACQUIRER_CALLBACK_SECRET"] = kSecret;
    env["SKYBILL_JOBS_INTERVAL_MS"] = kJobsOff;  // tests that want the jobs turn them on
    ASSERT_EQ(run_cli({"migrate"}, env).exit_code, 0);
    m = create_merchant(env);
    other = create_merchant(env, "Other Air", "7736207543", "773601001");
    accountant = staff_key("accountant");
    support = staff_key("support");
    auto set = run_cli({"merchant", "settlement", "--merchant", m.merchant_id, "--commission-percent", "1",
                        "--commission-fixed", "RUB:30.00", "--cutoff", "18:00", "--payee-account", kAirlineAccount,
                        "--payee-bic", "044525225", "--payee-bank", "ПАО Сбербанк", "--payee-correspondent-account",
                        "30101810400000000225"},
                       env);
    ASSERT_EQ(set.exit_code, 0) << set.err;
  }

  void TearDown() override {
    http.reset();
    servers.clear();
    auto v = run_cli({"ledger", "verify"}, env);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    db.reset();
  }

  std::string staff_key(const std::string& role) {
    auto r = run_cli({"staff", "key", "create", "--name", "Staff " + role, "--role", role}, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["staff_key"];
  }

  Env at(std::int64_t moment, Env e = {}) {
    if (e.empty()) e = env;
    e["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(seconds(moment - server_unix()));
    return e;
  }
  // One instance whose clock shows `moment` (it replaces the previous one).
  void start_at(std::int64_t moment, Env e = {}) {
    http.reset();
    servers.clear();
    now = moment;
    servers.push_back(std::make_unique<ServerProcess>(at(moment, e)));
    http = std::make_unique<HttpClient>(servers.back()->port());
  }

  // A booking with an invoice by `method` made at the instance's time; {booking id, invoice}.
  std::pair<std::string, nlohmann::json> invoiced(const std::string& reference, const std::string& method = "invoice") {
    auto body = booking_body(reference, seconds(now - server_unix()) + hours(72));
    auto b = http->post_json("/v1/bookings", body, m.api_key);
    EXPECT_EQ(b.status, 201) << b.body;
    std::string id = b.json()["id"];
    auto r = http->post_json("/v1/bookings/" + id + "/payment-choice", {{"method", method}}, m.api_key);
    EXPECT_EQ(r.status, 200) << r.body;
    return {id, r.json()["invoice"]};
  }
  // An instance that serves the sandbox acquirer to itself (its public URL is its own port).
  void start_with_cards(std::int64_t moment) {
    auto port = free_port();
    auto card_env = env;
    card_env["SKYBILL_HTTP_PORT"] = std::to_string(port);
    card_env["SKYBILL_HTTP_PUBLIC_URL"] = "http://127.0.0.1:" + std::to_string(port);
    card_env["SKYBILL_JOBS_INTERVAL_MS"] = "100";
    start_at(moment, card_env);
  }
  // A booking paid by card on its pay page through the sandbox acquirer; its id.
  std::string paid_by_card(const std::string& reference) {
    auto created = http->post_json("/v1/bookings", booking_body(reference, seconds(now - server_unix()) + hours(72)),
                                   m.api_key);
    EXPECT_EQ(created.status, 201) << created.body;
    std::string id = created.json()["id"];
    auto url = http->post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "card"}}, m.api_key)
                   .json()["payment_url"]
                   .get<std::string>();
    const std::map<std::string, std::string> form = {{"Content-Type", "application/x-www-form-urlencoded"}};
    auto start = http->request("POST", "/pay/" + url.substr(url.rfind('/') + 1) + "/card", "", form);
    EXPECT_EQ(start.status, 303) << start.body;
    auto paid = http->request("POST", path_of(start.header("location")),
                              form_encode({{"number", "4242424242424242"}, {"expiry", "12/34"}, {"cvc", "123"},
                                           {"holder", "IVAN PETROV"}}),
                              form);
    EXPECT_EQ(paid.status, 303) << paid.body;
    EXPECT_TRUE(wait_for([&] { return get("/v1/bookings/" + id)["status"] == "paid"; }));
    return id;
  }
  nlohmann::json import(const std::vector<Doc>& docs) {
    auto r = http->request("POST", "/v1/statements", statement(docs),
                           {{"Authorization", "Bearer " + accountant}, {"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  // Paid in full by a bank transfer naming the invoice.
  void pay(const nlohmann::json& invoice, const std::string& doc_number, const std::string& date) {
    auto s = import({{doc_number, "Оплата по счету " + invoice["number"].get<std::string>(),
                      invoice["totals"]["amount"].get<std::string>(), date}});
    EXPECT_EQ(s["matched"], 1) << s;
  }
  HttpResponse refund(const std::string& booking_id, const nlohmann::json& body, const std::string& key = {},
                      const std::string& idempotency_key = {}) {
    std::map<std::string, std::string> headers;
    if (!idempotency_key.empty()) headers["Idempotency-Key"] = idempotency_key;
    return http->post_json("/v1/bookings/" + booking_id + "/refunds", body, key.empty() ? m.api_key : key, headers);
  }
  nlohmann::json settle(const std::string& day, std::int64_t moment, int expect_exit = 0) {
    auto r = run_cli({"settlement", "run", "--day", day}, at(moment));
    EXPECT_EQ(r.exit_code, expect_exit) << r.out << r.err;
    last_err = r.err;
    return expect_exit == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }
  std::string sql(const std::string& q) { return db->scalar(q); }
  // The ledger balance of every account of `owner` and `kind`, in minor units.
  std::string balance(const std::string& owner, const std::string& kind) {
    return sql("SELECT coalesce(sum(p.amount_minor), 0) FROM ledger_postings p JOIN ledger_accounts a "
               "ON a.id = p.account_id WHERE a.owner = '" + owner + "' AND a.kind = '" + kind + "'");
  }
  std::string events(const std::string& topic) {
    return sql("SELECT count(*) FROM outbox WHERE topic = '" + topic + "'");
  }
  nlohmann::json get(const std::string& path, const std::string& key = {}) {
    auto r = http->get(path, key.empty() ? m.api_key : key);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? r.json() : nlohmann::json();
  }

  std::unique_ptr<TestDatabase> db;
  Env env;
  std::vector<std::unique_ptr<ServerProcess>> servers;
  std::unique_ptr<HttpClient> http;
  std::int64_t now = 0;
  MerchantKey m, other;
  std::string accountant, support, last_err;
};

}  // namespace

TEST_F(SettlementTest, AFridayPaymentIsPaidOutOnMondayLessTheCommissionToTheKopeck) {
  start_at(msk("2026-11-27", 12));  // Friday noon, Moscow
  auto [a, inv_a] = invoiced("SET-FRI-1");
  auto [b, inv_b] = invoiced("SET-FRI-2");
  pay(inv_a, "11", "27.11.2026");
  pay(inv_b, "12", "27.11.2026");
  start_at(msk("2026-11-27", 19));  // after the 18:00 cut-off: Monday's business day
  auto [c, inv_c] = invoiced("SET-FRI-LATE");
  pay(inv_c, "13", "27.11.2026");
  http.reset();
  servers.clear();

  // Before the cut-off the day is not closed; a Saturday is not a business day.
  settle("2026-11-27", msk("2026-11-27", 17, 59), 1);
  EXPECT_TRUE(contains(last_err, "cut-off")) << last_err;
  settle("2026-11-28", msk("2026-11-28", 20), 1);
  EXPECT_TRUE(contains(last_err, "not a business day")) << last_err;

  auto run = settle("2026-11-27", msk("2026-11-27", 18, 30));
  ASSERT_EQ(run["payouts"].size(), 1u) << run;
  auto p = run["payouts"][0];
  EXPECT_EQ(p["business_day"], "2026-11-27");
  EXPECT_EQ(p["due_on"], "2026-11-30") << "a Friday payment is paid on Monday";
  EXPECT_EQ(p["status"], "created");
  EXPECT_EQ(p["items"], 2);
  EXPECT_EQ(p["payments"], "22999.00");
  // 1 % of 11 499.50 is 114.995: rounded half up to 115.00, plus 30.00 fixed, per payment.
  EXPECT_EQ(p["fees"], "290.00");
  EXPECT_EQ(p["refunds"], "0.00");
  EXPECT_EQ(p["net"], "22709.00");
  EXPECT_EQ(p["payee"]["account"], kAirlineAccount);
  EXPECT_EQ(p["payee"]["inn"], "7707083893");

  // Running the day again changes nothing.
  EXPECT_EQ(settle("2026-11-27", msk("2026-11-27", 19))["payouts"].size(), 0u);
  EXPECT_EQ(sql("SELECT count(*) FROM payouts"), "1");

  start_at(msk("2026-11-30", 10));  // Monday morning
  auto listed = get("/v1/payouts");
  ASSERT_EQ(listed["data"].size(), 1u);
  auto shown = get("/v1/payouts/" + p["id"].get<std::string>());
  ASSERT_EQ(shown["lines"].size(), 2u);
  for (const auto& line : shown["lines"]) {
    EXPECT_EQ(line["kind"], "payment");
    EXPECT_EQ(line["amount"], "11499.50");
    EXPECT_EQ(line["fee"], "145.00");
    EXPECT_EQ(line["net"], "11354.50");
  }
  // Another airline sees none of it.
  EXPECT_EQ(get("/v1/payouts", other.api_key)["data"].size(), 0u);
  EXPECT_EQ(http->get("/v1/payouts/" + p["id"].get<std::string>(), other.api_key).status, 404);
  EXPECT_EQ(get("/v1/payouts?merchant_id=" + m.merchant_id, accountant)["data"].size(), 1u);

  // The late Friday payment is Monday's.
  http.reset();
  servers.clear();
  auto monday = settle("2026-11-30", msk("2026-11-30", 18, 5));
  ASSERT_EQ(monday["payouts"].size(), 1u) << monday;
  EXPECT_EQ(monday["payouts"][0]["due_on"], "2026-12-01");
  EXPECT_EQ(monday["payouts"][0]["net"], "11354.50");
  EXPECT_EQ(balance("gateway", "fees"), "-43500") << "three payments' commission earned";
  EXPECT_EQ(balance("merchant", "payable"), "0") << "everything the airline was owed is in a payout";
  EXPECT_EQ(balance("gateway", "outgoing"), "-3406350") << "ordered out, not yet seen leaving the bank";
  EXPECT_EQ(events("payout.created"), "2");

  // The settlement report of the period, as JSON and CSV, for the airline and for staff.
  start_at(msk("2026-11-30", 19));
  auto report = get("/v1/settlement-report?from=2026-11-27&to=2026-11-30");
  ASSERT_EQ(report["totals"].size(), 1u) << report;
  EXPECT_EQ(report["totals"][0]["payments"], "34498.50");
  EXPECT_EQ(report["totals"][0]["fees"], "435.00");
  EXPECT_EQ(report["totals"][0]["refunds"], "0.00");
  EXPECT_EQ(report["totals"][0]["net"], "34063.50");
  EXPECT_EQ(report["payouts"].size(), 2u);
  EXPECT_EQ(report["payouts"][0]["lines"][0]["booking_reference"], "SET-FRI-1");
  auto csv = http->get("/v1/settlement-report?from=2026-11-27&to=2026-11-30&format=csv", m.api_key);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_TRUE(csv.body.starts_with("business_day,due_on,payout_id,payout_status,kind,occurred_at,booking_reference,"))
      << csv.body;
  EXPECT_EQ(line_count(csv.body), 1 + 3 + 4) << csv.body;  // header, 3 payments, 4 totals
  EXPECT_TRUE(contains(csv.body, "2026-11-27,2026-11-30,")) << csv.body;
  EXPECT_TRUE(contains(csv.body, "total,,,,net,,,,RUB,34063.50,,\r\n")) << csv.body;
  EXPECT_EQ(get("/v1/settlement-report?from=2026-11-27&to=2026-11-30", other.api_key)["payouts"].size(), 0u);
  EXPECT_EQ(get("/v1/settlement-report?from=2026-11-27&to=2026-11-30&merchant_id=" + m.merchant_id, accountant)["totals"][0]["net"],
            "34063.50");
  EXPECT_EQ(http->get("/v1/settlement-report?from=2026-11-30&to=2026-11-27", m.api_key).status, 422);
  EXPECT_EQ(http->get("/v1/settlement-report?from=2026-11-27", accountant).status, 422);
}

TEST_F(SettlementTest, PaymentsBeforeTheNewYearHolidaysArePaidAfterThem) {
  start_at(msk("2026-12-30", 12));  // Wednesday, the last business day of 2026
  auto [a, inv_a] = invoiced("SET-NY-1");
  pay(inv_a, "21", "30.12.2026");
  auto on = env;
  on["SKYBILL_JOBS_INTERVAL_MS"] = "100";
  start_at(msk("2026-12-31", 12), on);  // a day off: the job settles 30 December by itself
  auto [b, inv_b] = invoiced("SET-NY-2");
  pay(inv_b, "22", "31.12.2026");
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM payouts") == "1"; })) << "the job made no payout";
  EXPECT_EQ(sql("SELECT business_day || ' ' || due_on FROM payouts"), "2026-12-30 2027-01-11");
  EXPECT_EQ(sql("SELECT items FROM payouts"), "1") << "the payment of 31 December waits for 2027";
  http.reset();
  servers.clear();

  settle("2026-12-31", msk("2027-01-05", 12), 1);
  EXPECT_TRUE(contains(last_err, "not a business day")) << last_err;
  auto jan = settle("2027-01-11", msk("2027-01-11", 18, 1));
  ASSERT_EQ(jan["payouts"].size(), 1u) << jan;
  EXPECT_EQ(jan["payouts"][0]["business_day"], "2027-01-11");
  EXPECT_EQ(jan["payouts"][0]["due_on"], "2027-01-12");
  EXPECT_EQ(jan["payouts"][0]["net"], "11354.50");
}

TEST_F(SettlementTest, TwoInstancesAndAnOperatorSettlingTheSameDayMakeOnePayout) {
  start_at(msk("2026-11-25", 11));
  for (int i = 0; i < 4; ++i) {
    auto [id, inv] = invoiced("SET-TWO-" + std::to_string(i));
    pay(inv, std::to_string(30 + i), "25.11.2026");
  }
  http.reset();
  servers.clear();
  auto on = env;
  on["SKYBILL_JOBS_INTERVAL_MS"] = "20";
  auto after_cutoff = msk("2026-11-25", 18, 10);
  servers.push_back(std::make_unique<ServerProcess>(at(after_cutoff, on)));
  servers.push_back(std::make_unique<ServerProcess>(at(after_cutoff, on)));
  auto cli = run_cli({"settlement", "run", "--day", "2026-11-25"}, at(after_cutoff));
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM settlement_items WHERE payout_id IS NULL") == "0"; }));
  std::this_thread::sleep_for(milliseconds(500));  // both jobs ran many more times
  EXPECT_EQ(sql("SELECT count(*) FROM payouts"), "1");
  EXPECT_EQ(sql("SELECT items || ' ' || net_minor FROM payouts"), "4 4541800");
  EXPECT_EQ(sql("SELECT count(*) FROM ledger_entries WHERE kind = 'payout.created'"), "1");
}

TEST_F(SettlementTest, ARefundByTransferIsNettedFromThePayoutAndConfirmedByTheBankStatement) {
  start_at(msk("2026-11-27", 12));
  auto [a, inv_a] = invoiced("SET-REF-1");
  pay(inv_a, "41", "27.11.2026");
  http.reset();
  servers.clear();
  auto friday = settle("2026-11-27", msk("2026-11-27", 18, 30))["payouts"][0];

  start_at(msk("2026-11-30", 10));  // Monday: the client gives up the service fee, the airline keeps 200.00
  auto body = nlohmann::json{{"lines", {2}},
                             {"penalties", {{{"description", "Change fee"}, {"amount", "200.00"}}}},
                             {"reason", "service not used"}};
  auto r = refund(a, body, {}, "refund-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto rf = r.json();
  EXPECT_EQ(rf["amount"], "800.00");
  EXPECT_EQ(rf["penalty"], "200.00");
  EXPECT_EQ(rf["status"], "pending");
  ASSERT_EQ(rf["legs"].size(), 1u);
  EXPECT_EQ(rf["legs"][0]["route"], "transfer");
  EXPECT_EQ(rf["legs"][0]["payee"]["account"], kPayerAccount) << "back to the account the money came from";
  EXPECT_EQ(rf["deadline_at"], "2026-12-02T21:00:00Z") << "the end of the 2nd business day, Moscow time";
  auto replay = refund(a, body, {}, "refund-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.json()["id"], rf["id"]) << "the same key replays the refund";
  EXPECT_EQ(sql("SELECT count(*) FROM refunds"), "1");
  EXPECT_EQ(events("refund.created"), "1");

  // The same line again, or a whole refund of more than is left, is refused.
  auto again = refund(a, {{"lines", {2}}, {"reason", "twice"}});
  EXPECT_EQ(again.status, 422) << again.body;
  auto [b, inv_b] = invoiced("SET-REF-2");
  pay(inv_b, "42", "30.11.2026");
  http.reset();
  servers.clear();

  auto monday = settle("2026-11-30", msk("2026-11-30", 18, 30))["payouts"][0];
  EXPECT_EQ(monday["payments"], "11499.50");
  EXPECT_EQ(monday["refunds"], "800.00") << "the refund is netted from the airline's next payout";
  EXPECT_EQ(monday["fees"], "145.00");
  EXPECT_EQ(monday["net"], "10554.50");

  // Payment orders: both payouts and the refund, in one file for the bank.
  start_at(msk("2026-12-01", 9));
  auto ex = http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), accountant);
  ASSERT_EQ(ex.status, 201) << ex.body;
  auto exported = ex.json();
  ASSERT_EQ(exported["count"], 3) << exported;
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& o : exported["orders"]) by_id[o["id"]] = o;
  auto order_of_friday = by_id.at(friday["id"]);
  auto order_of_refund = by_id.at(rf["legs"][0]["id"]);
  EXPECT_EQ(order_of_friday["amount"], "11354.50");
  EXPECT_EQ(order_of_refund["amount"], "800.00");
  std::string export_id = exported["id"];
  auto one_c = http->get("/v1/payment-orders/exports/" + export_id + "/file?format=1c", accountant);
  ASSERT_EQ(one_c.status, 200) << one_c.body;
  EXPECT_TRUE(contains(one_c.header("content-type"), "windows-1251"));
  EXPECT_TRUE(contains(one_c.body, "=11354.50\r\n")) << "Сумма of the Friday payout";
  EXPECT_TRUE(contains(one_c.body, "=" + kAirlineAccount + "\r\n"));
  EXPECT_TRUE(contains(one_c.body, "=" + kPayerAccount + "\r\n"));
  auto csv = http->get("/v1/payment-orders/exports/" + export_id + "/file?format=csv", accountant);
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(contains(csv.body, ",800.00,RUB,")) << csv.body;
  EXPECT_EQ(http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), accountant).status, 409)
      << "nothing is left to export";
  EXPECT_EQ(http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), m.api_key).status, 403);
  auto sent = http->post_json("/v1/payment-orders/exports/" + export_id + "/sent", nlohmann::json::object(), accountant);
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(get("/v1/payouts/" + friday["id"].get<std::string>())["status"], "sent");

  // The next statement shows the Friday payout and the refund leaving the gateway's account.
  auto st = import({{order_of_friday["number"], "выплата", "11354.50", "01.12.2026", true, kAirlineAccount},
                    {order_of_refund["number"], "возврат", "800.00", "01.12.2026", true, kPayerAccount}});
  EXPECT_EQ(st["outgoing_confirmed"], 2) << st;
  EXPECT_EQ(get("/v1/payouts/" + friday["id"].get<std::string>())["status"], "confirmed");
  EXPECT_EQ(get("/v1/payouts/" + monday["id"].get<std::string>())["status"], "sent");
  auto done = get("/v1/refunds/" + rf["id"].get<std::string>());
  EXPECT_EQ(done["status"], "succeeded");
  EXPECT_EQ(events("refund.succeeded"), "1");
  EXPECT_EQ(events("payout.confirmed"), "1");

  // The rest of the booking, refunded in full; the bank returns that order: the refund fails,
  // the money waits on the gateway's unallocated account and staff get a case.
  auto rest = refund(a, {{"reason", "flight cancelled"}});
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(rest.json()["amount"], "10499.50");
  auto whole_again = refund(a, {{"reason", "again"}});
  EXPECT_EQ(whole_again.status, 422) << "nothing is left to refund: " << whole_again.body;
  EXPECT_EQ(whole_again.json()["type"], "https://skybill.dev/problems/refund-too-large");
  auto leg = rest.json()["legs"][0]["id"].get<std::string>();
  auto failed = http->post_json("/v1/refunds/" + rest.json()["id"].get<std::string>() + "/legs/" + leg + "/failed",
                                {{"reason", "account closed"}}, accountant);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(failed.json()["status"], "failed");
  EXPECT_EQ(events("refund.failed"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases WHERE type = 'refund_failed'"), "1");
  EXPECT_EQ(balance("gateway", "unallocated"), "-1049950");

  // The failed payout of Monday: the airline is owed it again, in the next payout.
  auto payout_failed = http->post_json("/v1/payouts/" + monday["id"].get<std::string>() + "/failed",
                                       {{"reason", "returned by the airline's bank"}}, accountant);
  ASSERT_EQ(payout_failed.status, 200) << payout_failed.body;
  EXPECT_EQ(payout_failed.json()["status"], "failed");
  http.reset();
  servers.clear();
  auto tuesday = settle("2026-12-01", msk("2026-12-01", 18, 30));
  ASSERT_EQ(tuesday["payouts"].size(), 1u) << tuesday;
  // Owed again: Monday's net (10 554.50) less the second refund (10 499.50); no new fee.
  EXPECT_EQ(tuesday["payouts"][0]["payments"], "10554.50");
  EXPECT_EQ(tuesday["payouts"][0]["refunds"], "10499.50");
  EXPECT_EQ(tuesday["payouts"][0]["net"], "55.00");
}

TEST_F(SettlementTest, AGuaranteedBookingIsSettledAtOnceAndItsRefundReducesWhatTheClientOwes) {
  start_at(msk("2026-11-24", 10));
  invoiced("SET-CREDIT-0");  // links the client
  ASSERT_EQ(run_cli({"client", "credit", "set", "--inn", kClientInn, "--kpp", "772801001", "--limit", "50000.00",
                     "--deferral-days", "10"},
                    env)
                .exit_code,
            0);
  auto [a, inv] = invoiced("SET-CREDIT", "credit_line");
  EXPECT_EQ(balance("client", "credit_receivable"), "1149950");
  auto r = refund(a, {{"lines", {2}}, {"reason", "no service"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["status"], "succeeded") << "no money moves: the client owes less";
  EXPECT_EQ(r.json()["legs"][0]["route"], "credit_line");
  EXPECT_EQ(balance("client", "credit_receivable"), "1049950");
  EXPECT_EQ(get("/v1/bookings/" + a)["invoice"]["outstanding"], "10499.50");
  EXPECT_EQ(events("refund.succeeded"), "1");

  // The airline is paid for the guarantee whether or not the client has paid, less the refund.
  http.reset();
  servers.clear();
  auto p = settle("2026-11-24", msk("2026-11-24", 18, 30))["payouts"][0];
  EXPECT_EQ(p["payments"], "11499.50");
  EXPECT_EQ(p["refunds"], "1000.00");
  EXPECT_EQ(p["net"], "10354.50");

  // The client pays what is left: the credit line is free again.
  start_at(msk("2026-11-26", 10));
  auto s = import({{"51", "Оплата по счету " + inv["number"].get<std::string>(), "10499.50", "26.11.2026"}});
  EXPECT_EQ(s["matched"], 1) << s;
  EXPECT_EQ(balance("client", "credit_receivable"), "0");
  EXPECT_EQ(balance("client", "receivable"), "0");
  EXPECT_EQ(get("/v1/bookings/" + a)["invoice"]["status"], "paid");
  EXPECT_EQ(sql("SELECT count(*) FROM settlement_items WHERE kind = 'payment'"), "0")
      << "the payment repays the credit line; the airline was paid for the guarantee";
}

TEST_F(SettlementTest, AGuaranteeLetterIsSettledOnceStaffApproveIt) {
  start_at(msk("2026-11-24", 10));
  auto body = booking_body("SET-LETTER", seconds(now - server_unix()) + hours(12));
  auto b = http->post_json("/v1/bookings", body, m.api_key);
  ASSERT_EQ(b.status, 201) << b.body;
  std::string id = b.json()["id"];
  auto chosen = http->post_json("/v1/bookings/" + id + "/payment-choice", {{"method", "guarantee_letter"}}, m.api_key);
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(sql("SELECT count(*) FROM settlement_items"), "0") << "not guaranteed before staff approve the letter";
  auto admin = staff_key("admin");
  auto approved = http->post_json("/admin/api/bookings/" + id + "/approve-guarantee-letter", nlohmann::json::object(), admin);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(sql("SELECT kind || ' ' || amount_minor FROM settlement_items"), "guarantee 1149950");
  EXPECT_EQ(balance("client", "receivable"), "1149950") << "the client owes the invoice";
  http.reset();
  servers.clear();
  auto p = settle("2026-11-24", msk("2026-11-24", 18, 30))["payouts"][0];
  EXPECT_EQ(p["net"], "11354.50") << "the airline is paid though the client has not paid yet";
  // Ticketing fails later: the guarantee is released and the airline owes it back.
  start_at(msk("2026-11-25", 10));
  auto failed = http->post_json("/v1/bookings/" + id + "/ticketing-failed", {{"reason", "schedule change"}}, m.api_key);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(balance("client", "receivable"), "0");
  EXPECT_EQ(sql("SELECT kind || ' ' || amount_minor FROM settlement_items WHERE payout_id IS NULL"), "release -1149950");
}

TEST_F(SettlementTest, ADepositPaymentIsRefundedToTheDepositAndStaffMayRefundAnyBooking) {
  start_at(msk("2026-11-24", 10));
  auto [a, unused] = invoiced("SET-DEP-0");  // links the client
  ASSERT_EQ(run_cli({"client", "deposit", "add", "--inn", kClientInn, "--kpp", "772801001", "--amount", "20000.00"}, env)
                .exit_code,
            0);
  auto [b, inv] = invoiced("SET-DEP", "deposit");
  EXPECT_EQ(balance("client", "deposit"), "-850050");
  auto r = refund(b, {{"lines", {0}}, {"reason", "fare refunded"}}, support);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["legs"][0]["route"], "deposit");
  EXPECT_EQ(r.json()["status"], "succeeded");
  EXPECT_EQ(r.json()["created_by"].get<std::string>().rfind("staff:", 0), 0u);
  EXPECT_EQ(balance("client", "deposit"), "-1850050");
  // The other lines, in full.
  auto rest = refund(b, {{"reason", "all of it"}});
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(rest.json()["amount"], "1499.50");
  EXPECT_EQ(balance("client", "deposit"), "-2000000");
  // Another airline cannot refund it; an unpaid booking has nothing to refund.
  EXPECT_EQ(refund(b, {{"reason", "x"}}, other.api_key).status, 404);
  EXPECT_EQ(refund(a, {{"reason", "x"}}).status, 409);
  auto bad = refund(b, {{"lines", {7, -1}}, {"penalties", {{{"amount", "1.5"}}}}, {"colour", "red"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
}

TEST_F(SettlementTest, ACardPaymentIsRefundedThroughTheAcquirerInPartThenInFull) {
  start_with_cards(msk("2026-11-28", 12));  // a Saturday: nothing is settled while the test runs
  auto id = paid_by_card("SET-CARD");

  auto part = refund(id, {{"lines", {1}}, {"reason", "tax refunded"}});
  ASSERT_EQ(part.status, 201) << part.body;
  EXPECT_EQ(part.json()["legs"][0]["route"], "card");
  std::string part_id = part.json()["id"];
  ASSERT_TRUE(wait_for([&] { return get("/v1/refunds/" + part_id)["status"] == "succeeded"; }))
      << get("/v1/refunds/" + part_id);
  auto session = [&](const std::string& column) {
    return sql("SELECT s." + column + " FROM sandbox_acquirer_sessions s JOIN card_payments c ON c.acquirer_ref = s.id "
               "WHERE c.booking_id = '" + id + "'");
  };
  EXPECT_EQ(session("refunded_minor"), "49950") << "the acquirer gave the client 499.50 back";

  auto full = refund(id, {{"reason", "cancelled"}});
  ASSERT_EQ(full.status, 201) << full.body;
  std::string full_id = full.json()["id"];
  ASSERT_TRUE(wait_for([&] { return get("/v1/refunds/" + full_id)["status"] == "succeeded"; }));
  EXPECT_EQ(session("refunded_minor"), "1149950");
  EXPECT_EQ(session("status"), "refunded");
  EXPECT_EQ(events("refund.succeeded"), "2");
  EXPECT_EQ(balance("gateway", "outgoing"), "0") << "every card refund left the gateway";
  EXPECT_EQ(balance("merchant", "payable"), "0") << "the airline gave back all it was owed";
}

TEST_F(SettlementTest, ARefundStillOpenCloseToItsDeadlineOpensACase) {
  start_at(msk("2026-11-27", 12));
  auto [a, inv] = invoiced("SET-RISK");
  pay(inv, "61", "27.11.2026");
  auto r = refund(a, {{"reason", "cancelled"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["deadline_at"], "2026-12-01T21:00:00Z") << "Friday + 2 business days = Tuesday";
  auto on = env;
  on["SKYBILL_JOBS_INTERVAL_MS"] = "100";
  start_at(msk("2026-11-30", 20), on);  // Monday evening: not yet within 24 h of the deadline
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases WHERE type = 'refund_at_risk'"), "0");
  start_at(msk("2026-12-01", 9), on);  // Tuesday morning, the order not yet sent
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM support_cases WHERE type = 'refund_at_risk'") == "1"; }));
  EXPECT_NE(get("/v1/refunds/" + r.json()["id"].get<std::string>())["at_risk_at"], nullptr);
}

TEST_F(SettlementTest, ACardRefundTheAcquirerRefusesFailsAndTheMoneyWaitsForStaff) {
  start_with_cards(msk("2026-11-28", 12));
  auto id = paid_by_card("SET-CARD-NO");
  // The money was already returned on the acquirer's side (say, by a chargeback): it refuses.
  db->exec("UPDATE sandbox_acquirer_sessions SET refunded_minor = captured_minor, status = 'refunded'");

  auto r = refund(id, {{"reason", "cancelled"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string refund_id = r.json()["id"];
  ASSERT_TRUE(wait_for([&] { return get("/v1/refunds/" + refund_id)["status"] == "failed"; }))
      << get("/v1/refunds/" + refund_id);
  auto failed = get("/v1/refunds/" + refund_id);
  EXPECT_TRUE(contains(failed["legs"][0]["failure_reason"].get<std::string>(), "the acquirer refused")) << failed;
  EXPECT_EQ(events("refund.failed"), "1");
  EXPECT_EQ(events("refund.succeeded"), "0");
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases WHERE type = 'refund_failed'"), "1");
  EXPECT_EQ(balance("gateway", "unallocated"), "-1149950") << "the client's money waits for staff";
  EXPECT_EQ(balance("gateway", "outgoing"), "0");

  // Staff send it again by transfer to the client's account.
  auto leg = failed["legs"][0]["id"].get<std::string>();
  auto retry_path = "/v1/refunds/" + refund_id + "/legs/" + leg + "/retry";
  auto no_payee = http->post_json(retry_path, nlohmann::json::object(), accountant);
  EXPECT_EQ(no_payee.status, 422) << "a card leg has no account to send to: " << no_payee.body;
  auto bad_payee = http->post_json(retry_path, {{"payee", {{"account", "12"}}}}, accountant);
  EXPECT_EQ(bad_payee.status, 422) << bad_payee.body;
  nlohmann::json payee = {{"name", "ООО \"Ромашка\""}, {"inn", kClientInn}, {"kpp", "772801001"},
                          {"account", kPayerAccount}, {"bic", "044525974"}, {"bank", "АО Банк"}};
  auto retried = http->post_json(retry_path, {{"payee", payee}}, accountant);
  ASSERT_EQ(retried.status, 200) << retried.body;
  auto again = retried.json();
  EXPECT_EQ(again["status"], "pending");
  ASSERT_EQ(again["legs"].size(), 2u);
  EXPECT_EQ(again["legs"][0]["replaced_by"], again["legs"][1]["id"]);
  EXPECT_EQ(again["legs"][1]["route"], "transfer");
  EXPECT_EQ(http->post_json(retry_path, {{"payee", payee}}, accountant).status, 409) << "sent again already";
  EXPECT_EQ(balance("gateway", "unallocated"), "0");

  auto ex = http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), accountant);
  ASSERT_EQ(ex.status, 201) << ex.body;
  ASSERT_EQ(ex.json()["count"], 1);
  auto number = ex.json()["orders"][0]["number"].get<std::string>();
  auto st = import({{number, "возврат", "11499.50", "30.11.2026", true, kPayerAccount}});
  EXPECT_EQ(st["outgoing_confirmed"], 1) << st;
  EXPECT_EQ(get("/v1/refunds/" + refund_id)["status"], "succeeded");
  EXPECT_EQ(events("refund.succeeded"), "1");
  EXPECT_EQ(balance("gateway", "outgoing"), "0");
}

TEST_F(SettlementTest, MerchantSettlementSettingsAreValidatedAndAudited) {
  auto bad = run_cli({"merchant", "settlement", "--merchant", m.merchant_id, "--commission-percent", "150",
                      "--commission-fixed", "XYZ:1.00", "--payee-account", "123"},
                     env);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  for (const char* field : {"commission_percent", "commission_fixed.XYZ", "payee.account"})
    EXPECT_TRUE(contains(bad.err, field)) << field << ": " << bad.err;
  auto cleared = run_cli({"merchant", "settlement", "--merchant", m.merchant_id, "--commission-fixed", "none"}, env);
  ASSERT_EQ(cleared.exit_code, 0) << cleared.err;
  auto settings = nlohmann::json::parse(cleared.out)["settlement"];
  EXPECT_FALSE(settings.contains("commission_fixed")) << settings;
  EXPECT_EQ(settings["commission_percent"], "1");
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'merchant.settlement_changed'"), "2");
  EXPECT_EQ(run_cli({"merchant", "settlement", "--merchant", m.merchant_id}, env).exit_code, 2) << "nothing to change";
}

TEST_F(SettlementTest, EachAirlineIsSettledAtItsOwnCutoffInItsOwnTimeZone) {
  // The other airline closes its day at 22:00, and lives in Yekaterinburg (UTC+5): 20:00 Moscow.
  ASSERT_EQ(run_cli({"merchant", "settlement", "--merchant", other.merchant_id, "--cutoff", "22:00"}, env).exit_code, 0);
  ASSERT_EQ(
      run_cli({"merchant", "update", "--merchant", other.merchant_id, "--timezone", "Asia/Yekaterinburg"}, env).exit_code,
      0);
  start_at(msk("2026-11-27", 12));
  auto [a, inv_a] = invoiced("SET-OWN-1");
  pay(inv_a, "71", "27.11.2026");
  auto theirs = booking_body("SET-OWN-2", seconds(now - server_unix()) + hours(72));
  auto b = http->post_json("/v1/bookings", theirs, other.api_key);
  ASSERT_EQ(b.status, 201) << b.body;
  auto inv_b = http->post_json("/v1/bookings/" + b.json()["id"].get<std::string>() + "/payment-choice",
                               {{"method", "invoice"}}, other.api_key)
                   .json()["invoice"];
  pay(inv_b, "72", "27.11.2026");
  http.reset();
  servers.clear();

  // 18:30 Moscow is 20:30 in Yekaterinburg: ours is closed, theirs is not.
  auto first = settle("2026-11-27", msk("2026-11-27", 18, 30));
  ASSERT_EQ(first["payouts"].size(), 1u) << first;
  EXPECT_EQ(first["payouts"][0]["merchant_id"], m.merchant_id);
  ASSERT_EQ(first["not_closed"].size(), 1u) << first;
  EXPECT_EQ(first["not_closed"][0]["merchant_id"], other.merchant_id);
  EXPECT_EQ(first["not_closed"][0]["cutoff"], "22:00");
  auto second = settle("2026-11-27", msk("2026-11-27", 20, 30));
  ASSERT_EQ(second["payouts"].size(), 1u) << second;
  EXPECT_EQ(second["payouts"][0]["merchant_id"], other.merchant_id);
  EXPECT_EQ(second["payouts"][0]["cutoff_at"], "2026-11-27T17:00:00Z") << "22:00 in Yekaterinburg";
  EXPECT_EQ(second["payouts"][0]["fees"], "0.00") << "the other airline pays no commission";

  // A Monday payment of ours: at 17:30 Moscow the day is open for it; at 18:10 it is closed.
  start_at(msk("2026-11-30", 11));
  auto [c, inv_c] = invoiced("SET-OWN-3");
  pay(inv_c, "73", "30.11.2026");
  http.reset();
  servers.clear();
  settle("2026-11-30", msk("2026-11-30", 17, 30), 1);
  EXPECT_TRUE(contains(last_err, "has not reached its cut-off")) << last_err;
  auto ours = settle("2026-11-30", msk("2026-11-30", 18, 10));
  ASSERT_EQ(ours["payouts"].size(), 1u) << ours;
  EXPECT_EQ(ours["payouts"][0]["merchant_id"], m.merchant_id);
}

TEST_F(SettlementTest, MoneyForNobodyIsSentBackToItsPayerByPaymentOrder) {
  start_at(msk("2026-11-27", 12));
  auto s = import({{"81", "за что-то другое", "1500.00", "27.11.2026", false, "40702810500000099999"}});
  ASSERT_EQ(s["reconciliation"], 1) << s;
  auto doc = sql("SELECT id FROM bank_documents WHERE number = '81'");
  EXPECT_EQ(balance("gateway", "unallocated"), "-150000");

  EXPECT_EQ(http->post_json("/v1/reconciliation/" + doc + "/return", {{"reason", "x"}}, m.api_key).status, 403);
  EXPECT_EQ(http->post_json("/v1/reconciliation/" + doc + "/return", nlohmann::json::object(), accountant).status, 422);
  auto r = http->post_json("/v1/reconciliation/" + doc + "/return", {{"reason", "not our client"}}, accountant);
  ASSERT_EQ(r.status, 201) << r.body;
  auto ret = r.json();
  EXPECT_EQ(ret["status"], "created");
  EXPECT_EQ(ret["amount"], "1500.00");
  EXPECT_EQ(ret["payee"]["account"], "40702810500000099999");
  EXPECT_EQ(balance("gateway", "unallocated"), "0");
  EXPECT_EQ(sql("SELECT status FROM bank_documents WHERE id = '" + doc + "'"), "returned");
  EXPECT_EQ(http->post_json("/v1/reconciliation/" + doc + "/return", {{"reason", "again"}}, accountant).status, 409);

  // The bank refuses the first order: the money waits again, and is sent back again.
  auto ex = http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), accountant).json();
  ASSERT_EQ(ex["count"], 1) << ex;
  EXPECT_EQ(ex["orders"][0]["kind"], "return");
  EXPECT_TRUE(contains(ex["orders"][0]["purpose"].get<std::string>(), "по п/п № 81 от 27.11.2026")) << ex;
  auto failed = http->post_json("/v1/returns/" + ret["id"].get<std::string>() + "/failed",
                                {{"reason", "wrong BIC"}}, accountant);
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(failed.json()["status"], "failed");
  EXPECT_EQ(balance("gateway", "unallocated"), "-150000");
  EXPECT_EQ(sql("SELECT status FROM bank_documents WHERE id = '" + doc + "'"), "unrelated");
  auto again = http->post_json("/v1/reconciliation/" + doc + "/return", {{"reason", "second try"}}, accountant);
  ASSERT_EQ(again.status, 201) << again.body;

  auto ex2 = http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), accountant).json();
  ASSERT_EQ(ex2["count"], 1) << ex2;
  auto number = ex2["orders"][0]["number"].get<std::string>();
  EXPECT_NE(number, ex["orders"][0]["number"].get<std::string>());
  ASSERT_EQ(http->post_json("/v1/payment-orders/exports/" + ex2["id"].get<std::string>() + "/sent",
                            nlohmann::json::object(), accountant)
                .status,
            200);
  EXPECT_EQ(get("/v1/returns/" + again.json()["id"].get<std::string>(), accountant)["status"], "sent");
  auto st = import({{number, "возврат", "1500.00", "30.11.2026", true, "40702810500000099999"}});
  EXPECT_EQ(st["outgoing_confirmed"], 1) << st;
  EXPECT_EQ(get("/v1/returns/" + again.json()["id"].get<std::string>(), accountant)["status"], "succeeded");
  EXPECT_EQ(balance("gateway", "outgoing"), "0");
  EXPECT_EQ(get("/v1/reconciliation?status=returned", accountant)["data"].size(), 1u);
}
