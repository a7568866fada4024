// Refunds: accepted in one transaction (ledger, invoice, legs, settlement item, events), then
// each leg goes back the way its money came.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "refunds.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/settlement/settlement.hpp"
#include "skybill/support/cases.hpp"

namespace skybill::settlement {
namespace {

using ledger::Kind;
using ledger::Owner;

struct Invoice {
  std::string id, number, method, status;
  std::int64_t amount = 0, paid = 0, credited = 0, refunded = 0;
  bool guaranteed = false;
  int price_version = 0;
};

struct Line {
  int position = 0;
  std::string kind, description, vat_rate;
  std::int64_t amount = 0, vat = 0;
};

ledger::AccountRef leg_account(const std::string& route, const std::string& client, const std::string& currency) {
  if (route == "receivable") return {Owner::client, client, Kind::receivable, currency};
  if (route == "credit_line") return {Owner::client, client, Kind::credit_receivable, currency};
  if (route == "deposit") return {Owner::client, client, Kind::deposit, currency};
  return {Owner::gateway, {}, Kind::outgoing, currency};
}

bool settles_at_once(const std::string& route) { return route != "card" && route != "transfer"; }

}  // namespace

RefundRequest parse_refund_request(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  RefundRequest out;
  for (const auto& [k, v] : body.items())
    if (k != "lines" && k != "penalties" && k != "reason") errors.push_back({k, "is not a known field"});
  if (auto it = body.find("lines"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->empty()) {
      errors.push_back({"lines", "must be a non-empty array of line positions (omit it to refund the whole booking)"});
    } else {
      std::vector<int> positions;
      std::set<int> seen;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& p = (*it)[i];
        if (!p.is_number_integer() || p.get<long long>() < 0 || p.get<long long>() > 10'000)
          errors.push_back({"lines[" + std::to_string(i) + "]", "must be a line position (an integer from 0)"});
        else if (!seen.insert(p.get<int>()).second)
          errors.push_back({"lines[" + std::to_string(i) + "]", "is listed twice"});
        else
          positions.push_back(p.get<int>());
      }
      out.lines = positions;
    }
  }
  if (auto it = body.find("penalties"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 50) {
      errors.push_back({"penalties", "must be an array of at most 50 {description, amount}"});
    } else {
      for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& p = (*it)[i];
        auto at = "penalties[" + std::to_string(i) + "]";
        if (!p.is_object()) {
          errors.push_back({at, "must be an object {description, amount}"});
          continue;
        }
        for (const auto& [k, v] : p.items())
          if (k != "description" && k != "amount") errors.push_back({at + "." + k, "is not a known field"});
        auto d = p.find("description");
        auto a = p.find("amount");
        if (d == p.end() || !d->is_string() || d->get<std::string>().empty() || d->get<std::string>().size() > 300)
          errors.push_back({at + ".description", "must be a text of 1 to 300 characters"});
        if (a == p.end() || !a->is_string())
          errors.push_back({at + ".amount", "must be a decimal string in the booking's currency"});
        if (d != p.end() && d->is_string() && a != p.end() && a->is_string())
          out.penalties.push_back({d->get<std::string>(), a->get<std::string>()});
      }
    }
  }
  auto reason = body.find("reason");
  if (reason == body.end() || !reason->is_string() || reason->get<std::string>().empty() ||
      reason->get<std::string>().size() > 500)
    errors.push_back({"reason", "must be a text of 1 to 500 characters"});
  else
    out.reason = reason->get<std::string>();
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

nlohmann::json create_refund(db::Tx& tx, const Context& ctx, const std::string& booking_id,
                             const std::string& merchant_scope, const RefundRequest& req, const std::string& actor,
                             const std::string& request_id) {
  auto now = ctx.clock.now();
  auto ts = core::to_rfc3339(now);
  auto brows = tx->exec_params(
      "SELECT b.id, b.merchant_id, b.client_id, b.currency, b.reference, m.timezone FROM bookings b "
      "JOIN merchants m ON m.id = b.merchant_id WHERE b.id = $1::uuid AND ($2 = '' OR b.merchant_id::text = $2) "
      "FOR UPDATE OF b",
      booking_id, merchant_scope);
  if (brows.empty()) throw core::not_found("booking " + booking_id);
  const auto& b = brows[0];
  const auto merchant = b["merchant_id"].as<std::string>();
  const auto client = b["client_id"].as<std::string>();
  const auto currency = b["currency"].as<std::string>();
  const auto& cur = core::currency(currency);

  auto irows = tx->exec_params(
      "SELECT id, number, method, status, amount_minor, paid_minor, credited_minor, refunded_minor, guaranteed, "
      "price_version FROM invoices WHERE booking_id = $1::uuid AND status <> 'void' AND (status = 'paid' OR guaranteed) "
      "ORDER BY issued_at DESC LIMIT 1 FOR UPDATE",
      booking_id);
  if (irows.empty())
    throw core::Problem(409, "nothing-to-refund", "Nothing to refund",
                        "booking " + booking_id + " has no paid or guaranteed invoice");
  const auto& ir = irows[0];
  Invoice inv{ir["id"].as<std::string>(),          ir["number"].as<std::string>(),
              ir["method"].as<std::string>(),      ir["status"].as<std::string>(),
              ir["amount_minor"].as<long long>(),  ir["paid_minor"].as<long long>(),
              ir["credited_minor"].as<long long>(), ir["refunded_minor"].as<long long>(),
              ir["guaranteed"].as<bool>(),         ir["price_version"].as<int>()};

  std::map<int, Line> lines;
  for (const auto& r : tx->exec_params("SELECT position, kind, description, amount_minor, vat_rate, vat_minor "
                                       "FROM booking_lines WHERE booking_id = $1::uuid AND version = $2 ORDER BY position",
                                       booking_id, inv.price_version))
    lines[r[0].as<int>()] = {r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>(), r[4].as<std::string>(),
                             r[3].as<long long>(), r[5].as<long long>()};
  std::set<int> refunded;
  for (const auto& r : tx->exec_params("SELECT (jsonb_array_elements(lines)->>'position')::int FROM refunds "
                                       "WHERE invoice_id = $1::uuid",
                                       inv.id))
    refunded.insert(r[0].as<int>());

  std::vector<core::FieldError> errors;
  std::vector<const Line*> chosen;
  if (req.lines) {
    for (std::size_t i = 0; i < req.lines->size(); ++i) {
      int p = (*req.lines)[i];
      auto at = "lines[" + std::to_string(i) + "]";
      auto it = lines.find(p);
      if (it == lines.end()) errors.push_back({at, "booking " + booking_id + " has no line " + std::to_string(p)});
      else if (it->second.kind == "penalty") errors.push_back({at, "line " + std::to_string(p) + " is a penalty the airline keeps"});
      else if (refunded.count(p)) errors.push_back({at, "line " + std::to_string(p) + " was refunded already"});
      else chosen.push_back(&it->second);
    }
  } else {
    for (const auto& [p, l] : lines)
      if (l.kind != "penalty" && !refunded.count(p)) chosen.push_back(&l);
    if (chosen.empty())
      throw core::Problem(422, "refund-too-large", "Refund too large",
                          "every line of booking " + booking_id + " was refunded already: nothing is left to refund");
  }
  std::int64_t lines_total = 0, penalty = 0;
  nlohmann::json penalties = nlohmann::json::array();
  for (std::size_t i = 0; i < req.penalties.size(); ++i) {
    try {
      auto m = core::Money::parse(req.penalties[i].amount, cur);
      if (m.minor() <= 0) throw core::MoneyError("must be more than zero");
      penalty += m.minor();
      penalties.push_back({{"description", req.penalties[i].description}, {"amount", m.to_string()}});
    } catch (const core::MoneyError& e) {
      errors.push_back({"penalties[" + std::to_string(i) + "].amount", std::string("must be an amount in ") + currency +
                                                                          " with its decimals: " + e.what()});
    }
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  nlohmann::json refunded_lines = nlohmann::json::array();
  for (const auto* l : chosen) {
    lines_total += l->amount;
    refunded_lines.push_back({{"position", l->position},
                              {"kind", l->kind},
                              {"description", l->description},
                              {"amount", core::Money(l->amount, cur).to_string()},
                              {"vat_rate", l->vat_rate},
                              {"vat", core::Money(l->vat, cur).to_string()}});
  }
  const std::int64_t amount = lines_total - penalty;
  if (amount <= 0)
    throw core::validation_failed({{"penalties", "the penalties (" + core::Money(penalty, cur).to_string() +
                                                     ") leave nothing of the lines refunded (" +
                                                     core::Money(lines_total, cur).to_string() + ")"}});
  const std::int64_t refundable = inv.amount - inv.refunded;
  if (amount > refundable)
    throw core::Problem(422, "refund-too-large", "Refund too large",
                        "the refund of " + core::Money(amount, cur).to_string() + " " + currency + " is more than the " +
                            core::Money(refundable, cur).to_string() + " " + currency + " paid for invoice " +
                            inv.number + " and not yet refunded");

  // Where the money came from: what the client still owes on a guarantee first, then the
  // payments, newest first.
  std::int64_t unpaid = inv.guaranteed ? std::max<std::int64_t>(inv.amount - inv.credited - inv.paid, 0) : 0;
  std::vector<Source> sources;
  if (inv.method == "deposit") {
    auto used = tx->exec_params1(
        "SELECT coalesce(sum(l.amount_minor), 0) FROM refund_legs l JOIN refunds r ON r.id = l.refund_id "
        "WHERE r.invoice_id = $1::uuid AND l.route = 'deposit'",
        inv.id)[0].as<long long>();
    sources.push_back({"deposit", "", inv.amount - inv.credited - used});
    unpaid = 0;
  }
  for (const auto& r : tx->exec_params(
           "SELECT p.id, p.method, p.applied_minor - coalesce((SELECT sum(l.amount_minor) FROM refund_legs l "
           "WHERE l.payment_id = p.id AND l.replaced_by IS NULL), 0) FROM payments p WHERE p.invoice_id = $1::uuid AND p.applied_minor > 0 "
           "ORDER BY p.created_at, p.id",
           inv.id))
    sources.push_back({r[1].as<std::string>(), r[0].as<std::string>(), r[2].as<long long>()});
  auto legs = allocate(amount, unpaid, inv.method == "credit_line" ? "credit_line" : "receivable", sources);

  // One entry: the airline gives the refund back (Dr payable); each leg credits where it goes.
  std::map<std::string, ledger::Posting> by_account;
  std::int64_t credited_now = 0;
  for (const auto& l : legs) {
    auto account = leg_account(l.route, client, currency);
    auto key = std::string(ledger::to_string(account.kind));
    auto [it, fresh] = by_account.try_emplace(key, ledger::Posting{account, 0});
    it->second.amount_minor -= l.amount_minor;
    if (l.route == "receivable" || l.route == "credit_line") credited_now += l.amount_minor;
  }
  std::vector<ledger::Posting> postings = {{{Owner::merchant, merchant, Kind::payable, currency}, amount}};
  for (auto& [k, p] : by_account) postings.push_back(p);
  auto entry_id = ledger::post(tx, {"refund.accepted", inv.id,
                                    "refund of " + core::Money(amount, cur).to_string() + " " + currency +
                                        " for invoice " + inv.number + " (booking " + b["reference"].as<std::string>() + ")",
                                    std::move(postings)});

  auto local = local_time(tx, now, b["timezone"].as<std::string>());
  auto deadline_day = refund_deadline_day(ctx.calendar, local.day);
  auto deadline_at = instant_of(tx, core::Date{std::chrono::sys_days{deadline_day} + std::chrono::days{1}},
                                std::chrono::minutes{0}, b["timezone"].as<std::string>());
  bool done = std::all_of(legs.begin(), legs.end(), [](const Leg& l) { return settles_at_once(l.route); });
  auto refund_id =
      tx->exec_params1(
            "INSERT INTO refunds (merchant_id, booking_id, invoice_id, client_id, currency, amount_minor, penalty_minor, "
            "lines, penalties, reason, status, deadline_at, created_by, created_at, finished_at) VALUES ($1::uuid, "
            "$2::uuid, $3::uuid, $4::uuid, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12::timestamptz, $13, "
            "$14::timestamptz, $15::timestamptz) RETURNING id",
            merchant, booking_id, inv.id, client, currency, amount, penalty, refunded_lines.dump(), penalties.dump(),
            req.reason, done ? "succeeded" : "pending", deadline_at, actor, ts, done ? ts.c_str() : nullptr)[0]
          .as<std::string>();
  for (const auto& l : legs) {
    const char* payee = nullptr;
    std::string payee_json;
    if (l.route == "transfer") {
      auto rows = tx->exec_params(
          "SELECT d.payer_name, d.payer_inn, d.payer_account, d.payer_bic FROM payments p "
          "JOIN bank_documents d ON d.id = p.bank_document_id WHERE p.id = $1::uuid",
          l.payment_id);
      nlohmann::json p = nlohmann::json::object();
      if (!rows.empty())
        p = {{"name", rows[0][0].as<std::string>()},
             {"inn", rows[0][1].as<std::string>()},
             {"account", rows[0][2].as<std::string>()},
             {"bic", rows[0][3].as<std::string>()}};
      payee_json = p.dump();
      payee = payee_json.c_str();
    }
    bool at_once = settles_at_once(l.route);
    tx->exec_params(
        "INSERT INTO refund_legs (refund_id, route, amount_minor, payment_id, status, payee, created_at, finished_at) "
        "VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6::jsonb, $7::timestamptz, $8::timestamptz)",
        refund_id, l.route, l.amount_minor, l.payment_id.empty() ? nullptr : l.payment_id.c_str(),
        at_once ? "succeeded" : "created", payee, ts, at_once ? ts.c_str() : nullptr);
  }

  // What the client owes shrinks by what was taken off the guarantee; a guaranteed invoice
  // nobody owes anything on any more is closed: paid when something was paid, else void.
  std::string status = inv.status;
  if (inv.status != "paid" && inv.paid + inv.credited + credited_now >= inv.amount)
    status = inv.paid > 0 ? "paid" : "void";
  tx->exec_params(
      "UPDATE invoices SET refunded_minor = refunded_minor + $2, credited_minor = credited_minor + $3, status = $4, "
      "voided_at = CASE WHEN $4 = 'void' THEN $5::timestamptz ELSE voided_at END, "
      "paid_at = CASE WHEN $4 = 'paid' AND paid_at IS NULL THEN $5::timestamptz ELSE paid_at END WHERE id = $1::uuid",
      inv.id, amount, credited_now, status, ts);
  db::audit(tx, {actor, merchant, "invoice.refunded", inv.id, request_id}, {{"refund_id", refund_id}},
            db::Changes()
                .set("refunded", core::Money(inv.refunded, cur).to_string(), core::Money(inv.refunded + amount, cur).to_string())
                .set("status", inv.status, status));

  record_item(tx, {.merchant_id = merchant,
                   .currency = currency,
                   .kind = "refund",
                   .amount_minor = -amount,
                   .booking_id = booking_id,
                   .invoice_id = inv.id,
                   .refund_id = refund_id,
                   .ledger_entry_id = entry_id,
                   .occurred_at = now});
  auto body = refund_json(tx, refund_id);
  db::audit(tx, {actor, merchant, "refund.created", refund_id, request_id},
            {{"booking_id", booking_id}, {"amount", body["amount"]}, {"legs", body["legs"]}, {"ledger_entry_id", entry_id}},
            db::Changes().set("status", nullptr, body["status"]));
  db::enqueue_event(tx, merchant, "refund.created", booking_id, body);
  if (done) db::enqueue_event(tx, merchant, "refund.succeeded", booking_id, body);
  return body;
}

nlohmann::json refund_json(db::Tx& tx, const std::string& refund_id) {
  auto rows = tx->exec_params(
      "SELECT id, merchant_id, booking_id, invoice_id, currency, amount_minor, penalty_minor, lines::text, "
      "penalties::text, reason, status, " + ts_sql("deadline_at") + ", " + ts_sql("at_risk_at") + ", created_by, " +
          ts_sql("created_at") + ", " + ts_sql("finished_at") + " FROM refunds WHERE id = $1::uuid",
      refund_id);
  if (rows.empty()) throw core::not_found("refund " + refund_id);
  const auto& r = rows[0];
  auto currency = r[4].as<std::string>();
  nlohmann::json legs = nlohmann::json::array();
  for (const auto& l : tx->exec_params(
           "SELECT id, route, amount_minor, payment_id, status, payee::text, order_number, export_id, "
           "failure_reason, " + ts_sql("finished_at") + ", replaced_by FROM refund_legs WHERE refund_id = $1::uuid ORDER BY created_at, id",
           refund_id))
    legs.push_back({{"id", l[0].as<std::string>()},
                    {"route", l[1].as<std::string>()},
                    {"amount", money_text(l[2].as<long long>(), currency)},
                    {"payment_id", text_or_null(l[3])},
                    {"status", l[4].as<std::string>()},
                    {"payee", l[5].is_null() ? nlohmann::json(nullptr) : nlohmann::json::parse(l[5].as<std::string>())},
                    {"order_number", text_or_null(l[6])},
                    {"export_id", text_or_null(l[7])},
                    {"failure_reason", text_or_null(l[8])},
                    {"finished_at", text_or_null(l[9])},
                    {"replaced_by", text_or_null(l[10])}});
  return {{"id", r[0].as<std::string>()},
          {"merchant_id", r[1].as<std::string>()},
          {"booking_id", r[2].as<std::string>()},
          {"invoice_id", r[3].as<std::string>()},
          {"currency", currency},
          {"amount", money_text(r[5].as<long long>(), currency)},
          {"penalty", money_text(r[6].as<long long>(), currency)},
          {"lines", nlohmann::json::parse(r[7].as<std::string>())},
          {"penalties", nlohmann::json::parse(r[8].as<std::string>())},
          {"reason", r[9].as<std::string>()},
          {"status", r[10].as<std::string>()},
          {"deadline_at", r[11].as<std::string>()},
          {"at_risk_at", text_or_null(r[12])},
          {"created_by", r[13].as<std::string>()},
          {"created_at", r[14].as<std::string>()},
          {"finished_at", text_or_null(r[15])},
          {"legs", legs}};
}

void finish_leg(db::Tx& tx, const std::string& leg_id, bool succeeded, const std::string& reason,
                const std::string& bank_document_id, core::TimePoint now, const std::string& actor,
                const std::string& request_id) {
  auto rows = tx->exec_params(
      "SELECT l.status, l.route, l.amount_minor, r.id, r.merchant_id, r.booking_id, r.currency, r.status "
      "FROM refund_legs l JOIN refunds r ON r.id = l.refund_id WHERE l.id = $1::uuid FOR UPDATE OF l, r",
      leg_id);
  if (rows.empty()) throw core::not_found("refund leg " + leg_id);
  const auto& l = rows[0];
  auto before = l[0].as<std::string>();
  if (before == "succeeded" || before == "failed")
    throw core::Problem(409, "refund-leg-finished", "Refund leg finished", "refund leg " + leg_id + " is " + before);
  auto refund_id = l[3].as<std::string>(), merchant = l[4].as<std::string>(), booking = l[5].as<std::string>();
  auto currency = l[6].as<std::string>();
  std::int64_t amount = l[2].as<long long>();
  // Sent: the money left the bank. Failed: it is still there, owed to the client: it waits on
  // the gateway's unallocated account for staff (a support case) rather than going back to the
  // airline.
  ledger::post(tx, {succeeded ? "refund.sent" : "refund.failed", refund_id,
                    (succeeded ? "refund sent by " : "refund failed by ") + l[1].as<std::string>(),
                    {{{Owner::gateway, {}, Kind::outgoing, currency}, amount},
                     {{Owner::gateway, {}, succeeded ? Kind::bank : Kind::unallocated, currency}, -amount}}});
  auto ts = core::to_rfc3339(now);
  tx->exec_params(
      "UPDATE refund_legs SET status = $2, failure_reason = $3, bank_document_id = $4::uuid, finished_at = "
      "$5::timestamptz, lease_until = NULL WHERE id = $1::uuid",
      leg_id, succeeded ? "succeeded" : "failed", succeeded ? nullptr : reason.c_str(),
      bank_document_id.empty() ? nullptr : bank_document_id.c_str(), ts);
  db::audit(tx, {actor, merchant, succeeded ? "refund_leg.succeeded" : "refund_leg.failed", leg_id, request_id},
            {{"refund_id", refund_id}, {"reason", reason}},
            db::Changes().set("status", before, succeeded ? "succeeded" : "failed"));
  if (!succeeded)
    support::open_case(tx, merchant, booking, "refund_failed",
                       "refund " + refund_id + ": " + money_text(amount, currency) + " " + currency + " by " +
                           l[1].as<std::string>() + " failed (" + reason +
                           "); the money waits on the gateway's unallocated account: return it to the client",
                       now, actor, request_id);
  auto open = tx->exec_params1(
      "SELECT count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed')), "
      "count(*) FILTER (WHERE status = 'failed' AND replaced_by IS NULL) "
      "FROM refund_legs WHERE refund_id = $1::uuid",
      refund_id);
  if (open[0].as<long long>() > 0) return;
  std::string status = open[1].as<long long>() > 0 ? "failed" : "succeeded";
  tx->exec_params("UPDATE refunds SET status = $2, finished_at = $3::timestamptz WHERE id = $1::uuid", refund_id,
                  status, ts);
  db::audit(tx, {actor, merchant, "refund." + status, refund_id, request_id}, nullptr,
            db::Changes().set("status", l[7].as<std::string>(), status));
  db::enqueue_event(tx, merchant, "refund." + status, booking, refund_json(tx, refund_id));
}

nlohmann::json retry_leg(db::Tx& tx, const std::string& refund_id, const std::string& leg_id,
                         const nlohmann::json& payee, core::TimePoint now, const std::string& actor,
                         const std::string& request_id) {
  auto rows = tx->exec_params(
      "SELECT l.status, l.route, l.amount_minor, l.payment_id, l.payee::text, l.replaced_by, r.merchant_id, "
      "r.booking_id, r.currency, r.status FROM refund_legs l JOIN refunds r ON r.id = l.refund_id "
      "WHERE l.id = $1::uuid AND r.id = $2::uuid FOR UPDATE OF l, r",
      leg_id, refund_id);
  if (rows.empty()) throw core::not_found("leg " + leg_id + " of refund " + refund_id);
  const auto& l = rows[0];
  if (l[0].as<std::string>() != "failed" || !l[5].is_null())
    throw core::Problem(409, "refund-leg-not-failed", "Refund leg not failed",
                        "refund leg " + leg_id + " is " + l[0].as<std::string>() +
                            (l[5].is_null() ? "" : ", sent again as leg " + l[5].as<std::string>()) +
                            "; only a failed leg can be sent again");
  // A new account, or the one the failed transfer went to.
  nlohmann::json to = payee;
  if (to.is_null()) {
    if (l[1].as<std::string>() != "transfer" || l[4].is_null())
      throw core::validation_failed({{"payee", "is required: the failed leg was not a transfer; give the client's account"}});
    to = nlohmann::json::parse(l[4].as<std::string>());
  }
  auto merchant = l[6].as<std::string>(), currency = l[8].as<std::string>();
  std::int64_t amount = l[2].as<long long>();
  // The money waits on unallocated since the leg failed: it goes out again.
  ledger::post(tx, {"refund.retried", refund_id, "refund leg " + leg_id + " sent again by transfer",
                    {{{Owner::gateway, {}, Kind::unallocated, currency}, amount},
                     {{Owner::gateway, {}, Kind::outgoing, currency}, -amount}}});
  auto ts = core::to_rfc3339(now);
  auto new_id = tx->exec_params1(
                      "INSERT INTO refund_legs (refund_id, route, amount_minor, payment_id, status, payee, created_at) "
                      "VALUES ($1::uuid, 'transfer', $2, $3::uuid, 'created', $4::jsonb, $5::timestamptz) RETURNING id",
                      refund_id, amount, l[3].is_null() ? nullptr : l[3].c_str(), to.dump(), ts)[0]
                    .as<std::string>();
  tx->exec_params("UPDATE refund_legs SET replaced_by = $2::uuid WHERE id = $1::uuid", leg_id, new_id);
  auto before = l[9].as<std::string>();
  tx->exec_params("UPDATE refunds SET status = 'pending', finished_at = NULL WHERE id = $1::uuid", refund_id);
  db::audit(tx, {actor, merchant, "refund_leg.retried", leg_id, request_id}, {{"new_leg_id", new_id}, {"payee", to}},
            db::Changes().set("refund_status", before, "pending"));
  return refund_json(tx, refund_id);
}

}  // namespace skybill::settlement
