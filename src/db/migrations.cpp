#include "skybill/db/migrations.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "skybill/crypto/crypto.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/log/log.hpp"

namespace skybill::db {
namespace {

// Any constant will do; it only has to be the same in every instance.
constexpr long long kMigrationLock = 0x736b7962696c6c;  // "skybill"

constexpr const char* kCreateTable = R"sql(
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  ))sql";

std::map<int, std::pair<std::string, std::string>> applied(pqxx::transaction_base& tx) {
  std::map<int, std::pair<std::string, std::string>> out;
  for (const auto& row : tx.exec("SELECT version, name, checksum FROM schema_migrations"))
    out[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
  return out;
}

}  // namespace

std::vector<Migration> load_migrations(const std::filesystem::path& dir) {
  if (!std::filesystem::is_directory(dir))
    throw MigrationError("migrations directory not found: " + dir.string());
  static const std::regex name_re(R"(^(\d{4})_[a-z0-9_]+\.sql$)");
  std::vector<Migration> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::smatch m;
    if (!std::regex_match(name, m, name_re))
      throw MigrationError("migration file name must be NNNN_<what>.sql (lower case): " + name);
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(Migration{std::stoi(m[1].str()), name, crypto::sha256_hex(ss.str()), ss.str()});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].version == out[i - 1].version)
      throw MigrationError("two migrations share version " + std::to_string(out[i].version) + ": " +
                           out[i - 1].name + ", " + out[i].name);
  return out;
}

std::vector<std::string> migrate(const std::string& database_url, const std::vector<Migration>& all) {
  pqxx::connection conn(database_url);
  {
    pqxx::nontransaction nt(conn);
    nt.exec("SET client_min_messages = warning");
    nt.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")");
  }
  struct Unlock {
    pqxx::connection& c;
    ~Unlock() {
      try {
        pqxx::nontransaction nt(c);
        nt.exec("SELECT pg_advisory_unlock_all()");
      } catch (...) {
      }
    }
  } unlock{conn};

  std::map<int, std::pair<std::string, std::string>> done;
  {
    pqxx::work tx(conn);
    tx.exec(kCreateTable);
    done = applied(tx);
    tx.commit();
  }
  for (const auto& [version, info] : done) {
    auto it = std::find_if(all.begin(), all.end(), [v = version](auto& m) { return m.version == v; });
    if (it == all.end())
      throw MigrationError("migration " + info.first + " is applied but its file is gone");
    if (it->checksum != info.second)
      throw MigrationError("migration " + it->name +
                           " was changed after it was applied; migrations are forward-only: "
                           "restore the file and add a new migration");
  }
  std::vector<std::string> now;
  for (const auto& m : all) {
    if (done.count(m.version)) continue;
    pqxx::work tx(conn);
    try {
      tx.exec(m.sql);
    } catch (const pqxx::sql_error& e) {
      throw MigrationError("migration " + m.name + " failed: " + e.what());
    }
    tx.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                   m.version, m.name, m.checksum);
    tx.commit();
    log::event(log::Level::info, "migration applied", {{"migration", m.name}});
    now.push_back(m.name);
  }
  return now;
}

std::string schema_drift(Tx& tx, const std::vector<Migration>& all) {
  auto done = applied(*tx);
  for (const auto& m : all) {
    auto it = done.find(m.version);
    if (it == done.end()) return "migration " + m.name + " is not applied";
    if (it->second.second != m.checksum) return "migration " + m.name + " differs from the applied one";
  }
  if (done.size() != all.size()) return "the database has migrations this binary does not know";
  return {};
}

}  // namespace skybill::db
