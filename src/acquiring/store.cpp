#include "store.hpp"

#include "skybill/core/time.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::acquiring {
namespace {

std::optional<std::string> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}
std::optional<core::TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return db::as_time(f);
}
const char* c_or_null(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }
std::optional<std::string> ts_or_null(const std::optional<core::TimePoint>& t) {
  if (!t) return std::nullopt;
  return core::to_rfc3339(*t);
}

const std::string kInvoiceColumns = "i.id, i.number, i.method, i.status, i.currency, i.amount_minor, i.paid_minor + i.credited_minor, " +
                                    db::epoch_us("i.due_at");

PayInvoice invoice_from(const pqxx::row& r, int at) {
  PayInvoice inv;
  inv.id = r[at].as<std::string>();
  inv.number = r[at + 1].as<std::string>();
  inv.method = r[at + 2].as<std::string>();
  inv.status = r[at + 3].as<std::string>();
  inv.currency = r[at + 4].as<std::string>();
  inv.amount_minor = r[at + 5].as<std::int64_t>();
  inv.paid_minor = r[at + 6].as<std::int64_t>();
  inv.due_at = db::as_time(r[at + 7]);
  return inv;
}

std::string attempt_columns(const std::string& t) {
  return t + "id, " + t + "merchant_id, " + t + "booking_id, " + t + "invoice_id, " + t + "kind, " + t + "currency, " +
         t + "status, " + t + "acquirer, " + t + "amount_minor, " + t + "captured_minor, " + t + "acquirer_ref, " + t +
         "card_last4, " + t + "card_brand, " + t + "failure_reason, " + t + "last_error, " +
         db::epoch_us(t + "capture_at") + ", " + db::epoch_us(t + "lease_until") + ", " +
         db::epoch_us(t + "authorized_at") + ", " + db::epoch_us(t + "finished_at") + ", " +
         db::epoch_us(t + "created_at") + ", " + db::epoch_us(t + "updated_at");
}
constexpr int kAttemptColumnCount = 21;

Attempt attempt_from(const pqxx::row& r) {
  Attempt a;
  a.id = r[0].as<std::string>();
  a.merchant_id = r[1].as<std::string>();
  a.booking_id = r[2].as<std::string>();
  a.invoice_id = r[3].as<std::string>();
  a.kind = r[4].as<std::string>();
  a.currency = r[5].as<std::string>();
  a.status = r[6].as<std::string>();
  a.acquirer = r[7].as<std::string>();
  a.amount_minor = r[8].as<std::int64_t>();
  a.captured_minor = r[9].as<std::int64_t>();
  a.acquirer_ref = opt(r[10]);
  a.card_last4 = opt(r[11]);
  a.card_brand = opt(r[12]);
  a.failure_reason = opt(r[13]);
  a.last_error = opt(r[14]);
  a.capture_at = opt_time(r[15]);
  a.lease_until = opt_time(r[16]);
  a.authorized_at = opt_time(r[17]);
  a.finished_at = opt_time(r[18]);
  a.created_at = db::as_time(r[19]);
  a.updated_at = db::as_time(r[20]);
  return a;
}

}  // namespace

std::optional<PayTarget> load_pay_target(db::Tx& tx, const std::string& pay_token, bool lock) {
  auto rows = tx->exec_params(
      std::string("SELECT b.id, b.merchant_id, m.name, b.reference, b.status, b.currency FROM bookings b "
                  "JOIN merchants m ON m.id = b.merchant_id WHERE b.pay_token = $1") +
          (lock ? " FOR UPDATE OF b" : ""),
      pay_token);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  PayTarget t{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
              r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(), std::nullopt, {}};
  auto inv = tx->exec_params("SELECT " + kInvoiceColumns +
                                 " FROM invoices i WHERE i.booking_id = $1::uuid AND i.status <> 'void' "
                                 "ORDER BY i.issued_at DESC, i.id DESC LIMIT 1",
                             t.booking_id);
  if (!inv.empty()) t.invoice = invoice_from(inv[0], 0);
  for (const auto& d : tx->exec_params(
           "SELECT id, kind, number, xml IS NOT NULL FROM documents WHERE booking_id = $1::uuid "
           "AND kind IN ('invoice', 'upd', 'receipt', 'correction') ORDER BY issued_at, number",
           t.booking_id))
    t.documents.push_back({d[0].as<std::string>(), d[1].as<std::string>(), d[2].as<std::string>(), d[3].as<bool>()});
  return t;
}

PayInvoice lock_invoice(db::Tx& tx, const std::string& invoice_id) {
  auto rows = tx->exec_params("SELECT " + kInvoiceColumns + " FROM invoices i WHERE i.id = $1::uuid FOR UPDATE",
                              invoice_id);
  return invoice_from(rows.at(0), 0);
}

void record_invoice_payment(db::Tx& tx, const std::string& invoice_id, const std::string& status,
                            std::int64_t paid_minor, core::TimePoint now) {
  tx->exec_params(
      "UPDATE invoices SET status = $2, paid_minor = $3, paid_at = CASE WHEN $2 = 'paid' THEN $4::timestamptz END "
      "WHERE id = $1::uuid",
      invoice_id, status, paid_minor, core::to_rfc3339(now));
}

std::string lock_booking(db::Tx& tx, const std::string& booking_id) {
  auto rows = tx->exec_params("SELECT status FROM bookings WHERE id = $1::uuid FOR UPDATE", booking_id);
  return rows.at(0)[0].as<std::string>();
}

std::string insert_attempt(db::Tx& tx, const Attempt& a, core::TimePoint now) {
  auto rows = tx->exec_params(
      "INSERT INTO card_payments (merchant_id, booking_id, invoice_id, kind, amount_minor, currency, status, acquirer, "
      "created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, 'created', $7, $8::timestamptz, "
      "$8::timestamptz) RETURNING id",
      a.merchant_id, a.booking_id, a.invoice_id, a.kind, a.amount_minor, a.currency, a.acquirer,
      core::to_rfc3339(now));
  return rows[0][0].as<std::string>();
}

std::optional<Attempt> load_attempt(db::Tx& tx, const std::string& id, bool lock) {
  auto rows = tx->exec_params(
      "SELECT " + attempt_columns("") + " FROM card_payments WHERE id = $1::uuid" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return attempt_from(rows[0]);
}

void save_attempt(db::Tx& tx, const Attempt& a, core::TimePoint now) {
  tx->exec_params(
      "UPDATE card_payments SET status = $2, acquirer_ref = $3, card_last4 = $4, card_brand = $5, failure_reason = $6, "
      "last_error = $7, captured_minor = $8, capture_at = $9::timestamptz, lease_until = $10::timestamptz, "
      "authorized_at = $11::timestamptz, finished_at = $12::timestamptz, updated_at = $13::timestamptz "
      "WHERE id = $1::uuid",
      a.id, a.status, c_or_null(a.acquirer_ref), c_or_null(a.card_last4), c_or_null(a.card_brand),
      c_or_null(a.failure_reason), c_or_null(a.last_error), a.captured_minor, c_or_null(ts_or_null(a.capture_at)),
      c_or_null(ts_or_null(a.lease_until)), c_or_null(ts_or_null(a.authorized_at)),
      c_or_null(ts_or_null(a.finished_at)), core::to_rfc3339(now));
}

bool invoice_has_live_attempt(db::Tx& tx, const std::string& invoice_id, const std::string& except_id) {
  auto rows = tx->exec_params(
      "SELECT 1 FROM card_payments WHERE invoice_id = $1::uuid AND id <> $2::uuid "
      "AND status IN ('authorized', 'capturing', 'captured') LIMIT 1",
      invoice_id, except_id);
  return !rows.empty();
}

std::vector<Attempt> attempts_of_booking(db::Tx& tx, const std::string& booking_id) {
  auto rows = tx->exec_params("SELECT " + attempt_columns("") +
                                  " FROM card_payments WHERE booking_id = $1::uuid ORDER BY created_at DESC, id DESC",
                              booking_id);
  std::vector<Attempt> out;
  for (const auto& r : rows) out.push_back(attempt_from(r));
  return out;
}

std::vector<Claimed> claim_to_settle(db::Tx& tx, core::TimePoint now, core::TimePoint lease_until, int limit) {
  auto rows = tx->exec_params(
      "WITH due AS ("
      "  SELECT cp.id, i.amount_minor - i.paid_minor - i.credited_minor AS due_minor, CASE"
      "    WHEN cp.status <> 'authorized' THEN cp.status"
      "    WHEN i.status IN ('paid', 'void') OR i.amount_minor <= i.paid_minor + i.credited_minor THEN 'releasing'"
      "    ELSE 'capturing' END AS next"
      "  FROM card_payments cp JOIN invoices i ON i.id = cp.invoice_id"
      "  WHERE (cp.status = 'authorized' AND (cp.capture_at <= $1::timestamptz OR i.status IN ('paid', 'void')"
      "                                       OR i.amount_minor <= i.paid_minor + i.credited_minor))"
      "     OR (cp.status IN ('capturing', 'releasing', 'refunding') AND cp.lease_until <= $1::timestamptz)"
      "  ORDER BY cp.capture_at, cp.id LIMIT $3 FOR UPDATE OF cp SKIP LOCKED) "
      "UPDATE card_payments cp SET status = due.next, lease_until = $2::timestamptz, updated_at = $1::timestamptz "
      "FROM due WHERE cp.id = due.id RETURNING " +
          attempt_columns("cp.") + ", due.due_minor",
      core::to_rfc3339(now), core::to_rfc3339(lease_until), limit);
  std::vector<Claimed> out;
  for (const auto& r : rows) out.push_back({attempt_from(r), r[kAttemptColumnCount].as<std::int64_t>()});
  return out;
}

}  // namespace skybill::acquiring
