#include "report.hpp"

#include <map>

#include "skybill/core/problem.hpp"

namespace skybill::settlement {
namespace {

const std::string kItemColumns = [] {
  std::string out =
      "i.id, i.kind, i.amount_minor, i.fee_minor, i.currency, i.booking_id, i.invoice_id, i.refund_id, "
      "i.source_payout_id, i.payout_id, coalesce(b.reference, '') AS booking_reference, "
      "coalesce(v.number, '') AS invoice_number, ";
  out.append(ts_sql("i.occurred_at")).append(" AS occurred_at");
  return out;
}();
const std::string kItemJoins =
    " FROM settlement_items i LEFT JOIN bookings b ON b.id = i.booking_id LEFT JOIN invoices v ON v.id = i.invoice_id ";

nlohmann::json item_json(const pqxx::row& r) {
  auto currency = r["currency"].as<std::string>();
  std::int64_t amount = r["amount_minor"].as<long long>(), fee = r["fee_minor"].as<long long>();
  return {{"id", r["id"].as<long long>()},
          {"kind", r["kind"].as<std::string>()},
          {"amount", money_text(amount, currency)},
          {"fee", money_text(fee, currency)},
          {"net", money_text(amount - fee, currency)},
          {"currency", currency},
          {"booking_id", text_or_null(r["booking_id"])},
          {"booking_reference", r["booking_reference"].as<std::string>()},
          {"invoice_id", text_or_null(r["invoice_id"])},
          {"invoice_number", r["invoice_number"].as<std::string>()},
          {"refund_id", text_or_null(r["refund_id"])},
          {"failed_payout_id", text_or_null(r["source_payout_id"])},
          {"occurred_at", r["occurred_at"].as<std::string>()}};
}

std::string csv_cell(const std::string& s) {
  std::string v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') &&
      s.find_first_not_of("-0123456789.") != std::string::npos)
    v = '\'';  // a formula, not a negative amount
  v.append(s);
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string str(const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : j.is_null() ? "" : j.dump(); }

// "12.00" -> "-12.00"; zero stays unsigned.
std::string negated(const std::string& amount) {
  if (amount.find_first_not_of("0.") == std::string::npos) return amount;
  return std::string("-").append(amount);
}

}  // namespace

nlohmann::json payout_with_items(db::Tx& tx, const std::string& payout_id, const std::string& merchant_scope) {
  auto rows = tx->exec_params("SELECT " + kPayoutColumns + " FROM payouts WHERE id = $1::uuid AND ($2 = '' OR "
                              "merchant_id::text = $2)",
                              payout_id, merchant_scope);
  if (rows.empty()) throw core::not_found("payout " + payout_id);
  auto out = payout_json(rows[0]);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : tx->exec_params("SELECT " + kItemColumns + kItemJoins + "WHERE i.payout_id = $1::uuid ORDER BY i.id",
                                       payout_id))
    items.push_back(item_json(r));
  out["lines"] = items;
  return out;
}

nlohmann::json settlement_report(db::Tx& tx, const std::string& merchant_id, const std::string& from,
                                 const std::string& to) {
  auto merchant = tx->exec_params("SELECT name FROM merchants WHERE id = $1::uuid", merchant_id);
  if (merchant.empty()) throw core::not_found("merchant " + merchant_id);
  struct Sum {
    std::int64_t payments = 0, refunds = 0, fees = 0, net = 0;
    int payouts = 0;
  };
  std::map<std::string, Sum> sums;
  nlohmann::json payouts = nlohmann::json::array();
  for (const auto& p : tx->exec_params("SELECT " + kPayoutColumns + " FROM payouts WHERE merchant_id = $1::uuid "
                                       "AND business_day BETWEEN $2::date AND $3::date ORDER BY business_day, currency",
                                       merchant_id, from, to)) {
    auto payout = payout_json(p);
    auto& s = sums[payout["currency"]];
    s.payments += p["payments_minor"].as<long long>();
    s.refunds += p["refunds_minor"].as<long long>();
    s.fees += p["fees_minor"].as<long long>();
    s.net += p["net_minor"].as<long long>();
    ++s.payouts;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : tx->exec_params("SELECT " + kItemColumns + kItemJoins + "WHERE i.payout_id = $1::uuid ORDER BY i.id",
                                         payout["id"].get<std::string>()))
      items.push_back(item_json(r));
    payout["lines"] = items;
    payouts.push_back(payout);
  }
  nlohmann::json totals = nlohmann::json::array();
  for (const auto& [currency, s] : sums)
    totals.push_back({{"currency", currency},
                      {"payouts", s.payouts},
                      {"payments", money_text(s.payments, currency)},
                      {"refunds", money_text(s.refunds, currency)},
                      {"fees", money_text(s.fees, currency)},
                      {"net", money_text(s.net, currency)}});
  return {{"merchant_id", merchant_id},
          {"merchant_name", merchant[0][0].as<std::string>()},
          {"from", from},
          {"to", to},
          {"totals", totals},
          {"payouts", payouts}};
}

std::string report_csv(const nlohmann::json& report) {
  std::string out =
      "business_day,due_on,payout_id,payout_status,kind,occurred_at,booking_reference,invoice_number,currency,amount,"
      "fee,net\r\n";
  auto row = [&](std::initializer_list<std::string> cells) {
    bool first = true;
    for (const auto& c : cells) {
      if (!first) out += ',';
      out += csv_cell(c);
      first = false;
    }
    out += "\r\n";
  };
  for (const auto& p : report["payouts"])
    for (const auto& i : p["lines"])
      row({str(p["business_day"]), str(p["due_on"]), str(p["id"]), str(p["status"]), str(i["kind"]),
           str(i["occurred_at"]), str(i["booking_reference"]), str(i["invoice_number"]), str(i["currency"]),
           str(i["amount"]), str(i["fee"]), str(i["net"])});
  for (const auto& t : report["totals"]) {
    row({"total", "", "", "", "payments", "", "", "", str(t["currency"]), str(t["payments"]), "", ""});
    row({"total", "", "", "", "refunds", "", "", "", str(t["currency"]), negated(str(t["refunds"])), "", ""});
    row({"total", "", "", "", "fees", "", "", "", str(t["currency"]), negated(str(t["fees"])), "", ""});
    row({"total", "", "", "", "net", "", "", "", str(t["currency"]), str(t["net"]), "", ""});
  }
  return out;
}

}  // namespace skybill::settlement
