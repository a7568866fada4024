#pragma once
// Forward-only schema migrations: migrations/NNNN_<what>.sql, each applied once.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace skybill::db {

class Tx;

struct Migration {
  int version;
  std::string name;      // file name
  std::string checksum;  // sha256 of the file's bytes
  std::string sql;
};

struct MigrationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the directory; throws MigrationError on a bad file name or a duplicate version.
std::vector<Migration> load_migrations(const std::filesystem::path& dir);

// Applies what is pending, each in its own transaction, under an advisory lock so that
// instances starting together do not race. Throws MigrationError when an applied migration's
// file changed or is gone. Returns the names applied now.
std::vector<std::string> migrate(const std::string& database_url, const std::vector<Migration>& all);

// Empty when the database has exactly these migrations applied; otherwise what differs.
std::string schema_drift(Tx& tx, const std::vector<Migration>& all);

}  // namespace skybill::db
