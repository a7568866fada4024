#include "store.hpp"

#include "skybill/core/money.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::paypage {

std::string merchant_name(db::Tx& tx, const std::string& merchant_id) {
  return tx->exec_params1("SELECT name FROM merchants WHERE id = $1::uuid", merchant_id)[0].as<std::string>();
}

std::optional<std::string> unpaid_invoice_id(db::Tx& tx, const std::string& booking_id) {
  auto rows = tx->exec_params(
      "SELECT id FROM invoices WHERE booking_id = $1::uuid AND status IN ('open', 'overdue', 'partially_paid') "
      "ORDER BY issued_at DESC LIMIT 1",
      booking_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

Status read_status(db::Tx& tx, const std::string& token, core::TimePoint now) {
  auto rows = tx->exec_params(
      "SELECT b.status, b.pay_token_revoked_at IS NULL AND b.pay_token_expires_at > $2::timestamptz, b.currency, "
      "i.status, coalesce(i.paid_minor, 0), "
      "coalesce(greatest(i.amount_minor - i.credited_minor - i.paid_minor, 0), 0), "
      "(SELECT count(*) FROM documents d WHERE d.booking_id = b.id "
      "   AND d.kind IN ('invoice', 'upd', 'receipt', 'correction')), "
      "(SELECT c.status FROM card_payments c WHERE c.booking_id = b.id ORDER BY c.created_at DESC LIMIT 1) "
      "FROM bookings b LEFT JOIN LATERAL (SELECT status, paid_minor, amount_minor, credited_minor FROM invoices "
      "  WHERE booking_id = b.id AND status <> 'void' ORDER BY issued_at DESC LIMIT 1) i ON true "
      "WHERE b.pay_token = $1",
      token, core::to_rfc3339(now));
  Status s;
  if (rows.empty()) return s;
  const auto& r = rows[0];
  s.found = true;
  s.usable = r[1].as<bool>();
  s.booking_status = r[0].as<std::string>();
  const auto& cur = core::currency(r[2].as<std::string>());
  if (!r[3].is_null()) s.invoice_status = r[3].as<std::string>();
  s.paid = core::Money(r[4].as<long long>(), cur).to_string();
  s.outstanding = core::Money(r[5].as<long long>(), cur).to_string();
  s.documents = r[6].as<long long>();
  if (!r[7].is_null()) s.card_status = r[7].as<std::string>();
  return s;
}

}  // namespace skybill::paypage
