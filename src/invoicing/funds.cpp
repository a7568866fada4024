#include "funds.hpp"

#include "skybill/db/tx.hpp"
#include "skybill/ledger/ledger.hpp"

namespace skybill::invoicing {

Funds load_funds(db::Tx& tx, const std::string& client_id, const std::string& currency, bool lock) {
  if (lock) tx->exec_params("SELECT pg_advisory_xact_lock(hashtext('client-funds:' || $1))", client_id);
  Funds f;
  auto line = tx->exec_params(
      "SELECT limit_minor, deferral_days, approved, EXISTS (SELECT 1 FROM invoices WHERE client_id = $1::uuid "
      "AND method = 'credit_line' AND status = 'overdue') AS blocked "
      "FROM credit_lines WHERE client_id = $1::uuid AND currency = $2",
      client_id, currency);
  if (!line.empty()) {
    options::CreditProfile p;
    p.limit_minor = line[0]["limit_minor"].as<long long>();
    p.deferral_days = line[0]["deferral_days"].as<int>();
    p.approved = line[0]["approved"].as<bool>();
    p.blocked_by_overdue = line[0]["blocked"].as<bool>();
    f.credit = p;
  }
  // Every balance of the client at once: credit used and the deposit (what the gateway owes
  // the client, a credit balance).
  for (const auto& b : ledger::balances(tx, ledger::Owner::client, client_id)) {
    if (b.account.currency != currency) continue;
    if (b.account.kind == ledger::Kind::credit_receivable && f.credit) f.credit->used_minor = b.balance_minor;
    if (b.account.kind == ledger::Kind::deposit) f.deposit_minor = -b.balance_minor;
  }
  return f;
}

}  // namespace skybill::invoicing
