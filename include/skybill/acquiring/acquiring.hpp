#pragma once
// Card payments with 3-D Secure (docs/cards.md): the start of a payment from the hosted page
// (/pay/{token}/api/card), the return to it, the acquirer's signed callback (/v1/acquirer/callback), the job that captures and releases
// holds, and the built-in sandbox acquirer (/sandbox-acquirer/...).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/core/clock.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::core { class Problem; }

namespace skybill::acquiring {

struct CardPaid {
  std::string merchant_id, booking_id, invoice_id, attempt_id, acquirer_ref, currency;
  std::int64_t amount_minor;
  bool hold;
};
// Called inside the callback's transaction when money is captured (card) or authorised (hold:
// hold=true); and inside the settle job's transaction when a hold is captured (hold=false).
// It does the bookkeeping: ledger posting, invoice/booking status, events.
using PaymentSink = std::function<void(db::Tx&, const CardPaid&)>;

// Until the payments module provides its own: a captured payment marks the invoice paid and
// the booking paid (unless it is ticketed already), posts Dr gateway bank / Cr merchant payable,
// writes the audit rows (actor "acquirer:sandbox") and emits invoice.paid and booking.paid. An
// authorised hold only leaves an audit row: no money has moved.
PaymentSink default_sink(const core::Clock& clock, std::string public_url);

struct Settings {
  std::string public_url;       // http.public_url: pages, the callback URL, the sandbox's base URL
  std::string callback_secret;  // acquirer.callback_secret: signs and verifies callbacks
  std::chrono::milliseconds timeout{10'000};  // each call to the acquirer or to the callback URL
  // What a browser navigating to a refused pay link gets (the friendly page); unset: the problem.
  std::function<http::Response(const core::Problem&)> link_refused;
};

// The hosted page's card block for the booking the (already checked) pay token opens: null when
// its invoice is not paid by card, else {can_pay, hold, amount, currency, action, last_attempt:
// null | {id, status, amount, card_last4, failure_reason, capture_at}}. In the caller's transaction.
nlohmann::json card_view(db::Tx& tx, const std::string& pay_token);

// The module's state shared by its routes and its job: the acquirer and the threads its
// blocking calls run on.
class CardPayments {
 public:
  virtual ~CardPayments() = default;
  // The settle job (run it every jobs.interval_ms; safe with many instances): holds whose
  // invoice is unpaid at its due date are captured, holds whose invoice was paid otherwise or
  // voided are released, payments that arrived for an invoice that could no longer take them
  // are refunded; the sandbox's undelivered callbacks are sent again.
  virtual boost::asio::awaitable<void> settle() = 0;
  // Refunds `amount_minor` of a capture at the acquirer, off the I/O threads; `reference`
  // makes a repeat harmless. Throws AcquirerError.
  virtual boost::asio::awaitable<void> refund(std::string acquirer_ref, std::int64_t amount_minor,
                                              std::string reference) = 0;
};

// POST /pay/{token}/card, /pay/{token}/api/card, GET /pay/{token}/return, POST /v1/acquirer/callback,
// and the sandbox acquirer under /sandbox-acquirer/.
std::shared_ptr<CardPayments> add_routes(http::Router& router, db::Pool& pool, const core::Clock& clock,
                                         Settings settings, PaymentSink sink);

}  // namespace skybill::acquiring
