#include "skybill/audit/routes.hpp"

#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"

namespace skybill::audit {

namespace {

// Every entity an action names today. credit_line, deposit and staff_key rows belong to the
// gateway (a client's money, staff keys), not to a merchant: a merchant's list of them is empty.
constexpr std::string_view kEntities[] = {
    "api_key",  "bank_document",    "bank_return", "bank_statement", "booking",      "card_payment",
    "client",   "credit_line",      "deposit",     "document",       "document_dispatch", "event",
    "guarantee_letter", "invoice",  "merchant",    "payment",        "payment_order_export", "payout",
    "refund",   "refund_leg",       "staff_key",   "support_case",   "webhook_endpoint"};

std::string entity_list() {
  std::string out;
  for (auto e : kEntities) out += (out.empty() ? "" : ", ") + std::string(e);
  return out;
}

// Audit row ids are a bigserial: the cursor is one (up to 18 digits, always a bigint), not a UUID.
bool is_row_id(const std::string& s) {
  return !s.empty() && s.size() <= 18 && s.front() != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

nlohmann::json parse_json(const pqxx::field& f) { return nlohmann::json::parse(f.as<std::string>()); }

}  // namespace

bool is_entity(std::string_view name) noexcept {
  return std::find(std::begin(kEntities), std::end(kEntities), name) != std::end(kEntities);
}

void add_routes(http::Router& router, db::Pool& pool) {
  router.add("GET", "/v1/audit", http::Access::merchant, [&pool](http::Request& req) -> boost::asio::awaitable<http::Response> {
    std::vector<core::FieldError> errors;
    auto entity = req.query_param("entity");
    if (!entity || entity->empty()) errors.push_back({"entity", "is required: one of " + entity_list()});
    else if (!is_entity(*entity)) errors.push_back({"entity", "must be one of " + entity_list()});
    auto id = req.query_param("id");
    if (!id || id->empty()) errors.push_back({"id", "is required: the id of the entity"});
    else if (!core::is_uuid(*id)) errors.push_back({"id", "must be the id (a UUID) of the entity"});
    // page_of checks the limit; it takes a cursor for a UUID, which this one is not.
    std::vector<core::FieldError> paging;
    auto page = http::page_of(req, paging);
    for (auto& e : paging)
      if (e.field != "cursor") errors.push_back(std::move(e));
    if (page.cursor && !is_row_id(*page.cursor))
      errors.push_back({"cursor", "must be the next_cursor of a previous page"});
    if (!errors.empty()) throw core::validation_failed(std::move(errors));

    nlohmann::json data = nlohmann::json::array();
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();  // a read may run twice (see Pool::read)
      auto rows = tx->exec_params(
          "SELECT id, " + db::epoch_us("at") +
              " AS at_us, actor, entity, action, subject, request_id, changes::text AS changes, data::text AS data "
              "FROM audit_log WHERE merchant_id = $1::uuid AND entity = $2 AND subject = $3 "
              "AND ($4::bigint IS NULL OR id > $4::bigint) ORDER BY id LIMIT $5",
          req.caller().id, *entity, *id, page.cursor ? page.cursor->c_str() : nullptr, page.fetch());
      for (const auto& r : rows)
        data.push_back({{"id", r["id"].as<std::string>()},
                        {"at", core::to_rfc3339(db::as_time(r["at_us"]))},
                        {"actor", r["actor"].as<std::string>()},
                        {"entity", r["entity"].as<std::string>()},
                        {"action", r["action"].as<std::string>()},
                        {"subject", r["subject"].as<std::string>()},
                        {"request_id", r["request_id"].is_null() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(r["request_id"].as<std::string>())},
                        {"changes", parse_json(r["changes"])},
                        {"data", parse_json(r["data"])}});
    });
    co_return http::Response::json(200, http::page_json(std::move(data), page));
  });
}

}  // namespace skybill::audit
