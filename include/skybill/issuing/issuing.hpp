#pragma once
// Closing documents as the gateway issues, stores, serves and sends them. The job walks the
// outbox in order and makes each document an event causes, once (keyed by what it is of, so an
// event delivered twice makes one): the invoice PDF on invoice.issued, the УПД on invoice.paid or
// on a guarantee, the itinerary receipts on booking.ticketed, the УКД on refund.succeeded and
// the gateway's commission УПД on payout.confirmed. Bad data opens a support case instead.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/core/clock.hpp"
#include "skybill/documents/closing.hpp"
#include "skybill/http/router.hpp"
#include "skybill/issuing/edo.hpp"

namespace skybill::db {
class Pool;
class Tx;
}
namespace skybill::core { class Problem; }

namespace skybill::issuing {

struct Context {
  db::Pool& pool;
  const core::Clock& clock;
  documents::Party gateway;      // the payee of invoices, the seller of the commission
  documents::Signer gateway_signer;
  std::string gateway_series;    // SKY: the gateway's own documents, SKY-C-2026-000001
  std::string commission_vat;    // "22"
  std::string formats_dir;       // the tax service's XSDs: every XML is validated before it is stored
  std::string public_url;        // links in e-mails and on the hosted page
  std::shared_ptr<EdoOperator> edo;  // null: EDO dispatches wait
  // What a browser gets for a refused pay link on a file link (the invoice PDF an e-mail
  // carries): the hosted page's friendly page. Unset: the problem as JSON.
  std::function<http::Response(const core::Problem&)> link_refused;
};

// "Сидоров Алексей Петрович", "Генеральный директор" -> the signer (gateway.signer setting).
documents::Signer signer_from_name(const std::string& name, const std::string& position);

// Changes an airline's document settings by a JSON merge patch: address, edo_id, signer
// {last_name, first_name, middle_name, position}, vat_invoice, delivery (none | edo | post),
// postal_address. Throws 422 naming each bad member; audited. Returns the settings after.
nlohmann::json configure_merchant_documents(db::Pool& pool, const std::string& merchant_id, const nlohmann::json& patch,
                                            const std::string& actor);

// Makes the documents of up to `batch` outbox events, one transaction per event, in event
// order (one instance at a time). Returns how many events were handled.
boost::asio::awaitable<int> issue_pending(const Context& ctx, int batch = 50);
int issue_pending_sync(const Context& ctx, int batch = 50);

// Sends queued EDO dispatches through the operator and takes the statuses it reports.
// Returns how many dispatches changed.
boost::asio::awaitable<int> dispatch_pending(const Context& ctx);

// The client-facing documents (invoice, УПД, receipts, corrections) of a booking, oldest first,
// each {id, kind, number, issued_at, pdf_url, xml_url} linked through its pay token.
nlohmann::json pay_documents(db::Tx& tx, const std::string& booking_id, const std::string& token);

// What an invoice's payment QR carries, exactly as its PDF prints it.
struct InvoicePayment {
  std::string purpose;         // "Оплата по счёту № DA-2026-000001 от 07.12.2026, PNR …"
  std::string payment_string;  // "ST00012|Name=…"
};
// Throws core::Problem (422) when the details break GOST R 56042-2014 (as the PDF would).
InvoicePayment invoice_payment(db::Tx& tx, const Context& ctx, const std::string& invoice_id);

// GET /v1/documents, /v1/documents/{id}[.pdf|.xml], POST /v1/documents/retry (staff),
// GET /v1/post-queue, POST /v1/documents/{id}/posted (staff), PUT /v1/clients/{id}/documents,
// PATCH /v1/merchants/{id}/documents (staff), GET /pay/{token}/documents[/{id}.pdf].
void add_routes(http::Router& router, const Context& ctx);

}  // namespace skybill::issuing
