// The gateway's outgoing payment orders: payouts and refunds by transfer are exported to a file
// for the bank, marked sent, and confirmed when the bank statement shows them leaving.
#include "orders.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "refunds.hpp"
#include "returns.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/settlement/payment_order.hpp"

namespace skybill::settlement {
namespace {

using ledger::Kind;
using ledger::Owner;

Requisites requisites(const nlohmann::json& j) {
  auto s = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  return {s("name"), s("inn"), s("kpp"), s("account"), s("bank"), s("bic"), s("correspondent_account")};
}

std::string ru_date(const std::string& iso) {  // YYYY-MM-DD -> DD.MM.YYYY
  return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
}

// UTF-8 aware cut to at most `n` code points.
std::string clip(const std::string& s, std::size_t n) {
  std::size_t count = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && count++ == n) break;
  return s.substr(0, i);
}

nlohmann::json order_json(const std::string& kind, const std::string& id, const std::string& number,
                          const std::string& date, std::int64_t amount, const std::string& currency,
                          const nlohmann::json& payee, const std::string& purpose) {
  return {{"kind", kind},         {"id", id},           {"number", number},  {"date", date},
          {"amount_minor", amount}, {"currency", currency}, {"payee", payee}, {"purpose", purpose}};
}

PaymentOrder to_order(const nlohmann::json& o, const nlohmann::json& gateway) {
  PaymentOrder p;
  p.number = o.at("number").get<std::string>();
  p.date = core::parse_iso_date(o.at("date").get<std::string>());
  p.amount_minor = o.at("amount_minor").get<std::int64_t>();
  p.currency = o.at("currency").get<std::string>();
  p.payer = requisites(gateway);
  p.payee = requisites(o.at("payee"));
  p.purpose = o.at("purpose").get<std::string>();
  p.reference = o.at("kind").get<std::string>() + ":" + o.at("id").get<std::string>();
  return p;
}

// The writer's own checks decide whether an order can go to the bank.
std::string order_problem(const nlohmann::json& o, const nlohmann::json& gateway) {
  try {
    to_csv({to_order(o, gateway)});
    return {};
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    auto colon = what.find("): ");
    return colon == std::string::npos ? what : what.substr(colon + 3);
  }
}

}  // namespace

nlohmann::json export_orders(db::Tx& tx, const Context& ctx, const std::string& actor, const std::string& request_id) {
  auto now = ctx.clock.now();
  auto ts = core::to_rfc3339(now);
  auto today = ts.substr(0, 10);
  int year = std::stoi(today.substr(0, 4));
  nlohmann::json orders = nlohmann::json::array(), skipped = nlohmann::json::array();
  struct Pending {
    std::string kind, id;
    nlohmann::json order;
  };
  std::vector<Pending> pending;
  for (const auto& r : tx->exec(
           "SELECT id, currency, net_minor, payee::text, business_day::text, payments_minor, refunds_minor, fees_minor "
           "FROM payouts WHERE status = 'created' ORDER BY due_on, created_at FOR UPDATE")) {
    auto id = r[0].as<std::string>(), currency = r[1].as<std::string>();
    auto purpose = "Перечисление средств за " + ru_date(r[4].as<std::string>()) + ": оплаты " +
                   money_text(r[5].as<long long>(), currency) + ", возвраты " +
                   money_text(r[6].as<long long>(), currency) + ", комиссия " +
                   money_text(r[7].as<long long>(), currency) + " " + currency + ". Выплата " + id.substr(0, 8);
    pending.push_back({"payout", id,
                       order_json("payout", id, "", today, r[2].as<long long>(), currency,
                                  nlohmann::json::parse(r[3].as<std::string>()), purpose)});
  }
  for (const auto& r : tx->exec(
           "SELECT l.id, r.currency, l.amount_minor, l.payee::text, i.number, b.reference, r.reason "
           "FROM refund_legs l JOIN refunds r ON r.id = l.refund_id JOIN invoices i ON i.id = r.invoice_id "
           "JOIN bookings b ON b.id = r.booking_id WHERE l.route = 'transfer' AND l.status = 'created' "
           "ORDER BY r.deadline_at, l.created_at FOR UPDATE OF l")) {
    auto id = r[0].as<std::string>();
    auto purpose = clip("Возврат по счёту " + r[4].as<std::string>() + ", бронирование " + r[5].as<std::string>() +
                            ": " + r[6].as<std::string>(),
                        200);
    pending.push_back({"refund", id,
                       order_json("refund", id, "", today, r[2].as<long long>(), r[1].as<std::string>(),
                                  nlohmann::json::parse(r[3].as<std::string>()), purpose)});
  }
  for (const auto& r : tx->exec(
           "SELECT t.id, t.currency, t.amount_minor, t.payee::text, d.number, to_char(d.doc_date, 'DD.MM.YYYY'), t.reason "
           "FROM bank_returns t JOIN bank_documents d ON d.id = t.bank_document_id WHERE t.status = 'created' "
           "ORDER BY t.created_at FOR UPDATE OF t")) {
    auto id = r[0].as<std::string>();
    auto purpose = clip("Возврат ошибочно зачисленных средств по п/п № " + r[4].as<std::string>() + " от " +
                            r[5].as<std::string>() + ": " + r[6].as<std::string>(),
                        200);
    pending.push_back({"return", id,
                       order_json("return", id, "", today, r[2].as<long long>(), r[1].as<std::string>(),
                                  nlohmann::json::parse(r[3].as<std::string>()), purpose)});
  }
  for (auto& p : pending) {
    p.order["number"] = "1";  // checked with a placeholder: a skipped order takes no number
    if (auto problem = order_problem(p.order, ctx.gateway); !problem.empty()) {
      skipped.push_back({{"kind", p.kind}, {"id", p.id}, {"reason", problem}});
      continue;
    }
    p.order["number"] = next_order_number(tx, year);
    orders.push_back(p.order);
  }
  if (orders.empty())
    throw core::Problem(409, "nothing-to-export", "Nothing to export",
                        skipped.empty() ? "no payout, refund by transfer or return waits for a payment order"
                                        : "every waiting payment order has a problem: " + skipped.dump());
  auto export_id = tx->exec_params1(
                         "INSERT INTO payment_order_exports (orders, count, created_by, created_at) VALUES ($1::jsonb, "
                         "$2, $3, $4::timestamptz) RETURNING id",
                         orders.dump(), static_cast<int>(orders.size()), actor, ts)[0]
                       .as<std::string>();
  for (const auto& o : orders) {
    if (o["kind"] == "payout")
      tx->exec_params("UPDATE payouts SET status = 'exported', order_number = $2, export_id = $3::uuid, "
                      "exported_at = $4::timestamptz WHERE id = $1::uuid",
                      o["id"].get<std::string>(), o["number"].get<std::string>(), export_id, ts);
    else
      tx->exec_params(std::string("UPDATE ") + (o["kind"] == "refund" ? "refund_legs" : "bank_returns") +
                          " SET status = 'exported', order_number = $2, export_id = $3::uuid WHERE id = $1::uuid",
                      o["id"].get<std::string>(), o["number"].get<std::string>(), export_id);
    db::audit(tx, {actor, {}, o["kind"] == "payout" ? "payout.exported" : o["kind"] == "refund" ? "refund_leg.exported" : "bank_return.exported", o["id"], request_id},
              {{"export_id", export_id}, {"order_number", o["number"]}}, db::Changes().set("status", "created", "exported"));
  }
  return export_json(tx, export_id, skipped);
}

nlohmann::json export_json(db::Tx& tx, const std::string& export_id, const nlohmann::json& skipped) {
  auto rows = tx->exec_params("SELECT id, orders::text, count, created_by, " + ts_sql("created_at") + ", sent_by, " +
                                  ts_sql("sent_at") + " FROM payment_order_exports WHERE id = $1::uuid",
                              export_id);
  if (rows.empty()) throw core::not_found("payment order export " + export_id);
  const auto& r = rows[0];
  nlohmann::json orders = nlohmann::json::array();
  for (auto o : nlohmann::json::parse(r[1].as<std::string>())) {
    o["amount"] = money_text(o["amount_minor"].get<std::int64_t>(), o["currency"].get<std::string>());
    o.erase("amount_minor");
    orders.push_back(std::move(o));
  }
  nlohmann::json out = {{"id", r[0].as<std::string>()},
                        {"count", r[2].as<int>()},
                        {"orders", orders},
                        {"created_by", r[3].as<std::string>()},
                        {"created_at", r[4].as<std::string>()},
                        {"sent_by", text_or_null(r[5])},
                        {"sent_at", text_or_null(r[6])},
                        {"files",
                         {{"1c", "/v1/payment-orders/exports/" + export_id + "/file?format=1c"},
                          {"csv", "/v1/payment-orders/exports/" + export_id + "/file?format=csv"}}}};
  if (!skipped.is_null()) out["skipped"] = skipped;
  return out;
}

std::string export_file(db::Tx& tx, const Context& ctx, const std::string& export_id, const std::string& format) {
  auto rows = tx->exec_params("SELECT orders::text, " + ts_sql("created_at") +
                                  " FROM payment_order_exports WHERE id = $1::uuid",
                              export_id);
  if (rows.empty()) throw core::not_found("payment order export " + export_id);
  std::vector<PaymentOrder> orders;
  for (const auto& o : nlohmann::json::parse(rows[0][0].as<std::string>())) orders.push_back(to_order(o, ctx.gateway));
  auto created = rows[0][1].as<std::string>();
  try {
    if (format == "csv") return to_csv(orders);
    for (const auto& o : orders)
      if (o.currency != "RUB")
        throw core::Problem(409, "not-in-rubles", "Not in rubles",
                            "1C files carry roubles only; order " + o.number + " is in " + o.currency +
                                ": download the CSV");
    return to_one_c(orders, core::parse_iso_date(created.substr(0, 10)), created.substr(11, 8));
  } catch (const std::invalid_argument& e) {
    // The gateway's own requisites (gateway.* settings) are checked only here.
    throw core::Problem(409, "invalid-payment-order", "Invalid payment order", e.what());
  }
}

nlohmann::json mark_export_sent(db::Tx& tx, const std::string& export_id, core::TimePoint now, const std::string& actor,
                                const std::string& request_id) {
  auto ts = core::to_rfc3339(now);
  auto rows = tx->exec_params("UPDATE payment_order_exports SET sent_by = $2, sent_at = $3::timestamptz "
                              "WHERE id = $1::uuid AND sent_at IS NULL RETURNING id",
                              export_id, actor, ts);
  if (rows.empty()) {
    if (tx->exec_params("SELECT 1 FROM payment_order_exports WHERE id = $1::uuid", export_id).empty())
      throw core::not_found("payment order export " + export_id);
    throw core::Problem(409, "already-sent", "Already sent", "payment order export " + export_id + " was marked sent");
  }
  for (const auto& p : tx->exec_params("UPDATE payouts SET status = 'sent', sent_at = $2::timestamptz "
                                       "WHERE export_id = $1::uuid AND status = 'exported' RETURNING " + kPayoutColumns,
                                       export_id, ts)) {
    auto payout = payout_json(p);
    db::audit(tx, {actor, payout["merchant_id"], "payout.sent", payout["id"], request_id}, {{"export_id", export_id}},
              db::Changes().set("status", "exported", "sent"));
    db::enqueue_event(tx, payout["merchant_id"], "payout.sent", "", payout);
  }
  tx->exec_params("UPDATE refund_legs SET status = 'sent' WHERE export_id = $1::uuid AND status = 'exported'", export_id);
  tx->exec_params("UPDATE bank_returns SET status = 'sent' WHERE export_id = $1::uuid AND status = 'exported'", export_id);
  db::audit(tx, {actor, {}, "payment_order_export.sent", export_id, request_id}, nullptr);
  return export_json(tx, export_id, nullptr);
}

nlohmann::json fail_payout(db::Tx& tx, const std::string& payout_id, const std::string& merchant_scope,
                           const std::string& reason, core::TimePoint now, const std::string& actor,
                           const std::string& request_id) {
  auto rows = tx->exec_params("SELECT status, merchant_id, currency, net_minor FROM payouts WHERE id = $1::uuid "
                              "AND ($2 = '' OR merchant_id::text = $2) FOR UPDATE",
                              payout_id, merchant_scope);
  if (rows.empty()) throw core::not_found("payout " + payout_id);
  auto status = rows[0][0].as<std::string>();
  if (status != "exported" && status != "sent")
    throw core::Problem(409, "payout-not-in-flight", "Payout not in flight",
                        "payout " + payout_id + " is " + status + "; only an exported or sent payout can fail");
  auto merchant = rows[0][1].as<std::string>(), currency = rows[0][2].as<std::string>();
  std::int64_t net = rows[0][3].as<long long>();
  // The money never left: the airline is owed it again, and the next payout takes it.
  auto entry = ledger::post(tx, {"payout.failed", payout_id, "payout " + payout_id + " failed: " + reason,
                                 {{{Owner::gateway, {}, Kind::outgoing, currency}, net},
                                  {{Owner::merchant, merchant, Kind::payable, currency}, -net}}});
  record_item(tx, {.merchant_id = merchant,
                   .currency = currency,
                   .kind = "payout_failed",
                   .amount_minor = net,
                   .source_payout_id = payout_id,
                   .ledger_entry_id = entry,
                   .occurred_at = now});
  auto row = tx->exec_params1("UPDATE payouts SET status = 'failed', failure_reason = $2, failed_at = $3::timestamptz "
                              "WHERE id = $1::uuid RETURNING " + kPayoutColumns,
                              payout_id, reason, core::to_rfc3339(now));
  auto payout = payout_json(row);
  db::audit(tx, {actor, merchant, "payout.failed", payout_id, request_id}, {{"reason", reason}, {"ledger_entry_id", entry}},
            db::Changes().set("status", status, "failed"));
  db::enqueue_event(tx, merchant, "payout.failed", "", payout);
  return payout;
}

nlohmann::json fail_refund_leg(db::Tx& tx, const std::string& refund_id, const std::string& leg_id,
                               const std::string& reason, core::TimePoint now, const std::string& actor,
                               const std::string& request_id) {
  auto rows = tx->exec_params("SELECT route, status FROM refund_legs WHERE id = $1::uuid AND refund_id = $2::uuid",
                              leg_id, refund_id);
  if (rows.empty()) throw core::not_found("leg " + leg_id + " of refund " + refund_id);
  auto route = rows[0][0].as<std::string>(), status = rows[0][1].as<std::string>();
  if (route != "transfer" || (status != "exported" && status != "sent" && status != "created"))
    throw core::Problem(409, "refund-leg-not-in-flight", "Refund leg not in flight",
                        "refund leg " + leg_id + " is a " + route + " leg, " + status +
                            "; only a transfer not yet confirmed by the bank can be marked failed");
  finish_leg(tx, leg_id, false, reason, "", now, actor, request_id);
  return refund_json(tx, refund_id);
}

bool confirm_outgoing(db::Tx& tx, const OutgoingPayment& doc, core::TimePoint now, const std::string& actor) {
  auto ts = core::to_rfc3339(now);
  auto payouts = tx->exec_params(
      "SELECT id, merchant_id, status FROM payouts WHERE status IN ('exported', 'sent') AND order_number = $1 "
      "AND net_minor = $2 AND currency = $3 AND payee->>'account' = $4 ORDER BY exported_at LIMIT 1 FOR UPDATE",
      doc.number, doc.amount_minor, doc.currency, doc.payee_account);
  if (!payouts.empty()) {
    auto id = payouts[0][0].as<std::string>(), merchant = payouts[0][1].as<std::string>();
    auto entry = ledger::post(tx, {"payout.confirmed", id, "payout " + id + " left the bank (order " + doc.number + ")",
                                   {{{Owner::gateway, {}, Kind::outgoing, doc.currency}, doc.amount_minor},
                                    {{Owner::gateway, {}, Kind::bank, doc.currency}, -doc.amount_minor}}});
    auto row = tx->exec_params1(
        "UPDATE payouts SET status = 'confirmed', confirmed_at = $2::timestamptz, bank_document_id = $3::uuid "
        "WHERE id = $1::uuid RETURNING " + kPayoutColumns,
        id, ts, doc.bank_document_id);
    auto payout = payout_json(row);
    db::audit(tx, {actor, merchant, "payout.confirmed", id, ""},
              {{"bank_document_id", doc.bank_document_id}, {"ledger_entry_id", entry}},
              db::Changes().set("status", payouts[0][2].as<std::string>(), "confirmed"));
    db::enqueue_event(tx, merchant, "payout.confirmed", "", payout);
    return true;
  }
  auto legs = tx->exec_params(
      "SELECT l.id FROM refund_legs l JOIN refunds r ON r.id = l.refund_id WHERE l.route = 'transfer' "
      "AND l.status IN ('exported', 'sent') AND l.order_number = $1 AND l.amount_minor = $2 AND r.currency = $3 "
      "AND l.payee->>'account' = $4 ORDER BY l.created_at LIMIT 1",
      doc.number, doc.amount_minor, doc.currency, doc.payee_account);
  if (legs.empty()) return confirm_return(tx, doc, now, actor);
  finish_leg(tx, legs[0][0].as<std::string>(), true, "", doc.bank_document_id, now, actor, "");
  return true;
}

}  // namespace skybill::settlement
