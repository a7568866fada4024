#pragma once
// Bookings in the database, for this module's routes and for invoicing, always scoped by the
// merchant taken from the credential. Each function runs inside the caller's transaction.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/booking/model.hpp"

namespace skybill::db { class Tx; }

namespace skybill::booking {

struct Booking {
  // kind: ticket (a booking engine's) or chat_bill (a bill issued in the payment chat: one
  // service line, paid by card, never ticketed).
  std::string id, merchant_id, kind, reference, pnr, client_id, contact_email, language, currency, status, pay_token;
  std::optional<std::string> payment_method;
  nlohmann::json passengers, segments, metadata;
  nlohmann::json tickets;  // [{passenger, number}] once the airline issued them
  core::TimePoint ticketing_time_limit, created_at, updated_at;
  core::TimePoint pay_token_expires_at;
  bool pay_token_revoked = false;
  int price_version = 1;
  std::vector<Line> lines;  // of the current price version
};

// Statuses in which the price may still change and the booking may still be paid or chosen for.
bool is_open(const std::string& status) noexcept;

// Inserts the booking with price version 1; nullopt when the merchant already has a booking
// with this reference (nothing written).
std::optional<std::string> insert_booking(db::Tx& tx, const std::string& merchant_id, const std::string& client_id,
                                          const BookingInput& in, const std::string& pay_token, core::TimePoint now);
std::string booking_id_by_reference(db::Tx& tx, const std::string& merchant_id, const std::string& reference);
// Adds a price version with its lines and makes it current.
void add_price_version(db::Tx& tx, const std::string& booking_id, int version, const std::vector<Line>& lines,
                       core::TimePoint now);
// `lock` takes the row for update: the way every state change on one booking is serialized.
std::optional<Booking> load_booking(db::Tx& tx, const std::string& merchant_id, const std::string& id, bool lock);
// Any merchant's booking: for the gateway's own staff only.
std::optional<Booking> load_booking_for_staff(db::Tx& tx, const std::string& id, bool lock);
void set_status(db::Tx& tx, const std::string& booking_id, const std::string& status,
                const std::optional<std::string>& payment_method, core::TimePoint now);

struct BookingFilter {
  std::optional<std::string> status, reference, client_id, after_id;
  std::optional<core::TimePoint> created_from, created_to;
  int limit = 50;
};
std::vector<Booking> list_bookings(db::Tx& tx, const std::string& merchant_id, const BookingFilter& f);

}  // namespace skybill::booking
