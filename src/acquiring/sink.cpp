// The payment sink used until the payments module brings its own: the bookkeeping of a card
// payment (docs/cards.md, "What a card payment posts").
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "html.hpp"
#include "skybill/acquiring/acquiring.hpp"
#include "skybill/booking/routes.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/identity/clients.hpp"
#include "skybill/invoicing/invoicing.hpp"
#include "skybill/ledger/ledger.hpp"
#include "store.hpp"

namespace skybill::acquiring {

PaymentSink default_sink(const core::Clock& clock, std::string public_url) {
  return [&clock, public_url = std::move(public_url)](db::Tx& tx, const CardPaid& p) {
    const std::string actor = "acquirer:sandbox";
    nlohmann::json data = {{"attempt_id", p.attempt_id},
                           {"acquirer_ref", p.acquirer_ref},
                           {"amount", html::money(p.amount_minor, p.currency)},
                           {"currency", p.currency}};
    if (p.hold) {
      // No money has moved: the booking was authorised for ticketing when card_hold was chosen.
      db::audit(tx, {actor, p.merchant_id, "invoice.card_hold_authorized", p.invoice_id, ""}, data);
      return;
    }
    auto now = clock.now();
    auto inv = lock_invoice(tx, p.invoice_id);
    if (inv.currency != p.currency)  // never converted; the caller checked it already
      throw std::logic_error("card payment in " + p.currency + " for invoice " + inv.number + " in " + inv.currency);
    auto paid_minor = inv.paid_minor + p.amount_minor;
    std::string status = paid_minor >= inv.amount_minor ? "paid" : "partially_paid";
    record_invoice_payment(tx, inv.id, status, paid_minor, now);
    auto entry_id = ledger::post(
        tx, ledger::Entry{"payment.card",
                          inv.id,
                          "card payment " + p.acquirer_ref + " for invoice " + inv.number,
                          {{{ledger::Owner::gateway, "", ledger::Kind::bank, p.currency}, p.amount_minor},
                           {{ledger::Owner::merchant, p.merchant_id, ledger::Kind::payable, p.currency}, -p.amount_minor}}});
    data["ledger_entry_id"] = entry_id;
    data["number"] = inv.number;
    db::audit(tx, {actor, p.merchant_id, "invoice.paid", inv.id, ""}, data,
              db::Changes().set("status", inv.status, status).set("paid_minor", inv.paid_minor, paid_minor));

    auto booking_status = lock_booking(tx, p.booking_id);
    bool booking_paid = status == "paid" && (booking_status == "awaiting_payment" || booking_status == "ticketing_authorized");
    if (booking_paid) {
      booking::set_status(tx, p.booking_id, "paid", std::nullopt, now);
      db::audit(tx, {actor, p.merchant_id, "booking.paid", p.booking_id, ""},
                {{"invoice_id", inv.id}, {"number", inv.number}}, db::Changes().set("status", booking_status, "paid"));
    }
    if (status != "paid") return;
    auto b = *booking::load_booking(tx, p.merchant_id, p.booking_id, false);
    auto client = identity::find_linked_client(tx, p.merchant_id, b.client_id).value_or(nullptr);
    auto body = booking::booking_json(b, client, public_url);
    invoicing::enricher()(tx, b, now, body);
    db::enqueue_event(tx, p.merchant_id, "invoice.paid", p.booking_id, body["invoice"]);
    if (booking_paid) db::enqueue_event(tx, p.merchant_id, "booking.paid", p.booking_id, body);
  };
}

}  // namespace skybill::acquiring
