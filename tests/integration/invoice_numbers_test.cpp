// Invoice numbers identify one invoice on the gateway's account (issue 11): each airline numbers
// in series of its own, the database refuses a duplicate, and airline settings are read and
// changed through the CLI and the staff API, validated and audited.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixtures.hpp"
#include "harness.hpp"

using namespace skybill::test;
namespace fs = std::filesystem;

namespace {

const std::string kOurAccount = "40702810900000000001";
const std::string kClientInn = "7728168971";

struct Transfer {
  std::string number, purpose, amount, date;  // date DD.MM.YYYY
};

// A 1C statement of incoming transfers from the client (as payments_test writes them).
std::string one_c(const std::vector<Transfer>& docs) {
  const std::string eol = "\r\n", day = docs.front().date;
  std::string s = "1CClientBankExchange" + eol + "ВерсияФормата=1.03" + eol + "Кодировка=Windows" + eol +
                  "Отправитель=Бухгалтерия" + eol + "Получатель=" + eol + "ДатаСоздания=" + day + eol +
                  "ДатаНачала=" + day + eol + "ДатаКонца=" + day + eol + "РасчСчет=" + kOurAccount + eol +
                  "СекцияРасчСчет" + eol + "ДатаНачала=" + day + eol + "РасчСчет=" + kOurAccount + eol +
                  "КонецРасчСчет" + eol;
  for (const auto& d : docs)
    s += "СекцияДокумент=Платежное поручение" + eol + "Номер=" + d.number + eol + "Дата=" + d.date + eol +
         "Сумма=" + d.amount + eol + "ПлательщикСчет=40702810500000012345" + eol + "ПлательщикИНН=" + kClientInn +
         eol + "ПлательщикКПП=772801001" + eol + "Плательщик1=ООО \"Ромашка\"" + eol + "ПлательщикБИК=044525974" +
         eol + "ПолучательСчет=" + kOurAccount + eol + "ПолучательИНН=7707083893" + eol +
         "Получатель1=ООО \"Скайбилл\"" + eol + "ДатаПоступило=" + d.date + eol + "ВидОплаты=01" + eol +
         "НазначениеПлатежа=" + d.purpose + eol + "КонецДокумента" + eol;
  return s + "КонецФайла" + eol;
}

// "2026-11-23T09:00:00Z" (the server's clock, as the invoice shows it) -> "23.11.2026".
std::string statement_date(const std::string& rfc3339) {
  return rfc3339.substr(8, 2) + "." + rfc3339.substr(5, 2) + "." + rfc3339.substr(0, 4);
}

struct Airline {
  std::string id, prefix, key;
};

class InvoiceNumberTest : public ServerSuite {
 protected:
  void SetUp() override {
    admin = staff_key("Ada Admin", "admin");
    accountant = staff_key("Anna Accountant", "accountant");
  }
  std::string staff_key(const std::string& name, const std::string& role) {
    auto r = run_cli({"staff", "key", "create", "--name", name, "--role", role}, *env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["staff_key"];
  }
  Airline airline(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"merchant", "create", "--name", name, "--inn", "7707083893", "--kpp", "770701001"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_cli(args, *env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    return {j["merchant_id"], j["invoice_prefix"], j["api_key"]};
  }
  // A booking paid by bank-transfer invoice; returns the invoice.
  nlohmann::json invoice_of(const Airline& a, const std::string& reference) {
    HttpClient http(server->port());
    auto b = http.post_json("/v1/bookings", booking_body(reference), a.key);
    EXPECT_EQ(b.status, 201) << b.body;
    auto r = http.post_json("/v1/bookings/" + b.json()["id"].get<std::string>() + "/payment-choice",
                            {{"method", "invoice"}}, a.key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["invoice"];
  }
  HttpResponse patch(const std::string& merchant, const nlohmann::json& body, const std::string& key) {
    return HttpClient(server->port())
        .request("PATCH", "/v1/merchants/" + merchant, body.dump(),
                 {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
  }
  std::string count(const std::string& sql) { return db->scalar("SELECT count(*) " + sql); }
  std::string admin, accountant;
};

}  // namespace

TEST_F(InvoiceNumberTest, ThreeAirlinesFirstInvoicesAreAllPaidSurelyByOneStatement) {
  std::vector<Airline> airlines{airline("Polar Wings"), airline("Polar Wings"), airline("Аэросервис")};
  EXPECT_EQ(airlines[0].prefix, "PW");
  EXPECT_EQ(airlines[1].prefix, "PW2") << "the same name gets the next free prefix";
  EXPECT_EQ(airlines[2].prefix, "AL") << "no Latin letters";

  std::vector<nlohmann::json> invoices;
  std::vector<Transfer> transfers;
  for (std::size_t i = 0; i < airlines.size(); ++i) {
    auto inv = invoice_of(airlines[i], "THREE-" + std::to_string(i));
    std::string number = inv["number"], issued = inv["issued_at"];
    EXPECT_EQ(number, airlines[i].prefix + "-" + issued.substr(0, 4) + "-000001") << "each airline's first invoice";
    invoices.push_back(inv);
    transfers.push_back({std::to_string(500 + i),
                         "Оплата по счету № " + number + " от " + statement_date(issued) + ", в т.ч. НДС 999.16",
                         "11499.50", statement_date(issued)});
  }

  HttpClient http(server->port());
  auto r = http.request("POST", "/v1/statements", one_c(transfers),
                        {{"Authorization", "Bearer " + accountant}, {"Content-Type", "text/plain"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["incoming"], 3);
  EXPECT_EQ(r.json()["matched"], 3) << http.get("/v1/reconciliation", accountant).body;
  EXPECT_EQ(r.json()["reconciliation"], 0);
  for (std::size_t i = 0; i < airlines.size(); ++i) {
    auto inv = http.get("/v1/invoices/" + invoices[i]["id"].get<std::string>(), airlines[i].key).json();
    EXPECT_EQ(inv["status"], "paid") << inv["number"];
    EXPECT_EQ(inv["outstanding"], "0.00");
  }
  EXPECT_EQ(count("FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.id IN ('" +
                  invoices[0]["id"].get<std::string>() + "', '" + invoices[1]["id"].get<std::string>() + "', '" +
                  invoices[2]["id"].get<std::string>() + "')"),
            "3");
}

TEST_F(InvoiceNumberTest, APrefixTakenReservedOrMisshapenIsRefusedAndNothingIsWritten) {
  auto owner = airline("Owner Air", {"--invoice-prefix", "OWN"});
  EXPECT_EQ(owner.prefix, "OWN");
  auto merchants = count("FROM merchants");
  for (auto [prefix, words] : std::vector<std::pair<std::string, std::string>>{
           {"OWN", "taken by another airline"}, {"SB", "reserved"}, {"ax", "capital Latin"}, {"INN", "label"}}) {
    SCOPED_TRACE(prefix);
    auto r = run_cli({"merchant", "create", "--name", "Copy Air", "--inn", "7707083893", "--invoice-prefix", prefix},
                     *env);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "invoice_prefix")) << r.err;
    EXPECT_TRUE(contains(r.err, words)) << r.err;
  }
  EXPECT_EQ(count("FROM merchants"), merchants);

  auto other = airline("Other Air");
  auto audits = count("FROM audit_log");
  auto r = patch(other.id, {{"invoice_prefix", "OWN"}, {"name", "Renamed Air"}}, admin);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  auto errors = r.json()["errors"];
  ASSERT_EQ(errors.size(), 1u) << r.body;
  EXPECT_EQ(errors[0]["field"], "invoice_prefix");
  EXPECT_TRUE(contains(errors[0]["message"], "taken by another airline")) << r.body;
  r = patch(other.id, {{"invoice_prefix", "SB"}, {"timezone", "Mars/Olympus"}}, admin);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["errors"].size(), 2u) << r.body;
  auto now = HttpClient(server->port()).get("/v1/merchants/" + other.id, admin).json();
  EXPECT_EQ(now["invoice_prefix"], other.prefix);
  EXPECT_EQ(now["name"], "Other Air");
  EXPECT_EQ(count("FROM audit_log"), audits);
  EXPECT_EQ(count("FROM invoice_series WHERE merchant_id = '" + other.id + "'"), "1");
}

TEST_F(InvoiceNumberTest, SettingsAreReadAndChangedByTheCliAndAudited) {
  auto a = airline("Cli Air");
  auto show = run_cli({"merchant", "show", "--merchant", a.id}, *env);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto shown = nlohmann::json::parse(show.out);
  EXPECT_EQ(shown["invoice_prefix"], a.prefix);
  EXPECT_EQ(shown["invoice_series"], nlohmann::json::array({a.prefix}));
  EXPECT_EQ(shown["timezone"], "Europe/Moscow");

  auto first = invoice_of(a, "CLI-1");
  auto up = run_cli({"merchant", "update", "--merchant", a.id, "--timezone", "Asia/Yekaterinburg", "--invoice-prefix",
                     "CLIA", "--email", "billing@cli-air.example"},
                    *env);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  auto after = nlohmann::json::parse(up.out);
  EXPECT_EQ(after["invoice_prefix"], "CLIA");
  EXPECT_EQ(after["invoice_series"], nlohmann::json::array({a.prefix, "CLIA"})) << "the old series stays the airline's";
  EXPECT_EQ(after["timezone"], "Asia/Yekaterinburg");
  auto second = invoice_of(a, "CLI-2");
  std::string issued = second["issued_at"];
  EXPECT_TRUE(second["number"].get<std::string>().starts_with("CLIA-")) << second["number"];
  EXPECT_TRUE(second["number"].get<std::string>().ends_with("-000001")) << "a new series starts at 1";

  // Back to the first series: its numbering goes on.
  ASSERT_EQ(run_cli({"merchant", "update", "--merchant", a.id, "--invoice-prefix", a.prefix}, *env).exit_code, 0);
  auto third = invoice_of(a, "CLI-3");
  EXPECT_EQ(third["number"].get<std::string>().substr(0, a.prefix.size() + 1), a.prefix + "-");
  EXPECT_TRUE(third["number"].get<std::string>().ends_with("-000002")) << third["number"] << " after " << first["number"];

  auto bad = run_cli({"merchant", "update", "--merchant", a.id, "--timezone", "Nowhere/Town"}, *env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "timezone")) << bad.err;

  auto row = nlohmann::json::parse(db->scalar(
      "SELECT json_build_object('actor', actor, 'changes', changes)::text FROM audit_log WHERE subject = '" + a.id +
      "' AND action = 'merchant.updated' ORDER BY id LIMIT 1"));
  EXPECT_EQ(row["actor"], "cli");
  EXPECT_EQ(row["changes"]["invoice_prefix"], (nlohmann::json{{"from", a.prefix}, {"to", "CLIA"}}));
  EXPECT_EQ(row["changes"]["timezone"], (nlohmann::json{{"from", "Europe/Moscow"}, {"to", "Asia/Yekaterinburg"}}));
  EXPECT_EQ(row["changes"]["contact_email"], (nlohmann::json{{"from", nullptr}, {"to", "billing@cli-air.example"}}));
  EXPECT_EQ(count("FROM audit_log WHERE subject = '" + a.id + "' AND action = 'merchant.updated'"), "2");
}

TEST_F(InvoiceNumberTest, StaffReadAndAdminsChangeSettingsThroughTheApiInOneAuditedTransaction) {
  auto a = airline("Api Air");
  HttpClient http(server->port());
  EXPECT_EQ(http.get("/v1/merchants/" + a.id, a.key).status, 403) << "a merchant key is not staff";
  EXPECT_EQ(patch(a.id, {{"name", "Mine"}}, a.key).status, 403);
  EXPECT_EQ(patch(a.id, {{"name", "Mine"}}, accountant).status, 403) << "changes take an admin";
  auto got = http.get("/v1/merchants/" + a.id, accountant);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["invoice_prefix"], a.prefix);
  EXPECT_EQ(http.get("/v1/merchants/00000000-0000-4000-8000-000000000000", admin).status, 404);

  auto r = patch(a.id,
                 {{"name", "Api Air Group"},
                  {"contact_email", "ops@api-air.example"},
                  {"timezone", "Asia/Vladivostok"},
                  {"invoice_prefix", "APIG"},
                  {"settlement", {{"cutoff", "17:30"}, {"commission_percent", "1.5"}}}},
                 admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto m = r.json();
  EXPECT_EQ(m["name"], "Api Air Group");
  EXPECT_EQ(m["contact_email"], "ops@api-air.example");
  EXPECT_EQ(m["timezone"], "Asia/Vladivostok");
  EXPECT_EQ(m["invoice_prefix"], "APIG");
  EXPECT_EQ(m["settings"]["settlement"]["cutoff"], "17:30");
  EXPECT_EQ(m["settings"]["settlement"]["commission_percent"], "1.5");
  EXPECT_EQ(http.get("/v1/merchant", a.key).json()["invoice_prefix"], "APIG") << "the airline sees it";

  auto staff_id = http.get("/admin/api/me", admin).json()["id"].get<std::string>();
  EXPECT_EQ(count("FROM audit_log WHERE subject = '" + a.id + "' AND actor = 'staff:" + staff_id +
                  "' AND request_id IS NOT NULL AND action IN ('merchant.updated', 'merchant.settlement_changed')"),
            "2");
  EXPECT_EQ(db->scalar("SELECT changes->'name'->>'from' FROM audit_log WHERE subject = '" + a.id +
                       "' AND action = 'merchant.updated'"),
            "Api Air");

  // A bad settlement value refuses the whole change: the name stays as it was.
  auto audits = count("FROM audit_log");
  r = patch(a.id, {{"name", "Half Written"}, {"settlement", {{"cutoff", "25:99"}}}}, admin);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(http.get("/v1/merchants/" + a.id, admin).json()["name"], "Api Air Group");
  EXPECT_EQ(count("FROM audit_log"), audits);
  r = patch(a.id, {{"colour", "red"}, {"contact_email", "nope"}}, admin);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["errors"].size(), 2u) << r.body;
  // null removes the contact address.
  r = patch(a.id, {{"contact_email", nullptr}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["contact_email"].is_null());
}

TEST_F(InvoiceNumberTest, TheDatabaseRefusesADuplicateNumberOrAnotherAirlinesSeries) {
  auto a = airline("Guard Air"), b = airline("Guard Air");
  auto inv = invoice_of(a, "GUARD-1");
  std::string id = inv["id"], number = inv["number"];
  auto copy = [&](const std::string& merchant, const std::string& series, const std::string& num) {
    return "INSERT INTO invoices (merchant_id, booking_id, client_id, number, price_version, method, currency, "
           "amount_minor, vat_minor, status, issued_at, due_at, series) SELECT '" + merchant +
           "', booking_id, client_id, '" + num + "', price_version, method, currency, amount_minor, vat_minor, 'void', "
           "issued_at, due_at, '" + series + "' FROM invoices WHERE id = '" + id + "'";
  };
  EXPECT_THROW(db->exec(copy(a.id, a.prefix, number)), std::exception) << "the same number twice";
  EXPECT_THROW(db->exec(copy(b.id, a.prefix, number)), std::exception) << "in another airline's series";
  EXPECT_THROW(db->exec(copy(b.id, b.prefix, number)), std::exception) << "a number outside its series";
  EXPECT_THROW(db->exec(copy(b.id, "SB", "SB-2026-000001")), std::exception) << "the reserved legacy series";
  EXPECT_THROW(db->exec("UPDATE merchants SET invoice_prefix = '" + a.prefix + "' WHERE id = '" + b.id + "'"),
               std::exception)
      << "an airline numbers only in a series of its own";
  EXPECT_EQ(count("FROM invoices WHERE number = '" + number + "'"), "1");
}

namespace {

struct TempDir {
  fs::path dir = fs::temp_directory_path() / ("skybill-migrations-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(dir); }
  ~TempDir() { fs::remove_all(dir); }
};

}  // namespace

TEST(InvoiceSeriesMigration, ExistingInvoicesKeepTheirNumbersAndEveryAirlineGetsASeries) {
  TestDatabase fresh(TestDatabase::Schema::empty);
  TempDir before;
  for (const auto& f : fs::directory_iterator(fs::path(source_dir()) / "migrations"))
    if (f.path().filename().string() < "0013") fs::copy(f.path(), before.dir / f.path().filename());
  auto e = base_env(fresh);
  e["SKYBILL_PATHS_MIGRATIONS"] = before.dir.string();
  auto old = run_cli({"migrate"}, e);
  ASSERT_EQ(old.exit_code, 0) << old.err;

  // Three airlines as they were: two on the shared SB series, one that had configured "AX".
  fresh.exec(
      "INSERT INTO merchants (id, name, inn, settings, created_at) VALUES "
      "('a0000000-0000-4000-8000-000000000001', 'One', '7707083893', '{}', '2026-01-01'),"
      "('a0000000-0000-4000-8000-000000000002', 'Two', '7707083893', '{\"invoice_prefix\": \"AX\"}', '2026-01-02'),"
      "('a0000000-0000-4000-8000-000000000003', 'Three', '7707083893', '{\"invoice_prefix\": \"sb\"}', '2026-01-03');"
      "INSERT INTO clients (id, inn, kpp, name) VALUES ('c0000000-0000-4000-8000-000000000001', '7728168971', "
      "'772801001', 'Romashka');"
      "INSERT INTO invoice_counters VALUES ('a0000000-0000-4000-8000-000000000001', 2026, 1), "
      "('a0000000-0000-4000-8000-000000000002', 2026, 3), ('a0000000-0000-4000-8000-000000000003', 2026, 1);");
  // One old invoice each; One and Three both numbered SB-2026-000001.
  const std::vector<std::pair<std::string, std::string>> old_invoices{
      {"1", "SB-2026-000001"}, {"2", "AX-2026-000003"}, {"3", "SB-2026-000001"}};
  for (const auto& [m, number] : old_invoices) {
    std::string merchant = "a0000000-0000-4000-8000-00000000000" + m;
    std::string booking = "b0000000-0000-4000-8000-00000000000" + m;
    fresh.exec("INSERT INTO bookings (id, merchant_id, reference, pnr, client_id, contact_email, passengers, segments, "
               "currency, ticketing_time_limit, status, pay_token, created_at, updated_at) VALUES ('" + booking +
               "', '" + merchant + "', 'R', 'PNR', 'c0000000-0000-4000-8000-000000000001', 'a@b.example', '[]', '[]', "
               "'RUB', '2026-02-01', 'awaiting_payment', 'tok" + m + "', '2026-01-10', '2026-01-10');"
               "INSERT INTO booking_price_versions VALUES ('" + booking + "', 1, 100, 0, '2026-01-10');"
               "INSERT INTO invoices (merchant_id, booking_id, client_id, number, price_version, method, currency, "
               "amount_minor, vat_minor, issued_at, due_at) VALUES ('" + merchant + "', '" + booking +
               "', 'c0000000-0000-4000-8000-000000000001', '" + number + "', 1, 'invoice', 'RUB', 100, 0, "
               "'2026-01-10', '2026-01-11')");
  }
  auto r = run_cli({"migrate"}, base_env(fresh));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fresh.scalar("SELECT string_agg(invoice_prefix, ',' ORDER BY created_at) FROM merchants"), "AL001,AX,AL002");
  EXPECT_EQ(fresh.scalar("SELECT last FROM invoice_series_counters WHERE prefix = 'AX' AND year = 2026"), "3")
      << "a kept series goes on after its last number";
  EXPECT_EQ(fresh.scalar("SELECT merchant_id IS NULL FROM invoice_series WHERE prefix = 'SB'"), "t");
  EXPECT_EQ(fresh.scalar("SELECT count(*) FROM merchants WHERE settings ? 'invoice_prefix'"), "0");
  EXPECT_EQ(fresh.scalar("SELECT count(*) FROM invoices WHERE legacy_number AND series IS NULL"), "3");
  EXPECT_EQ(fresh.scalar("SELECT count(*) FROM invoices WHERE number = 'SB-2026-000001'"), "2") << "numbers kept";
  EXPECT_EQ(fresh.scalar("SELECT count(*) FROM invoice_series WHERE merchant_id IS NULL"), "1") << "SB; AX is kept";
}
