// GET /admin/api/audit: the console's audit trail across the gateway, newest first, filtered
// by entity and id, actor, action, airline and period; ?format=csv downloads the filtered rows.
// Airline staff read their own airline's rows only.
#include <algorithm>
#include <cstring>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "skybill/audit/routes.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"

namespace skybill::audit {

namespace {

constexpr int kCsvRows = 10000;

bool is_row_id(const std::string& s) {
  return !s.empty() && s.size() <= 18 && s.front() != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_word(const std::string& s, std::size_t max, const char* extra) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || std::strchr(extra, c) != nullptr;
  });
}

bool is_day(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || c == '-';
         });
}

std::optional<std::string> nonempty(std::optional<std::string> v) {
  if (v && v->empty()) return std::nullopt;
  return v;
}

const char* opt(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

std::string csv_cell(const std::string& s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
  // A cell a spreadsheet would run as a formula is written as text.
  std::string v = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') ? "'" : "";
  v += s;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

void add_staff_routes(http::Router& router, db::Pool& pool) {
  router.add("GET", "/admin/api/audit", http::Access::any_staff, "audit.read",
             [&pool](http::Request& req) -> boost::asio::awaitable<http::Response> {
               std::vector<core::FieldError> errors;
               auto entity = nonempty(req.query_param("entity"));
               if (entity && !is_word(*entity, 40, "")) errors.push_back({"entity", "must be an entity name (booking, api_key, …)"});
               auto subject = nonempty(req.query_param("id"));
               if (subject && subject->size() > 200) errors.push_back({"id", "must be an id"});
               auto actor = nonempty(req.query_param("actor"));
               if (actor && actor->size() > 200) errors.push_back({"actor", "must be an actor (staff:<id>, api_key:<id>, cli, job:<name>)"});
               auto action = nonempty(req.query_param("action"));
               if (action && !is_word(*action, 80, ".")) errors.push_back({"action", "must be an action (support_case.closed)"});
               auto airline = nonempty(req.query_param("airline"));
               if (airline && !core::is_uuid(*airline)) errors.push_back({"airline", "must be an airline id"});
               auto from = nonempty(req.query_param("from"));
               auto to = nonempty(req.query_param("to"));
               for (const auto& [name, v] : {std::pair<const char*, const std::optional<std::string>*>{"from", &from},
                                              std::pair<const char*, const std::optional<std::string>*>{"to", &to}})
                 if (*v && !is_day(**v) && !core::parse_rfc3339(**v))
                   errors.push_back({name, "must be a date (2026-12-07, Moscow time) or an RFC 3339 time"});
               auto format = req.query_param("format");
               bool csv = format && *format == "csv";
               if (format && !csv && *format != "json") errors.push_back({"format", "must be json or csv"});
               const auto& mine = req.caller().merchant_id;
               if (!mine.empty()) {
                 if (airline && *airline != mine) throw core::not_found("airline");  // as an unknown one
                 airline = mine;
               }
               std::vector<core::FieldError> paging;
               auto page = http::page_of(req, paging);
               for (auto& e : paging)
                 if (e.field != "cursor") errors.push_back(std::move(e));
               if (page.cursor && !is_row_id(*page.cursor))
                 errors.push_back({"cursor", "must be the next_cursor of a previous page"});
               if (!errors.empty()) throw core::validation_failed(std::move(errors));

               // A parameter keeps one type ($n::text); a day is a Moscow day, `to` includes it.
               auto bound = [](int n, const char* plus) {
                 std::string p = "($";
                 p += std::to_string(n);
                 p += "::text)";
                 std::string out = "CASE WHEN length(";
                 out += p;
                 out += ") = 10 THEN (";
                 out += p;
                 out += "::date";
                 out += plus;
                 out += ")::timestamp AT TIME ZONE 'Europe/Moscow' ELSE ";
                 out += p;
                 out += "::timestamptz END";
                 return out;
               };
               nlohmann::json data;
               co_await pool.read([&](db::Tx& tx) {
                 data = nlohmann::json::array();
                 auto rows = tx->exec_params(
                     "SELECT a.id, " + db::epoch_us("a.at") +
                         " AS at_us, a.actor, s.name AS actor_name, a.merchant_id, m.name AS airline, a.entity, a.action, "
                         "a.subject, a.request_id, a.changes::text AS changes, a.data::text AS data "
                         "FROM audit_log a LEFT JOIN merchants m ON m.id = a.merchant_id "
                         "LEFT JOIN staff_users s ON a.actor LIKE 'staff:%' AND s.id::text = substr(a.actor, 7) "
                         "WHERE ($1::text IS NULL OR a.entity = $1) AND ($2::text IS NULL OR a.subject = $2) "
                         "AND ($3::text IS NULL OR a.actor = $3) AND ($4::text IS NULL OR a.action = $4) "
                         "AND ($5::uuid IS NULL OR a.merchant_id = $5::uuid) "
                         "AND ($6::text IS NULL OR a.at >= " + bound(6, "") + ") "
                         "AND ($7::text IS NULL OR a.at < " + bound(7, " + 1") + ") "
                         "AND ($8::bigint IS NULL OR a.id < $8::bigint) ORDER BY a.id DESC LIMIT $9",
                     opt(entity), opt(subject), opt(actor), opt(action), opt(airline), opt(from), opt(to),
                     csv ? nullptr : opt(page.cursor), csv ? kCsvRows : page.fetch());
                 for (const auto& r : rows)
                   data.push_back(
                       {{"id", r["id"].as<std::string>()},
                        {"at", core::to_rfc3339(db::as_time(r["at_us"]))},
                        {"actor", r["actor"].as<std::string>()},
                        {"actor_name", r["actor_name"].is_null() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(r["actor_name"].as<std::string>())},
                        {"merchant_id", r["merchant_id"].is_null() ? nlohmann::json(nullptr)
                                                                   : nlohmann::json(r["merchant_id"].as<std::string>())},
                        {"airline", r["airline"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r["airline"].as<std::string>())},
                        {"entity", r["entity"].as<std::string>()},
                        {"action", r["action"].as<std::string>()},
                        {"subject", r["subject"].as<std::string>()},
                        {"request_id", r["request_id"].is_null() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(r["request_id"].as<std::string>())},
                        {"changes", nlohmann::json::parse(r["changes"].as<std::string>())},
                        {"data", nlohmann::json::parse(r["data"].as<std::string>())}});
               });
               if (!csv) co_return http::Response::json(200, http::page_json(std::move(data), page));
               std::string out = "id,at,actor,actor_name,airline_id,airline,entity,action,subject,request_id,changes,data\r\n";
               auto s = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump(); };
               for (const auto& r : data) {
                 for (const char* k : {"id", "at", "actor", "actor_name", "merchant_id", "airline", "entity", "action",
                                       "subject", "request_id", "changes"}) {
                   out += csv_cell(s(r[k]));
                   out += ',';
                 }
                 out += csv_cell(s(r["data"]));
                 out += "\r\n";
               }
               auto res = http::Response::text(200, std::move(out), "text/csv; charset=utf-8");
               res.with_header("Content-Disposition", "attachment; filename=\"audit.csv\"");
               res.with_header("Cache-Control", "no-store");
               co_return res;
             });
}

}  // namespace skybill::audit
