#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <map>

#include "import.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/payments/payments.hpp"

namespace skybill::payments {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

nlohmann::json document_json(const pqxx::row& r) {
  const auto& cur = core::currency(r["currency"].as<std::string>());
  return {{"id", r["id"].as<std::string>()},
          {"statement_id", r["statement_id"].as<std::string>()},
          {"direction", r["direction"].as<std::string>()},
          {"number", r["number"].as<std::string>()},
          {"date", r["doc_date"].as<std::string>()},
          {"amount", core::Money(r["amount_minor"].as<long long>(), cur).to_string()},
          {"currency", r["currency"].as<std::string>()},
          {"payer",
           {{"name", r["payer_name"].as<std::string>()},
            {"inn", r["payer_inn"].as<std::string>()},
            {"account", r["payer_account"].as<std::string>()},
            {"bic", r["payer_bic"].as<std::string>()}}},
          {"purpose", r["purpose"].as<std::string>()},
          {"status", r["status"].as<std::string>()},
          {"candidates", nlohmann::json::parse(r["candidates"].as<std::string>())},
          {"note", r["match_note"].as<std::string>()},
          {"resolved_by", r["resolved_by"].is_null() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(r["resolved_by"].as<std::string>())}};
}

const std::string kDocumentColumns =
    "id, statement_id, direction, number, doc_date::text AS doc_date, amount_minor, currency, payer_name, payer_inn, "
    "payer_account, payer_bic, purpose, status, candidates::text AS candidates, match_note, resolved_by";

struct Locked {
  std::string id, currency;
  std::int64_t amount_minor;
};

// The document, locked; 404 unless it exists, 409 unless it still waits in the queue.
Locked lock_queued(db::Tx& tx, const std::string& id) {
  auto rows = tx->exec_params("SELECT status, currency, amount_minor FROM bank_documents WHERE id = $1::uuid FOR UPDATE", id);
  if (rows.empty()) throw core::not_found("bank document " + id);
  if (rows[0]["status"].as<std::string>() != "reconciliation")
    throw core::Problem(409, "already-resolved", "Already resolved",
                        "bank document " + id + " is " + rows[0]["status"].as<std::string>());
  return {id, rows[0]["currency"].as<std::string>(), rows[0]["amount_minor"].as<long long>()};
}

void resolve(db::Tx& tx, const Request& req, const std::string& id, const std::string& status, const std::string& note,
             core::TimePoint now) {
  tx->exec_params("UPDATE bank_documents SET status = $2, match_note = $3, resolved_at = $4::timestamptz, "
                  "resolved_by = $5 WHERE id = $1::uuid",
                  id, status, note, core::to_rfc3339(now), audit::actor(req.caller()));
  db::audit(tx, {audit::actor(req.caller()), {}, "bank_document." + status, id, req.request_id}, {{"note", note}},
            db::Changes().set("status", "reconciliation", status));
}

struct Allocation {
  std::string invoice_id;
  std::int64_t amount_minor;
};

std::vector<Allocation> parse_allocations(const nlohmann::json& body, const std::string& currency) {
  std::vector<core::FieldError> errors;
  std::vector<Allocation> out;
  if (!body.is_object() || !body.contains("allocations") || !body["allocations"].is_array() ||
      body["allocations"].empty())
    throw core::validation_failed({{"allocations", "is required: a list of {invoice_id, amount}"}});
  const auto& cur = core::currency(currency);
  for (std::size_t i = 0; i < body["allocations"].size(); ++i) {
    const auto& a = body["allocations"][i];
    auto path = "allocations[" + std::to_string(i) + "]";
    if (!a.is_object() || !a.contains("invoice_id") || !a["invoice_id"].is_string() ||
        !core::is_uuid(a["invoice_id"].get<std::string>())) {
      errors.push_back({path + ".invoice_id", "must be an invoice id"});
      continue;
    }
    try {
      if (!a.contains("amount") || !a["amount"].is_string()) throw core::MoneyError("must be a decimal string");
      auto m = core::Money::parse(a["amount"].get<std::string>(), cur);
      if (m.minor() <= 0) throw core::MoneyError("must be positive");
      out.push_back({a["invoice_id"].get<std::string>(), m.minor()});
    } catch (const core::MoneyError& e) {
      errors.push_back({path + ".amount", e.what()});
    }
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

std::string invoice_id_of(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("invoice_id") || !body["invoice_id"].is_string() ||
      !core::is_uuid(body["invoice_id"].get<std::string>()))
    throw core::validation_failed({{"invoice_id", "is required: the invoice this payment is for"}});
  return body["invoice_id"].get<std::string>();
}

}  // namespace

void add_routes(http::Router& router, db::Pool& pool, const core::Clock& clock, StatementSettings settings) {
  router.add("POST", "/v1/statements", http::Access::staff, "reconciliation.write",
             [&pool, &clock, settings](Request& req) -> awaitable<Response> {
               if (req.body.empty())
                 throw core::validation_failed({{"", "the body must be a statement file (1CClientBankExchange or camt.053)"}});
               statements::Statement st;
               try {
                 st = statements::parse(req.body, settings.own_accounts);
               } catch (const statements::ParseError& e) {
                 throw core::Problem(422, "statement-malformed", "Malformed statement", e.what(),
                                     {{e.where, e.what()}});
               }
               auto sha = crypto::sha256_hex(req.body);
               nlohmann::json summary;
               int status = 201;
               co_await pool.transact([&](db::Tx& tx) {
                 status = 201;
                 // One import at a time: two uploads of overlapping files must not both book a document.
                 tx->exec("SELECT pg_advisory_xact_lock(7311)");
                 auto earlier = tx->exec_params("SELECT summary::text FROM bank_statements WHERE sha256 = $1", sha);
                 if (!earlier.empty()) {
                   summary = nlohmann::json::parse(earlier[0][0].as<std::string>());
                   summary["duplicate_file"] = true;
                   status = 200;
                   return;
                 }
                 summary = import_statement(tx, st, sha, audit::actor(req.caller()), clock.now());
               });
               co_return Response::json(status, summary);
             });

  router.add("GET", "/v1/reconciliation", http::Access::staff, "reconciliation.read", [&pool](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto status = req.query_param("status").value_or("reconciliation");
    if (status != "reconciliation" && status != "matched" && status != "deposit" && status != "unrelated" &&
        status != "outgoing" && status != "returned")
      errors.push_back({"status", "must be reconciliation, matched, deposit, unrelated, outgoing or returned"});
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json data;
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      auto rows = tx->exec_params(
          "SELECT " + kDocumentColumns + " FROM bank_documents d WHERE status = $1 "
          "AND ($2::uuid IS NULL OR d.seq > (SELECT seq FROM bank_documents WHERE id = $2::uuid)) "
          "ORDER BY d.seq LIMIT $3",
          status, page.cursor ? page.cursor->c_str() : nullptr, page.fetch());
      for (const auto& r : rows) data.push_back(document_json(r));
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });

  router.add("GET", "/v1/reconciliation/{id}", http::Access::staff, "reconciliation.read", [&pool](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("bank document");
    std::optional<nlohmann::json> out;
    co_await pool.read([&](db::Tx& tx) {
      auto rows = tx->exec_params("SELECT " + kDocumentColumns + " FROM bank_documents WHERE id = $1::uuid", id);
      out.reset();
      if (!rows.empty()) out = document_json(rows[0]);
    });
    if (!out) throw core::not_found("bank document");
    co_return Response::json(200, *out);
  });

  router.add("POST", "/v1/reconciliation/{id}/match", http::Access::staff, "reconciliation.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("bank document");
               auto invoice_id = invoice_id_of(req.json());
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 auto doc = lock_queued(tx, id);
                 auto applied = apply_to_invoice(tx, {.method = "transfer", .bank_document_id = id}, invoice_id, doc.amount_minor, doc.currency,
                                                 audit::actor(req.caller()), req.request_id, clock.now());
                 resolve(tx, req, id, "matched", "matched by staff to invoice " + invoice_id, clock.now());
                 return Response::json(200, {{"id", id},
                                             {"status", "matched"},
                                             {"payments", {{{"id", applied.payment_id},
                                                            {"invoice_id", invoice_id},
                                                            {"invoice_status", applied.invoice_status}}}}});
               });
             });

  router.add("POST", "/v1/reconciliation/{id}/split", http::Access::staff, "reconciliation.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("bank document");
               auto body = req.json();
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 auto doc = lock_queued(tx, id);
                 auto allocations = parse_allocations(body, doc.currency);
                 std::int64_t sum = 0;
                 for (const auto& a : allocations) sum += a.amount_minor;
                 if (sum != doc.amount_minor)
                   throw core::validation_failed(
                       {{"allocations", "must add up to the payment, " +
                                            core::Money(doc.amount_minor, core::currency(doc.currency)).to_string() +
                                            ", not " + core::Money(sum, core::currency(doc.currency)).to_string()}});
                 nlohmann::json payments = nlohmann::json::array();
                 for (const auto& a : allocations) {
                   auto applied = apply_to_invoice(tx, {.method = "transfer", .bank_document_id = id}, a.invoice_id, a.amount_minor, doc.currency,
                                                   audit::actor(req.caller()), req.request_id, clock.now());
                   payments.push_back({{"id", applied.payment_id},
                                       {"invoice_id", a.invoice_id},
                                       {"invoice_status", applied.invoice_status}});
                 }
                 resolve(tx, req, id, "matched", "split by staff across " + std::to_string(allocations.size()) + " invoices",
                         clock.now());
                 return Response::json(200, {{"id", id}, {"status", "matched"}, {"payments", payments}});
               });
             });

  router.add("POST", "/v1/reconciliation/{id}/unrelated", http::Access::staff, "reconciliation.write",
             [&pool, &clock](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("bank document");
               auto body = req.body.empty() ? nlohmann::json::object() : req.json();
               std::string note = body.is_object() && body.contains("note") && body["note"].is_string()
                                      ? body["note"].get<std::string>()
                                      : "not a client's payment";
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 lock_queued(tx, id);
                 // The money stays on the gateway's unallocated account until it is sent back.
                 resolve(tx, req, id, "unrelated", note, clock.now());
                 return Response::json(200, {{"id", id}, {"status", "unrelated"}, {"note", note}});
               });
             });

  // The console's queue: as GET /v1/reconciliation (server-paged, oldest first), for every
  // role that may read reconciliation (support looks, accountants act), with the queue's size.
  router.add("GET", "/admin/api/reconciliation", http::Access::staff, "reconciliation.read",
             [&pool](Request& req) -> awaitable<Response> {
               std::vector<core::FieldError> errors;
               auto status = req.query_param("status").value_or("reconciliation");
               if (status != "reconciliation" && status != "matched" && status != "deposit" && status != "unrelated" &&
                   status != "outgoing" && status != "returned")
                 errors.push_back({"status", "must be reconciliation, matched, deposit, unrelated, outgoing or returned"});
               auto page = http::page_of(req, errors);
               if (page.cursor && !core::is_uuid(*page.cursor)) errors.push_back({"cursor", "must be a cursor this list gave"});
               if (!errors.empty()) throw core::validation_failed(std::move(errors));
               nlohmann::json data;
               long long total = 0;
               co_await pool.read([&](db::Tx& tx) {
                 data = nlohmann::json::array();
                 auto rows = tx->exec_params(
                     "SELECT " + kDocumentColumns + " FROM bank_documents d WHERE status = $1 "
                     "AND ($2::uuid IS NULL OR d.seq > (SELECT seq FROM bank_documents WHERE id = $2::uuid)) "
                     "ORDER BY d.seq LIMIT $3",
                     status, page.cursor ? page.cursor->c_str() : nullptr, page.fetch());
                 for (const auto& r : rows) data.push_back(document_json(r));
                 total = tx->exec_params1("SELECT count(*) FROM bank_documents WHERE status = $1", status)[0].as<long long>();
               });
               auto out = http::page_json(std::move(data), page);
               out["total"] = total;
               co_return Response::json(200, out);
             });

  // The console's view of one queued payment: the stored ranked candidates with each invoice as
  // it is now (number, status, what is still due, the client, whether it may take a payment)
  // and the days between the invoice and the payment, so that the screen can say in words why
  // a candidate ranks where it does and what a match would do before it is confirmed.
  router.add("GET", "/admin/api/reconciliation/{id}", http::Access::staff, "reconciliation.read",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               if (!core::is_uuid(id)) throw core::not_found("bank document");
               std::optional<nlohmann::json> out;
               co_await pool.read([&](db::Tx& tx) {
                 out.reset();
                 auto rows = tx->exec_params("SELECT " + kDocumentColumns + " FROM bank_documents WHERE id = $1::uuid", id);
                 if (rows.empty()) return;
                 auto doc = document_json(rows[0]);
                 std::vector<std::string> ids;
                 for (const auto& c : doc["candidates"])
                   if (c.contains("invoice_id") && c["invoice_id"].is_string()) ids.push_back(c["invoice_id"].get<std::string>());
                 std::map<std::string, nlohmann::json> invoices;
                 for (const auto& r : tx->exec_params(
                          "SELECT i.id, i.number, i.status, i.currency, i.amount_minor, i.paid_minor, "
                          "  to_char(i.issued_at, 'YYYY-MM-DD') AS issued_on, to_char(i.due_at, 'YYYY-MM-DD') AS due_on, "
                          "  c.name AS client_name, c.inn AS client_inn, b.id AS booking_id, b.reference, b.status AS booking_status, "
                          "  (i.status = 'void' OR b.status IN ('expired', 'cancelled')) AS closed, "
                          "  ($2::date - i.issued_at::date) AS days_after_issue "
                          "FROM invoices i JOIN clients c ON c.id = i.client_id JOIN bookings b ON b.id = i.booking_id "
                          "WHERE i.id = ANY ($1::uuid[])",
                          db::text_array(ids), doc["date"].get<std::string>())) {
                   const auto& cur = core::currency(r["currency"].as<std::string>());
                   auto amount = r["amount_minor"].as<long long>(), paid = r["paid_minor"].as<long long>();
                   invoices[r["id"].as<std::string>()] = {
                       {"number", r["number"].as<std::string>()},
                       {"status", r["status"].as<std::string>()},
                       {"currency", r["currency"].as<std::string>()},
                       {"amount", core::Money(amount, cur).to_string()},
                       {"paid", core::Money(paid, cur).to_string()},
                       {"due", core::Money(std::max<long long>(0, amount - paid), cur).to_string()},
                       {"issued_on", r["issued_on"].as<std::string>()},
                       {"due_on", r["due_on"].as<std::string>()},
                       {"client", {{"name", r["client_name"].as<std::string>()}, {"inn", r["client_inn"].as<std::string>()}}},
                       {"booking", {{"id", r["booking_id"].as<std::string>()},
                                    {"reference", r["reference"].as<std::string>()},
                                    {"status", r["booking_status"].as<std::string>()}}},
                       {"closed", r["closed"].as<bool>()},
                       // Paid already, void or its booking gone: a match would be refused or wrong.
                       {"payable", !r["closed"].as<bool>() && r["status"].as<std::string>() != "paid"},
                       {"days_after_issue", r["days_after_issue"].as<int>()}};
                 }
                 for (auto& c : doc["candidates"]) {
                   auto it = c.contains("invoice_id") ? invoices.find(c["invoice_id"].get<std::string>()) : invoices.end();
                   c["invoice"] = it == invoices.end() ? nlohmann::json(nullptr) : it->second;
                 }
                 out = std::move(doc);
               });
               if (!out) throw core::not_found("bank document");
               co_return Response::json(200, *out);
             });
}

}  // namespace skybill::payments
