#pragma once
// Invoices in the database, scoped by merchant.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/booking/bookings.hpp"

namespace skybill::invoicing {

struct Invoice {
  std::string id, number, booking_id, client_id, method, currency, status;
  int price_version;
  std::int64_t amount_minor, vat_minor;
  std::int64_t paid_minor = 0;      // received so far
  std::int64_t credited_minor = 0;  // refunded before it was paid: no longer owed
  std::int64_t refunded_minor = 0;  // every refund of it
  core::TimePoint issued_at, due_at;
  std::optional<core::TimePoint> voided_at;
};

// Issues an invoice for the booking's current price, numbered without gaps in the merchant's
// current series and year (the year in the merchant's time zone): "<prefix>-2026-000123".
Invoice issue_invoice(db::Tx& tx, const booking::Booking& b, const std::string& method, const std::string& status,
                      core::TimePoint due_at, core::TimePoint now);
// Voids the booking's unpaid (open or overdue) invoice, if any, and returns it.
std::optional<Invoice> void_open_invoice(db::Tx& tx, const std::string& booking_id, core::TimePoint now);
// The invoice that is not void (open, paid, ...), newest first; nullopt when none.
std::optional<Invoice> current_invoice(db::Tx& tx, const std::string& booking_id);
std::optional<Invoice> load_invoice(db::Tx& tx, const std::string& merchant_id, const std::string& id);

struct InvoiceFilter {
  std::optional<std::string> status, booking_id, client_id, after_id;
  int limit = 50;
};
std::vector<Invoice> list_invoices(db::Tx& tx, const std::string& merchant_id, const InvoiceFilter& f);

// With its lines (of the invoiced price version) and VAT per rate.
nlohmann::json invoice_json(db::Tx& tx, const Invoice& inv);

}  // namespace skybill::invoicing
