// The console's client screens: search clients, a client's credit lines, deposit and ledger
// history, set a credit line, top up a deposit. The changes are the CLI's use cases
// (identity/credit.hpp) run inside the request's transaction, so that an Idempotency-Key is
// stored with the effect and the audit row names the staff user and the request.
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/identity/credit.hpp"
#include "skybill/identity/routes.hpp"
#include "skybill/ledger/ledger.hpp"

namespace skybill::identity {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kMaxQuery = 100;
constexpr int kHistoryLimit = 50;

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

nlohmann::json line_json(const CreditLine& l) {
  return {{"limit", l.limit.to_string()},
          {"used", l.used.to_string()},
          {"available", l.available.to_string()},
          {"deferral_days", l.deferral_days},
          {"approved", l.approved}};
}

nlohmann::json summary_json(const ClientSummary& c) {
  return {{"id", c.id}, {"inn", c.inn}, {"kpp", c.kpp}, {"name", c.name}};
}

void require_client_id(const std::string& id) {
  if (!core::is_uuid(id)) throw core::not_found("client " + id);
}

// The body of a credit-line change: {limit: "500000.00", deferral_days: 30, approved: true}.
struct LineBody {
  std::string limit;
  int deferral_days = 0;
  bool approved = false;
};

LineBody parse_line(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  LineBody out;
  auto limit = body.find("limit");
  if (limit == body.end()) errors.push_back({"limit", "is required: a decimal string such as \"500000.00\""});
  else if (!limit->is_string()) errors.push_back({"limit", "must be a decimal string such as \"500000.00\""});
  else out.limit = limit->get<std::string>();
  auto days = body.find("deferral_days");
  if (days == body.end()) errors.push_back({"deferral_days", "is required: a whole number of days from 0 to 365"});
  else if (!days->is_number_integer()) errors.push_back({"deferral_days", "must be a whole number of days from 0 to 365"});
  else {
    auto d = days->get<long long>();
    if (d < 0 || d > 365) errors.push_back({"deferral_days", "must be a whole number of days from 0 to 365"});
    else out.deferral_days = static_cast<int>(d);
  }
  auto approved = body.find("approved");
  if (approved == body.end()) errors.push_back({"approved", "is required: true or false"});
  else if (!approved->is_boolean()) errors.push_back({"approved", "must be true or false"});
  else out.approved = approved->get<bool>();
  for (const auto& [key, value] : body.items())
    if (key != "limit" && key != "deferral_days" && key != "approved")
      errors.push_back({key, "is not a field here: limit, deferral_days and approved are"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

struct DepositBody {
  std::string currency, amount;
};

DepositBody parse_deposit(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "must be a JSON object"}});
  std::vector<core::FieldError> errors;
  DepositBody out;
  auto text = [&](const char* name, std::string& to, const char* hint) {
    auto it = body.find(name);
    if (it == body.end()) errors.push_back({name, std::string("is required: ") + hint});
    else if (!it->is_string()) errors.push_back({name, std::string("must be a string: ") + hint});
    else to = it->get<std::string>();
  };
  text("currency", out.currency, "an ISO 4217 code such as RUB");
  text("amount", out.amount, "a decimal string such as \"10000.00\"");
  for (const auto& [key, value] : body.items())
    if (key != "currency" && key != "amount") errors.push_back({key, "is not a field here: currency and amount are"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

nlohmann::json client_json(db::Tx& tx, Credit& credit, const std::string& id, const std::string& before) {
  auto balances = credit.client_balances(tx, id);
  nlohmann::json currencies = nlohmann::json::array();
  for (const auto& c : balances.currencies)
    currencies.push_back({{"currency", c.currency},
                          {"credit_line", c.credit_line ? line_json(*c.credit_line) : nlohmann::json(nullptr)},
                          {"deposit", c.deposit.to_string()}});
  nlohmann::json airlines = nlohmann::json::array();
  for (const auto& r : tx->exec_params("SELECT m.id, m.name FROM merchant_clients mc JOIN merchants m ON m.id = mc.merchant_id "
                                       "WHERE mc.client_id = $1::uuid ORDER BY m.name",
                                       id))
    airlines.push_back({{"id", r[0].as<std::string>()}, {"name", r[1].as<std::string>()}});
  nlohmann::json history = nlohmann::json::array();
  auto postings = ledger::postings_of(tx, ledger::Owner::client, id, kHistoryLimit + 1, before);
  bool more = postings.size() > static_cast<std::size_t>(kHistoryLimit);
  if (more) postings.pop_back();
  // A page ends at an entry's boundary: the next page starts before the last entry shown.
  for (const auto& p : postings) {
    const auto& cur = core::currency(p.currency);
    history.push_back({{"entry_id", p.entry_id},
                       {"kind", p.entry_kind},
                       {"memo", p.memo},
                       {"at", p.created_at},
                       {"account", ledger::to_string(p.kind)},
                       {"currency", p.currency},
                       // Signed as the client sees it: money in (a deposit credited) is positive.
                       {"amount", core::Money(-p.amount_minor, cur).to_string()}});
  }
  std::string next;
  if (more && !history.empty()) {
    next = history.back()["entry_id"].get<std::string>();
    while (!history.empty() && history.back()["entry_id"] == next) history.erase(history.end() - 1);
    if (history.empty()) next = postings.back().entry_id;  // one huge entry: skip past it
    else next = history.back()["entry_id"].get<std::string>();
  }
  return {{"client", summary_json(balances.client)},
          {"deposit_reference", balances.deposit_reference},
          {"currencies", currencies},
          {"airlines", airlines},
          {"history", history},
          {"history_next", next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next)}};
}

}  // namespace

void add_credit_routes(http::Router& router, db::Pool& pool) {
  router.add("GET", "/admin/api/clients", http::Access::staff, "clients.read", [&pool](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto page = http::page_of(req, errors);
    auto q = req.query_param("q").value_or("");
    while (!q.empty() && q.back() == ' ') q.pop_back();
    while (!q.empty() && q.front() == ' ') q.erase(q.begin());
    if (q.size() > kMaxQuery) errors.push_back({"q", "must be at most 100 characters"});
    if (page.cursor && !core::is_uuid(*page.cursor)) errors.push_back({"cursor", "must be a cursor this list gave"});
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    bool by_inn = all_digits(q);
    nlohmann::json data = nlohmann::json::array();
    co_await pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      // By INN prefix when digits are typed, else by a part of the name; ordered by name.
      auto rows = tx->exec_params(
          "SELECT c.id, c.inn, c.kpp, c.name, "
          "  (SELECT coalesce(json_agg(m.name ORDER BY m.name), '[]') FROM merchant_clients mc "
          "   JOIN merchants m ON m.id = mc.merchant_id WHERE mc.client_id = c.id)::text AS airlines, "
          "  EXISTS (SELECT 1 FROM credit_lines l WHERE l.client_id = c.id AND l.approved) AS has_credit "
          "FROM clients c WHERE ($1 = '' OR ($2 AND c.inn LIKE $1 || '%') OR "
          "  (NOT $2 AND c.name ILIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')) "
          "AND ($3::uuid IS NULL OR (c.name, c.id) > (SELECT name, id FROM clients WHERE id = $3::uuid)) "
          "ORDER BY c.name, c.id LIMIT $4",
          q, by_inn, page.cursor ? page.cursor->c_str() : nullptr, page.fetch());
      for (const auto& r : rows)
        data.push_back({{"id", r["id"].as<std::string>()},
                        {"inn", r["inn"].as<std::string>()},
                        {"kpp", r["kpp"].as<std::string>()},
                        {"name", r["name"].as<std::string>()},
                        {"airlines", nlohmann::json::parse(r["airlines"].as<std::string>())},
                        {"has_credit_line", r["has_credit"].as<bool>()}});
    });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });

  router.add("GET", "/admin/api/clients/{id}", http::Access::staff, "clients.read", [&pool](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    require_client_id(id);
    auto before = req.query_param("history_before").value_or("");
    if (!before.empty() && !std::all_of(before.begin(), before.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
      throw core::validation_failed({{"history_before", "must be a history_next this client gave"}});
    nlohmann::json out;
    Credit credit(pool, audit::actor(req.caller()));
    // A transaction, not a read: the deposit reference is made on first show.
    co_await pool.transact([&](db::Tx& tx) { out = client_json(tx, credit, id, before); });
    co_return Response::json(200, out);
  });

  router.add("PUT", "/admin/api/clients/{id}/credit-lines/{currency}", http::Access::staff, "clients.write",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               require_client_id(id);
               auto currency = req.param("currency");
               auto body = parse_line(req.json());
               Credit credit(pool, audit::actor(req.caller()));
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 auto set = credit.set_credit_line(tx, id, currency, body.limit, body.deferral_days, body.approved,
                                                   req.request_id);
                 auto line = line_json(set.line);
                 line["currency"] = currency;
                 return Response::json(200, {{"client", summary_json(set.client)}, {"credit_line", line}});
               });
             });

  router.add("POST", "/admin/api/clients/{id}/deposits", http::Access::staff, "clients.write",
             [&pool](Request& req) -> awaitable<Response> {
               const auto& id = req.param("id");
               require_client_id(id);
               auto body = parse_deposit(req.json());
               Credit credit(pool, audit::actor(req.caller()));
               co_return co_await api::idempotent(pool, req, [&](db::Tx& tx) {
                 auto added = credit.add_deposit(tx, id, body.currency, body.amount, req.request_id);
                 return Response::json(201, {{"client", summary_json(added.client)},
                                             {"entry_id", added.entry_id},
                                             {"currency", body.currency},
                                             {"amount", added.amount.to_string()},
                                             {"deposit", added.balance.to_string()}});
               });
             });
}

}  // namespace skybill::identity
