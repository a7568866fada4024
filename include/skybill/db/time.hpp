#pragma once
// Timestamps between SQL and the code: read as epoch microseconds, exactly. For store.cpp files.
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "skybill/core/clock.hpp"

namespace skybill::db {

// SQL reading a timestamptz column as epoch microseconds: "(extract(epoch FROM col) * 1000000)::bigint".
inline std::string epoch_us(std::string_view column) {
  return "(extract(epoch FROM " + std::string(column) + ") * 1000000)::bigint";
}

// A column read with epoch_us.
inline core::TimePoint as_time(const pqxx::field& f) {
  return core::TimePoint(std::chrono::microseconds(f.as<long long>()));
}

}  // namespace skybill::db
