#include "invoices.hpp"
#include "skybill/invoicing/invoicing.hpp"

#include <algorithm>
#include <cstdio>

#include "skybill/core/time.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::invoicing {
namespace {

nlohmann::json& payee() {
  static nlohmann::json value = nullptr;
  return value;
}

const std::string kColumns =
    "i.id, i.number, i.booking_id, i.client_id, i.method, i.currency, i.status, i.price_version, i.amount_minor, "
    "i.vat_minor, i.paid_minor, i.credited_minor, i.refunded_minor, " +
    db::epoch_us("i.issued_at") + " AS issued_us, " + db::epoch_us("i.due_at") + " AS due_us, " +
    db::epoch_us("i.voided_at") + " AS voided_us";

Invoice from_row(const pqxx::row& r) {
  Invoice i;
  i.id = r["id"].as<std::string>();
  i.number = r["number"].as<std::string>();
  i.booking_id = r["booking_id"].as<std::string>();
  i.client_id = r["client_id"].as<std::string>();
  i.method = r["method"].as<std::string>();
  i.currency = r["currency"].as<std::string>();
  i.status = r["status"].as<std::string>();
  i.price_version = r["price_version"].as<int>();
  i.amount_minor = r["amount_minor"].as<long long>();
  i.vat_minor = r["vat_minor"].as<long long>();
  i.paid_minor = r["paid_minor"].as<long long>();
  i.credited_minor = r["credited_minor"].as<long long>();
  i.refunded_minor = r["refunded_minor"].as<long long>();
  i.issued_at = db::as_time(r["issued_us"]);
  i.due_at = db::as_time(r["due_us"]);
  if (!r["voided_us"].is_null()) i.voided_at = db::as_time(r["voided_us"]);
  return i;
}

}  // namespace

Invoice issue_invoice(db::Tx& tx, const booking::Booking& b, const std::string& method, const std::string& status,
                      core::TimePoint due_at, core::TimePoint now) {
  auto ts = core::to_rfc3339(now);
  // The counter row of the airline's current series stays locked until commit; a rollback
  // returns the number.
  auto counter = tx->exec_params1(
      "WITH s AS (SELECT invoice_prefix AS prefix, "
      "           extract(year FROM $2::timestamptz AT TIME ZONE timezone)::int AS year "
      "           FROM merchants WHERE id = $1::uuid) "
      "INSERT INTO invoice_series_counters (prefix, year, last) SELECT s.prefix, s.year, 1 FROM s "
      "ON CONFLICT (prefix, year) DO UPDATE SET last = invoice_series_counters.last + 1 RETURNING prefix, year, last",
      b.merchant_id, ts);
  auto prefix = counter[0].as<std::string>();
  char number[64];
  std::snprintf(number, sizeof number, "%s-%d-%06d", prefix.c_str(), counter[1].as<int>(), counter[2].as<int>());
  auto t = booking::totals(b.lines);
  auto rows = tx->exec_params(
      std::string("INSERT INTO invoices AS i (merchant_id, booking_id, client_id, number, price_version, method, currency, "
                  "amount_minor, vat_minor, status, issued_at, due_at, paid_minor, paid_at, series) VALUES ($1::uuid, "
                  "$2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12::timestamptz, "
                  "CASE WHEN $10 = 'paid' THEN $8::bigint ELSE 0 END, "
                  "CASE WHEN $10 = 'paid' THEN $11::timestamptz END, $13) RETURNING ") +
          kColumns,
      b.merchant_id, b.id, b.client_id, std::string(number), b.price_version, method, b.currency, t.amount_minor,
      t.vat_minor, status, ts, core::to_rfc3339(due_at), prefix);
  return from_row(rows[0]);
}

std::optional<Invoice> void_open_invoice(db::Tx& tx, const std::string& booking_id, core::TimePoint now) {
  auto rows = tx->exec_params(std::string("UPDATE invoices i SET status = 'void', voided_at = $2::timestamptz "
                                          "WHERE i.booking_id = $1::uuid AND i.status IN ('open', 'overdue') RETURNING ") +
                                  kColumns,
                              booking_id, core::to_rfc3339(now));
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::optional<Invoice> current_invoice(db::Tx& tx, const std::string& booking_id) {
  auto rows = tx->exec_params(std::string("SELECT ") + kColumns +
                                  " FROM invoices i WHERE i.booking_id = $1::uuid AND i.status <> 'void' "
                                  "ORDER BY i.issued_at DESC, i.number DESC LIMIT 1",
                              booking_id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::optional<Invoice> load_invoice(db::Tx& tx, const std::string& merchant_id, const std::string& id) {
  auto rows = tx->exec_params(
      std::string("SELECT ") + kColumns + " FROM invoices i WHERE i.merchant_id = $1::uuid AND i.id = $2::uuid",
      merchant_id, id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::vector<Invoice> list_invoices(db::Tx& tx, const std::string& merchant_id, const InvoiceFilter& f) {
  auto opt = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
  auto rows = tx->exec_params(
      std::string("SELECT ") + kColumns +
          " FROM invoices i WHERE i.merchant_id = $1::uuid AND ($2::text IS NULL OR i.status = $2)"
          " AND ($3::uuid IS NULL OR i.booking_id = $3::uuid) AND ($4::uuid IS NULL OR i.client_id = $4::uuid)"
          " AND ($5::uuid IS NULL OR (i.issued_at, i.id) > (SELECT issued_at, id FROM invoices"
          "      WHERE id = $5::uuid AND merchant_id = $1::uuid))"
          " ORDER BY i.issued_at, i.id LIMIT $6",
      merchant_id, opt(f.status), opt(f.booking_id), opt(f.client_id), opt(f.after_id), f.limit);
  std::vector<Invoice> out;
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

nlohmann::json invoice_json(db::Tx& tx, const Invoice& inv) {
  const auto& cur = core::currency(inv.currency);
  auto money = [&](std::int64_t m) { return core::Money(m, cur).to_string(); };
  std::vector<booking::Line> lines;
  nlohmann::json lines_out = nlohmann::json::array();
  for (const auto& r : tx->exec_params("SELECT kind, description, amount_minor, vat_rate, vat_minor FROM booking_lines "
                                       "WHERE booking_id = $1::uuid AND version = $2 ORDER BY position",
                                       inv.booking_id, inv.price_version)) {
    booking::Line l{};
    l.amount_minor = r["amount_minor"].as<long long>();
    l.vat_rate = *core::parse_vat_rate(r["vat_rate"].as<std::string>());
    l.vat_minor = r["vat_minor"].as<long long>();
    lines.push_back(l);
    lines_out.push_back({{"kind", r["kind"].as<std::string>()},
                         {"description", r["description"].as<std::string>()},
                         {"amount", money(l.amount_minor)},
                         {"vat_rate", r["vat_rate"].as<std::string>()},
                         {"vat", money(l.vat_minor)}});
  }
  return {{"id", inv.id},
          {"number", inv.number},
          {"booking_id", inv.booking_id},
          {"client_id", inv.client_id},
          {"method", inv.method},
          {"status", inv.status},
          {"currency", inv.currency},
          {"price_version", inv.price_version},
          {"lines", lines_out},
          {"totals", booking::totals_json(booking::totals(lines), cur)},
          {"issued_at", core::to_rfc3339(inv.issued_at)},
          {"due_at", core::to_rfc3339(inv.due_at)},
          {"payee", payee()},
          {"paid", money(inv.paid_minor)},
          {"outstanding",
           money(inv.status == "void" ? 0
                                      : std::max<std::int64_t>(inv.amount_minor - inv.credited_minor - inv.paid_minor, 0))},
          {"refunded", money(inv.refunded_minor)},
          {"voided_at", inv.voided_at ? nlohmann::json(core::to_rfc3339(*inv.voided_at)) : nlohmann::json(nullptr)}};
}

void configure_payee(nlohmann::json value) { payee() = std::move(value); }

nlohmann::json invoice_json_by_id(db::Tx& tx, const std::string& invoice_id) {
  auto rows = tx->exec_params("SELECT " + kColumns + " FROM invoices i WHERE i.id = $1::uuid", invoice_id);
  if (rows.empty()) throw std::runtime_error("no invoice " + invoice_id);
  return invoice_json(tx, from_row(rows[0]));
}

}  // namespace skybill::invoicing
