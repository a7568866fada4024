#pragma once
// Importing one parsed statement in the caller's transaction.
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/core/clock.hpp"
#include "skybill/statements/statements.hpp"

namespace skybill::db {
class Tx;
}

namespace skybill::payments {

// Records each bank document once (by its document key), books incoming money to the
// gateway's bank, and matches it: a sure match pays its invoice, a deposit reference tops up a
// deposit, the rest waits in the reconciliation queue. Returns the summary.
nlohmann::json import_statement(db::Tx& tx, const statements::Statement& st, const std::string& file_sha256,
                                const std::string& actor, core::TimePoint now);

}  // namespace skybill::payments
