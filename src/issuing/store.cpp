#include "store.hpp"

#include <cstdio>
#include <pqxx/pqxx>

#include "skybill/core/money.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::issuing {

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string from_hex(std::string_view hex) {
  auto value = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(value(hex[i]) * 16 + value(hex[i + 1]));
  return out;
}

Number peek_number(db::Tx& tx, const std::string& series, int year) {
  tx->exec_params("INSERT INTO document_counters (series, year, last) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
                  series, year);
  auto last = tx->exec_params1("SELECT last FROM document_counters WHERE series = $1 AND year = $2 FOR UPDATE",
                               series, year)[0]
                  .as<int>();
  Number n{series, "", year, last + 1};
  char text[96];
  std::snprintf(text, sizeof text, "%s-%d-%06d", series.c_str(), year, n.seq);
  n.text = text;
  return n;
}

void commit_number(db::Tx& tx, const Number& n) {
  tx->exec_params("UPDATE document_counters SET last = $3 WHERE series = $1 AND year = $2", n.series, n.year, n.seq);
}

bool source_exists(db::Tx& tx, const std::string& source) {
  return !tx->exec_params("SELECT 1 FROM documents WHERE source = $1", source).empty();
}

std::string document_columns() {
  return "d.id, d.merchant_id, d.booking_id, d.client_id, d.payout_id, d.kind, d.number, d.language, d.currency, "
         "d.total_minor, d.vat_minor, " +
         db::epoch_us("d.issued_at") +
         " AS issued_us, d.corrects, d.pdf_sha256, length(d.pdf) AS pdf_bytes, d.xml_sha256, d.xml_file_name, "
         "length(d.xml) AS xml_bytes, d.source";
}

nlohmann::json document_row_json(db::Tx& tx, const pqxx::row& r) {
  auto id = r["id"].as<std::string>();
  const auto& cur = core::currency(r["currency"].as<std::string>());
  auto opt = [&](const char* col) { return r[col].is_null() ? nlohmann::json(nullptr) : nlohmann::json(r[col].as<std::string>()); };
  nlohmann::json out = {
      {"id", id},
      {"kind", r["kind"].as<std::string>()},
      {"number", r["number"].as<std::string>()},
      {"merchant_id", r["merchant_id"].as<std::string>()},
      {"booking_id", opt("booking_id")},
      {"client_id", opt("client_id")},
      {"payout_id", opt("payout_id")},
      {"language", r["language"].as<std::string>()},
      {"currency", r["currency"].as<std::string>()},
      {"total", core::Money(r["total_minor"].as<long long>(), cur).to_string()},
      {"vat", core::Money(r["vat_minor"].as<long long>(), cur).to_string()},
      {"issued_at", core::to_rfc3339(db::as_time(r["issued_us"]))},
      {"corrects", opt("corrects")},
      {"pdf", {{"url", "/v1/documents/" + id + ".pdf"}, {"sha256", r["pdf_sha256"].as<std::string>()},
               {"bytes", r["pdf_bytes"].as<long long>()}}},
      {"xml", nullptr},
      {"dispatches", nlohmann::json::array()}};
  if (!r["xml_sha256"].is_null())
    out["xml"] = {{"url", "/v1/documents/" + id + ".xml"},
                  {"sha256", r["xml_sha256"].as<std::string>()},
                  {"bytes", r["xml_bytes"].as<long long>()},
                  {"file_name", r["xml_file_name"].as<std::string>() + ".xml"}};
  for (const auto& d : tx->exec_params(
           "SELECT id, channel, operator, recipient, status, external_id, tracking_number, attempts, last_error, "
           "history::text, " +
               db::epoch_us("updated_at") + " FROM document_dispatches WHERE document_id = $1::uuid ORDER BY channel",
           id)) {
    auto text = [&](int i) { return d[i].is_null() ? nlohmann::json(nullptr) : nlohmann::json(d[i].as<std::string>()); };
    out["dispatches"].push_back({{"id", d[0].as<std::string>()},
                                 {"channel", d[1].as<std::string>()},
                                 {"operator", text(2)},
                                 {"recipient", d[3].as<std::string>()},
                                 {"status", d[4].as<std::string>()},
                                 {"external_id", text(5)},
                                 {"tracking_number", text(6)},
                                 {"attempts", d[7].as<int>()},
                                 {"last_error", text(8)},
                                 {"history", nlohmann::json::parse(d[9].as<std::string>())},
                                 {"updated_at", core::to_rfc3339(db::as_time(d[10]))}});
  }
  return out;
}

std::optional<nlohmann::json> document_json(db::Tx& tx, const std::string& id, const std::string& merchant_scope) {
  auto rows = tx->exec_params("SELECT " + document_columns() +
                                  " FROM documents d WHERE d.id = $1::uuid AND ($2 = '' OR d.merchant_id::text = $2)",
                              id, merchant_scope);
  if (rows.empty()) return std::nullopt;
  return document_row_json(tx, rows[0]);
}

nlohmann::json store_document(db::Tx& tx, const NewDocument& d, const std::string& actor) {
  auto opt = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  auto pdf_sha = crypto::sha256_hex(d.pdf);
  std::optional<std::string> xml_sha;
  if (d.xml) xml_sha = crypto::sha256_hex(*d.xml);
  tx->exec_params(
      "INSERT INTO documents (id, merchant_id, booking_id, client_id, payout_id, kind, source, series, year, number, "
      "language, currency, total_minor, vat_minor, issued_at, event_seq, corrects, facts, pdf, pdf_sha256, xml, "
      "xml_sha256, xml_file_name) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11, "
      "$12, $13, $14, $15::timestamptz, $16::bigint, $17::uuid, $18::jsonb, decode($19, 'hex'), $20, decode($21, 'hex'), "
      "$22, $23)",
      d.id, d.merchant_id, opt(d.booking_id), opt(d.client_id), opt(d.payout_id), d.kind, d.source, d.series, d.year,
      d.number, d.language, d.currency, d.total_minor, d.vat_minor, core::to_rfc3339(d.issued_at),
      d.event_seq > 0 ? std::to_string(d.event_seq).c_str() : nullptr, d.corrects ? d.corrects->c_str() : nullptr,
      d.facts.dump(), to_hex(d.pdf), pdf_sha, d.xml ? to_hex(*d.xml).c_str() : nullptr,
      xml_sha ? xml_sha->c_str() : nullptr, d.xml_file_name ? d.xml_file_name->c_str() : nullptr);
  auto json = *document_json(tx, d.id, "");
  db::audit(tx, {actor, d.merchant_id, "document.issued", d.id, ""},
            {{"kind", d.kind}, {"number", d.number}, {"source", d.source}, {"pdf_sha256", pdf_sha},
             {"xml_sha256", xml_sha ? nlohmann::json(*xml_sha) : nlohmann::json(nullptr)}},
            db::Changes().set("number", nullptr, d.number));
  db::enqueue_event(tx, d.merchant_id, "document.issued", d.booking_id, json);
  return json;
}

}  // namespace skybill::issuing
