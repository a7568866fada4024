// Payouts: after a business day's cut-off, what each airline was owed before it is paid out on
// the next business day, less refunds and the commission.
#include <nlohmann/json.hpp>

#include "detail.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/log/log.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::settlement {

const std::string kPayoutColumns = [] {
  std::string out =
      "id, merchant_id, currency, business_day::text AS business_day, due_on::text AS due_on, status, "
      "payments_minor, refunds_minor, fees_minor, net_minor, items, payee::text AS payee, order_number, export_id, "
      "bank_document_id, failure_reason";
  for (const char* col : {"cutoff_at", "created_at", "exported_at", "sent_at", "confirmed_at", "failed_at"})
    out.append(", ").append(ts_sql(col)).append(" AS ").append(col);
  return out;
}();

nlohmann::json payout_json(const pqxx::row& r) {
  auto currency = r["currency"].as<std::string>();
  auto money = [&](const char* col) { return money_text(r[col].as<long long>(), currency); };
  return {{"id", r["id"].as<std::string>()},
          {"merchant_id", r["merchant_id"].as<std::string>()},
          {"currency", currency},
          {"business_day", r["business_day"].as<std::string>()},
          {"cutoff_at", r["cutoff_at"].as<std::string>()},
          {"due_on", r["due_on"].as<std::string>()},
          {"status", r["status"].as<std::string>()},
          {"payments", money("payments_minor")},
          {"refunds", money("refunds_minor")},
          {"fees", money("fees_minor")},
          {"net", money("net_minor")},
          {"items", r["items"].as<int>()},
          {"payee", nlohmann::json::parse(r["payee"].as<std::string>())},
          {"order_number", text_or_null(r["order_number"])},
          {"export_id", text_or_null(r["export_id"])},
          {"bank_document_id", text_or_null(r["bank_document_id"])},
          {"failure_reason", text_or_null(r["failure_reason"])},
          {"created_at", r["created_at"].as<std::string>()},
          {"exported_at", text_or_null(r["exported_at"])},
          {"sent_at", text_or_null(r["sent_at"])},
          {"confirmed_at", text_or_null(r["confirmed_at"])},
          {"failed_at", text_or_null(r["failed_at"])}};
}

namespace {

using ledger::Kind;
using ledger::Owner;

struct Totals {
  std::int64_t payments = 0, refunds = 0, fees = 0;
  int items = 0;
};

// One (merchant, currency) payout of `day`, unless it exists or nothing is owed. Under the
// merchant's advisory lock, taken by the caller.
std::optional<nlohmann::json> settle_currency(db::Tx& tx, const Merchant& m, const std::string& currency,
                                              core::Date day, core::Date due, const std::string& cutoff_at,
                                              core::TimePoint now, const std::string& actor) {
  auto day_text = core::to_iso_string(day);
  auto exists = tx->exec_params(
      "SELECT 1 FROM payouts WHERE merchant_id = $1::uuid AND currency = $2 AND business_day = $3::date", m.id,
      currency, day_text);
  if (!exists.empty()) return std::nullopt;
  auto items = tx->exec_params(
      "SELECT id, kind, amount_minor FROM settlement_items WHERE merchant_id = $1::uuid AND currency = $2 "
      "AND payout_id IS NULL AND occurred_at < $3::timestamptz ORDER BY id FOR UPDATE",
      m.id, currency, cutoff_at);
  Totals t;
  std::vector<std::int64_t> item_ids, item_fees;  // exactly the items counted, each with its fee
  for (const auto& r : items) {
    auto kind = r["kind"].as<std::string>();
    std::int64_t amount = r["amount_minor"].as<long long>();
    if (amount > 0) t.payments += amount;
    else t.refunds -= amount;
    std::int64_t f = kind == "payment" || kind == "guarantee" ? fee(m.settings.commission, amount, currency) : 0;
    t.fees += f;
    item_ids.push_back(r["id"].as<long long>());
    item_fees.push_back(f);
    ++t.items;
  }
  std::int64_t net = t.payments - t.refunds - t.fees;
  if (net <= 0) {
    if (t.items > 0)
      log::event(log::Level::info, "nothing to pay out: refunds and fees cover the day's payments",
                 {{"merchant_id", m.id}, {"currency", currency}, {"day", day_text}, {"net_minor", net}});
    return std::nullopt;  // the items wait for a day that owes the airline something
  }
  std::vector<ledger::Posting> postings = {{{Owner::merchant, m.id, Kind::payable, currency}, net + t.fees},
                                           {{Owner::gateway, {}, Kind::outgoing, currency}, -net}};
  if (t.fees > 0) postings.push_back({{Owner::gateway, {}, Kind::fees, currency}, -t.fees});
  auto entry_id = ledger::post(tx, {"payout.created", m.id,
                                    "payout of " + day_text + " to " + m.name + ": " + money_text(net, currency) + " " +
                                        currency + " after " + money_text(t.fees, currency) + " commission",
                                    std::move(postings)});
  auto ts = core::to_rfc3339(now);
  auto row = tx->exec_params1(
      "INSERT INTO payouts (merchant_id, currency, business_day, cutoff_at, due_on, payments_minor, refunds_minor, "
      "fees_minor, net_minor, items, payee, ledger_entry_id, created_by, created_at) VALUES ($1::uuid, $2, $3::date, "
      "$4::timestamptz, $5::date, $6, $7, $8, $9, $10, $11::jsonb, $12::bigint, $13, $14::timestamptz) RETURNING id",
      m.id, currency, day_text, cutoff_at, core::to_iso_string(due), t.payments, t.refunds, t.fees, net, t.items,
      m.settings.payee.dump(), entry_id, actor, ts);
  auto id = row[0].as<std::string>();
  // By id, not by the cut-off again: an item committed since the SELECT above (READ COMMITTED
  // sees it) is not in the totals, so it must wait for the next payout rather than vanish here.
  tx->exec_params(
      "UPDATE settlement_items s SET payout_id = $1::uuid, fee_minor = f.fee "
      "FROM unnest($2::bigint[], $3::bigint[]) AS f(id, fee) WHERE s.id = f.id",
      id, db::bigint_array(item_ids), db::bigint_array(item_fees));
  auto payout = payout_json(tx->exec_params1("SELECT " + kPayoutColumns + " FROM payouts WHERE id = $1::uuid", id));
  db::audit(tx, {actor, m.id, "payout.created", id, ""},
            {{"business_day", day_text}, {"net", payout["net"]}, {"fees", payout["fees"]}, {"ledger_entry_id", entry_id}},
            db::Changes().set("status", nullptr, "created"));
  db::enqueue_event(tx, m.id, "payout.created", "", payout);
  return payout;
}

// Every currency the merchant was owed in before the cut-off of `day`.
nlohmann::json settle_merchant(db::Tx& tx, const Context& ctx, const std::string& merchant_id, core::Date day,
                               core::TimePoint now, const std::string& actor) {
  // Two instances (or the job and an operator) settling the same merchant take turns; the
  // second sees the first one's payouts.
  tx->exec_params("SELECT pg_advisory_xact_lock(hashtext('settlement:' || $1))", merchant_id);
  auto m = load_merchant(tx, merchant_id, ctx.default_cutoff);
  auto cutoff_at = instant_of(tx, day, m.settings.cutoff, m.timezone);
  auto due = payout_day(ctx.calendar, day);
  nlohmann::json made = nlohmann::json::array();
  auto currencies = tx->exec_params(
      "SELECT DISTINCT currency FROM settlement_items WHERE merchant_id = $1::uuid AND payout_id IS NULL "
      "AND occurred_at < $2::timestamptz ORDER BY currency",
      merchant_id, cutoff_at);
  for (const auto& c : currencies)
    if (auto p = settle_currency(tx, m, c[0].as<std::string>(), day, due, cutoff_at, now, actor)) made.push_back(*p);
  return made;
}

}  // namespace

namespace {

std::vector<std::string> merchants_owed(db::Tx& tx) {
  std::vector<std::string> out;
  for (const auto& r : tx->exec("SELECT DISTINCT merchant_id FROM settlement_items WHERE payout_id IS NULL"))
    out.push_back(r[0].as<std::string>());
  return out;
}

}  // namespace

nlohmann::json run_day(const Context& ctx, core::Date day, const std::string& actor) {
  if (!ctx.calendar.is_business_day(day))
    throw core::Problem(422, "not-a-business-day", "Not a business day",
                        core::to_iso_string(day) + " is not a business day: payments of days off are settled on the "
                                                   "next business day");
  auto now = ctx.clock.now();
  std::vector<std::string> merchants;
  ctx.pool.transact_sync([&](db::Tx& tx) { merchants = merchants_owed(tx); });
  nlohmann::json payouts = nlohmann::json::array(), not_closed = nlohmann::json::array(),
                 errors = nlohmann::json::array();
  for (const auto& id : merchants) {
    try {
      ctx.pool.transact_sync(
          [&](db::Tx& tx) {
            auto m = load_merchant(tx, id, ctx.default_cutoff);
            auto local = local_time(tx, now, m.timezone);
            if (last_closed_day(ctx.calendar, local.day, local.time, m.settings.cutoff) < day) {
              not_closed.push_back({{"merchant_id", id}, {"cutoff", cutoff_text(m.settings.cutoff)}, {"timezone", m.timezone}});
              return;
            }
            for (auto& p : settle_merchant(tx, ctx, id, day, now, actor)) payouts.push_back(std::move(p));
          },
          db::Retry::on_conflict);
    } catch (const std::exception& e) {  // one airline's bad data must not stop the others
      errors.push_back({{"merchant_id", id}, {"error", e.what()}});
    }
  }
  // Nothing could be settled because the day is still open: say so rather than print nothing.
  if (payouts.empty() && errors.empty() && !not_closed.empty() && not_closed.size() == merchants.size())
    throw core::Problem(422, "day-not-closed", "Day not closed",
                        core::to_iso_string(day) + " has not reached its cut-off (" +
                            not_closed[0]["cutoff"].get<std::string>() + " " + not_closed[0]["timezone"].get<std::string>() +
                            ") for any airline owed money");
  return {{"day", core::to_iso_string(day)}, {"payouts", payouts}, {"not_closed", not_closed}, {"errors", errors}};
}

boost::asio::awaitable<int> settle_closed_days(const Context& ctx) {
  auto now = ctx.clock.now();
  std::vector<std::string> merchants;
  co_await ctx.pool.transact([&](db::Tx& tx) { merchants = merchants_owed(tx); });
  int made = 0;
  for (const auto& id : merchants) {
    try {
      co_await ctx.pool.transact(
          [&](db::Tx& tx) {
            auto m = load_merchant(tx, id, ctx.default_cutoff);
            auto local = local_time(tx, now, m.timezone);
            auto day = last_closed_day(ctx.calendar, local.day, local.time, m.settings.cutoff);
            made += static_cast<int>(settle_merchant(tx, ctx, id, day, now, "job:settlement").size());
          },
          db::Retry::on_conflict);
    } catch (const std::exception& e) {  // one airline's bad settings must not stop the others
      log::event(log::Level::error, "settlement failed", {{"merchant_id", id}, {"error", e.what()}});
    }
  }
  co_return made;
}

}  // namespace skybill::settlement
