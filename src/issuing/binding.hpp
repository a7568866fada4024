#pragma once
// The data of each document, read from the committed state of the gateway in the issuing
// transaction. Nothing here renders or writes.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/documents/closing.hpp"
#include "skybill/documents/invoice_pdf.hpp"
#include "skybill/issuing/issuing.hpp"

namespace skybill::db {
class Tx;
}

namespace skybill::issuing {

// An airline's document settings (merchants.settings.documents), with what is missing left empty.
struct MerchantDocuments {
  documents::Party party;
  documents::Signer signer;
  bool vat_invoice = true;        // УПД function СЧФДОП; false: ДОП (a seller that issues no VAT invoice)
  std::string delivery = "none";  // how the airline takes the gateway's documents: none | edo | post
  std::string postal_address;
  std::string prefix;             // its invoice series prefix: its documents are <prefix>-U-..., -R-, -K-
  std::string timezone;
};

MerchantDocuments merchant_documents(db::Tx& tx, const std::string& merchant_id);
// Throws 422 naming each bad member of a documents settings patch result.
void check_merchant_documents(const nlohmann::json& settings);

nlohmann::json configure_merchant_documents(db::Tx& tx, const std::string& merchant_id, const nlohmann::json& patch,
                                            db::AuditEntry who);

struct ClientDocuments {
  documents::Party party;
  std::string delivery = "none";  // none | edo | post
  std::string postal_address;
};
ClientDocuments client_documents(db::Tx& tx, const std::string& client_id);

// "2026-12-07" and "15:30:00" of an instant in a time zone.
struct LocalTime {
  std::string date, time;
  int year = 0;
};
LocalTime local_time(db::Tx& tx, core::TimePoint at, const std::string& timezone);

documents::InvoicePdf bind_invoice(db::Tx& tx, const Context& ctx, const std::string& invoice_id,
                                   std::string& booking_id, std::string& client_id);

// The УПД of a booking at a price version; `payments` from the invoice's payments, none for a
// guarantee. Number, date and GUID are filled by the caller.
// `positions`: the booking line position of each document line, to chain corrections on.
documents::Upd bind_upd(db::Tx& tx, const Context& ctx, const std::string& booking_id, int price_version,
                        std::string& client_id, std::vector<int>& positions);

// One receipt per ticket of a ticketed booking.
struct BoundReceipt {
  std::string ticket_number;
  documents::ItineraryReceipt receipt;
};
std::vector<BoundReceipt> bind_receipts(db::Tx& tx, const Context& ctx, const std::string& booking_id,
                                        std::string& client_id);

// The correction a refund makes of the booking's last УПД or correction (`corrected` its
// document row): refunded lines fall by the refund, the airline's penalty stays on them. The
// document states the lines it changes; `after` is every line as it stands after it.
documents::Correction bind_correction(db::Tx& tx, const Context& ctx, const std::string& refund_id,
                                      std::string& booking_id, std::string& client_id,
                                      std::optional<std::string>& corrected,
                                      std::vector<documents::DocumentLine>& after);

// The gateway's commission УПД of a payout; nullopt when it withheld none.
std::optional<documents::Upd> bind_commission(db::Tx& tx, const Context& ctx, const std::string& payout_id);

// The lines of an УПД or correction as stored in facts, to chain corrections on.
nlohmann::json lines_json(const std::vector<documents::DocumentLine>& lines);

}  // namespace skybill::issuing
