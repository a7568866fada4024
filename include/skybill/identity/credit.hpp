#pragma once
// Staff use cases on a corporate client's money: its credit line and its deposit. Until the
// admin UI exists they are driven by the command line (`skybill client …`).
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/money.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::identity {

// A client is named by INN and KPP; the KPP may be left empty when exactly one client has
// that INN.
struct ClientRef {
  std::string inn, kpp;
};

struct ClientSummary {
  std::string id, inn, kpp, name;
};

struct CreditLine {
  core::Money limit;
  core::Money used;       // the balance of the client's credit_receivable account
  core::Money available;  // limit - used when approved and positive, else zero
  int deferral_days;
  bool approved;
};

struct CurrencyBalances {
  std::string currency;
  std::optional<CreditLine> credit_line;  // none when no line was ever set and none is used
  core::Money deposit;                    // what the client has prepaid (the negated balance)
};

struct ClientBalances {
  ClientSummary client;
  // "DEP-XXXXXXXX": a transfer naming it in its purpose tops up the deposit (made on first show).
  std::string deposit_reference;
  std::vector<CurrencyBalances> currencies;  // by currency code
};

struct CreditLineSet {
  ClientSummary client;
  CreditLine line;
};

struct DepositAdded {
  ClientSummary client;
  std::string entry_id;
  core::Money amount;
  core::Money balance;  // the deposit after the top-up
};

class Credit {
 public:
  // `actor` goes into the audit rows: "cli", or "staff:<uuid>" once an admin API calls these.
  explicit Credit(db::Pool& pool, std::string actor = "cli") : pool_(pool), actor_(std::move(actor)) {}
  // Each is one transaction with its audit row; bad input throws core::Problem (422, or 404
  // for an unknown client) before anything is written. Amounts are decimal strings in the
  // currency's exponent ("500000.00" RUB), parsed strictly.
  // Sets (creates or replaces) the client's credit line in `currency`; deferral_days 0..365.
  CreditLineSet set_credit_line(const ClientRef& client, const std::string& currency, const std::string& limit,
                             int deferral_days, bool approved);
  // A manual top-up: debit the gateway's bank, credit the client's deposit. `amount` > 0.
  DepositAdded add_deposit(const ClientRef& client, const std::string& currency, const std::string& amount);
  ClientBalances client_balances(const ClientRef& client);

  // The same two changes inside the caller's transaction (the console's routes, whose
  // Idempotency-Key is stored with the effect), for a client named by its id; `request_id`
  // goes into the audit row. Bad input throws core::Problem as above.
  CreditLineSet set_credit_line(db::Tx& tx, const std::string& client_id, const std::string& currency,
                                const std::string& limit, int deferral_days, bool approved,
                                const std::string& request_id);
  DepositAdded add_deposit(db::Tx& tx, const std::string& client_id, const std::string& currency,
                           const std::string& amount, const std::string& request_id);
  // The balances of a client named by id, in the caller's transaction (gives it a deposit
  // reference on first show, as the other does).
  ClientBalances client_balances(db::Tx& tx, const std::string& client_id);

 private:
  db::Pool& pool_;
  std::string actor_;
};

}  // namespace skybill::identity
