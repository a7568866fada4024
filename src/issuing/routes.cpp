#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "binding.hpp"
#include "issue.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/booking/pay_links.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/http/paging.hpp"
#include "skybill/issuing/issuing.hpp"
#include "store.hpp"

namespace skybill::issuing {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

const char* const kKinds[] = {"invoice", "upd", "receipt", "correction", "commission"};

bool is_staff(const Request& req) { return req.caller().kind == http::Principal::Kind::staff; }

std::string merchant_scope(const Request& req) {
  if (!is_staff(req)) return req.caller().id;
  return req.query_param("merchant_id").value_or("");
}


void only_fields(const nlohmann::json& body, std::initializer_list<const char*> known) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  for (const auto& [k, v] : body.items()) {
    bool ok = false;
    for (const char* name : known) ok = ok || k == name;
    if (!ok) errors.push_back({k, "is not a known field"});
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
}

// "<uuid>", "<uuid>.pdf" or "<uuid>.xml" -> id and format ("" for the metadata).
std::pair<std::string, std::string> split_id(const std::string& raw) {
  for (const char* ext : {".pdf", ".xml"})
    if (raw.ends_with(ext)) return {raw.substr(0, raw.size() - 4), std::string(ext + 1)};
  return {raw, ""};
}

// The stored bytes, exactly as issued: the SHA-256 the metadata shows is theirs.
Response file_response(db::Tx& tx, const std::string& id, const std::string& format, const std::string& scope,
                       const std::string& booking_scope = "") {
  auto rows = tx->exec_params(
      "SELECT number, encode(" + std::string(format == "pdf" ? "pdf" : "xml") +
          ", 'hex'), xml_file_name, pdf_sha256, xml_sha256 FROM documents "
          "WHERE id = $1::uuid AND ($2 = '' OR merchant_id::text = $2) AND ($3 = '' OR booking_id::text = $3)",
      id, scope, booking_scope);
  if (rows.empty()) throw core::not_found("document " + id);
  if (rows[0][1].is_null()) throw core::not_found("XML of document " + id + " (only УПД and corrections have one)");
  auto bytes = from_hex(rows[0][1].as<std::string>());
  bool pdf = format == "pdf";
  auto name = pdf ? rows[0][0].as<std::string>() + ".pdf" : rows[0][2].as<std::string>() + ".xml";
  // Appends, not "literal" + string: GCC 12 at -O3 flags the latter falsely (-Wrestrict).
  std::string disposition = "inline; filename=\"";
  disposition.append(name).append("\"");
  std::string etag = "\"";
  etag.append(rows[0][pdf ? 3 : 4].as<std::string>()).append("\"");
  return Response::text(200, std::move(bytes), pdf ? "application/pdf" : "application/xml; charset=windows-1251")
      .with_header("Content-Disposition", std::move(disposition))
      .with_header("ETag", std::move(etag))
      .with_header("Cache-Control", "private, max-age=31536000, immutable");
}

nlohmann::json list_documents(db::Tx& tx, const std::string& scope, const std::optional<std::string>& booking,
                              const std::optional<std::string>& kind, const std::optional<std::string>& client,
                              const http::Page& page) {
  auto opt = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
  auto rows = tx->exec_params(
      "SELECT " + document_columns() +
          " FROM documents d WHERE ($1 = '' OR d.merchant_id::text = $1) AND ($2::uuid IS NULL OR d.booking_id = $2::uuid) "
          "AND ($3::text IS NULL OR d.kind = $3) AND ($4::uuid IS NULL OR d.client_id = $4::uuid) "
          "AND ($5::uuid IS NULL OR (d.issued_at, d.id) > (SELECT issued_at, id FROM documents WHERE id = $5::uuid)) "
          "ORDER BY d.issued_at, d.id LIMIT $6",
      scope, opt(booking), opt(kind), opt(client), opt(page.cursor), page.fetch());
  nlohmann::json data = nlohmann::json::array();
  for (const auto& r : rows) data.push_back(document_row_json(tx, r));
  return data;
}

}  // namespace

nlohmann::json pay_documents(db::Tx& tx, const std::string& booking_id, const std::string& token) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : tx->exec_params(
           "SELECT id, kind, number, " + db::epoch_us("issued_at") +
               ", xml IS NOT NULL FROM documents WHERE booking_id = $1::uuid "
               "AND kind IN ('invoice', 'upd', 'receipt', 'correction') ORDER BY issued_at, number",
           booking_id)) {
    auto id = r[0].as<std::string>();
    out.push_back({{"id", id},
                   {"kind", r[1].as<std::string>()},
                   {"number", r[2].as<std::string>()},
                   {"issued_at", core::to_rfc3339(db::as_time(r[3]))},
                   {"pdf_url", "/pay/" + token + "/documents/" + id + ".pdf"},
                   {"xml_url", r[4].as<bool>() ? nlohmann::json("/pay/" + token + "/documents/" + id + ".xml")
                                               : nlohmann::json(nullptr)}});
  }
  return out;
}

InvoicePayment invoice_payment(db::Tx& tx, const Context& ctx, const std::string& invoice_id) {
  std::string booking_id, client_id;
  auto inv = bind_invoice(tx, ctx, invoice_id, booking_id, client_id);
  return {inv.purpose, documents::invoice_payment_string(inv)};
}

namespace {

using ServeFile = std::function<Response(db::Tx&, const std::string& booking_id)>;

// A /pay/{token}/... file link: the file, or for a refused link the friendly page.
awaitable<Response> pay_file(const Context& ctx, const Request& req, const ServeFile& serve) {
  std::optional<Response> out;
  try {
    co_await ctx.pool.read([&](db::Tx& tx) {
      auto link = booking::open_pay_link(tx, req.param("token"), ctx.clock.now());
      out = serve(tx, link.booking_id);
    });
  } catch (const core::Problem& p) {
    if (!ctx.link_refused || !p.type.starts_with("pay-link-")) throw;
    out = ctx.link_refused(p);
  }
  co_return std::move(*out);
}

nlohmann::json client_settings_json(const ClientDocuments& c, const std::string& id) {
  return {{"client_id", id},
          {"address", c.party.address},
          {"edo_id", c.party.edo_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.party.edo_id)},
          {"delivery", c.delivery},
          {"postal_address", c.postal_address}};
}

}  // namespace

void add_routes(http::Router& router, const Context& ctx) {
  router.add("GET", "/v1/documents", http::Access::key, "documents.read", [&ctx](Request& req) -> awaitable<Response> {
    std::vector<core::FieldError> errors;
    auto scope = merchant_scope(req);
    if (!scope.empty() && !core::is_uuid(scope)) errors.push_back({"merchant_id", "must be a merchant id"});
    auto booking = req.query_param("booking");
    if (booking && !core::is_uuid(*booking)) errors.push_back({"booking", "must be a booking id"});
    auto client = req.query_param("client");
    if (client && !core::is_uuid(*client)) errors.push_back({"client", "must be a client id"});
    auto kind = req.query_param("kind");
    if (kind && std::find(std::begin(kKinds), std::end(kKinds), *kind) == std::end(kKinds))
      errors.push_back({"kind", "must be invoice, upd, receipt, correction or commission"});
    auto page = http::page_of(req, errors);
    if (!errors.empty()) throw core::validation_failed(std::move(errors));
    nlohmann::json data;
    co_await ctx.pool.read([&](db::Tx& tx) { data = list_documents(tx, scope, booking, kind, client, page); });
    co_return Response::json(200, http::page_json(std::move(data), page));
  });

  router.add("GET", "/v1/documents/{id}", http::Access::key, "documents.read", [&ctx](Request& req) -> awaitable<Response> {
    auto [id, format] = split_id(req.param("id"));
    if (!core::is_uuid(id)) throw core::not_found("document " + req.param("id"));
    auto scope = is_staff(req) ? std::string() : req.caller().id;
    std::optional<Response> out;
    co_await ctx.pool.read([&](db::Tx& tx) {
      if (!format.empty()) {
        out = file_response(tx, id, format, scope);
        return;
      }
      auto doc = document_json(tx, id, scope);
      if (!doc) throw core::not_found("document " + id);
      out = Response::json(200, *doc);
    });
    co_return std::move(*out);
  });

  router.add("GET", "/v1/document-blocks", http::Access::key, "documents.read", [&ctx](Request& req) -> awaitable<Response> {
    auto scope = merchant_scope(req);
    nlohmann::json data = nlohmann::json::array();
    co_await ctx.pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      for (const auto& r : tx->exec_params(
               "SELECT source, kind, booking_id, problems::text, case_id, " + db::epoch_us("created_at") +
                   " FROM document_blocks WHERE ($1 = '' OR merchant_id::text = $1) ORDER BY created_at, source LIMIT 500",
               scope))
        data.push_back({{"source", r[0].as<std::string>()},
                        {"kind", r[1].as<std::string>()},
                        {"booking_id", r[2].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r[2].as<std::string>())},
                        {"problems", nlohmann::json::parse(r[3].as<std::string>())},
                        {"case_id", r[4].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r[4].as<std::string>())},
                        {"created_at", core::to_rfc3339(db::as_time(r[5]))}});
    });
    co_return Response::json(200, {{"data", data}});
  });

  // Issues a blocked document again once its data is fixed.
  router.add("POST", "/v1/documents/retry", http::Access::staff, "documents.write", [&ctx](Request& req) -> awaitable<Response> {
    auto body = req.json();
    only_fields(body, {"source"});
    if (!body.contains("source") || !body["source"].is_string())
      throw core::validation_failed({{"source", "is required: the source of a blocked document (GET /v1/document-blocks)"}});
    auto source = body["source"].get<std::string>();
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      auto rows = tx->exec_params(
          "SELECT request::text, event_seq, merchant_id, coalesce(booking_id::text, '') FROM document_blocks "
          "WHERE source = $1 FOR UPDATE",
          source);
      if (rows.empty()) throw core::not_found("blocked document " + source);
      auto request = nlohmann::json::parse(rows[0][0].as<std::string>());
      IssueRequest r{request.at("kind").get<std::string>(), request.at("subject")};
      auto merchant = rows[0][2].as<std::string>(), booking = rows[0][3].as<std::string>();
      bool issued = run_request(tx, ctx, r, rows[0][1].as<long long>(), merchant, booking, ctx.clock.now());
      db::audit(tx, audit::entry(req, merchant, "document.retried", source), {{"issued", issued}});
      if (!issued) {
        auto problems = nlohmann::json::parse(
            tx->exec_params1("SELECT problems::text FROM document_blocks WHERE source = $1", source)[0].as<std::string>());
        return Response::json(409, {{"source", source}, {"issued", false}, {"problems", problems}});
      }
      return Response::json(200, {{"source", source}, {"issued", true}});
    });
  });

  router.add("GET", "/v1/post-queue", http::Access::staff, "documents.read", [&ctx](Request&) -> awaitable<Response> {
    nlohmann::json data = nlohmann::json::array();
    co_await ctx.pool.read([&](db::Tx& tx) {
      data = nlohmann::json::array();
      for (const auto& r : tx->exec(
               "SELECT x.id, x.document_id, d.number, d.kind, x.recipient, x.status, x.tracking_number, "
               "coalesce(c.name, m.name), " +
               db::epoch_us("x.created_at") +
               " FROM document_dispatches x JOIN documents d ON d.id = x.document_id "
               "JOIN merchants m ON m.id = d.merchant_id LEFT JOIN clients c ON c.id = d.client_id AND d.kind <> 'commission' "
               "WHERE x.channel = 'post' AND x.status = 'queued' ORDER BY x.created_at, x.id LIMIT 1000"))
        data.push_back({{"dispatch_id", r[0].as<std::string>()},
                        {"document_id", r[1].as<std::string>()},
                        {"number", r[2].as<std::string>()},
                        {"kind", r[3].as<std::string>()},
                        {"recipient", r[7].as<std::string>()},
                        {"postal_address", r[4].as<std::string>()},
                        {"pdf_url", "/v1/documents/" + r[1].as<std::string>() + ".pdf"},
                        {"queued_at", core::to_rfc3339(db::as_time(r[8]))}});
    });
    co_return Response::json(200, {{"data", data}});
  });

  // The printed original went out: its tracking number is recorded and shown.
  router.add("POST", "/v1/documents/{id}/posted", http::Access::staff, "documents.write", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("document " + id);
    auto body = req.json();
    only_fields(body, {"tracking_number"});
    auto it = body.find("tracking_number");
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 64)
      throw core::validation_failed({{"tracking_number", "must be the postal tracking number (1 to 64 characters)"}});
    auto tracking = it->get<std::string>();
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      auto rows = tx->exec_params(
          "SELECT x.id, x.status, x.merchant_id, coalesce(d.booking_id::text, '') FROM document_dispatches x "
          "JOIN documents d ON d.id = x.document_id WHERE x.document_id = $1::uuid AND x.channel = 'post' FOR UPDATE OF x",
          id);
      if (rows.empty()) throw core::not_found("original of document " + id + " queued for post");
      if (rows[0][1].as<std::string>() != "queued")
        throw core::Problem(409, "already-posted", "Already posted", "the original of document " + id + " was posted already");
      auto now = core::to_rfc3339(ctx.clock.now());
      nlohmann::json entry = {{"status", "posted"}, {"at", now}, {"note", "tracking " + tracking}};
      tx->exec_params(
          "UPDATE document_dispatches SET status = 'posted', tracking_number = $2, updated_at = $3::timestamptz, "
          "history = history || $4::jsonb WHERE id = $1::uuid",
          rows[0][0].as<std::string>(), tracking, now, nlohmann::json::array({entry}).dump());
      auto merchant = rows[0][2].as<std::string>();
      db::audit(tx, audit::entry(req, merchant, "document_dispatch.posted", rows[0][0].as<std::string>()),
                {{"document_id", id}, {"tracking_number", tracking}}, db::Changes().set("status", "queued", "posted"));
      auto doc = *document_json(tx, id, "");
      db::enqueue_event(tx, merchant, "document.posted", rows[0][3].as<std::string>(), {{"document", doc}, {"note", ""}});
      return Response::json(200, doc);
    });
  });

  // How a client takes its documents; the merchant linked to it sets it.
  router.add("PUT", "/v1/clients/{id}/documents", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("client " + id);
    auto body = req.json();
    only_fields(body, {"address", "edo_id", "delivery", "postal_address"});
    nlohmann::json check = body;  // same rules as an airline's, without the signer
    check_merchant_documents(check);
    auto text = [&](const char* k) { return body.contains(k) ? body[k].get<std::string>() : std::string(); };
    auto delivery = body.contains("delivery") ? text("delivery") : std::string("none");
    co_return co_await api::idempotent(ctx.pool, req, [&](db::Tx& tx) {
      if (tx->exec_params("SELECT 1 FROM merchant_clients WHERE merchant_id = $1::uuid AND client_id = $2::uuid",
                          req.caller().id, id)
              .empty())
        throw core::not_found("client " + id);
      auto before = client_documents(tx, id);
      auto edo = text("edo_id");
      tx->exec_params(
          "UPDATE clients SET address = $2, edo_id = $3, document_delivery = $4, postal_address = $5 WHERE id = $1::uuid",
          id, text("address"), edo.empty() ? nullptr : edo.c_str(), delivery, text("postal_address"));
      auto after = client_documents(tx, id);
      db::audit(tx, audit::entry(req, req.caller().id, "client.documents_changed", id), nullptr,
                db::Changes()
                    .set("address", before.party.address, after.party.address)
                    .set("edo_id", before.party.edo_id, after.party.edo_id)
                    .set("delivery", before.delivery, after.delivery)
                    .set("postal_address", before.postal_address, after.postal_address));
      return Response::json(200, client_settings_json(after, id));
    });
  });

  router.add("GET", "/v1/clients/{id}/documents", http::Access::merchant, [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("client " + id);
    nlohmann::json out;
    co_await ctx.pool.read([&](db::Tx& tx) {
      if (tx->exec_params("SELECT 1 FROM merchant_clients WHERE merchant_id = $1::uuid AND client_id = $2::uuid",
                          req.caller().id, id)
              .empty())
        throw core::not_found("client " + id);
      out = client_settings_json(client_documents(tx, id), id);
    });
    co_return Response::json(200, out);
  });

  // An airline's document settings: address, EDO id, signer, УПД function, delivery.
  router.add("PATCH", "/v1/merchants/{id}/documents", http::Access::staff, "merchants.write", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("merchant " + id);
    auto patch = req.json();
    if (!patch.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
    nlohmann::json out;
    co_await ctx.pool.transact(
        [&](db::Tx& tx) { out = configure_merchant_documents(tx, id, patch, audit::entry(req, id, "", id)); });
    co_return Response::json(200, out);
  });

  router.add("GET", "/v1/merchants/{id}/documents", http::Access::staff, "merchants.read", [&ctx](Request& req) -> awaitable<Response> {
    const auto& id = req.param("id");
    if (!core::is_uuid(id)) throw core::not_found("merchant " + id);
    nlohmann::json out;
    co_await ctx.pool.read([&](db::Tx& tx) {
      auto rows = tx->exec_params("SELECT coalesce(settings->'documents', '{}')::text FROM merchants WHERE id = $1::uuid", id);
      if (rows.empty()) throw core::not_found("merchant " + id);
      out = nlohmann::json::parse(rows[0][0].as<std::string>());
    });
    co_return Response::json(200, out);
  });

  // The hosted page's links: its client's documents, by the booking's pay token.
  router.add("GET", "/pay/{token}/documents", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    const auto& token = req.param("token");
    nlohmann::json data;
    co_await ctx.pool.read([&](db::Tx& tx) {
      auto link = booking::open_pay_link(tx, token, ctx.clock.now());
      data = pay_documents(tx, link.booking_id, token);
    });
    co_return Response::json(200, {{"data", data}});
  });

  router.add("GET", "/pay/{token}/documents/{id}", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    auto [id, format] = split_id(req.param("id"));
    // Named, not a temporary in the co_await: GCC 12 destroys such temporaries twice.
    ServeFile serve = [&, id = id, format = format](db::Tx& tx, const std::string& booking) {
      if (!core::is_uuid(id) || format.empty()) throw core::not_found("document " + req.param("id"));
      auto kind = tx->exec_params("SELECT kind FROM documents WHERE id = $1::uuid", id);
      if (kind.empty() || kind[0][0].as<std::string>() == "commission") throw core::not_found("document " + id);
      return file_response(tx, id, format, "", booking);
    };
    co_return co_await pay_file(ctx, req, serve);
  });

  // The booking's current invoice as a PDF: the link its e-mail carries.
  router.add("GET", "/pay/{token}/invoice.pdf", http::Access::anyone, [&ctx](Request& req) -> awaitable<Response> {
    ServeFile serve = [](db::Tx& tx, const std::string& booking) {
      auto rows = tx->exec_params(
          "SELECT d.id FROM documents d JOIN invoices i ON d.source = 'invoice:' || i.id::text "
          "WHERE i.booking_id = $1::uuid AND i.status <> 'void' ORDER BY i.issued_at DESC LIMIT 1",
          booking);
      if (rows.empty()) throw core::not_found("invoice PDF (it is made a moment after the invoice; try again)");
      return file_response(tx, rows[0][0].as<std::string>(), "pdf", "", booking);
    };
    co_return co_await pay_file(ctx, req, serve);
  });
}

}  // namespace skybill::issuing
