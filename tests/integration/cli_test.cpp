// The command line: help, usage errors, configuration errors, account commands and migrations
// (checksums, forward-only, and two migrators at once), run as the real binary.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"


using namespace skybill::test;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string random_hex() {
  std::mt19937_64 gen(std::random_device{}());
  std::ostringstream os;
  os << std::hex << gen();
  return os.str();
}


// stdout holds the command's JSON result and nothing else (logs go to stderr).
nlohmann::json stdout_json(const std::string& out) { return nlohmann::json::parse(out, nullptr, false); }

std::vector<fs::path> migration_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".sql") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string sha256sum(const fs::path& file) {
  std::string cmd = "sha256sum '" + file.string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {};
  char buf[256] = {};
  std::string out;
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out.substr(0, 64);
}

// A copy of migrations/ the test may change, removed at the end.
struct TempMigrations {
  TempMigrations() : dir(fs::temp_directory_path() / ("skybill-migrations-" + random_hex())) {
    fs::create_directories(dir);
    for (const auto& f : migration_files(fs::path(source_dir()) / "migrations")) fs::copy_file(f, dir / f.filename());
  }
  ~TempMigrations() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
};

}  // namespace

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    auto r = run_cli({"migrate"}, *env);
    if (r.exit_code != 0) throw std::runtime_error("migrate failed: " + r.err);
  }
  static void TearDownTestSuite() {
    delete env;
    delete db;
  }
  static std::string count(const std::string& table) { return db->scalar("SELECT count(*) FROM " + table); }

  static TestDatabase* db;
  static Env* env;
};
TestDatabase* CliTest::db;
Env* CliTest::env;

// ---- help and usage ----------------------------------------------------------------------

TEST_F(CliTest, HelpListsEveryCommandAndEverySetting) {
  auto r = run_cli({"--help"}, *env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* cmd : {"serve", "migrate", "merchant create", "merchant key create", "merchant key revoke",
                          "staff key create", "staff key revoke", "config", "version"})
    EXPECT_TRUE(contains(r.out, std::string("\n  ") + cmd)) << "help does not list " << cmd << ":\n" << r.out;

  // Every setting of the shipped config file, as its environment variable.
  auto config = nlohmann::json::parse(slurp(fs::path(source_dir()) / "config/skybill.json"));
  int settings = 0;
  for (const auto& [section, values] : config.items())
    for (const auto& [name, value] : values.items()) {
      std::string var = "SKYBILL_" + section + "_" + name;
      for (auto& c : var) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      EXPECT_TRUE(contains(r.out, var)) << "help does not list " << var;
      ++settings;
    }
  EXPECT_GE(settings, 10);
  EXPECT_TRUE(contains(r.out, "SKYBILL_CONFIG"));

  // `help` is the same text; and every key `skybill config` prints is in it.
  auto help = run_cli({"help"}, *env);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out, r.out);
  auto shown = run_cli({"config"}, *env);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto settings_shown = nlohmann::json::parse(shown.out);
  for (const auto& [key, value] : settings_shown.items()) {
    std::string var = "SKYBILL_" + key;
    for (auto& c : var) c = c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(contains(r.out, var)) << "help does not list " << var;
  }
}

TEST_F(CliTest, ConfigCommandHidesTheDatabaseUrl) {
  auto r = run_cli({"config"}, *env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["database.url"], "***");
  EXPECT_FALSE(contains(r.out, db->name()));
  EXPECT_EQ(j["database.pool_size"], "4");
  EXPECT_EQ(j["log.format"], "json");
}

TEST_F(CliTest, NoArgumentsPrintsUsageAndExits2) {
  auto r = run_cli({}, *env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "Usage: skybill"));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, UnknownCommandExits2WithOneClearLine) {
  auto r = run_cli({"frobnicate"}, *env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "frobnicate")) << r.err;
  EXPECT_EQ(r.out, "");

  auto option = run_cli({"migrate", "--force"}, *env);
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(line_count(option.err), 1) << option.err;
  EXPECT_TRUE(contains(option.err, "--force")) << option.err;

  auto missing = run_cli({"merchant", "create", "--inn", "7707083893"}, *env);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(line_count(missing.err), 1) << missing.err;
  EXPECT_TRUE(contains(missing.err, "--name")) << missing.err;
}

TEST_F(CliTest, VersionPrintsTheVersion) {
  auto r = run_cli({"--version"}, *env);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("skybill ")) << r.out;
  EXPECT_EQ(line_count(r.out), 1);
}

// ---- configuration errors ----------------------------------------------------------------

TEST_F(CliTest, BadSettingStopsWithOneLineNamingTheVariable) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"SKYBILL_HTTP_PORT", "abc"},
      {"SKYBILL_HTTP_PORT", "70000"},
      {"SKYBILL_LOG_FORMAT", "xml"},
      {"SKYBILL_LOG_LEVEL", "loud"},
      {"SKYBILL_DATABASE_POOL_SIZE", "0"},
      {"SKYBILL_DATABASE_URL", "mysql://localhost/skybill"},
  };
  for (const auto& [var, value] : bad) {
    SCOPED_TRACE(var + "=" + value);
    auto e = *env;
    e[var] = value;
    for (const char* cmd : {"serve", "migrate"}) {
      SCOPED_TRACE(cmd);
      auto r = run_cli({cmd}, e, std::chrono::seconds(30));
      EXPECT_NE(r.exit_code, 0);
      EXPECT_NE(r.exit_code, -1) << "still running after 30 s";
      EXPECT_EQ(line_count(r.err), 1) << r.err;
      EXPECT_TRUE(contains(r.err, var)) << r.err;
      EXPECT_EQ(r.out, "");
    }
  }
}

TEST_F(CliTest, MissingConfigFileIsNamed) {
  auto e = *env;
  e["SKYBILL_CONFIG"] = "/nonexistent/skybill.json";
  auto r = run_cli({"migrate"}, e);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_TRUE(contains(r.err, "/nonexistent/skybill.json")) << r.err;
}

TEST_F(CliTest, MigrateWithoutDatabaseUrlSaysSo) {
  auto e = *env;
  e["SKYBILL_DATABASE_URL"] = "";
  for (const char* cmd : {"migrate", "serve"}) {
    SCOPED_TRACE(cmd);
    auto r = run_cli({cmd}, e, std::chrono::seconds(30));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.exit_code, -1) << "still running after 30 s";
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_TRUE(contains(r.err, "SKYBILL_DATABASE_URL")) << r.err;
  }
  auto merchant = run_cli({"merchant", "create", "--name", "X", "--inn", "7707083893"}, e);
  EXPECT_NE(merchant.exit_code, 0);
  EXPECT_TRUE(contains(merchant.err, "SKYBILL_DATABASE_URL")) << merchant.err;
}

// ---- accounts ----------------------------------------------------------------------------

TEST_F(CliTest, MerchantCreatePrintsIdsAndATestKey) {
  auto r = run_cli({"merchant", "create", "--name", "Pobeda Test", "--inn", "7728168971", "--kpp", "772801001"},
                   *env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("merchant_id") && j.contains("key_id") && j.contains("api_key")) << r.out;
  std::string id = j["merchant_id"], key_id = j["key_id"], key = j["api_key"];
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(key_id.size(), 36u);
  EXPECT_TRUE(key.starts_with("sk_test_")) << key;
  EXPECT_EQ(db->scalar("SELECT name FROM merchants WHERE id = '" + id + "'"), "Pobeda Test");
  EXPECT_EQ(db->scalar("SELECT inn FROM merchants WHERE id = '" + id + "'"), "7728168971");
  EXPECT_EQ(db->scalar("SELECT mode FROM api_keys WHERE id = '" + key_id + "' AND merchant_id = '" + id + "'"),
            "test");

  auto live = run_cli({"merchant", "create", "--name", "Live Air", "--inn", "7707083893", "--live"}, *env);
  ASSERT_EQ(live.exit_code, 0) << live.err;
  auto lj = nlohmann::json::parse(live.out);
  EXPECT_TRUE(lj["api_key"].get<std::string>().starts_with("sk_live_")) << live.out;
  EXPECT_EQ(db->scalar("SELECT mode FROM api_keys WHERE id = '" + lj["key_id"].get<std::string>() + "'"), "live");

  // `merchant key create` for it adds a key; --live is a live one.
  auto more = run_cli({"merchant", "key", "create", "--merchant", id, "--live"}, *env);
  ASSERT_EQ(more.exit_code, 0) << more.err;
  auto mj = nlohmann::json::parse(more.out);
  EXPECT_EQ(mj["merchant_id"], id);
  EXPECT_TRUE(mj["api_key"].get<std::string>().starts_with("sk_live_"));
  EXPECT_EQ(db->scalar("SELECT count(*) FROM api_keys WHERE merchant_id = '" + id + "'"), "2");
}

TEST_F(CliTest, MerchantWithInvalidInnIsRefusedAndNothingIsWritten) {
  auto merchants = count("merchants"), keys = count("api_keys"), audit = count("audit_log");
  auto r = run_cli({"merchant", "create", "--name", "Bad Inn", "--inn", "7707083894"}, *env);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "inn")) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(r.out, "");
  auto short_inn = run_cli({"merchant", "create", "--name", "Bad Inn", "--inn", "12345"}, *env);
  EXPECT_NE(short_inn.exit_code, 0);
  EXPECT_TRUE(contains(short_inn.err, "inn")) << short_inn.err;
  EXPECT_EQ(count("merchants"), merchants);
  EXPECT_EQ(count("api_keys"), keys);
  EXPECT_EQ(count("audit_log"), audit);
}

TEST_F(CliTest, KeyCommandsOnUnknownIdsFail) {
  auto keys = count("api_keys");
  const std::string nobody = "00000000-0000-4000-8000-000000000000";
  auto create = run_cli({"merchant", "key", "create", "--merchant", nobody}, *env);
  EXPECT_NE(create.exit_code, 0);
  EXPECT_TRUE(contains(create.err, "not found")) << create.err;
  EXPECT_TRUE(contains(create.err, nobody)) << create.err;
  EXPECT_EQ(create.out, "");
  auto not_uuid = run_cli({"merchant", "key", "create", "--merchant", "aeroflot"}, *env);
  EXPECT_NE(not_uuid.exit_code, 0);
  EXPECT_EQ(count("api_keys"), keys);

  auto revoke = run_cli({"merchant", "key", "revoke", "--key-id", nobody}, *env);
  EXPECT_NE(revoke.exit_code, 0);
  EXPECT_TRUE(contains(revoke.err, "not found")) << revoke.err;
  auto staff_revoke = run_cli({"staff", "key", "revoke", "--key-id", nobody}, *env);
  EXPECT_NE(staff_revoke.exit_code, 0);

  // Revoking twice: the second time there is no active key.
  auto m = create_merchant(*env);
  ASSERT_EQ(run_cli({"merchant", "key", "revoke", "--key-id", m.key_id}, *env).exit_code, 0);
  EXPECT_NE(db->scalar("SELECT revoked_at FROM api_keys WHERE id = '" + m.key_id + "'"), "");
  auto twice = run_cli({"merchant", "key", "revoke", "--key-id", m.key_id}, *env);
  EXPECT_NE(twice.exit_code, 0);
}

TEST_F(CliTest, StaffKeyWithBadRoleIsRefused) {
  auto staff = count("staff_users");
  auto r = run_cli({"staff", "key", "create", "--name", "Pilot Pete", "--role", "pilot"}, *env);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(contains(r.err, "role")) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(count("staff_users"), staff);

  auto ok = run_cli({"staff", "key", "create", "--name", "Anna", "--role", "accountant"}, *env);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto j = nlohmann::json::parse(ok.out);
  EXPECT_TRUE(j["staff_key"].get<std::string>().starts_with("ss_"));
  EXPECT_EQ(db->scalar("SELECT role FROM staff_users WHERE id = '" + j["staff_id"].get<std::string>() + "'"),
            "accountant");
}

// ---- migrations --------------------------------------------------------------------------

TEST_F(CliTest, MigrateTwiceAppliesNothingTheSecondTime) {
  TestDatabase fresh(TestDatabase::Schema::empty);
  auto e = base_env(fresh);
  auto files = migration_files(fs::path(source_dir()) / "migrations");
  ASSERT_GE(files.size(), 2u);

  auto first = run_cli({"migrate"}, e);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto applied = stdout_json(first.out);
  ASSERT_TRUE(applied.is_object()) << first.out;
  std::vector<std::string> expected;
  for (const auto& f : files) expected.push_back(f.filename().string());
  EXPECT_EQ(applied["applied"].get<std::vector<std::string>>(), expected);

  auto second = run_cli({"migrate"}, e);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(nlohmann::json::parse(second.out), nlohmann::json({{"applied", nlohmann::json::array()}}));
  EXPECT_EQ(fresh.scalar("SELECT count(*) FROM schema_migrations"), std::to_string(files.size()));
}

TEST_F(CliTest, MigrationsAreRecordedWithTheFilesSha256) {
  auto files = migration_files(fs::path(source_dir()) / "migrations");
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(db->scalar("SELECT count(*) FROM schema_migrations"), std::to_string(files.size()));
  for (const auto& f : files) {
    auto name = f.filename().string();
    SCOPED_TRACE(name);
    auto version = std::stoi(name.substr(0, 4));
    auto expected = sha256sum(f);
    ASSERT_EQ(expected.size(), 64u);
    EXPECT_EQ(db->scalar("SELECT name FROM schema_migrations WHERE version = " + std::to_string(version)), name);
    EXPECT_EQ(db->scalar("SELECT checksum FROM schema_migrations WHERE version = " + std::to_string(version)),
              expected);
  }
}

TEST_F(CliTest, ChangedOrMissingAppliedMigrationStopsStartUp) {
  TestDatabase fresh(TestDatabase::Schema::empty);
  TempMigrations copy;
  auto e = base_env(fresh);
  e["SKYBILL_PATHS_MIGRATIONS"] = copy.dir.string();
  auto first = run_cli({"migrate"}, e);
  ASSERT_EQ(first.exit_code, 0) << first.err;

  auto files = migration_files(copy.dir);
  ASSERT_GE(files.size(), 2u);
  auto changed = files.front();
  auto original = slurp(changed);
  {
    std::ofstream out(changed, std::ios::app);
    out << "\n-- an innocent-looking comment\n";
  }
  auto name = changed.filename().string();
  auto migrate = run_cli({"migrate"}, e);
  EXPECT_NE(migrate.exit_code, 0);
  EXPECT_TRUE(contains(migrate.err, name)) << migrate.err;
  EXPECT_EQ(line_count(migrate.err), 1) << migrate.err;
  auto serve = run_cli({"serve"}, e, std::chrono::seconds(30));
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_NE(serve.exit_code, -1) << "serve started despite a changed migration:\n" << serve.out;
  EXPECT_TRUE(contains(serve.err, name)) << serve.err;

  // Restored, it starts again; an applied migration whose file is gone stops it too.
  {
    std::ofstream out(changed, std::ios::trunc | std::ios::binary);
    out << original;
  }
  EXPECT_EQ(run_cli({"migrate"}, e).exit_code, 0);
  auto gone = files.back();
  fs::remove(gone);
  auto missing = run_cli({"migrate"}, e);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(contains(missing.err, gone.filename().string())) << missing.err;
  auto serve_missing = run_cli({"serve"}, e, std::chrono::seconds(30));
  EXPECT_NE(serve_missing.exit_code, 0);
  EXPECT_NE(serve_missing.exit_code, -1);
  EXPECT_TRUE(contains(serve_missing.err, gone.filename().string())) << serve_missing.err;
}

TEST_F(CliTest, TwoMigratorsAtOnceApplyEachMigrationOnce) {
  auto files = migration_files(fs::path(source_dir()) / "migrations");
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    TestDatabase fresh(TestDatabase::Schema::empty);
    auto e = base_env(fresh);
    CliResult results[2];
    std::latch start(2);
    std::thread a([&] {
      start.arrive_and_wait();
      results[0] = run_cli({"migrate"}, e);
    });
    std::thread b([&] {
      start.arrive_and_wait();
      results[1] = run_cli({"migrate"}, e);
    });
    a.join();
    b.join();
    std::multiset<std::string> applied;
    for (const auto& r : results) {
      ASSERT_EQ(r.exit_code, 0) << r.err;
      auto j = stdout_json(r.out);
      ASSERT_TRUE(j.is_object()) << r.out;
      for (const auto& n : j["applied"]) applied.insert(n.get<std::string>());
    }
    EXPECT_EQ(applied.size(), files.size());
    for (const auto& f : files) EXPECT_EQ(applied.count(f.filename().string()), 1u);
    EXPECT_EQ(fresh.scalar("SELECT count(*) FROM schema_migrations"), std::to_string(files.size()));
    EXPECT_EQ(fresh.scalar("SELECT count(DISTINCT version) FROM schema_migrations"), std::to_string(files.size()));
  }
}
