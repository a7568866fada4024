// The console's support-case work: the queue of every airline's cases (airline staff: theirs)
// with the booking's summary beside each, a case with its comments and history, and the gateway
// staff's actions on it (assign, comment, close with a resolution, reopen), each one
// transaction with its audit row. No webhook event: airlines learn of a case when it opens.
#include <boost/asio/awaitable.hpp>

#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/support/cases.hpp"

namespace skybill::support {

namespace {

using boost::asio::awaitable;
using http::Request;
using http::Response;

constexpr std::size_t kMaxText = 4000;

const char* opt(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

nlohmann::json text_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(f.as<std::string>());
}
nlohmann::json time_or_null(const pqxx::field& f) {
  return f.is_null() ? nlohmann::json(nullptr) : nlohmann::json(core::to_rfc3339(db::as_time(f)));
}

// A case with its airline, assignee and the booking's summary (reference, PNR, status, amount,
// TL, client).
const std::string kCaseSelect =
    "SELECT c.id, c.merchant_id, m.name AS airline, c.booking_id, c.type, c.status, c.notes, c.resolution, "
    "c.assignee_id, sa.name AS assignee_name, c.closed_by, sc.name AS closed_by_name, " +
    db::epoch_us("c.closed_at") + " AS closed_us, " + db::epoch_us("c.created_at") + " AS created_us, " +
    db::epoch_us("c.updated_at") + " AS updated_us, b.reference, b.pnr, b.status AS booking_status, b.currency, " +
    db::epoch_us("b.ticketing_time_limit") + " AS tl_us, pv.amount_minor, cl.name AS client_name, cl.inn AS client_inn "
    "FROM support_cases c JOIN merchants m ON m.id = c.merchant_id "
    "LEFT JOIN staff_users sa ON sa.id = c.assignee_id LEFT JOIN staff_users sc ON sc.id = c.closed_by "
    "LEFT JOIN bookings b ON b.id = c.booking_id "
    "LEFT JOIN booking_price_versions pv ON pv.booking_id = b.id AND pv.version = b.price_version "
    "LEFT JOIN clients cl ON cl.id = b.client_id ";

nlohmann::json case_json(const pqxx::row& r) {
  nlohmann::json booking = nullptr;
  if (!r["booking_id"].is_null() && !r["reference"].is_null())
    booking = {{"id", r["booking_id"].as<std::string>()},
               {"reference", r["reference"].as<std::string>()},
               {"pnr", r["pnr"].as<std::string>()},
               {"status", r["booking_status"].as<std::string>()},
               {"amount_minor", r["amount_minor"].is_null() ? nlohmann::json(nullptr)
                                                            : nlohmann::json(r["amount_minor"].as<long long>())},
               {"currency", r["currency"].as<std::string>()},
               {"ticketing_time_limit", time_or_null(r["tl_us"])},
               {"client", {{"name", text_or_null(r["client_name"])}, {"inn", text_or_null(r["client_inn"])}}}};
  auto who = [&](const char* id, const char* name) {
    return r[id].is_null() ? nlohmann::json(nullptr)
                           : nlohmann::json{{"id", r[id].as<std::string>()}, {"name", text_or_null(r[name])}};
  };
  return {{"id", r["id"].as<std::string>()},
          {"merchant_id", r["merchant_id"].as<std::string>()},
          {"airline", r["airline"].as<std::string>()},
          {"booking_id", text_or_null(r["booking_id"])},
          {"type", r["type"].as<std::string>()},
          {"status", r["status"].as<std::string>()},
          {"notes", r["notes"].as<std::string>()},
          {"resolution", r["resolution"].as<std::string>()},
          {"assignee", who("assignee_id", "assignee_name")},
          {"closed_by", who("closed_by", "closed_by_name")},
          {"closed_at", time_or_null(r["closed_us"])},
          {"created_at", core::to_rfc3339(db::as_time(r["created_us"]))},
          {"updated_at", core::to_rfc3339(db::as_time(r["updated_us"]))},
          {"booking", booking}};
}

// The case when the caller may see it (airline staff: their airline's), else nullopt.
std::optional<pqxx::row> find_case(db::Tx& tx, const Request& req, const std::string& id, bool lock) {
  const auto& mine = req.caller().merchant_id;
  auto rows = tx->exec_params(kCaseSelect + "WHERE c.id = $1::uuid AND ($2::uuid IS NULL OR c.merchant_id = $2::uuid)" +
                                  (lock ? " FOR UPDATE OF c" : ""),
                              id, mine.empty() ? nullptr : mine.c_str());
  if (rows.empty()) return std::nullopt;
  return rows[0];
}

const std::string& case_id(const Request& req) {
  const auto& id = req.param("id");
  if (!core::is_uuid(id)) throw core::not_found("support case");
  return id;
}

// The one member of a JSON object body; `nullable`: null is allowed.
nlohmann::json only_member(const Request& req, const char* name) {
  auto body = req.json();
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  for (const auto& [k, _] : body.items())
    if (k != name) errors.push_back({k, "is not a field here"});
  if (!body.contains(name)) errors.push_back({name, "is required"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return body[name];
}

std::string text_member(const Request& req, const char* name) {
  auto v = only_member(req, name);
  if (!v.is_string()) throw core::validation_failed({{name, "must be a string"}});
  auto s = v.get<std::string>();
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw core::validation_failed({{name, "must not be empty"}});
  s = s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
  if (s.size() > kMaxText) throw core::validation_failed({{name, "must be at most 4000 bytes"}});
  return s;
}

db::AuditEntry did(const Request& req, const pqxx::row& c, std::string action) {
  return {"staff:" + req.caller().id, c["merchant_id"].as<std::string>(), std::move(action), c["id"].as<std::string>(),
          req.request_id};
}

nlohmann::json case_with_history(db::Tx& tx, const Request& req, const std::string& id) {
  auto row = find_case(tx, req, id, false);
  if (!row) throw core::not_found("support case");
  auto out = case_json(*row);
  nlohmann::json comments = nlohmann::json::array();
  for (const auto& r : tx->exec_params("SELECT k.id, k.body, k.author_id, s.name, " + db::epoch_us("k.created_at") +
                                           " AS at_us FROM case_comments k JOIN staff_users s ON s.id = k.author_id "
                                           "WHERE k.case_id = $1::uuid ORDER BY k.id",
                                       id))
    comments.push_back({{"id", std::to_string(r["id"].as<long long>())},
                        {"text", r["body"].as<std::string>()},
                        {"author", {{"id", r["author_id"].as<std::string>()}, {"name", r["name"].as<std::string>()}}},
                        {"created_at", core::to_rfc3339(db::as_time(r["at_us"]))}});
  out["comments"] = std::move(comments);
  nlohmann::json history = nlohmann::json::array();
  for (const auto& r : tx->exec_params("SELECT id, " + db::epoch_us("at") +
                                           " AS at_us, actor, action, changes::text AS changes FROM audit_log "
                                           "WHERE subject = $1 AND entity = 'support_case' ORDER BY id",
                                       id))
    history.push_back({{"id", r["id"].as<std::string>()},
                       {"at", core::to_rfc3339(db::as_time(r["at_us"]))},
                       {"actor", r["actor"].as<std::string>()},
                       {"action", r["action"].as<std::string>()},
                       {"changes", nlohmann::json::parse(r["changes"].as<std::string>())}});
  out["history"] = std::move(history);
  return out;
}

}  // namespace

void add_staff_routes(http::Router& router, db::Pool& pool, const core::Clock& clock) {
  // Filters: status, type, assignee (a staff id, "me" or "none"), airline; newest first.
  router.add("GET", "/admin/api/cases", http::Access::any_staff, "cases.read", [&pool](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto status = req.query_param("status");
    if (status && status->empty()) status.reset();
    if (status && *status != "open" && *status != "closed") errors.push_back({"status", "must be open or closed"});
    auto type = req.query_param("type");
    if (type && type->empty()) type.reset();
    auto assignee = req.query_param("assignee");
    if (assignee && assignee->empty()) assignee.reset();
    if (assignee && *assignee == "me") assignee = req.caller().id;
    bool unassigned = assignee && *assignee == "none";
    if (unassigned) assignee.reset();
    if (assignee && !core::is_uuid(*assignee)) errors.push_back({"assignee", "must be a staff id, me or none"});
    auto airline = req.query_param("airline");
    if (airline && airline->empty()) airline.reset();
    if (airline && !core::is_uuid(*airline)) errors.push_back({"airline", "must be an airline id"});
    const auto& mine = req.caller().merchant_id;
    if (!mine.empty()) {
      if (airline && *airline != mine) throw core::not_found("airline");  // as an unknown one
      airline = mine;
    }
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json data;
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      auto rows = tx->exec_params(
          kCaseSelect +
              "WHERE ($1::text IS NULL OR c.status = $1) AND ($2::text IS NULL OR c.type = $2) "
              "AND ($3::uuid IS NULL OR c.assignee_id = $3::uuid) AND (NOT $4::boolean OR c.assignee_id IS NULL) "
              "AND ($5::uuid IS NULL OR c.merchant_id = $5::uuid) "
              "AND ($6::uuid IS NULL OR (c.created_at, c.id) < (SELECT created_at, id FROM support_cases WHERE id = $6::uuid)) "
              "ORDER BY c.created_at DESC, c.id DESC LIMIT $7",
          opt(status), opt(type), opt(assignee), unassigned, opt(airline), opt(page.cursor), page.fetch());
      for (const auto& r : rows) data.push_back(case_json(r));
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });

  router.add("GET", "/admin/api/cases/{id}", http::Access::any_staff, "cases.read", [&pool](Request& req) -> awaitable<Response> {
    const auto& id = case_id(req);
    nlohmann::json out;
    co_await pool.read([&](db::Tx& tx) { out = case_with_history(tx, req, id); });
    co_return Response::json(200, out);
  });

  // Whom a case may be given to: the gateway's enabled staff who may work cases.
  router.add("GET", "/admin/api/case-assignees", http::Access::staff, "cases.write", [&pool](Request&) -> awaitable<Response> {
    nlohmann::json data;
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      for (const auto& r : tx->exec("SELECT id, name, role FROM staff_users WHERE disabled_at IS NULL AND merchant_id IS NULL "
                                    "AND role IN ('admin', 'accountant', 'support') ORDER BY name, id"))
        data.push_back({{"id", r["id"].as<std::string>()}, {"name", r["name"].as<std::string>()},
                        {"role", r["role"].as<std::string>()}});
    });
    co_return Response::json(200, {{"data", data}});
  });

  router.add("POST", "/admin/api/cases/{id}/assign", http::Access::staff, "cases.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = case_id(req);
               auto v = only_member(req, "staff_id");
               std::optional<std::string> to;
               if (!v.is_null()) {
                 if (!v.is_string() || !core::is_uuid(v.get<std::string>()))
                   throw core::validation_failed({{"staff_id", "must be a staff user's id or null"}});
                 to = v.get<std::string>();
               }
               nlohmann::json out;
               co_await pool.transact([&](db::Tx& tx) {
                 auto c = find_case(tx, req, id, true);
                 if (!c) throw core::not_found("support case");
                 if (to && tx->exec_params("SELECT 1 FROM staff_users WHERE id = $1::uuid AND disabled_at IS NULL "
                                           "AND merchant_id IS NULL",
                                           *to)
                               .empty())
                   throw core::validation_failed({{"staff_id", "no enabled gateway staff user has this id"}});
                 auto before = (*c)["assignee_id"].is_null() ? nlohmann::json(nullptr)
                                                             : nlohmann::json((*c)["assignee_id"].as<std::string>());
                 auto after = to ? nlohmann::json(*to) : nlohmann::json(nullptr);
                 if (before != after) {
                   tx->exec_params("UPDATE support_cases SET assignee_id = $2::uuid, updated_at = $3::timestamptz "
                                   "WHERE id = $1::uuid",
                                   id, opt(to), core::to_rfc3339(clock.now()));
                   db::audit(tx, did(req, *c, "support_case.assigned"), nullptr,
                             db::Changes().set("assignee_id", before, after));
                 }
                 out = case_with_history(tx, req, id);
               });
               co_return Response::json(200, out);
             });

  router.add("POST", "/admin/api/cases/{id}/comments", http::Access::staff, "cases.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = case_id(req);
               auto text = text_member(req, "text");
               nlohmann::json out;
               co_await pool.transact([&](db::Tx& tx) {
                 auto c = find_case(tx, req, id, true);
                 if (!c) throw core::not_found("support case");
                 auto ts = core::to_rfc3339(clock.now());
                 auto comment = tx->exec_params1("INSERT INTO case_comments (case_id, author_id, body, created_at) "
                                                 "VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz) RETURNING id",
                                                 id, req.caller().id, text, ts)[0]
                                    .as<long long>();
                 tx->exec_params("UPDATE support_cases SET updated_at = $2::timestamptz WHERE id = $1::uuid", id, ts);
                 db::audit(tx, did(req, *c, "support_case.commented"), {{"comment_id", std::to_string(comment)}, {"text", text}});
                 out = case_with_history(tx, req, id);
               });
               co_return Response::json(201, out);
             });

  router.add("POST", "/admin/api/cases/{id}/close", http::Access::staff, "cases.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = case_id(req);
               auto resolution = text_member(req, "resolution");
               nlohmann::json out;
               co_await pool.transact([&](db::Tx& tx) {
                 auto c = find_case(tx, req, id, true);
                 if (!c) throw core::not_found("support case");
                 if ((*c)["status"].as<std::string>() != "open")
                   throw core::Problem(409, "case-closed", "Case already closed", "support case " + id + " is closed");
                 auto ts = core::to_rfc3339(clock.now());
                 tx->exec_params("UPDATE support_cases SET status = 'closed', resolution = $2, closed_by = $3::uuid, "
                                 "closed_at = $4::timestamptz, updated_at = $4::timestamptz WHERE id = $1::uuid",
                                 id, resolution, req.caller().id, ts);
                 db::audit(tx, did(req, *c, "support_case.closed"), {{"resolution", resolution}},
                           db::Changes().set("status", "open", "closed"));
                 out = case_with_history(tx, req, id);
               });
               co_return Response::json(200, out);
             });

  router.add("POST", "/admin/api/cases/{id}/reopen", http::Access::staff, "cases.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = case_id(req);
               nlohmann::json out;
               co_await pool.transact([&](db::Tx& tx) {
                 auto c = find_case(tx, req, id, true);
                 if (!c) throw core::not_found("support case");
                 if ((*c)["status"].as<std::string>() != "closed")
                   throw core::Problem(409, "case-open", "Case is open", "support case " + id + " is open");
                 tx->exec_params("UPDATE support_cases SET status = 'open', closed_by = NULL, closed_at = NULL, "
                                 "updated_at = $2::timestamptz WHERE id = $1::uuid",
                                 id, core::to_rfc3339(clock.now()));
                 db::audit(tx, did(req, *c, "support_case.reopened"), {{"resolution_was", (*c)["resolution"].as<std::string>()}},
                           db::Changes().set("status", "closed", "open"));
                 out = case_with_history(tx, req, id);
               });
               co_return Response::json(200, out);
             });
}

}  // namespace skybill::support
