#include "skybill/core/identifiers.hpp"
#include "skybill/support/cases.hpp"

#include <algorithm>
#include <boost/asio/awaitable.hpp>

#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/identity/model.hpp"

namespace skybill::support {

using boost::asio::awaitable;

std::string open_case(db::Tx& tx, const std::string& merchant_id, const std::string& booking_id,
                      const std::string& type, const std::string& notes, core::TimePoint now,
                      const std::string& actor, const std::string& request_id) {
  auto ts = core::to_rfc3339(now);
  auto id = tx->exec_params1(
                  "INSERT INTO support_cases (merchant_id, booking_id, type, notes, created_at, updated_at) "
                  "VALUES ($1::uuid, $2::uuid, $3, $4, $5::timestamptz, $5::timestamptz) RETURNING id",
                  merchant_id, booking_id, type, notes, ts)[0]
                .as<std::string>();
  nlohmann::json payload = {{"id", id}, {"booking_id", booking_id}, {"type", type}, {"notes", notes}};
  db::audit(tx, {actor, merchant_id, "support_case.opened", id, request_id}, payload,
            db::Changes().set("status", nullptr, "open"));
  db::enqueue_event(tx, merchant_id, "support_case.opened", booking_id, payload);
  return id;
}

void add_routes(http::Router& router, db::Pool& pool) {
  router.add("GET", "/v1/cases", http::Access::merchant, [&pool](http::Request& req) -> awaitable<http::Response> {
    std::vector<core::FieldError> errors;
    auto status = req.query_param("status");
    if (status && *status != "open" && *status != "closed") errors.push_back({"status", "must be open or closed"});
    auto type = req.query_param("type");
    static const std::vector<std::string> kTypes = {
        "ticketing_failed", "price_change_after_guarantee", "choice_after_expiry", "underpayment", "overpayment",
        "payment_for_closed_booking", "refund_at_risk", "refund_failed", "payout_failed", "document_blocked",
        "document_refused", "document_undeliverable"};
    if (type && std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end()) {
      std::string all;
      for (const auto& t : kTypes) all += (all.empty() ? "" : ", ") + t;
      errors.push_back({"type", "must be one of " + all});
    }
    auto booking = req.query_param("booking");
    if (booking && !core::is_uuid(*booking)) errors.push_back({"booking", "must be a booking id"});
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    auto opt = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
    nlohmann::json data = nlohmann::json::array();
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();  // a read may run twice (see Pool::read)
      auto rows = tx->exec_params(
          "SELECT id, booking_id, type, status, notes, " + db::epoch_us("created_at") +
              " AS created_us "
          "FROM support_cases c WHERE merchant_id = $1::uuid AND ($2::text IS NULL OR status = $2) "
          "AND ($3::uuid IS NULL OR booking_id = $3::uuid) AND ($6::text IS NULL OR type = $6) "
          "AND ($4::uuid IS NULL OR (c.created_at, c.id) > (SELECT created_at, id FROM support_cases "
          "     WHERE id = $4::uuid AND merchant_id = $1::uuid)) "
          "ORDER BY c.created_at, c.id LIMIT $5",
          req.caller().id, opt(status), opt(booking), opt(page.cursor), page.fetch(), opt(type));
      for (const auto& r : rows)
        data.push_back({{"id", r["id"].as<std::string>()},
                        {"booking_id", r["booking_id"].is_null() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(r["booking_id"].as<std::string>())},
                        {"type", r["type"].as<std::string>()},
                        {"status", r["status"].as<std::string>()},
                        {"notes", r["notes"].as<std::string>()},
                        {"created_at", core::to_rfc3339(db::as_time(r["created_us"]))}});
    });
    co_return http::Response::json(200, http::page_json(std::move(data), page));
  });
}

}  // namespace skybill::support
