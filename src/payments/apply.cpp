#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/invoicing/invoicing.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/payments/payments.hpp"
#include "skybill/settlement/settlement.hpp"
#include "skybill/support/cases.hpp"

namespace skybill::payments {
namespace {

using ledger::Kind;
using ledger::Owner;

struct Target {
  std::string invoice_id, number, method, currency, invoice_status;
  std::string booking_id, booking_status, booking_reference, merchant_id, client_id;
  std::int64_t amount_minor = 0, paid_minor = 0, credited_minor = 0;
  bool guaranteed = false;  // the airline was owed the invoice when it was guaranteed
};

// The booking first, then its invoice: the order every use case locks them in.
Target lock_target(db::Tx& tx, const std::string& invoice_id) {
  auto booking = tx->exec_params("SELECT b.id, b.status, b.reference FROM bookings b WHERE b.id = "
                                 "(SELECT booking_id FROM invoices WHERE id = $1::uuid) FOR UPDATE",
                                 invoice_id);
  if (booking.empty()) throw core::not_found("invoice " + invoice_id);
  auto inv = tx->exec_params1(
      "SELECT number, method, currency, status, merchant_id, client_id, amount_minor, paid_minor, credited_minor, "
      "guaranteed FROM invoices "
      "WHERE id = $1::uuid FOR UPDATE",
      invoice_id);
  Target t;
  t.invoice_id = invoice_id;
  t.number = inv["number"].as<std::string>();
  t.method = inv["method"].as<std::string>();
  t.currency = inv["currency"].as<std::string>();
  t.invoice_status = inv["status"].as<std::string>();
  t.merchant_id = inv["merchant_id"].as<std::string>();
  t.client_id = inv["client_id"].as<std::string>();
  t.amount_minor = inv["amount_minor"].as<long long>();
  t.paid_minor = inv["paid_minor"].as<long long>();
  t.credited_minor = inv["credited_minor"].as<long long>();
  t.guaranteed = inv["guaranteed"].as<bool>();
  t.booking_id = booking[0]["id"].as<std::string>();
  t.booking_status = booking[0]["status"].as<std::string>();
  t.booking_reference = booking[0]["reference"].as<std::string>();
  return t;
}

ledger::AccountRef client_account(const Target& t, Kind kind) { return {Owner::client, t.client_id, kind, t.currency}; }

std::string money(std::int64_t minor, const std::string& currency) {
  return core::Money(minor, core::currency(currency)).to_string() + " " + currency;
}

}  // namespace

Applied apply_to_invoice(db::Tx& tx, const Source& source, const std::string& invoice_id, std::int64_t amount_minor,
                         const std::string& currency, const std::string& actor, const std::string& request_id,
                         core::TimePoint now) {
  if (amount_minor <= 0) throw core::Problem(422, "invalid-amount", "Invalid amount", "a payment must be positive");
  auto t = lock_target(tx, invoice_id);
  if (currency != t.currency)
    throw core::Problem(409, "currency-mismatch", "Currency mismatch",
                        "the payment is in " + currency + ", invoice " + t.number + " in " + t.currency +
                            "; money is never converted");
  Applied out;

  out.closed = t.invoice_status == "void" || t.booking_status == "expired" || t.booking_status == "cancelled";
  // A refund before payment (credited) took part of a guaranteed invoice off what is owed.
  const std::int64_t owed = t.amount_minor - t.credited_minor;
  std::int64_t due = out.closed ? 0 : std::max<std::int64_t>(owed - t.paid_minor, 0);
  out.applied_minor = std::min(amount_minor, due);
  out.surplus_minor = out.closed ? 0 : amount_minor - out.applied_minor;
  out.outstanding_minor = due - out.applied_minor;

  out.payment_id =
      tx->exec_params1(
            "INSERT INTO payments (merchant_id, invoice_id, booking_id, client_id, method, bank_document_id, reference, "
            "amount_minor, applied_minor, currency, created_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, "
            "$6::uuid, $7, $8, $9, $10, $11::timestamptz) RETURNING id",
            t.merchant_id, invoice_id, t.booking_id, t.client_id, source.method,
            source.bank_document_id.empty() ? nullptr : source.bank_document_id.c_str(), source.reference, amount_minor,
            out.applied_minor, t.currency, core::to_rfc3339(now))[0]
          .as<std::string>();

  // One entry: the money leaves the gateway's bank (or unallocated) account; what pays the
  // invoice is credited to the client's receivable, which a full payment then settles (Dr what
  // was owed) to the airline's payable, or, for a guaranteed invoice (the airline was owed it
  // already), to the account the guarantee drew on; a surplus goes to the deposit. Postings to
  // one account are netted into one.
  bool full = !out.closed && out.outstanding_minor == 0 && out.applied_minor > 0;
  std::vector<ledger::Posting> postings = {
      {{Owner::gateway, {}, source.from_bank ? Kind::bank : Kind::unallocated, t.currency}, amount_minor}};
  auto add = [&postings](const ledger::AccountRef& a, std::int64_t amount) {
    for (auto& p : postings)
      if (p.account.owner == a.owner && p.account.kind == a.kind && p.account.owner_id == a.owner_id) {
        p.amount_minor += amount;
        return;
      }
    postings.push_back({a, amount});
  };
  add(client_account(t, Kind::receivable), out.closed ? -amount_minor : -out.applied_minor);
  if (out.surplus_minor > 0) add(client_account(t, Kind::deposit), -out.surplus_minor);
  const bool to_airline = full && !t.guaranteed;
  if (full) {
    add(client_account(t, Kind::receivable), owed);
    add(!t.guaranteed ? ledger::AccountRef{Owner::merchant, t.merchant_id, Kind::payable, t.currency}
        : t.method == "credit_line" ? client_account(t, Kind::credit_receivable)
                                    : client_account(t, Kind::receivable),
        -owed);
  }
  std::erase_if(postings, [](const ledger::Posting& p) { return p.amount_minor == 0; });
  auto entry_id = ledger::post(tx, {source.method == "card" ? "card.captured" : "transfer.applied", invoice_id,
                                    source.method + " " + money(amount_minor, t.currency) + " for invoice " + t.number +
                                        (full ? ", paid" : out.closed ? ", booking closed" : out.applied_minor > 0 ? ", part" : ", surplus"),
                                    std::move(postings)});
  if (to_airline)
    settlement::record_item(tx, {.merchant_id = t.merchant_id,
                                 .currency = t.currency,
                                 .kind = "payment",
                                 .amount_minor = owed,
                                 .booking_id = t.booking_id,
                                 .invoice_id = invoice_id,
                                 .ledger_entry_id = entry_id,
                                 .occurred_at = now});

  auto ts = core::to_rfc3339(now);
  if (out.closed) {
    out.invoice_status = t.invoice_status;
    support::open_case(tx, t.merchant_id, t.booking_id, "payment_for_closed_booking",
                       money(amount_minor, t.currency) + " received for invoice " + t.number + " of a booking that is " +
                           t.booking_status + " (invoice " + t.invoice_status +
                           "): refund the client or re-book; the money waits on the client's account",
                       now, actor, request_id);
    db::audit(tx, {actor, t.merchant_id, "payment.received", out.payment_id, request_id},
              {{"invoice_id", invoice_id}, {"amount", money(amount_minor, t.currency)}, {"closed", true}});
    return out;
  }

  if (out.surplus_minor > 0) {
    support::open_case(tx, t.merchant_id, t.booking_id, "overpayment",
                       money(amount_minor, t.currency) + " received for invoice " + t.number + ": " +
                           money(out.surplus_minor, t.currency) + " more than was due went to the client's deposit",
                       now, actor, request_id);
  }

  if (out.applied_minor > 0) {
    out.invoice_status = full ? "paid" : "partially_paid";
    tx->exec_params("UPDATE invoices SET paid_minor = paid_minor + $2, status = $3, "
                    "paid_at = CASE WHEN $3 = 'paid' THEN $4::timestamptz ELSE paid_at END WHERE id = $1::uuid",
                    invoice_id, out.applied_minor, out.invoice_status, ts);
    db::audit(tx, {actor, t.merchant_id, "invoice." + out.invoice_status, invoice_id, request_id},
              {{"payment_id", out.payment_id}, {"amount", money(amount_minor, t.currency)}, {"method", source.method}},
              db::Changes()
                  .set("status", t.invoice_status, out.invoice_status)
                  .set("paid", money(t.paid_minor, t.currency), money(t.paid_minor + out.applied_minor, t.currency)));
    auto payload = invoicing::invoice_json_by_id(tx, invoice_id);
    payload["payment"] = {{"id", out.payment_id},
                          {"method", source.method},
                          {"amount", core::Money(amount_minor, core::currency(t.currency)).to_string()}};
    db::enqueue_event(tx, t.merchant_id, "invoice." + out.invoice_status, t.booking_id, payload);
  } else {
    out.invoice_status = t.invoice_status;  // already paid: all of it was surplus
  }
  if (!full && out.applied_minor > 0)
    support::open_case(tx, t.merchant_id, t.booking_id, "underpayment",
                       money(amount_minor, t.currency) + " received for invoice " + t.number + "; " +
                           money(out.outstanding_minor, t.currency) + " still to pay",
                       now, actor, request_id);

  // A guaranteed booking (ticketing already authorised) is paid now too; a ticketed one stays so.
  if (full && (t.booking_status == "awaiting_payment" || t.booking_status == "ticketing_authorized")) {
    tx->exec_params("UPDATE bookings SET status = 'paid', updated_at = $2::timestamptz WHERE id = $1::uuid",
                    t.booking_id, ts);
    db::audit(tx, {actor, t.merchant_id, "booking.paid", t.booking_id, request_id}, {{"invoice_id", invoice_id}},
              db::Changes().set("status", t.booking_status, "paid"));
    db::enqueue_event(tx, t.merchant_id, "booking.paid", t.booking_id,
                      {{"id", t.booking_id},
                       {"reference", t.booking_reference},
                       {"status", "paid"},
                       {"invoice_id", invoice_id}});
  }
  return out;
}

void card_captured(db::Tx& tx, const std::string& invoice_id, std::int64_t amount_minor, const std::string& currency,
                   const std::string& attempt_id, core::TimePoint now) {
  apply_to_invoice(tx, {.method = "card", .reference = attempt_id, .from_bank = true}, invoice_id, amount_minor, currency,
                   "acquirer:card", {}, now);
}

}  // namespace skybill::payments
