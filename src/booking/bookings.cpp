#include "skybill/booking/bookings.hpp"

#include "skybill/core/time.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::booking {
namespace {

const std::string kColumns =
    "b.id, b.merchant_id, b.kind, b.reference, b.pnr, b.client_id, b.contact_email, b.language, b.currency, b.status, b.pay_token, "
    "b.payment_method, b.passengers::text AS passengers, b.segments::text AS segments, b.metadata::text AS metadata, "
    "b.tickets::text AS tickets, " +
    db::epoch_us("b.ticketing_time_limit") + " AS tl_us, " + db::epoch_us("b.created_at") + " AS created_us, " +
    db::epoch_us("b.updated_at") + " AS updated_us, b.price_version, " + db::epoch_us("b.pay_token_expires_at") +
    " AS pay_expires_us, b.pay_token_revoked_at IS NOT NULL AS pay_revoked";

std::optional<LineKind> kind_of(const std::string& s) {
  for (auto k : {LineKind::fare, LineKind::tax, LineKind::fee, LineKind::service, LineKind::penalty})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::vector<Line> load_lines(db::Tx& tx, const std::string& booking_id, int version) {
  std::vector<Line> out;
  for (const auto& r : tx->exec_params(
           "SELECT kind, description, passenger, amount_minor, vat_rate, vat_minor, emd FROM booking_lines "
           "WHERE booking_id = $1::uuid AND version = $2 ORDER BY position",
           booking_id, version)) {
    Line l{};
    l.kind = *kind_of(r["kind"].as<std::string>());
    l.description = r["description"].as<std::string>();
    if (!r["passenger"].is_null()) l.passenger = r["passenger"].as<int>();
    l.amount_minor = r["amount_minor"].as<long long>();
    l.vat_rate = *core::parse_vat_rate(r["vat_rate"].as<std::string>());
    l.vat_minor = r["vat_minor"].as<long long>();
    if (!r["emd"].is_null()) l.emd = r["emd"].as<std::string>();
    out.push_back(std::move(l));
  }
  return out;
}

Booking from_row(db::Tx& tx, const pqxx::row& r) {
  Booking b;
  b.id = r["id"].as<std::string>();
  b.merchant_id = r["merchant_id"].as<std::string>();
  b.kind = r["kind"].as<std::string>();
  b.reference = r["reference"].as<std::string>();
  b.pnr = r["pnr"].as<std::string>();
  b.client_id = r["client_id"].as<std::string>();
  b.contact_email = r["contact_email"].as<std::string>();
  b.language = r["language"].as<std::string>();
  b.currency = r["currency"].as<std::string>();
  b.status = r["status"].as<std::string>();
  b.pay_token = r["pay_token"].as<std::string>();
  if (!r["payment_method"].is_null()) b.payment_method = r["payment_method"].as<std::string>();
  b.passengers = nlohmann::json::parse(r["passengers"].as<std::string>());
  b.segments = nlohmann::json::parse(r["segments"].as<std::string>());
  b.metadata = nlohmann::json::parse(r["metadata"].as<std::string>());
  b.tickets = nlohmann::json::parse(r["tickets"].as<std::string>());
  b.ticketing_time_limit = db::as_time(r["tl_us"]);
  b.created_at = db::as_time(r["created_us"]);
  b.updated_at = db::as_time(r["updated_us"]);
  b.price_version = r["price_version"].as<int>();
  b.pay_token_expires_at = db::as_time(r["pay_expires_us"]);
  b.pay_token_revoked = r["pay_revoked"].as<bool>();
  b.lines = load_lines(tx, b.id, b.price_version);
  return b;
}

}  // namespace

bool is_open(const std::string& status) noexcept { return status == "pending" || status == "awaiting_payment"; }

std::optional<std::string> insert_booking(db::Tx& tx, const std::string& merchant_id, const std::string& client_id,
                                          const BookingInput& in, const std::string& pay_token, core::TimePoint now) {
  auto ts = core::to_rfc3339(now);
  auto rows = tx->exec_params(
      "INSERT INTO bookings (merchant_id, reference, pnr, client_id, contact_email, passengers, segments, currency, "
      "ticketing_time_limit, pay_token, metadata, price_version, created_at, updated_at, language) "
      "VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6::jsonb, $7::jsonb, $8, $9::timestamptz, $10, $11::jsonb, 0, "
      "$12::timestamptz, $12::timestamptz, $13) ON CONFLICT (merchant_id, reference) DO NOTHING RETURNING id",
      merchant_id, in.reference, in.pnr, client_id, in.contact_email, in.passengers.dump(), in.segments.dump(),
      in.currency, core::to_rfc3339(in.ticketing_time_limit), pay_token, in.metadata.dump(), ts, in.language);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

std::string booking_id_by_reference(db::Tx& tx, const std::string& merchant_id, const std::string& reference) {
  return tx->exec_params1("SELECT id FROM bookings WHERE merchant_id = $1::uuid AND reference = $2", merchant_id,
                          reference)[0]
      .as<std::string>();
}

void add_price_version(db::Tx& tx, const std::string& booking_id, int version, const std::vector<Line>& lines,
                       core::TimePoint now) {
  auto t = totals(lines);
  auto ts = core::to_rfc3339(now);
  tx->exec_params(
      "INSERT INTO booking_price_versions (booking_id, version, amount_minor, vat_minor, created_at) "
      "VALUES ($1::uuid, $2, $3, $4, $5::timestamptz)",
      booking_id, version, t.amount_minor, t.vat_minor, ts);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    std::optional<std::string> passenger = l.passenger ? std::optional(std::to_string(*l.passenger)) : std::nullopt;
    tx->exec_params(
        "INSERT INTO booking_lines (booking_id, version, position, kind, description, passenger, amount_minor, "
        "vat_rate, vat_minor, emd) VALUES ($1::uuid, $2, $3, $4, $5, $6::integer, $7, $8, $9, $10)",
        booking_id, version, static_cast<int>(i), std::string(to_string(l.kind)), l.description,
        passenger ? passenger->c_str() : nullptr, l.amount_minor, std::string(core::to_string(l.vat_rate)),
        l.vat_minor, l.emd ? l.emd->c_str() : nullptr);
  }
  tx->exec_params("UPDATE bookings SET price_version = $2, updated_at = $3::timestamptz WHERE id = $1::uuid",
                  booking_id, version, ts);
}

std::optional<Booking> load_booking(db::Tx& tx, const std::string& merchant_id, const std::string& id, bool lock) {
  auto rows = tx->exec_params(std::string("SELECT ") + kColumns +
                                  " FROM bookings b WHERE b.merchant_id = $1::uuid AND b.id = $2::uuid" +
                                  (lock ? " FOR UPDATE" : ""),
                              merchant_id, id);
  if (rows.empty()) return std::nullopt;
  return from_row(tx, rows[0]);
}

std::optional<Booking> load_booking_for_staff(db::Tx& tx, const std::string& id, bool lock) {
  auto rows = tx->exec_params(
      std::string("SELECT ") + kColumns + " FROM bookings b WHERE b.id = $1::uuid" + (lock ? " FOR UPDATE" : ""), id);
  if (rows.empty()) return std::nullopt;
  return from_row(tx, rows[0]);
}

void set_status(db::Tx& tx, const std::string& booking_id, const std::string& status,
                const std::optional<std::string>& payment_method, core::TimePoint now) {
  tx->exec_params(
      "UPDATE bookings SET status = $2, payment_method = coalesce($3, payment_method), updated_at = $4::timestamptz "
      "WHERE id = $1::uuid",
      booking_id, status, payment_method ? payment_method->c_str() : nullptr, core::to_rfc3339(now));
}

std::vector<Booking> list_bookings(db::Tx& tx, const std::string& merchant_id, const BookingFilter& f) {
  auto opt = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
  std::optional<std::string> from = f.created_from ? std::optional(core::to_rfc3339(*f.created_from)) : std::nullopt;
  std::optional<std::string> to = f.created_to ? std::optional(core::to_rfc3339(*f.created_to)) : std::nullopt;
  // Keyset pagination on (created_at, id): the cursor is the last id of the previous page.
  auto rows = tx->exec_params(
      std::string("SELECT ") + kColumns +
          " FROM bookings b WHERE b.merchant_id = $1::uuid"
          " AND ($2::text IS NULL OR b.status = $2) AND ($3::text IS NULL OR b.reference = $3)"
          " AND ($4::uuid IS NULL OR b.client_id = $4::uuid)"
          " AND ($5::timestamptz IS NULL OR b.created_at >= $5::timestamptz)"
          " AND ($6::timestamptz IS NULL OR b.created_at < $6::timestamptz)"
          " AND ($7::uuid IS NULL OR (b.created_at, b.id) > (SELECT created_at, id FROM bookings WHERE id = $7::uuid AND merchant_id = $1::uuid))"
          " ORDER BY b.created_at, b.id LIMIT $8",
      merchant_id, opt(f.status), opt(f.reference), opt(f.client_id), opt(from), opt(to), opt(f.after_id), f.limit);
  std::vector<Booking> out;
  for (const auto& r : rows) out.push_back(from_row(tx, r));
  return out;
}

}  // namespace skybill::booking
