// The ledger, credit lines and deposits through the real binary's command line and the real
// database: top-ups, credit lines, strict input, `ledger verify` on a sound and on a corrupted
// book, and the database's own refusal of unbalanced entries.
#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <thread>

#include "harness.hpp"

using namespace skybill::test;
using nlohmann::json;

namespace {

// A corporate client, inserted as the HTTP API would have; returns its id.
std::string add_client(const TestDatabase& db, const std::string& inn, const std::string& kpp,
                       const std::string& name) {
  return db.scalar("INSERT INTO clients (inn, kpp, name) VALUES ('" + inn + "', '" + kpp + "', '" + name +
                   "') RETURNING id");
}

// The error of running `sql` in one transaction, or "" when it committed.
std::string sql_error(const TestDatabase& db, const std::string& sql) {
  try {
    db.exec(sql);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void migrate(const Env& env) {
  auto r = run_cli({"migrate"}, env);
  if (r.exit_code != 0) throw std::runtime_error("migrate failed: " + r.err);
}

json run_ok(const std::vector<std::string>& args, const Env& env) {
  auto r = run_cli(args, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

// Organisations and a person with valid control digits.
const std::string kInn = "7707083893", kKpp = "770701001";
const std::string kTwinInn = "7728168971";  // two clients (two KPPs) share it
const std::string kPersonInn = "500101000064";
const std::string kNobodyInn = "7736207543";  // valid, but no client has it

}  // namespace

class LedgerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    migrate(*env);
    client_id = new std::string(add_client(*db, kInn, kKpp, "Romashka LLC"));
    add_client(*db, kTwinInn, "772801001", "Twin Head Office");
    add_client(*db, kTwinInn, "772845001", "Twin Branch");
    add_client(*db, kPersonInn, "", "IP Ivanov");
  }
  static void TearDownTestSuite() {
    delete client_id;
    delete env;
    delete db;
  }
  static std::string count(const std::string& table) { return db->scalar("SELECT count(*) FROM " + table); }
  // Everything a ledger or credit command could write.
  static std::string footprint() {
    std::string out;
    for (const char* t : {"ledger_accounts", "ledger_entries", "ledger_postings", "credit_lines", "audit_log"})
      out += std::string(t) + "=" + count(t) + " ";
    return out + "lines=" + db->scalar("SELECT coalesce(string_agg(limit_minor::text || ':' || deferral_days || ':' || "
                                       "approved, ',' ORDER BY client_id, currency), '') FROM credit_lines");
  }

  static TestDatabase* db;
  static Env* env;
  static std::string* client_id;
};
TestDatabase* LedgerTest::db;
Env* LedgerTest::env;
std::string* LedgerTest::client_id;

TEST_F(LedgerTest, HelpListsTheNewCommands) {
  auto r = run_cli({"--help"}, *env);
  ASSERT_EQ(r.exit_code, 0);
  for (const char* cmd : {"client credit set", "client deposit add", "client show", "ledger verify"})
    EXPECT_TRUE(contains(r.out, std::string("\n  ") + cmd)) << "help does not list " << cmd;
}

TEST_F(LedgerTest, DepositTopUpPostsABalancedEntryAndShowReportsIt) {
  const std::string person = db->scalar("SELECT id FROM clients WHERE inn = '" + kPersonInn + "'");
  auto added = run_ok({"client", "deposit", "add", "--inn", kPersonInn, "--amount", "100000.00"}, *env);
  EXPECT_EQ(added["client"]["id"], person);
  EXPECT_EQ(added["amount"], "100000.00");
  EXPECT_EQ(added["deposit"], "100000.00");
  EXPECT_EQ(added["currency"], "RUB");
  const std::string entry = added["entry_id"];

  // Debit the gateway's bank, credit the client's deposit, in kopecks.
  EXPECT_EQ(db->scalar("SELECT kind || '|' || reference FROM ledger_entries WHERE id = " + entry),
            "deposit.top_up|" + person);
  EXPECT_EQ(db->scalar("SELECT string_agg(a.owner || ':' || a.kind || ':' || a.currency || ':' || p.amount_minor, ',' "
                       "ORDER BY p.id) FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id "
                       "WHERE p.entry_id = " + entry),
            "gateway:bank:RUB:10000000,client:deposit:RUB:-10000000");
  EXPECT_EQ(db->scalar("SELECT owner_id FROM ledger_accounts WHERE kind = 'deposit' AND owner_id = '" + person + "'"),
            person);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE action = 'deposit.added' AND subject = '" + person +
                       "' AND actor = 'cli' AND data->>'entry_id' = '" + entry + "'"),
            "1");

  // A second top-up adds up; another currency is a separate balance.
  auto again = run_ok({"client", "deposit", "add", "--inn", kPersonInn, "--amount", "50.50"}, *env);
  EXPECT_EQ(again["deposit"], "100050.50");
  auto usd = run_ok({"client", "deposit", "add", "--inn", kPersonInn, "--amount", "10.00", "--currency", "USD"}, *env);
  EXPECT_EQ(usd["deposit"], "10.00");
  auto jpy = run_ok({"client", "deposit", "add", "--inn", kPersonInn, "--amount", "125", "--currency", "JPY"}, *env);
  EXPECT_EQ(jpy["deposit"], "125");

  auto shown = run_ok({"client", "show", "--inn", kPersonInn}, *env);
  EXPECT_EQ(shown["client"]["id"], person);
  EXPECT_EQ(shown["client"]["name"], "IP Ivanov");
  EXPECT_EQ(shown["balances"]["RUB"]["deposit"], "100050.50");
  EXPECT_TRUE(shown["balances"]["RUB"]["credit_line"].is_null()) << shown.dump();
  EXPECT_EQ(shown["balances"]["USD"]["deposit"], "10.00");
  EXPECT_EQ(shown["balances"]["JPY"]["deposit"], "125");
  EXPECT_EQ(shown["balances"].size(), 3u) << shown.dump();

  // One gateway bank account per currency however many top-ups (NULL owner_id deduplicated).
  EXPECT_EQ(db->scalar("SELECT count(*) FROM ledger_accounts WHERE owner = 'gateway' AND currency = 'RUB'"), "1");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM ledger_accounts WHERE owner_id = '" + person + "'"), "3");
}

TEST_F(LedgerTest, CreditLineSetThenShowWithUsedCreditDerivedFromTheLedger) {
  auto set = run_ok({"client", "credit", "set", "--inn", kInn, "--kpp", kKpp, "--limit", "500000.00",
                     "--deferral-days", "30"},
                    *env);
  EXPECT_EQ(set["client"]["id"], *client_id);
  EXPECT_EQ(set["credit_line"], json({{"limit", "500000.00"}, {"used", "0.00"}, {"available", "500000.00"},
                                      {"deferral_days", 30}, {"approved", true}}));
  EXPECT_EQ(db->scalar("SELECT limit_minor || ':' || deferral_days || ':' || approved FROM credit_lines "
                       "WHERE client_id = '" + *client_id + "' AND currency = 'RUB'"),
            "50000000:30:true");

  // Credit used is the balance of the credit_receivable account: post 120000.00 of it (a
  // guaranteed booking, as invoicing will) straight into the book, balanced.
  db->exec("INSERT INTO ledger_accounts (owner, owner_id, kind, currency) VALUES "
           "('client', '" + *client_id + "', 'credit_receivable', 'RUB'), "
           "('merchant', gen_random_uuid(), 'payable', 'RUB');"
           "WITH e AS (INSERT INTO ledger_entries (kind, reference) VALUES ('booking.guaranteed', 'b-1') RETURNING id) "
           "INSERT INTO ledger_postings (entry_id, account_id, amount_minor) "
           "SELECT e.id, a.id, CASE a.kind WHEN 'credit_receivable' THEN 12000000 ELSE -12000000 END "
           "FROM e, ledger_accounts a WHERE (a.owner_id = '" + *client_id + "' AND a.kind = 'credit_receivable') "
           "OR (a.kind = 'payable' AND a.id = (SELECT max(id) FROM ledger_accounts WHERE kind = 'payable'))");
  auto shown = run_ok({"client", "show", "--inn", kInn}, *env);  // KPP optional: one client has this INN
  EXPECT_EQ(shown["client"]["kpp"], kKpp);
  EXPECT_EQ(shown["balances"]["RUB"]["credit_line"],
            json({{"limit", "500000.00"}, {"used", "120000.00"}, {"available", "380000.00"}, {"deferral_days", 30},
                  {"approved", true}}));
  EXPECT_EQ(shown["balances"]["RUB"]["deposit"], "0.00");

  // Replacing the terms: a lower limit, longer deferral, not approved: nothing available.
  auto changed = run_ok({"client", "credit", "set", "--inn", kInn, "--limit", "100000.00", "--deferral-days", "45",
                         "--not-approved"},
                        *env);
  EXPECT_EQ(changed["credit_line"]["available"], "0.00");
  EXPECT_EQ(changed["credit_line"]["used"], "120000.00");
  EXPECT_EQ(changed["credit_line"]["approved"], false);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM credit_lines WHERE client_id = '" + *client_id + "'"), "1");
  EXPECT_EQ(db->scalar("SELECT data->'previous'->>'limit' FROM audit_log WHERE action = 'credit_line.set' AND "
                       "subject = '" + *client_id + "' ORDER BY id DESC LIMIT 1"),
            "500000.00");
  // A line in another currency sits beside it; --approved is the default and may be said.
  auto eur = run_ok({"client", "credit", "set", "--inn", kInn, "--limit", "1000.00", "--currency", "EUR",
                     "--deferral-days", "0", "--approved"},
                    *env);
  EXPECT_EQ(eur["credit_line"]["available"], "1000.00");
  auto both = run_ok({"client", "show", "--inn", kInn, "--kpp", kKpp}, *env);
  EXPECT_EQ(both["balances"]["EUR"]["credit_line"]["limit"], "1000.00");
  EXPECT_EQ(both["balances"]["RUB"]["credit_line"]["limit"], "100000.00");
}

TEST_F(LedgerTest, InvalidInputIsRefusedWithOneLineAndNothingIsWritten) {
  const auto before = footprint();
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "100.5"}, "amount", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "100"}, "amount", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "1e5"}, "amount", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "1 000.00"}, "amount", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "-5.00"}, "amount must be positive", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "0.00"}, "amount must be positive", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "99999999999999999999.00"}, "out of range", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "10.00", "--currency", "rub"}, "currency", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "10.00", "--currency", "XYZ"}, "currency", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "10.0", "--currency", "JPY"}, "JPY", 1},
      {{"client", "deposit", "add", "--inn", "123", "--amount", "10.00"}, "inn", 1},
      {{"client", "deposit", "add", "--inn", "7707083894", "--amount", "10.00"}, "inn", 1},
      {{"client", "deposit", "add", "--inn", kInn, "--kpp", "77", "--amount", "10.00"}, "kpp", 1},
      {{"client", "deposit", "add", "--inn", kInn}, "--amount", 2},
      {{"client", "deposit", "add", "--amount", "10.00"}, "--inn", 2},
      {{"client", "deposit", "add", "--inn", kInn, "--amount", "10.00", "--limit", "5.00"}, "--limit", 2},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "100.5", "--deferral-days", "30"}, "limit", 1},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "-1.00", "--deferral-days", "30"}, "limit", 1},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "100.00", "--deferral-days", "366"}, "deferral_days", 1},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "100.00", "--deferral-days", "-1"}, "deferral_days", 1},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "100.00", "--deferral-days", "ten"}, "deferral_days", 1},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "100.00"}, "--deferral-days", 2},
      {{"client", "credit", "set", "--inn", kInn, "--deferral-days", "5"}, "--limit", 2},
      {{"client", "credit", "set", "--inn", kInn, "--limit", "1.00", "--deferral-days", "5", "--approved",
        "--not-approved"},
       "--not-approved", 2},
      {{"client", "credit", "grant", "--inn", kInn}, "client command", 2},
      {{"client", "show", "--inn", kInn, "--amount", "1.00"}, "--amount", 2},
      {{"ledger", "balance"}, "ledger command", 2},
      {{"ledger", "verify", "--fix"}, "--fix", 2},
  };
  for (const auto& c : cases) {
    std::string cmd;
    for (const auto& a : c.args) cmd += a + " ";
    SCOPED_TRACE(cmd);
    auto r = run_cli(c.args, *env);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, c.mentions)) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_EQ(footprint(), before);
}

TEST_F(LedgerTest, UnknownOrAmbiguousClientIsNamed) {
  const auto before = footprint();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"client", "deposit", "add", "--inn", kNobodyInn, "--amount", "10.00"},
           {"client", "credit", "set", "--inn", kNobodyInn, "--limit", "10.00", "--deferral-days", "5"},
           {"client", "show", "--inn", kNobodyInn}}) {
    SCOPED_TRACE(args[1]);
    auto r = run_cli(args, *env);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, "not found")) << r.err;
    EXPECT_TRUE(contains(r.err, kNobodyInn)) << r.err;
    EXPECT_EQ(r.out, "");
  }
  // A known INN with a KPP it does not have.
  auto wrong_kpp = run_cli({"client", "show", "--inn", kInn, "--kpp", "770801001"}, *env);
  EXPECT_EQ(wrong_kpp.exit_code, 1);
  EXPECT_TRUE(contains(wrong_kpp.err, "not found")) << wrong_kpp.err;
  EXPECT_TRUE(contains(wrong_kpp.err, "770801001")) << wrong_kpp.err;

  // Two clients share the INN: the KPP is required, and names the candidates.
  auto ambiguous = run_cli({"client", "deposit", "add", "--inn", kTwinInn, "--amount", "10.00"}, *env);
  EXPECT_EQ(ambiguous.exit_code, 1);
  EXPECT_EQ(line_count(ambiguous.err), 1) << ambiguous.err;
  EXPECT_TRUE(contains(ambiguous.err, "kpp is required")) << ambiguous.err;
  EXPECT_TRUE(contains(ambiguous.err, "772801001") && contains(ambiguous.err, "772845001")) << ambiguous.err;
  EXPECT_EQ(footprint(), before);

  auto chosen = run_ok({"client", "deposit", "add", "--inn", kTwinInn, "--kpp", "772845001", "--amount", "10.00"}, *env);
  EXPECT_EQ(chosen["client"]["name"], "Twin Branch");
}

TEST_F(LedgerTest, VerifyPassesAfterSeveralOperationsIncludingConcurrentTopUps) {
  run_ok({"client", "deposit", "add", "--inn", kInn, "--amount", "1000.00"}, *env);
  run_ok({"client", "credit", "set", "--inn", kInn, "--limit", "5000.00", "--deferral-days", "10"}, *env);
  run_ok({"client", "deposit", "add", "--inn", kInn, "--amount", "0.01"}, *env);
  run_ok({"client", "deposit", "add", "--inn", kInn, "--amount", "7.00", "--currency", "EUR"}, *env);

  // Two top-ups at once for a client whose accounts do not exist yet, in a currency whose
  // bank account does not either: both succeed and share one account each.
  for (const std::string currency : {"CNY", "KZT", "AED"}) {
    SCOPED_TRACE(currency);
    const auto fresh_kpp = currency == "CNY" ? "770702001" : currency == "KZT" ? "770703001" : "770704001";
    auto id = add_client(*db, kInn, fresh_kpp, "Concurrent " + currency);
    CliResult results[2];
    std::latch start(2);
    auto top_up = [&](int i) {
      start.arrive_and_wait();
      results[i] = run_cli({"client", "deposit", "add", "--inn", kInn, "--kpp", fresh_kpp, "--amount", "5.00",
                            "--currency", currency},
                           *env);
    };
    std::thread a(top_up, 0), b(top_up, 1);
    a.join();
    b.join();
    for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(db->scalar("SELECT count(*) FROM ledger_accounts WHERE owner_id = '" + id + "'"), "1");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM ledger_accounts WHERE owner = 'gateway' AND currency = '" + currency +
                         "'"),
              "1");
    auto shown = run_ok({"client", "show", "--inn", kInn, "--kpp", fresh_kpp}, *env);
    EXPECT_EQ(shown["balances"][currency]["deposit"], "10.00");
  }

  auto r = run_cli({"ledger", "verify"}, *env);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  auto j = json::parse(r.out);
  EXPECT_EQ(j["balanced"], true);
  EXPECT_EQ(j["imbalances"], json::array());
  EXPECT_EQ(j["entries"].get<long>(), std::stol(count("ledger_entries")));
  EXPECT_GE(j["entries"].get<long>(), 9);
  EXPECT_EQ(j["postings"].get<long>(), std::stol(count("ledger_postings")));
  EXPECT_EQ(j["accounts"].get<long>(), std::stol(count("ledger_accounts")));
}

// The book corrupted behind the application's back (triggers and foreign keys switched off,
// as only a superuser can): verify names the entry and the currency and exits 1.
TEST_F(LedgerTest, VerifyFailsNamingTheEntryAfterTheBookIsCorrupted) {
  TestDatabase own;  // the shared one must stay sound for the other tests
  auto e = base_env(own);
  migrate(e);
  add_client(own, kInn, kKpp, "Romashka LLC");
  auto first = run_ok({"client", "deposit", "add", "--inn", kInn, "--amount", "100000.00"}, e);
  auto second = run_ok({"client", "deposit", "add", "--inn", kInn, "--amount", "10.00", "--currency", "USD"}, e);
  ASSERT_EQ(run_cli({"ledger", "verify"}, e).exit_code, 0);
  const std::string entry = first["entry_id"];

  // The ledger is append-only for everyone else.
  auto refused = sql_error(own, "DELETE FROM ledger_postings WHERE entry_id = " + entry + " AND amount_minor < 0");
  EXPECT_TRUE(contains(refused, "append-only")) << refused;
  EXPECT_TRUE(contains(sql_error(own, "UPDATE ledger_postings SET amount_minor = 1 WHERE entry_id = " + entry),
                       "append-only"));
  EXPECT_TRUE(contains(sql_error(own, "TRUNCATE ledger_postings"), "append-only"));
  ASSERT_EQ(run_cli({"ledger", "verify"}, e).exit_code, 0);

  // With replication role "replica" no ordinary trigger fires: drop the deposit's credit.
  own.exec("SET session_replication_role = replica; DELETE FROM ledger_postings WHERE entry_id = " + entry +
           " AND amount_minor < 0");
  auto r = run_cli({"ledger", "verify"}, e);
  EXPECT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "entry " + entry)) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["balanced"], false);
  std::vector<std::string> what;
  for (const auto& i : j["imbalances"]) what.push_back(i["what"]);
  const std::vector<std::string> expected = {
      "entry " + entry + " (deposit.top_up) has 1 posting(s); at least two are needed",
      "entry " + entry + " (deposit.top_up) sums to 100000.00 RUB",
      "the book sums to 100000.00 RUB",
  };
  EXPECT_EQ(what, expected) << r.out;
  EXPECT_EQ(j["imbalances"][0]["entry_id"], entry);
  EXPECT_TRUE(j["imbalances"][2]["entry_id"].is_null());

  // An amount changed in the other entry: both entries and both currencies are reported.
  const std::string usd = second["entry_id"];
  own.exec("SET session_replication_role = replica; UPDATE ledger_postings SET amount_minor = -999 WHERE entry_id = " +
           usd + " AND amount_minor < 0");
  auto both = run_cli({"ledger", "verify"}, e);
  EXPECT_EQ(both.exit_code, 1);
  auto bj = json::parse(both.out);
  std::vector<std::string> all;
  for (const auto& i : bj["imbalances"]) all.push_back(i["what"]);
  EXPECT_EQ(all.size(), 5u) << both.out;
  EXPECT_TRUE(std::find(all.begin(), all.end(), "entry " + usd + " (deposit.top_up) sums to 0.01 USD") != all.end())
      << both.out;
  EXPECT_TRUE(std::find(all.begin(), all.end(), "the book sums to 0.01 USD") != all.end()) << both.out;
}

// The database's own constraint trigger: an entry that does not balance never commits, even
// when written by SQL that bypasses the application.
TEST_F(LedgerTest, TheDatabaseRejectsUnbalancedEntriesAtCommit) {
  const auto before = footprint();
  const std::string accounts =
      "INSERT INTO ledger_accounts (owner, owner_id, kind, currency) VALUES ('gateway', NULL, 'bank', 'GBP') "
      "ON CONFLICT DO NOTHING; "
      "INSERT INTO ledger_accounts (owner, owner_id, kind, currency) VALUES ('client', '" + *client_id +
      "', 'deposit', 'GBP') ON CONFLICT DO NOTHING; ";
  auto entry_with = [&](const std::string& bank_amount, const std::string& deposit_amount) {
    std::string sql = accounts +
                      "INSERT INTO ledger_entries (kind, reference) VALUES ('sql.test', 'x'); "
                      "INSERT INTO ledger_postings (entry_id, account_id, amount_minor) SELECT currval("
                      "'ledger_entries_id_seq'), id, " + bank_amount +
                      " FROM ledger_accounts WHERE owner = 'gateway' AND currency = 'GBP'; ";
    if (!deposit_amount.empty())
      sql += "INSERT INTO ledger_postings (entry_id, account_id, amount_minor) SELECT currval("
             "'ledger_entries_id_seq'), id, " + deposit_amount + " FROM ledger_accounts WHERE owner = 'client' AND "
             "kind = 'deposit' AND currency = 'GBP' AND owner_id = '" + *client_id + "'; ";
    return sql;
  };

  auto unbalanced = sql_error(*db, entry_with("100", "-99"));
  EXPECT_TRUE(contains(unbalanced, "unbalanced")) << unbalanced;
  EXPECT_TRUE(contains(unbalanced, "GBP")) << unbalanced;
  auto single = sql_error(*db, entry_with("100", ""));
  EXPECT_TRUE(contains(single, "at least two")) << single;
  auto empty = sql_error(*db, accounts + "INSERT INTO ledger_entries (kind) VALUES ('sql.test')");
  EXPECT_TRUE(contains(empty, "has 0 posting(s)")) << empty;
  auto zero = sql_error(*db, entry_with("0", "0"));
  EXPECT_TRUE(contains(zero, "amount_minor")) << zero;
  EXPECT_EQ(footprint(), before);

  // A balanced entry by SQL commits; a posting added to it later, on its own, does not.
  EXPECT_EQ(sql_error(*db, entry_with("250", "-250")), "");
  auto id = db->scalar("SELECT max(id) FROM ledger_entries WHERE kind = 'sql.test'");
  auto late = sql_error(*db, "INSERT INTO ledger_postings (entry_id, account_id, amount_minor) SELECT " + id +
                                 ", id, 5 FROM ledger_accounts WHERE owner = 'gateway' AND currency = 'GBP'");
  EXPECT_TRUE(contains(late, "entry " + id + " is unbalanced")) << late;

  // The accounts' own rules: one gateway account per kind and currency, owner ids as owners need.
  auto twice = sql_error(*db, "INSERT INTO ledger_accounts (owner, owner_id, kind, currency) "
                              "VALUES ('gateway', NULL, 'bank', 'GBP')");
  EXPECT_TRUE(contains(twice, "ledger_accounts_identity")) << twice;
  EXPECT_NE(sql_error(*db, "INSERT INTO ledger_accounts (owner, owner_id, kind, currency) "
                           "VALUES ('client', NULL, 'deposit', 'GBP')"),
            "");
  EXPECT_NE(sql_error(*db, "INSERT INTO ledger_accounts (owner, owner_id, kind, currency) "
                           "VALUES ('merchant', gen_random_uuid(), 'deposit', 'GBP')"),
            "");

  auto r = run_cli({"ledger", "verify"}, *env);
  EXPECT_EQ(r.exit_code, 0) << r.out;
}
