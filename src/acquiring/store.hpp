#pragma once
// card_payments and what the pay pages read of bookings and invoices, inside the caller's
// transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"

namespace skybill::db { class Tx; }

namespace skybill::acquiring {

struct PayInvoice {
  std::string id, number, method, status, currency;
  std::int64_t amount_minor = 0, paid_minor = 0;  // paid_minor: paid, or taken off by a refund before payment
  core::TimePoint due_at;
  std::int64_t due_minor() const { return amount_minor - paid_minor; }
  bool by_card() const { return method == "card" || method == "card_hold"; }
  bool unpaid() const { return status == "open" || status == "overdue" || status == "partially_paid"; }
};

// A booking as its payer sees it through the pay link, with its current (not void) invoice.
// A closing document the client may download from its page.
struct PayDocument {
  std::string id, kind, number;
  bool has_xml = false;
};

struct PayTarget {
  std::string booking_id, merchant_id, merchant_name, reference, status, currency;
  std::optional<PayInvoice> invoice;
  std::vector<PayDocument> documents;  // invoice, УПД, receipts, corrections: oldest first
};

// nullopt for an unknown token. `lock` takes the booking's row (every change of a booking is
// serialized on it).
std::optional<PayTarget> load_pay_target(db::Tx& tx, const std::string& pay_token, bool lock);
// The invoice, locked for update.
PayInvoice lock_invoice(db::Tx& tx, const std::string& invoice_id);
// Records a payment on the invoice: paid_minor, status (paid or partially_paid), paid_at.
void record_invoice_payment(db::Tx& tx, const std::string& invoice_id, const std::string& status,
                            std::int64_t paid_minor, core::TimePoint now);
// Locks the booking's row; its status.
std::string lock_booking(db::Tx& tx, const std::string& booking_id);

struct Attempt {
  std::string id, merchant_id, booking_id, invoice_id, kind, currency, status, acquirer;
  std::int64_t amount_minor = 0, captured_minor = 0;
  std::optional<std::string> acquirer_ref, card_last4, card_brand, failure_reason, last_error;
  std::optional<core::TimePoint> capture_at, lease_until, authorized_at, finished_at;
  core::TimePoint created_at, updated_at;
  bool hold() const { return kind == "card_hold"; }
};

// Inserts a `created` attempt; returns its id.
std::string insert_attempt(db::Tx& tx, const Attempt& a, core::TimePoint now);
std::optional<Attempt> load_attempt(db::Tx& tx, const std::string& id, bool lock);
// Writes the fields that change (status, acquirer reference, card, amounts, times, errors).
void save_attempt(db::Tx& tx, const Attempt& a, core::TimePoint now);
// Another attempt on the invoice holds or took money (authorized, capturing or captured).
bool invoice_has_live_attempt(db::Tx& tx, const std::string& invoice_id, const std::string& except_id);
// The booking's attempts, newest first.
std::vector<Attempt> attempts_of_booking(db::Tx& tx, const std::string& booking_id);

// Claimed for the settle job: what to tell the acquirer.
struct Claimed {
  Attempt attempt;        // status capturing, releasing or refunding, leased
  std::int64_t due_minor;  // what the invoice still wants (capturing)
};
// Holds due for capture (unpaid invoice at capture_at) become capturing; holds whose invoice was
// paid or voided become releasing; leases run out on capturing/releasing/refunding are taken
// again. SKIP LOCKED, at most `limit`.
std::vector<Claimed> claim_to_settle(db::Tx& tx, core::TimePoint now, core::TimePoint lease_until, int limit);

}  // namespace skybill::acquiring
