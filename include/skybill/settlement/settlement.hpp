#pragma once
// Settlement and refunds (docs/settlement.md): what the gateway owes each airline, the payout
// made after each business day's cut-off, refunds that go back the way the money came, and the
// payment orders (1C, CSV) that carry payouts and refunds by transfer to the bank.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/core/calendar.hpp"
#include "skybill/core/clock.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::settlement {

// A change of what the gateway owes an airline, booked by `ledger_entry_id` to its payable:
// kind payment | guarantee (+), release | refund (-), refund_failed | payout_failed (+).
struct Item {
  std::string merchant_id, currency, kind;
  std::int64_t amount_minor = 0;
  std::string booking_id{}, invoice_id{}, refund_id{}, source_payout_id{};
  std::string ledger_entry_id;
  core::TimePoint occurred_at;
};
// In the caller's transaction.
void record_item(db::Tx& tx, const Item& item);

// Refunds a capture at the card acquirer (`reference` makes a repeat harmless); throws
// acquiring::AcquirerError.
using CardRefund =
    std::function<boost::asio::awaitable<void>(std::string acquirer_ref, std::int64_t amount_minor, std::string reference)>;

struct Context {
  db::Pool& pool;
  const core::Clock& clock;
  const core::BusinessCalendar& calendar;
  std::chrono::minutes default_cutoff{18 * 60};   // settlement.cutoff
  nlohmann::json gateway = nlohmann::json::object();  // requisites of the payer of payment orders
  std::chrono::hours refund_at_risk{24};          // refunds.at_risk_hours
  CardRefund card_refund{};
  std::chrono::milliseconds card_lease{60'000};   // a card refund being sent is not taken again before
};

// Settles business day `day` for every merchant: one payout per merchant and currency of what it
// was owed before the day's cut-off, less refunds and commission, due the next business day.
// Safe to repeat and to run on many instances: a (merchant, currency, day) payout is made once.
// Refuses (core::Problem 422) a day that is not a business day, or whose cut-off has passed for
// no airline owed money. Returns {"day", "payouts": [...], "not_closed": [airlines whose own
// cut-off has not passed], "errors": [{merchant_id, error}: airlines that could not be settled]}.
nlohmann::json run_day(const Context& ctx, core::Date day, const std::string& actor);

// The jobs (run every jobs.interval_ms, safe with many instances). Each returns how many it did.
boost::asio::awaitable<int> settle_closed_days(const Context& ctx);   // each merchant's last closed day
boost::asio::awaitable<int> send_card_refunds(const Context& ctx);    // refund legs by card
boost::asio::awaitable<int> flag_refunds_at_risk(const Context& ctx); // support cases before deadlines

// The gateway's own payment seen leaving its account in a bank statement (called by the import
// in its transaction): confirms the payout or refund leg it carried. True when it was one.
struct OutgoingPayment {
  std::string bank_document_id, number, payee_account, currency;
  std::int64_t amount_minor = 0;
};
bool confirm_outgoing(db::Tx& tx, const OutgoingPayment& doc, core::TimePoint now, const std::string& actor);

// Sets a merchant's settlement settings (merchants.settings.settlement) from `patch` (null
// members are removed); validates, audits, returns the result. For the command line.
nlohmann::json configure_merchant(db::Pool& pool, const std::string& merchant_id, const nlohmann::json& patch,
                                  const std::string& actor, std::chrono::minutes default_cutoff);
// The same in the caller's transaction; the audit row is `who` (actor, request id) acting.
nlohmann::json configure_merchant(db::Tx& tx, const std::string& merchant_id, const nlohmann::json& patch,
                                  db::AuditEntry who, std::chrono::minutes default_cutoff);

// /v1/merchants/{id} (staff: an airline's settings, read and changed), /v1/payouts, /v1/settlement-report, /v1/bookings/{id}/refunds, /v1/refunds, /v1/payment-orders.
void add_routes(http::Router& router, const Context& ctx);

}  // namespace skybill::settlement
