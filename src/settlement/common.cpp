#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

std::string money_text(std::int64_t minor, const std::string& currency) {
  return core::Money(minor, core::currency(currency)).to_string();
}

Merchant load_merchant(db::Tx& tx, const std::string& merchant_id, std::chrono::minutes default_cutoff) {
  auto rows = tx->exec_params(
      "SELECT id, name, inn, coalesce(kpp, '') AS kpp, timezone, coalesce(settings->'settlement', 'null')::text AS s "
      "FROM merchants WHERE id = $1::uuid",
      merchant_id);
  if (rows.empty()) throw core::not_found("merchant " + merchant_id);
  const auto& r = rows[0];
  Merchant m{r["id"].as<std::string>(), r["name"].as<std::string>(), r["inn"].as<std::string>(),
             r["kpp"].as<std::string>(), r["timezone"].as<std::string>(), {}};
  m.settings = settings_from_json(nlohmann::json::parse(r["s"].as<std::string>()), default_cutoff);
  // The airline's own name and tax numbers unless its payee says otherwise.
  auto& p = m.settings.payee;
  if (!p.contains("name")) p["name"] = m.name;
  if (!p.contains("inn")) p["inn"] = m.inn;
  if (!p.contains("kpp") && !m.kpp.empty()) p["kpp"] = m.kpp;
  return m;
}

LocalTime local_time(db::Tx& tx, core::TimePoint t, const std::string& tz) {
  auto r = tx->exec_params1(
      "SELECT to_char(l, 'YYYY-MM-DD'), extract(hour FROM l)::int * 60 + extract(minute FROM l)::int "
      "FROM (SELECT $1::timestamptz AT TIME ZONE $2 AS l) x",
      core::to_rfc3339(t), tz);
  return {core::parse_iso_date(r[0].as<std::string>()), std::chrono::minutes(r[1].as<int>())};
}

std::string instant_of(db::Tx& tx, core::Date day, std::chrono::minutes time, const std::string& tz) {
  auto r = tx->exec_params1(
      "SELECT to_char((($1::date + $2 * interval '1 minute') AT TIME ZONE $3) AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
      core::to_iso_string(day), static_cast<int>(time.count()), tz);
  return r[0].as<std::string>();
}

std::string next_order_number(db::Tx& tx, int year) {
  auto r = tx->exec_params1(
      "INSERT INTO payment_order_counters (year, last) VALUES ($1, 1) "
      "ON CONFLICT (year) DO UPDATE SET last = payment_order_counters.last + 1 RETURNING last",
      year);
  return std::to_string(r[0].as<int>());
}

void record_item(db::Tx& tx, const Item& item) {
  auto null_if_empty = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  tx->exec_params(
      "INSERT INTO settlement_items (merchant_id, currency, kind, amount_minor, booking_id, invoice_id, refund_id, "
      "source_payout_id, ledger_entry_id, occurred_at) VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6::uuid, $7::uuid, "
      "$8::uuid, $9::bigint, $10::timestamptz)",
      item.merchant_id, item.currency, item.kind, item.amount_minor, null_if_empty(item.booking_id),
      null_if_empty(item.invoice_id), null_if_empty(item.refund_id), null_if_empty(item.source_payout_id),
      item.ledger_entry_id, core::to_rfc3339(item.occurred_at));
}

}  // namespace skybill::settlement
