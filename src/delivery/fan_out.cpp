#include <map>

#include "skybill/core/money.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/delivery/delivery.hpp"
#include "skybill/log/log.hpp"

namespace skybill::delivery {
namespace {

// Taken with pg_try_advisory_xact_lock: one fan-out at a time across instances.
constexpr long long kFanOutLock = 0x736b7962696c6c01;  // "skybill" + 1

struct Email {
  std::string kind, recipient, language;
  nlohmann::json facts;
};

std::string amount_of(const nlohmann::json& amount, const nlohmann::json& currency) {
  return amount.get<std::string>() + " " + currency.get<std::string>();
}

// Who is told of an event by e-mail, and with what; nullopt for events that send none.
std::optional<Email> email_for(db::Tx& tx, const FanOutContext& ctx, const std::string& topic,
                               const std::string& merchant_id, const std::string& booking_id,
                               const nlohmann::json& payload) {
  if (topic == "support_case.opened") {
    if (ctx.support_address.empty()) return std::nullopt;
    return Email{"support_case_opened", ctx.support_address, "ru",
                 {{"case_id", payload.value("id", "")},
                  {"type", payload.value("type", "")},
                  {"notes", payload.value("notes", "")},
                  {"booking_id", booking_id}}};
  }
  if (topic == "webhook_endpoint.disabled") {
    auto rows = tx->exec_params("SELECT contact_email FROM merchants WHERE id = $1::uuid AND contact_email IS NOT NULL",
                                merchant_id);
    if (rows.empty()) return std::nullopt;
    return Email{"endpoint_disabled", rows[0][0].as<std::string>(), "ru",
                 {{"url", payload.value("url", "")},
                  {"since", payload.value("failing_since", "")},
                  {"last_error", payload.value("last_error", "")}}};
  }
  static const std::map<std::string, std::string> client_kinds = {
      {"invoice.issued", "invoice_issued"},
      {"booking.expiring", "tl_expiring"},
      {"booking.expired", "booking_expired"},
      {"invoice.paid", "payment_received"},
      {"invoice.partially_paid", "payment_received"},
      {"invoice.payment_reminder", "payment_reminder"},
      {"booking.ticketing_authorized", "ticketing_authorized"},
      {"refund.succeeded", "refund_done"},
      {"document.issued", "document_issued"}};
  auto kind = client_kinds.find(topic);
  if (kind == client_kinds.end() || booking_id.empty()) return std::nullopt;
  auto rows = tx->exec_params(
      "SELECT b.kind, b.contact_email, b.language, b.reference, b.pnr, b.pay_token, b.currency, b.payment_method, "
      "  " + db::epoch_us("b.ticketing_time_limit") + " AS tl_us, v.amount_minor, m.name AS merchant_name "
      "FROM bookings b JOIN merchants m ON m.id = b.merchant_id "
      "JOIN booking_price_versions v ON v.booking_id = b.id AND v.version = b.price_version "
      "WHERE b.id = $1::uuid",
      booking_id);
  // A booking without a contact address (a chat bill whose customer gave none) gets no e-mail.
  if (rows.empty() || rows[0]["contact_email"].as<std::string>().empty()) return std::nullopt;
  const auto& b = rows[0];
  auto currency = b["currency"].as<std::string>();
  const auto& cur = core::currency(currency);
  nlohmann::json facts = {{"merchant_name", b["merchant_name"].as<std::string>()},
                          {"reference", b["reference"].as<std::string>()},
                          {"pnr", b["pnr"].as<std::string>()}};
  auto pay_url = ctx.public_url + "/pay/" + b["pay_token"].as<std::string>();
  auto tl = core::to_rfc3339(db::as_time(b["tl_us"]));
  auto booking_amount = core::Money(b["amount_minor"].as<long long>(), cur).to_string() + " " + currency;
  const auto& k = kind->second;
  // A chat bill has no ticketing time limit to warn of: its customer sees it expire in the chat.
  if (b["kind"].as<std::string>() == "chat_bill" && (k == "tl_expiring" || k == "booking_expired")) return std::nullopt;
  if (k == "invoice_issued") {
    facts["invoice_number"] = payload.at("number");
    facts["amount"] = amount_of(payload.at("totals").at("amount"), payload.at("currency"));
    facts["due_at"] = payload.at("due_at");
    facts["pay_url"] = pay_url;
    facts["pdf_url"] = pay_url + "/invoice.pdf";
  } else if (k == "document_issued") {
    // The client's closing documents; the invoice has its own e-mail, the commission is the airline's.
    static const std::map<std::string, std::pair<std::string, std::string>> titles = {
        {"upd", {"Универсальный передаточный документ", "Universal transfer document (UPD)"}},
        {"receipt", {"Маршрутная квитанция", "Itinerary receipt"}},
        {"correction", {"Корректировочный документ (УКД)", "Correction document (UKD)"}}};
    auto title = titles.find(payload.value("kind", ""));
    if (title == titles.end()) return std::nullopt;
    auto id = payload.value("id", "");
    facts["document_title"] = b["language"].as<std::string>() == "en" ? title->second.second : title->second.first;
    facts["number"] = payload.value("number", "");
    facts["pdf_url"] = pay_url + "/documents/" + id + ".pdf";
    if (payload.contains("xml") && payload["xml"].is_object()) facts["xml_url"] = pay_url + "/documents/" + id + ".xml";
  } else if (k == "tl_expiring") {
    facts["ticketing_time_limit"] = tl;
    facts["pay_url"] = pay_url;
    facts["amount"] = booking_amount;
  } else if (k == "booking_expired") {
    facts["ticketing_time_limit"] = tl;
  } else if (k == "payment_received") {
    facts["invoice_number"] = payload.at("number");
    // The payment itself when the event names it, else the whole invoice (a deposit pays at once).
    facts["amount"] = payload.contains("payment")
                          ? amount_of(payload["payment"].at("amount"), payload.at("currency"))
                          : amount_of(payload.at("totals").at("amount"), payload.at("currency"));
    if (topic == "invoice.partially_paid") facts["outstanding"] = amount_of(payload.at("outstanding"), payload.at("currency"));
  } else if (k == "payment_reminder") {
    facts["invoice_number"] = payload.at("number");
    facts["amount"] = amount_of(payload.at("outstanding"), payload.at("currency"));
    facts["due_at"] = payload.at("due_at");
  } else if (k == "ticketing_authorized") {
    if (!b["payment_method"].is_null()) facts["method"] = b["payment_method"].as<std::string>();
  } else if (k == "refund_done") {
    facts["amount"] = amount_of(payload.at("amount"), payload.at("currency"));
    if (payload.contains("reason") && payload["reason"].is_string()) facts["reason"] = payload["reason"];
  }
  return Email{k, b["contact_email"].as<std::string>(), b["language"].as<std::string>(), std::move(facts)};
}

void queue_email(db::Tx& tx, const std::string& merchant_id, long long seq, const Email& e, const std::string& now) {
  auto notice = mail::render(e.kind, mail::language_of(e.language), e.facts);
  tx->exec_params(
      "INSERT INTO email_messages (merchant_id, event_seq, kind, recipient, language, subject, body, "
      "next_attempt_at, created_at) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::timestamptz, $8::timestamptz)",
      merchant_id.empty() ? nullptr : merchant_id.c_str(), seq, e.kind, e.recipient, e.language, notice.subject,
      notice.body, now);
}

}  // namespace

int fan_out(db::Pool& pool, const core::Clock& clock, const FanOutContext& context, int batch) {
  int count = 0;
  auto now = core::to_rfc3339(clock.now());
  pool.transact_sync([&](db::Tx& tx) {
    count = 0;
    if (!tx->exec_params1("SELECT pg_try_advisory_xact_lock($1)", kFanOutLock)[0].as<bool>()) return;
    // Deliveries get ids in event order, so a later event of a booking never overtakes an
    // earlier one (the sender also checks event order per endpoint and booking).
    auto rows = tx->exec_params(
        "WITH batch AS (SELECT id FROM outbox WHERE fanned_out_at IS NULL ORDER BY id LIMIT $1), "
        "deliveries AS (INSERT INTO webhook_deliveries (event_seq, endpoint_id, order_key, next_attempt_at, created_at) "
        "  SELECT o.id, e.id, o.booking_id, $2::timestamptz, $2::timestamptz FROM batch "
        "  JOIN outbox o ON o.id = batch.id "
        "  JOIN webhook_endpoints e ON e.merchant_id = o.merchant_id AND e.status = 'enabled' "
        "   AND (o.topic = ANY (e.events) OR '*' = ANY (e.events) OR split_part(o.topic, '.', 1) || '.*' = ANY (e.events)) ORDER BY o.id, e.id RETURNING 1) "
        "UPDATE outbox o SET fanned_out_at = $2::timestamptz FROM batch WHERE o.id = batch.id "
        "RETURNING o.id, o.merchant_id, o.topic, o.booking_id, o.payload::text AS payload",
        batch, now);
    for (const auto& r : rows) {
      auto topic = r["topic"].as<std::string>();
      auto merchant = r["merchant_id"].is_null() ? std::string() : r["merchant_id"].as<std::string>();
      auto booking = r["booking_id"].is_null() ? std::string() : r["booking_id"].as<std::string>();
      auto seq = r["id"].as<long long>();
      try {
        auto payload = nlohmann::json::parse(r["payload"].as<std::string>());
        if (auto email = email_for(tx, context, topic, merchant, booking, payload))
          queue_email(tx, merchant, seq, *email, now);
      } catch (const pqxx::failure&) {
        throw;  // the transaction is broken: roll back, the next round retries
      } catch (const std::exception& e) {
        // A template that cannot be filled must not hold back every later event.
        log::event(log::Level::error, "e-mail not rendered", {{"event_seq", seq}, {"topic", topic}, {"error", e.what()}});
      }
      ++count;
    }
  });
  return count;
}

}  // namespace skybill::delivery
