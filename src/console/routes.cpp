// GET /admin/api/bookings (search, list, CSV) and GET /admin/api/bookings/{id} (the whole story).
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "skybill/console/console.hpp"
#include "skybill/console/query.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/identity/clients.hpp"
#include "today.hpp"

namespace skybill::console {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

// The airline an airline staff member is kept to, else the ?merchant= filter (or every airline).
std::string scope_of(const Request& req, const std::string& asked) {
  const auto& m = req.caller().merchant_id;
  return m.empty() ? asked : m;
}

// A timestamptz as RFC 3339 UTC in SQL ("2026-12-07T10:00:00.123456Z" trimmed to what it has).
std::string iso(std::string_view col) {
  std::string s = "to_char(";
  s += col;
  s += " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
  return s;
}

std::string key_column(SortKey k) {
  switch (k) {
    case SortKey::created_at: return "b.created_at";
    case SortKey::ticketing_time_limit: return "b.ticketing_time_limit";
    case SortKey::amount: return "b.amount_minor";
  }
  return "b.created_at";
}

// Builds the WHERE of a list with its parameters, $1.. in order of use.
struct Sql {
  std::vector<std::string> params;
  std::vector<std::string> where;
  std::string p(std::string value) {
    params.push_back(std::move(value));
    std::string s = "$";
    s += std::to_string(params.size());
    return s;
  }
};

std::string csv_field(const std::string& s) {
  bool quote = s.find_first_of(",\"\n\r;") != std::string::npos;
  // A cell a spreadsheet would run as a formula is quoted and prefixed.
  bool formula = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@');
  if (!quote && !formula) return s;
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string text_of(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

Response list(db::Tx& tx, const ListQuery& q, const std::string& scope) {
  Sql s;
  if (!scope.empty()) s.where.push_back("b.merchant_id = " + s.p(scope) + "::uuid");
  if (!q.statuses.empty()) {
    std::string arr = "{";
    for (std::size_t i = 0; i < q.statuses.size(); ++i) arr += (i ? "," : "") + q.statuses[i];
    arr += "}";
    s.where.push_back("b.status = ANY(" + s.p(arr) + "::text[])");
  }
  // The zone is checked even when no date uses it: a one-time filter PostgreSQL runs first.
  std::string tz = s.p(q.tz);
  s.where.push_back("(now() AT TIME ZONE " + tz + "::text) IS NOT NULL");
  auto day_start = [&](const std::string& d, int plus) {
    std::string e = "((" + s.p(d) + "::date + " + std::to_string(plus) + ")::timestamp AT TIME ZONE " + tz + "::text)";
    return e;
  };
  if (q.created_from) s.where.push_back("b.created_at >= " + day_start(*q.created_from, 0));
  if (q.created_to) s.where.push_back("b.created_at < " + day_start(*q.created_to, 1));
  if (q.tl_from) s.where.push_back("b.ticketing_time_limit >= " + day_start(*q.tl_from, 0));
  if (q.tl_to) s.where.push_back("b.ticketing_time_limit < " + day_start(*q.tl_to, 1));

  std::string with;
  if (!q.terms.empty()) {
    const auto& t = q.terms;
    std::vector<std::string> any;
    auto exact = s.p(t.exact);
    any.push_back("h.reference = " + exact);
    any.push_back("h.id = ANY(ARRAY(SELECT i.booking_id FROM invoices i WHERE i.number = " + exact + "))");
    if (!t.pnr.empty()) any.push_back("h.pnr = " + s.p(t.pnr));
    if (t.id) any.push_back("h.id = " + s.p(*t.id) + "::uuid");
    if (t.inn) any.push_back("h.client_id = ANY(ARRAY(SELECT cl.id FROM clients cl WHERE cl.inn = " + s.p(*t.inn) + "))");
    if (t.amount_minor) any.push_back("h.amount_minor = " + s.p(std::to_string(*t.amount_minor)) + "::bigint");
    if (t.like) {
      auto like = s.p(*t.like);
      any.push_back("h.client_id = ANY(ARRAY(SELECT cl.id FROM clients cl WHERE cl.name ILIKE " + like + "))");
      any.push_back("console_passenger_names(h.passengers) ILIKE " + like);
    }
    std::string ors;
    for (const auto& a : any) ors += (ors.empty() ? "" : " OR ") + a;
    // The hits first (each key by its own index), then the sort and the page over them only.
    with = "WITH hits AS MATERIALIZED (SELECT h.id FROM bookings h WHERE " + ors + ") ";
    s.where.push_back("b.id IN (SELECT id FROM hits)");
  }

  auto key = key_column(q.sort);
  const char* dir = q.desc ? " DESC" : "";
  if (q.cursor && !q.csv) {
    std::string value = q.sort == SortKey::amount
                            ? s.p(std::to_string(q.cursor->value)) + "::bigint"
                            : "('epoch'::timestamptz + " + s.p(std::to_string(q.cursor->value)) + "::bigint * interval '1 microsecond')";
    s.where.push_back("(" + key + ", b.id) " + (q.desc ? "<" : ">") + " (" + value + ", " + s.p(q.cursor->id) + "::uuid)");
  }
  std::string sql = with;
  sql += "SELECT b.id, b.reference, b.pnr, b.status, b.currency, b.amount_minor, b.merchant_id, m.name AS merchant_name, "
         "c.id AS client_id, c.name AS client_name, c.inn AS client_inn, console_passenger_names(b.passengers) AS passengers, ";
  sql += iso("b.ticketing_time_limit") + " AS tl, " + iso("b.created_at") + " AS created, ";
  sql += db::epoch_us("b.created_at") + " AS created_us, " + db::epoch_us("b.ticketing_time_limit") + " AS tl_us, ";
  sql += "(SELECT i.number FROM invoices i WHERE i.booking_id = b.id ORDER BY i.issued_at DESC, i.id DESC LIMIT 1) AS invoice_number";
  if (q.csv)
    sql += ", to_char(b.created_at AT TIME ZONE " + tz + "::text, 'YYYY-MM-DD HH24:MI:SS') AS created_local, "
           "to_char(b.ticketing_time_limit AT TIME ZONE " + tz + "::text, 'YYYY-MM-DD HH24:MI:SS') AS tl_local";
  sql += " FROM bookings b JOIN merchants m ON m.id = b.merchant_id JOIN clients c ON c.id = b.client_id";
  for (std::size_t i = 0; i < s.where.size(); ++i) sql += (i ? " AND " : " WHERE ") + s.where[i];
  sql += " ORDER BY " + key + dir + ", b.id" + dir;
  int fetch = q.csv ? kCsvMaxRows + 1 : q.limit + 1;
  sql += " LIMIT " + std::to_string(fetch);

  pqxx::result rows;
  try {
    rows = tx->exec_params(sql, pqxx::prepare::make_dynamic_params(s.params));
  } catch (const pqxx::data_exception& e) {
    // An unknown time zone is the only bad input that reaches SQL.
    throw core::validation_failed({{"tz", "is not a time zone PostgreSQL knows"}});
  }
  auto amount = [](const pqxx::row& r) -> std::string {
    if (r["amount_minor"].is_null()) return {};
    const auto* cur = core::find_currency(r["currency"].as<std::string>());
    return cur ? core::Money(r["amount_minor"].as<std::int64_t>(), *cur).to_string() : std::string();
  };
  if (q.csv) {
    if (rows.size() > static_cast<std::size_t>(kCsvMaxRows))
      throw core::Problem(422, "too-many-rows", "Too many rows",
                          "the export holds at most " + std::to_string(kCsvMaxRows) +
                              " bookings: narrow the period or the filters");
    std::string out = "reference,pnr,status,airline,client,client_inn,passengers,amount,currency,invoice_number,";
    out += "ticketing_time_limit (" + q.tz + "),created_at (" + q.tz + ")\r\n";
    for (const auto& r : rows) {
      for (const auto* col : {"reference", "pnr", "status", "merchant_name", "client_name", "client_inn", "passengers"}) {
        out += csv_field(text_of(r[col]));
        out += ',';
      }
      out += amount(r) + "," + text_of(r["currency"]) + "," + csv_field(text_of(r["invoice_number"])) + ",";
      out += text_of(r["tl_local"]) + "," + text_of(r["created_local"]) + "\r\n";
    }
    std::string name = "bookings";
    if (q.created_from) name += "-" + *q.created_from;
    if (q.created_to) name += "-" + *q.created_to;
    auto res = Response::text(200, std::move(out), "text/csv; charset=utf-8");
    res.with_header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
    return res;
  }
  nlohmann::json data = nlohmann::json::array();
  std::optional<Cursor> next;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (static_cast<int>(i) == q.limit) {
      const auto& last = rows[i - 1];
      Cursor c{.sort = q.sort, .desc = q.desc, .value = 0, .value_null = false, .id = last["id"].as<std::string>()};
      if (q.sort == SortKey::amount) c.value = last["amount_minor"].is_null() ? 0 : last["amount_minor"].as<std::int64_t>();
      else c.value = last[q.sort == SortKey::created_at ? "created_us" : "tl_us"].as<std::int64_t>();
      next = c;
      break;
    }
    auto a = amount(r);
    data.push_back({{"id", r["id"].as<std::string>()},
                    {"reference", r["reference"].as<std::string>()},
                    {"pnr", r["pnr"].as<std::string>()},
                    {"status", r["status"].as<std::string>()},
                    {"merchant", {{"id", r["merchant_id"].as<std::string>()}, {"name", r["merchant_name"].as<std::string>()}}},
                    {"client", {{"id", r["client_id"].as<std::string>()}, {"name", r["client_name"].as<std::string>()}, {"inn", r["client_inn"].as<std::string>()}}},
                    {"passengers", r["passengers"].as<std::string>()},
                    {"amount", a.empty() ? nlohmann::json(nullptr) : nlohmann::json(a)},
                    {"currency", r["currency"].as<std::string>()},
                    {"invoice_number", r["invoice_number"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r["invoice_number"].as<std::string>())},
                    {"ticketing_time_limit", r["tl"].as<std::string>()},
                    {"created_at", r["created"].as<std::string>()}});
  }
  return Response::json(200, {{"data", std::move(data)},
                              {"next_cursor", next ? nlohmann::json(encode_cursor(*next)) : nlohmann::json(nullptr)},
                              {"sort", std::string(q.desc ? "-" : "") + std::string(sort_name(q.sort))}});
}

nlohmann::json json_of(const pqxx::result& r) {
  if (r.empty() || r[0][0].is_null()) return nlohmann::json::array();
  return nlohmann::json::parse(r[0][0].as<std::string>());
}

// The story's sections, each one statement whatever the number of rows.
nlohmann::json story(db::Tx& tx, const Context& ctx, const std::string& id, const std::string& scope) {
  auto b = booking::load_booking_for_staff(tx, id, false);
  if (!b || (!scope.empty() && b->merchant_id != scope)) throw core::not_found("booking " + id);
  auto now = ctx.bookings.clock.now();
  auto client = identity::find_linked_client(tx, b->merchant_id, b->client_id).value_or(nlohmann::json(nullptr));
  auto booking_out = booking::booking_json(*b, client, ctx.bookings.public_url);
  if (ctx.bookings.enrich) ctx.bookings.enrich(tx, *b, now, booking_out);
  const auto& cur = core::currency(b->currency);

  nlohmann::json out = {{"booking", booking_out}};
  auto m = tx->exec_params("SELECT id, name, inn FROM merchants WHERE id = $1::uuid", b->merchant_id);
  out["merchant"] = {{"id", m[0][0].as<std::string>()}, {"name", m[0][1].as<std::string>()}, {"inn", m[0][2].as<std::string>()}};

  out["price_versions"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('version', v.version, 'amount_minor', v.amount_minor, 'vat_minor', v.vat_minor, "
      "'created_at', " + iso("v.created_at") + ", 'current', v.version = b.price_version, 'lines', "
      "(SELECT coalesce(jsonb_agg(jsonb_build_object('position', l.position, 'kind', l.kind, 'description', l.description, "
      "'passenger', l.passenger, 'amount_minor', l.amount_minor, 'vat_rate', l.vat_rate, 'vat_minor', l.vat_minor, 'emd', l.emd) "
      "ORDER BY l.position), '[]'::jsonb) FROM booking_lines l WHERE l.booking_id = v.booking_id AND l.version = v.version)) "
      "ORDER BY v.version)::text FROM booking_price_versions v JOIN bookings b ON b.id = v.booking_id WHERE v.booking_id = $1::uuid",
      id));
  out["invoices"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('id', i.id, 'number', i.number, 'method', i.method, 'status', i.status, "
      "'currency', i.currency, 'amount_minor', i.amount_minor, 'vat_minor', i.vat_minor, 'paid_minor', i.paid_minor, "
      "'refunded_minor', i.refunded_minor, 'credited_minor', i.credited_minor, 'guaranteed', i.guaranteed, "
      "'price_version', i.price_version, 'issued_at', " + iso("i.issued_at") + ", 'due_at', " + iso("i.due_at") +
      ", 'paid_at', " + iso("i.paid_at") + ", 'voided_at', " + iso("i.voided_at") + ") ORDER BY i.issued_at, i.id)::text "
      "FROM invoices i WHERE i.booking_id = $1::uuid", id));
  out["payments"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(x ORDER BY x->>'created_at')::text FROM ("
      "SELECT jsonb_build_object('id', p.id, 'kind', 'payment', 'method', p.method, 'invoice_id', p.invoice_id, "
      "'currency', p.currency, 'amount_minor', p.amount_minor, 'applied_minor', p.applied_minor, 'reference', p.reference, "
      "'created_at', " + iso("p.created_at") + ", 'bank_document', CASE WHEN d.id IS NULL THEN NULL ELSE "
      "jsonb_build_object('id', d.id, 'number', d.number, 'date', d.doc_date, 'payer_name', d.payer_name, "
      "'payer_inn', d.payer_inn, 'purpose', d.purpose) END) AS x "
      "FROM payments p LEFT JOIN bank_documents d ON d.id = p.bank_document_id WHERE p.booking_id = $1::uuid "
      "UNION ALL SELECT jsonb_build_object('id', c.id, 'kind', c.kind, 'method', 'card', 'invoice_id', c.invoice_id, "
      "'currency', c.currency, 'amount_minor', c.amount_minor, 'captured_minor', c.captured_minor, 'status', c.status, "
      "'card_last4', c.card_last4, 'card_brand', c.card_brand, 'failure_reason', c.failure_reason, "
      "'created_at', " + iso("c.created_at") + ", 'finished_at', " + iso("c.finished_at") + ") "
      "FROM card_payments c WHERE c.booking_id = $1::uuid) s", id));
  out["documents"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('id', d.id, 'kind', d.kind, 'number', d.number, 'language', d.language, "
      "'currency', d.currency, 'total_minor', d.total_minor, 'vat_minor', d.vat_minor, 'issued_at', " + iso("d.issued_at") +
      ", 'corrects', d.corrects, 'dispatches', (SELECT coalesce(jsonb_agg(jsonb_build_object('channel', x.channel, "
      "'status', x.status) ORDER BY x.created_at), '[]'::jsonb) FROM document_dispatches x WHERE x.document_id = d.id)) "
      "ORDER BY d.issued_at, d.id)::text FROM documents d WHERE d.booking_id = $1::uuid", id));
  out["refunds"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('id', r.id, 'invoice_id', r.invoice_id, 'currency', r.currency, "
      "'amount_minor', r.amount_minor, 'penalty_minor', r.penalty_minor, 'lines', r.lines, 'penalties', r.penalties, "
      "'reason', r.reason, 'status', r.status, 'deadline_at', " + iso("r.deadline_at") + ", 'at_risk_at', " + iso("r.at_risk_at") +
      ", 'created_by', r.created_by, 'created_at', " + iso("r.created_at") + ", 'finished_at', " + iso("r.finished_at") +
      ", 'legs', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'route', l.route, 'amount_minor', l.amount_minor, "
      "'status', l.status, 'attempts', l.attempts, 'failure_reason', l.failure_reason, 'last_error', l.last_error, "
      "'replaced_by', l.replaced_by, 'order_number', l.order_number, 'created_at', " + iso("l.created_at") +
      ", 'finished_at', " + iso("l.finished_at") + ") ORDER BY l.created_at, l.id), '[]'::jsonb) FROM refund_legs l "
      "WHERE l.refund_id = r.id)) ORDER BY r.created_at, r.id)::text FROM refunds r WHERE r.booking_id = $1::uuid", id));
  out["events"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('seq', o.id, 'id', o.event_id, 'topic', o.topic, 'created_at', " + iso("o.created_at") +
      ", 'deliveries', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'endpoint_id', d.endpoint_id, 'url', e.url, "
      "'status', d.status, 'attempts', d.attempts, 'finished_at', " + iso("d.finished_at") + ", 'last_http_status', "
      "(SELECT a.http_status FROM webhook_attempts a WHERE a.delivery_id = d.id ORDER BY a.id DESC LIMIT 1), 'last_error', "
      "(SELECT a.error FROM webhook_attempts a WHERE a.delivery_id = d.id ORDER BY a.id DESC LIMIT 1)) ORDER BY d.id), '[]'::jsonb) "
      "FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.event_seq = o.id)) ORDER BY o.id)::text "
      "FROM outbox o WHERE o.booking_id = $1::uuid", id));
  out["support_cases"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('id', s.id, 'type', s.type, 'status', s.status, 'notes', s.notes, "
      "'created_at', " + iso("s.created_at") + ", 'updated_at', " + iso("s.updated_at") + ") ORDER BY s.created_at, s.id)::text "
      "FROM support_cases s WHERE s.booking_id = $1::uuid", id));
  // The audit trail of the booking and of everything the story names.
  std::string subjects = "{" + id;
  auto add_ids = [&](const nlohmann::json& list, const char* nested = nullptr) {
    for (const auto& x : list) {
      if (x.contains("id") && x["id"].is_string()) subjects += "," + x["id"].get<std::string>();
      if (nested && x.contains(nested))
        for (const auto& y : x[nested])
          if (y.contains("id") && y["id"].is_string()) subjects += "," + y["id"].get<std::string>();
    }
  };
  add_ids(out["invoices"]);
  add_ids(out["payments"]);
  add_ids(out["documents"]);
  add_ids(out["refunds"], "legs");
  add_ids(out["support_cases"]);
  subjects += "}";
  out["audit"] = json_of(tx->exec_params(
      "SELECT jsonb_agg(jsonb_build_object('id', a.id, 'at', " + iso("a.at") + ", 'actor', a.actor, 'entity', a.entity, "
      "'action', a.action, 'subject', a.subject, 'request_id', a.request_id, 'changes', a.changes, 'data', a.data) ORDER BY a.id)::text "
      "FROM (SELECT * FROM audit_log WHERE subject = ANY($1::text[]) AND (merchant_id IS NULL OR merchant_id = $2::uuid) "
      "ORDER BY id LIMIT 500) a", subjects, b->merchant_id));
  for (const char* k : {"price_versions", "invoices", "payments", "documents", "refunds"}) decimalize(out[k], cur);
  return out;
}

}  // namespace

void add_routes(http::Router& router, const Context& ctx) {
  router.add("GET", "/admin/api/bookings", http::Access::any_staff, "bookings.read", [&ctx](Request& req) -> awaitable<Response> {
    auto q = parse_list_query(req.query);
    if (!req.caller().merchant_id.empty() && !q.merchant.empty() && q.merchant != req.caller().merchant_id)
      throw core::validation_failed({{"merchant", "airline staff see only their own airline"}});
    auto scope = scope_of(req, q.merchant);
    Response res;
    co_await ctx.bookings.pool.read([&](db::Tx& tx) { res = list(tx, q, scope); });
    co_return res;
  });

  router.add("GET", "/admin/api/bookings/{id}", http::Access::any_staff, "bookings.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("booking " + id);
    auto scope = scope_of(req, "");
    nlohmann::json out;
    co_await ctx.bookings.pool.transact([&](db::Tx& tx) { out = story(tx, ctx, id, scope); });
    co_return Response::json(200, out);
  });

  add_today_route(router, ctx);
}

}  // namespace skybill::console
