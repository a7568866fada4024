#pragma once
// The pure rules of settlement and refunds: commission arithmetic, which business day a payment
// is settled on, refund deadlines, and how a refund is split over the ways its money came.
// No database, no clock: every input is an argument.
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "skybill/core/calendar.hpp"
#include "skybill/core/problem.hpp"

namespace skybill::settlement {

// A merchant's commission: a share of each payment (in millionths of the payment: 1.5 % =
// 15 000) and/or a fixed amount per payment in each currency.
struct Commission {
  std::int64_t percent_millionths = 0;
  std::map<std::string, std::int64_t> fixed_minor{};  // currency -> minor units
};

// The fee on one payment of `amount_minor`: the percentage rounded half up to the minor unit,
// plus the fixed part of the currency; never more than the payment itself. 0 for amount <= 0.
std::int64_t fee(const Commission& c, std::int64_t amount_minor, const std::string& currency);

// What a merchant is settled by, from merchants.settings.settlement (see docs/settlement.md).
struct Settings {
  Commission commission;
  std::chrono::minutes cutoff{18 * 60};  // local time of the merchant's day that closes it
  nlohmann::json payee;                  // the airline's bank requisites (account, bic, bank, ...)
};

// Bank requisites of whom a payment order pays ({name, inn, kpp, account, bic, bank,
// correspondent_account}): adds a FieldError ("payee.account", ...) for each bad or unknown field.
// The account (20 digits) and BIC (9 digits) are required.
void check_payee(const nlohmann::json& payee, std::vector<core::FieldError>& errors);

// Reads merchants.settings["settlement"] (absent or null: the defaults). Throws core::Problem
// 422 listing each bad field, as the CLI and API report it.
Settings settings_from_json(const nlohmann::json& settlement, std::chrono::minutes default_cutoff);
// "HH:MM" -> minutes since midnight; throws core::Problem 422 on anything else.
std::chrono::minutes parse_cutoff(const std::string& text);
std::string cutoff_text(std::chrono::minutes cutoff);
// "1.5" (percent) -> 15 000 millionths; at most 4 decimals, 0 <= p < 100. Throws core::Problem 422.
std::int64_t parse_percent(const std::string& text);
std::string percent_text(std::int64_t millionths);

// The business day D whose payout takes money owed at local date `day`, local time `time`: D itself
// before its cut-off; after the cut-off, or on a day off, the next business day. Money owed on D is
// paid out on payout_day(D).
core::Date settlement_day(const core::BusinessCalendar& cal, core::Date day, std::chrono::minutes time,
                          std::chrono::minutes cutoff);
core::Date payout_day(const core::BusinessCalendar& cal, core::Date business_day);
// The latest business day whose cut-off has passed at local `day` and `time`.
core::Date last_closed_day(const core::BusinessCalendar& cal, core::Date day, std::chrono::minutes time,
                           std::chrono::minutes cutoff);
// The last day a refund accepted on local `day` may reach the client: 2 business days later
// (the refund is due by the end of it).
core::Date refund_deadline_day(const core::BusinessCalendar& cal, core::Date accepted);

// Where the money of an invoice came from, to refund it the same way.
struct Source {
  std::string route;       // card | transfer | deposit
  std::string payment_id;  // card and transfer: the payment; deposit paid at issue: empty
  std::int64_t available_minor = 0;  // paid by it and not yet refunded
};
struct Leg {
  std::string route;  // receivable | credit_line | card | transfer | deposit
  std::string payment_id;
  std::int64_t amount_minor = 0;
};
// Splits a refund: first what the client still owes on a guaranteed invoice (`unpaid_minor`,
// taken off it: route `unpaid_route`, receivable or credit_line), then the sources newest first.
// Throws core::Problem 422 "refund-too-large" when they do not cover `amount_minor`.
std::vector<Leg> allocate(std::int64_t amount_minor, std::int64_t unpaid_minor, const std::string& unpaid_route,
                          const std::vector<Source>& sources_oldest_first);

}  // namespace skybill::settlement
