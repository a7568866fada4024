#include "guarantee.hpp"

#include "skybill/db/tx.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/settlement/settlement.hpp"

namespace skybill::invoicing {
namespace {

ledger::Kind guarantee_account(const std::string& method) {
  if (method == "credit_line") return ledger::Kind::credit_receivable;
  if (method == "deposit") return ledger::Kind::deposit;
  return ledger::Kind::receivable;  // card_hold, guarantee_letter: the client owes the invoice
}

}  // namespace

std::string book_guarantee(db::Tx& tx, const booking::Booking& b, const Invoice& inv, core::TimePoint now) {
  auto entry_id = ledger::post(
      tx, {"booking." + inv.method,
           inv.id,
           "invoice " + inv.number + " for booking " + b.reference + " guaranteed by " + inv.method,
           {{{ledger::Owner::client, b.client_id, guarantee_account(inv.method), b.currency}, inv.amount_minor},
            {{ledger::Owner::merchant, b.merchant_id, ledger::Kind::payable, b.currency}, -inv.amount_minor}}});
  tx->exec_params("UPDATE invoices SET guaranteed = true WHERE id = $1::uuid", inv.id);
  settlement::record_item(tx, {.merchant_id = b.merchant_id,
                               .currency = b.currency,
                               .kind = "guarantee",
                               .amount_minor = inv.amount_minor,
                               .booking_id = b.id,
                               .invoice_id = inv.id,
                               .ledger_entry_id = entry_id,
                               .occurred_at = now});
  return entry_id;
}

std::optional<std::string> release_guarantee_booking(db::Tx& tx, const booking::Booking& b, const Invoice& inv,
                                                     core::TimePoint now) {
  // What was refunded already went back to the client (whatever its route): not released twice.
  auto r = tx->exec_params1("SELECT guaranteed, amount_minor - refunded_minor FROM invoices WHERE id = $1::uuid", inv.id);
  std::int64_t amount = r[1].as<long long>();
  if (!r[0].as<bool>() || amount <= 0) return std::nullopt;
  auto entry_id = ledger::post(
      tx, {"booking." + inv.method + ".released",
           inv.id,
           "ticketing failed for booking " + b.reference + ": guarantee of invoice " + inv.number + " released",
           {{{ledger::Owner::merchant, b.merchant_id, ledger::Kind::payable, b.currency}, amount},
            {{ledger::Owner::client, b.client_id, guarantee_account(inv.method), b.currency}, -amount}}});
  settlement::record_item(tx, {.merchant_id = b.merchant_id,
                               .currency = b.currency,
                               .kind = "release",
                               .amount_minor = -amount,
                               .booking_id = b.id,
                               .invoice_id = inv.id,
                               .ledger_entry_id = entry_id,
                               .occurred_at = now});
  return entry_id;
}

}  // namespace skybill::invoicing
