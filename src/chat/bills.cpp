// Bills in the payment chat (include/skybill/chat/bills.hpp): a bill is a booking of kind
// chat_bill with a card invoice, made and cancelled through the invoicing use cases.
#include "skybill/chat/bills.hpp"

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>

#include "skybill/api/idempotency.hpp"
#include "skybill/audit/actor.hpp"
#include "skybill/booking/bookings.hpp"
#include "skybill/booking/routes.hpp"
#include "skybill/core/identifiers.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/core/vat.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/invoicing/invoicing.hpp"

namespace skybill::chat {

using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr std::size_t kPayTokenLength = 32;  // as booking/routes.cpp makes them
constexpr std::size_t kMaxDescription = 500;
constexpr int kSweepBatch = 100;

std::string& public_url() {
  static std::string value;
  return value;
}

const std::string kColumns =
    "cb.id, cb.merchant_id, cb.dialog_id, cb.booking_id, cb.invoice_id, cb.linked_booking_id, cb.number, cb.currency, "
    "cb.amount_minor, cb.description, cb.status, " + db::epoch_us("cb.created_at") + " AS created_us, " +
    db::epoch_us("cb.paid_at") + " AS paid_us, b.pay_token, lb.reference AS linked_reference, lb.pnr AS linked_pnr";
const std::string kFrom =
    " FROM chat_bills cb JOIN bookings b ON b.id = cb.booking_id LEFT JOIN bookings lb ON lb.id = cb.linked_booking_id ";

struct Bill {
  std::string id, merchant_id, dialog_id, booking_id, invoice_id, number, currency, description, status, pay_token;
  std::optional<std::string> linked_id, linked_reference, linked_pnr;
  std::int64_t amount_minor = 0;
  core::TimePoint created_at;
  std::optional<core::TimePoint> paid_at;
};

Bill from_row(const pqxx::row& r) {
  Bill b;
  b.id = r["id"].as<std::string>();
  b.merchant_id = r["merchant_id"].as<std::string>();
  b.dialog_id = r["dialog_id"].as<std::string>();
  b.booking_id = r["booking_id"].as<std::string>();
  b.invoice_id = r["invoice_id"].as<std::string>();
  if (!r["linked_booking_id"].is_null()) {
    b.linked_id = r["linked_booking_id"].as<std::string>();
    b.linked_reference = r["linked_reference"].as<std::string>();
    b.linked_pnr = r["linked_pnr"].as<std::string>();
  }
  b.number = r["number"].as<std::string>();
  b.currency = r["currency"].as<std::string>();
  b.amount_minor = r["amount_minor"].as<long long>();
  b.description = r["description"].as<std::string>();
  b.status = r["status"].as<std::string>();
  b.created_at = db::as_time(r["created_us"]);
  if (!r["paid_us"].is_null()) b.paid_at = db::as_time(r["paid_us"]);
  b.pay_token = r["pay_token"].as<std::string>();
  return b;
}

// `where` names the bill by a parameter $1; `lock` takes the bill's row (its booking's first:
// every use case locks the booking before what hangs on it).
std::optional<Bill> find_bill(db::Tx& tx, const std::string& where, const std::string& value, bool lock) {
  auto rows = tx->exec_params("SELECT " + kColumns + kFrom + "WHERE " + where + (lock ? " FOR UPDATE OF cb" : ""), value);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

// As docs/chat.md shows a bill: data.bill of its messages and the REST answers.
nlohmann::json bill_json(const Bill& b) {
  return {{"id", b.id},
          {"number", b.number},
          {"amount", core::Money(b.amount_minor, core::currency(b.currency)).to_string()},
          {"currency", b.currency},
          {"description", b.description},
          {"status", b.status},
          {"pay_url", public_url() + "/pay/" + b.pay_token},
          {"booking", b.linked_id ? nlohmann::json{{"id", *b.linked_id},
                                                   {"reference", *b.linked_reference},
                                                   {"pnr", *b.linked_pnr}}
                                  : nlohmann::json(nullptr)},
          {"created_at", core::to_rfc3339(b.created_at)},
          {"paid_at", b.paid_at ? nlohmann::json(core::to_rfc3339(*b.paid_at)) : nlohmann::json(nullptr)}};
}

struct BillInput {
  std::int64_t amount_minor = 0;
  std::string currency, description;
  core::VatRate vat_rate = core::VatRate::none;
  std::optional<std::string> booking_id;
};

// {amount, currency, description, booking_id?, vat_rate?}: every problem in one 422.
BillInput parse_bill(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  for (const auto& [k, v] : body.items())
    if (k != "amount" && k != "currency" && k != "description" && k != "booking_id" && k != "vat_rate")
      errors.push_back({k, "is not a known field"});
  BillInput in;
  const core::Currency* cur = nullptr;
  if (auto it = body.find("currency"); it == body.end() || !it->is_string() ||
                                       !(cur = core::find_currency(it->get<std::string>())))
    errors.push_back({"currency", "must be an ISO 4217 currency code in capitals (\"EUR\")"});
  else
    in.currency = std::string(cur->code);
  auto amount = body.find("amount");
  if (amount == body.end() || !amount->is_string()) {
    errors.push_back({"amount", "must be a decimal string in the currency's minor units (\"1500.00\")"});
  } else if (cur) {
    try {
      in.amount_minor = core::Money::parse(amount->get<std::string>(), *cur).minor();
      if (in.amount_minor <= 0) errors.push_back({"amount", "must be more than zero"});
    } catch (const core::MoneyError& e) {
      errors.push_back({"amount", std::string(e.what()) + " (" + in.currency + " has " + std::to_string(cur->exponent) +
                                      " digits after the point)"});
    }
  }
  auto description = body.find("description");
  if (description == body.end() || !description->is_string() ||
      description->get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos ||
      description->get<std::string>().size() > kMaxDescription)
    errors.push_back({"description", "must be text of 1 to 500 bytes"});
  else
    in.description = description->get<std::string>();
  if (auto it = body.find("vat_rate"); it != body.end() && !it->is_null()) {
    std::optional<core::VatRate> rate;
    if (it->is_string()) rate = core::parse_vat_rate(it->get<std::string>());
    if (!rate) errors.push_back({"vat_rate", "must be one of 22, 20, 10, 0, none"});
    else in.vat_rate = *rate;
  }
  if (auto it = body.find("booking_id"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || !core::is_uuid(it->get<std::string>())) errors.push_back({"booking_id", "must be a booking id"});
    else in.booking_id = it->get<std::string>();
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return in;
}

// The chat customer as a buyer: a private person, one client row per customer (made at the
// first bill, linked to the airline so the airline's API shows it with the booking).
std::string person_client(db::Tx& tx, const DialogRef& dialog, const db::AuditEntry& who, const std::string& name) {
  auto rows = tx->exec_params("SELECT client_id FROM chat_bills WHERE visitor_id = $1::uuid LIMIT 1", dialog.visitor_id);
  if (!rows.empty()) return rows[0][0].as<std::string>();
  auto id = tx->exec_params1("INSERT INTO clients (kind, inn, kpp, name) VALUES ('person', '', '', $1) RETURNING id",
                             name)[0]
                .as<std::string>();
  tx->exec_params("INSERT INTO merchant_clients (merchant_id, client_id) VALUES ($1::uuid, $2::uuid)",
                  dialog.merchant_id, id);
  db::audit(tx, {who.actor, dialog.merchant_id, "client.created", id, who.request_id},
            {{"kind", "person"}, {"chat_visitor_id", dialog.visitor_id}},
            db::Changes().set("name", nullptr, name));
  return id;
}

// A bill's status change with its audit row, its webhook event and its event in the dialog.
void record_change(db::Tx& tx, const std::string& bill_id, const std::string& before, const std::string& event,
                   const db::AuditEntry& who, core::TimePoint now) {
  auto bill = *find_bill(tx, "cb.id = $1::uuid", bill_id, false);
  auto json = bill_json(bill);
  db::audit(tx, {who.actor, bill.merchant_id, "chat_" + event, bill.id, who.request_id},
            {{"number", bill.number}, {"dialog_id", bill.dialog_id}}, db::Changes().set("status", before, bill.status));
  db::enqueue_event(tx, bill.merchant_id, "chat_" + event, bill.booking_id, json);
  NewMessage m;
  m.dialog_id = bill.dialog_id;
  m.kind = "event";
  m.author_kind = "system";
  m.data = {{"event", event}, {"bill", json}};
  append_message(tx, m, now);
}

// Sets the bill's status (and the time column of it) when it is still `from`; false otherwise.
bool move_bill(db::Tx& tx, const std::string& bill_id, const std::string& from, const std::string& to,
               core::TimePoint now, const std::string& actor = {}) {
  const std::string column = to == "paid" ? "paid_at" : to == "cancelled" ? "cancelled_at"
                             : to == "expired" ? "expired_at" : "refunded_at";
  return !tx->exec_params("UPDATE chat_bills SET status = $3, " + column + " = $4::timestamptz, " +
                              "cancelled_by = CASE WHEN $3 = 'cancelled' THEN $5 ELSE cancelled_by END "
                              "WHERE id = $1::uuid AND status = $2 RETURNING 1",
                          bill_id, from, to, core::to_rfc3339(now), actor)
              .empty();
}

// The bill named by the route's {id} as the caller may see it (404 otherwise).
Bill bill_in_scope(db::Tx& tx, const Request& req) {
  const auto& id = req.param("id");
  std::optional<Bill> bill;
  if (core::is_uuid(id)) bill = find_bill(tx, "cb.id = $1::uuid", id, false);
  if (!bill) throw core::not_found("bill " + id);
  try {
    dialog_for_staff(tx, req.caller(), bill->dialog_id, false);
  } catch (const core::Problem& p) {
    if (p.status == 404) throw core::not_found("bill " + id);
    throw;
  }
  return *bill;
}

Response issue_bill(db::Tx& tx, const booking::RouteContext& bookings, const Request& req, const BillInput& in) {
  auto now = bookings.clock.now();
  auto dialog = dialog_for_staff(tx, req.caller(), req.param("id"), true);
  if (dialog.status == "closed")
    throw core::Problem(409, "dialog-closed", "Dialog closed", "dialog " + dialog.id + " is closed: bill in a live one");
  const auto& merchant = dialog.merchant_id;
  db::AuditEntry who{audit::actor(req.caller()), merchant, "", "", req.request_id};

  std::optional<booking::Booking> linked;
  if (in.booking_id) {
    linked = booking::load_booking(tx, merchant, *in.booking_id, false);
    if (!linked || linked->kind != "ticket")
      throw core::validation_failed({{"booking_id", "is not a booking of this airline"}});
  }
  auto visitor = tx->exec_params1("SELECT name, email, language FROM chat_visitors WHERE id = $1::uuid", dialog.visitor_id);
  auto name = visitor[0].as<std::string>();
  auto email = visitor[1].as<std::string>();
  auto client_id = person_client(tx, dialog, who, !name.empty() ? name : !email.empty() ? email : "Chat customer");

  // The bill's own booking: one service line, due in kBillLifetime, then a card invoice
  // through the client's-choice use case (numbered in the airline's series, invoice.issued).
  auto bill_id = tx->exec("SELECT gen_random_uuid()")[0][0].as<std::string>();
  booking::BookingInput b;
  b.reference = "chat-" + bill_id;  // "chat-<invoice number>" once it has one
  b.pnr = linked ? linked->pnr : "";
  b.contact_email = email;
  b.language = visitor[2].as<std::string>() == "ru" ? "ru" : "en";
  b.passengers = nlohmann::json::array();
  b.segments = nlohmann::json::array();
  b.currency = in.currency;
  b.ticketing_time_limit = now + kBillLifetime;
  b.metadata = {{"chat_bill", {{"id", bill_id},
                               {"dialog_id", dialog.id},
                               {"linked_booking_id", linked ? nlohmann::json(linked->id) : nlohmann::json(nullptr)}}}};
  const auto& cur = core::currency(in.currency);
  booking::Line line{booking::LineKind::service,
                     in.description,
                     std::nullopt,
                     in.amount_minor,
                     in.vat_rate,
                     core::vat_included(core::Money(in.amount_minor, cur), in.vat_rate).minor(),
                     std::nullopt};
  auto booking_id = booking::insert_booking(tx, merchant, client_id, b, crypto::random_base62(kPayTokenLength), now);
  if (!booking_id) throw std::runtime_error("chat bill reference taken: " + b.reference);
  tx->exec_params("UPDATE bookings SET kind = 'chat_bill' WHERE id = $1::uuid", *booking_id);
  booking::add_price_version(tx, *booking_id, 1, {line}, now);
  db::audit(tx, {who.actor, merchant, "booking.created", *booking_id, who.request_id},
            {{"reference", b.reference}, {"chat_bill_id", bill_id}},
            db::Changes().set("status", nullptr, "pending").set("price_version", nullptr, 1));
  auto chosen = invoicing::choose_payment_method(tx, bookings, *booking_id, options::Method::card, who, req.path,
                                                 b.ticketing_time_limit);
  if (chosen.status != 200) throw std::runtime_error("a new chat bill's booking refused a card: " + chosen.body);
  auto inv = tx->exec_params1("SELECT id, number FROM invoices WHERE booking_id = $1::uuid AND status <> 'void'",
                              *booking_id);
  auto number = inv[1].as<std::string>();
  tx->exec_params("UPDATE bookings SET reference = $2 WHERE id = $1::uuid", *booking_id, "chat-" + number);
  tx->exec_params(
      "INSERT INTO chat_bills (id, merchant_id, dialog_id, visitor_id, client_id, booking_id, invoice_id, "
      "linked_booking_id, number, currency, amount_minor, vat_rate, description, created_by, created_at, due_at) "
      "VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7::uuid, $8::uuid, $9, $10, $11, $12, $13, "
      "$14::uuid, $15::timestamptz, $16::timestamptz)",
      bill_id, merchant, dialog.id, dialog.visitor_id, client_id, *booking_id, inv[0].as<std::string>(),
      linked ? linked->id.c_str() : nullptr, number, in.currency, in.amount_minor,
      std::string(core::to_string(in.vat_rate)), in.description, req.caller().id, core::to_rfc3339(now),
      core::to_rfc3339(b.ticketing_time_limit));

  auto json = bill_json(*find_bill(tx, "cb.id = $1::uuid", bill_id, false));
  db::audit(tx, {who.actor, merchant, "chat_bill.issued", bill_id, who.request_id},
            {{"number", number}, {"dialog_id", dialog.id}, {"booking_id", *booking_id}, {"invoice_id", inv[0].as<std::string>()},
             {"amount", json["amount"]}, {"currency", in.currency}},
            db::Changes().set("status", nullptr, "open"));
  db::enqueue_event(tx, merchant, "chat_bill.issued", *booking_id, json);
  NewMessage m;
  m.dialog_id = dialog.id;
  m.kind = "bill";
  m.author_kind = "staff";
  m.author_id = req.caller().id;
  m.body = in.description;
  m.data = {{"bill", json}};
  append_message(tx, m, now);
  return Response::json(201, json);
}

Response cancel_bill(db::Tx& tx, const booking::RouteContext& bookings, const Request& req) {
  auto now = bookings.clock.now();
  auto seen = bill_in_scope(tx, req);
  auto locked = booking::load_booking(tx, seen.merchant_id, seen.booking_id, true);
  auto bill = *find_bill(tx, "cb.id = $1::uuid", seen.id, true);
  if (bill.status == "open" && locked->status == "expired") bill.status = "expired";  // the sweep is about to say so
  if (bill.status != "open")
    throw core::Problem(409, "bill-not-cancellable", "Bill cannot be cancelled",
                        "bill " + bill.number + " is " + bill.status +
                            (bill.status == "paid" ? "; a paid bill is settled by a refund instead" : ""));
  db::AuditEntry who{audit::actor(req.caller()), bill.merchant_id, "", "", req.request_id};
  invoicing::cancel_booking(tx, bookings, *locked, who);
  move_bill(tx, bill.id, "open", "cancelled", now, who.actor);
  record_change(tx, bill.id, "open", "bill.cancelled", who, now);
  return Response::json(200, bill_json(*find_bill(tx, "cb.id = $1::uuid", bill.id, false)));
}

}  // namespace

void add_bill_routes(http::Router& router, const Context& ctx) {
  public_url() = ctx.public_url;
  auto bookings = std::make_shared<booking::RouteContext>(
      booking::RouteContext{ctx.pool, ctx.clock, ctx.public_url, invoicing::enricher()});

  router.add("POST", "/admin/api/chat/dialogs/{id}/bills", http::Access::any_staff, "chat.operate",
             [bookings](Request& req) -> awaitable<Response> {
               auto in = parse_bill(req.json());
               if (!core::is_uuid(req.param("id"))) throw core::not_found("dialog " + req.param("id"));
               co_return co_await api::idempotent(bookings->pool, req,
                                                  [&](db::Tx& tx) { return issue_bill(tx, *bookings, req, in); });
             });

  router.add("POST", "/admin/api/chat/bills/{id}/cancel", http::Access::any_staff, "chat.operate",
             [bookings](Request& req) -> awaitable<Response> {
               co_return co_await api::idempotent(bookings->pool, req,
                                                  [&](db::Tx& tx) { return cancel_bill(tx, *bookings, req); });
             });

  router.add("GET", "/admin/api/chat/bills/{id}", http::Access::any_staff, "chat.operate",
             [bookings](Request& req) -> awaitable<Response> {
               nlohmann::json body;
               co_await bookings->pool.read([&](db::Tx& tx) { body = bill_json(bill_in_scope(tx, req)); });
               co_return Response::json(200, body);
             });

  router.add("GET", "/admin/api/chat/dialogs/{id}/bills", http::Access::any_staff, "chat.operate",
             [bookings](Request& req) -> awaitable<Response> {
               if (!core::is_uuid(req.param("id"))) throw core::not_found("dialog " + req.param("id"));
               nlohmann::json body;
               co_await bookings->pool.read([&](db::Tx& tx) {
                 auto dialog = dialog_for_staff(tx, req.caller(), req.param("id"), false);
                 body = {{"data", bills_of_dialog(tx, dialog.id)}};
               });
               co_return Response::json(200, body);
             });
}

nlohmann::json bills_of_dialog(db::Tx& tx, const std::string& dialog_id) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : tx->exec_params("SELECT " + kColumns + kFrom + "WHERE cb.dialog_id = $1::uuid "
                                       "ORDER BY cb.created_at, cb.id",
                                       dialog_id))
    out.push_back(bill_json(from_row(r)));
  return out;
}

void bill_invoice_paid(db::Tx& tx, const std::string& invoice_id, core::TimePoint now) {
  // The payment's transaction holds the booking and the invoice already.
  auto bill = find_bill(tx, "cb.invoice_id = $1::uuid", invoice_id, true);
  if (!bill || bill->status != "open") return;  // not a bill, or paid (or closed) before: once only
  auto status = tx->exec_params1("SELECT status FROM invoices WHERE id = $1::uuid", invoice_id)[0].as<std::string>();
  if (status != "paid") return;
  if (move_bill(tx, bill->id, "open", "paid", now))
    record_change(tx, bill->id, "open", "bill.paid", {"acquirer:card", bill->merchant_id, "", "", ""}, now);
}

awaitable<int> sweep_bills(db::Pool& pool, const core::Clock& clock) {
  int total = 0;
  for (bool more = true; more;) {
    co_await pool.transact([&](db::Tx& tx) {
      auto now = clock.now();
      // SKIP LOCKED: a payment, a cancel or another instance's sweep keeps its rows; the next
      // round sees them.
      auto rows = tx->exec_params(
          "SELECT cb.id, cb.merchant_id, cb.status, CASE "
          "  WHEN cb.status = 'open' AND i.status = 'paid' THEN 'paid' "
          "  WHEN cb.status = 'open' AND b.status = 'expired' THEN 'expired' "
          "  WHEN cb.status = 'open' AND b.status = 'cancelled' THEN 'cancelled' "
          "  ELSE 'refunded' END AS next "
          "FROM chat_bills cb JOIN bookings b ON b.id = cb.booking_id JOIN invoices i ON i.id = cb.invoice_id "
          "WHERE (cb.status = 'open' AND (i.status = 'paid' OR b.status IN ('expired', 'cancelled'))) "
          "   OR (cb.status = 'paid' AND (SELECT coalesce(sum(r.amount_minor + r.penalty_minor), 0) FROM refunds r "
          "        WHERE r.invoice_id = cb.invoice_id AND r.status = 'succeeded') >= cb.amount_minor) "
          "ORDER BY cb.created_at LIMIT $1 FOR UPDATE OF b, cb SKIP LOCKED",
          kSweepBatch);
      more = static_cast<int>(rows.size()) == kSweepBatch;
      for (const auto& r : rows) {
        auto id = r[0].as<std::string>();
        auto from = r[2].as<std::string>();
        auto to = r[3].as<std::string>();
        if (!move_bill(tx, id, from, to, now, to == "cancelled" ? "booking" : "")) continue;
        record_change(tx, id, from, "bill." + to, {audit::job("chat_bills"), r[1].as<std::string>(), "", "", ""}, now);
        ++total;
      }
    });
  }
  co_return total;
}

}  // namespace skybill::chat
