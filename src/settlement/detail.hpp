#pragma once
// What the settlement module's files share (not a public header: it brings libpqxx).
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/core/calendar.hpp"
#include "skybill/core/clock.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/settlement/rules.hpp"

namespace skybill::settlement {

// SQL: a timestamptz column as RFC 3339 UTC text (NULL stays NULL).
inline std::string ts_sql(const std::string& column) {
  std::string out = "to_char(";
  out.append(column).append(" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
  return out;
}
// A nullable text column as JSON.
inline nlohmann::json text_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(f.as<std::string>());
}

std::string money_text(std::int64_t minor, const std::string& currency);  // "12.30"

struct Merchant {
  std::string id, name, inn, kpp, timezone;
  Settings settings;
};
// The merchant and its settlement settings; 404 when it does not exist.
Merchant load_merchant(db::Tx& tx, const std::string& merchant_id, std::chrono::minutes default_cutoff);

struct LocalTime {
  core::Date day;
  std::chrono::minutes time;
};
// `t` on the wall clock of time zone `tz` (PostgreSQL's zone data, as every other date here).
LocalTime local_time(db::Tx& tx, core::TimePoint t, const std::string& tz);
// The instant local `day` + `time` is in `tz`, as RFC 3339.
std::string instant_of(db::Tx& tx, core::Date day, std::chrono::minutes time, const std::string& tz);

// Payment-order numbers: gapless per year (the counter row is locked until commit).
std::string next_order_number(db::Tx& tx, int year);

nlohmann::json payout_json(const pqxx::row& r);
extern const std::string kPayoutColumns;

nlohmann::json refund_json(db::Tx& tx, const std::string& refund_id);

}  // namespace skybill::settlement
