#pragma once
// Support cases opened by negative scenarios, inside the use case's own transaction.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::support {

// type: one of support_cases_type_check (migrations 0014): ticketing_failed, ..., document_blocked. `actor` and
// `request_id` go into the audit row: the request that opened it ("api_key:<id>", its
// X-Request-Id), or a job ("job:<name>", no request id).
std::string open_case(db::Tx& tx, const std::string& merchant_id, const std::string& booking_id,
                      const std::string& type, const std::string& notes, core::TimePoint now,
                      const std::string& actor, const std::string& request_id);

// GET /v1/cases (status, type and booking filters; cursor pagination).
void add_routes(http::Router& router, db::Pool& pool);
// The console's: /admin/api/cases (queue, one case; assign, comment, close, reopen) and
// /admin/api/case-assignees. Airline staff read their airline's cases only and change none.
void add_staff_routes(http::Router& router, db::Pool& pool, const core::Clock& clock);

}  // namespace skybill::support
