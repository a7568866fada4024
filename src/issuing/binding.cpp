#include "binding.hpp"

#include <map>

#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/core/vat.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::issuing {
namespace {

using documents::DocumentLine;
using documents::Language;

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ru_date(const std::string& iso) {
  return iso.size() == 10 ? iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) : iso;
}

std::int64_t vat_of(std::int64_t amount, const std::string& rate, const std::string& currency) {
  auto r = core::parse_vat_rate(rate);
  if (!r) return 0;
  return core::vat_included(core::Money(amount, core::currency(currency)), *r).minor();
}

// "PETROV IVAN" from the booking's passenger object.
std::string passenger_name(const nlohmann::json& p) {
  std::string name = text_of(p, "last_name");
  for (const char* k : {"first_name", "middle_name"})
    if (auto part = text_of(p, k); !part.empty()) name += (name.empty() ? "" : " ") + part;
  return name;
}

struct BookingFacts {
  std::string merchant_id, client_id, reference, pnr, currency, language, timezone;
  nlohmann::json passengers, segments, tickets;
};

BookingFacts booking_facts(db::Tx& tx, const std::string& booking_id) {
  auto rows = tx->exec_params(
      "SELECT b.merchant_id, b.client_id, b.reference, b.pnr, b.currency, b.language, m.timezone, "
      "b.passengers::text, b.segments::text, b.tickets::text FROM bookings b JOIN merchants m ON m.id = b.merchant_id "
      "WHERE b.id = $1::uuid",
      booking_id);
  if (rows.empty()) throw std::runtime_error("no booking " + booking_id);
  const auto& r = rows[0];
  return {r[0].as<std::string>(),
          r[1].as<std::string>(),
          r[2].as<std::string>(),
          r[3].as<std::string>(),
          r[4].as<std::string>(),
          r[5].as<std::string>(),
          r[6].as<std::string>(),
          nlohmann::json::parse(r[7].as<std::string>()),
          nlohmann::json::parse(r[8].as<std::string>()),
          nlohmann::json::parse(r[9].as<std::string>())};
}

struct StoredLine {
  int position;
  std::string kind, description;
  std::optional<int> passenger;
  std::int64_t amount, vat;
  std::string vat_rate, emd;
};

std::vector<StoredLine> booking_lines(db::Tx& tx, const std::string& booking_id, int version) {
  std::vector<StoredLine> out;
  for (const auto& r : tx->exec_params(
           "SELECT position, kind, description, passenger, amount_minor, vat_minor, vat_rate, coalesce(emd, '') "
           "FROM booking_lines WHERE booking_id = $1::uuid AND version = $2 ORDER BY position",
           booking_id, version))
    out.push_back({r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].is_null() ? std::nullopt : std::optional<int>(r[3].as<int>()), r[4].as<long long>(),
                   r[5].as<long long>(), r[6].as<std::string>(), r[7].as<std::string>()});
  return out;
}

// The line as the УПД names the service: the booking's words, whose it is, and the ticket.
std::string upd_description(const StoredLine& l, const BookingFacts& b) {
  std::string text = l.description;
  if (l.passenger && *l.passenger < static_cast<int>(b.passengers.size())) {
    text += ", " + passenger_name(b.passengers[*l.passenger]);
    for (const auto& t : b.tickets)
      if (t.value("passenger", -1) == *l.passenger) text += ", билет " + t.value("number", std::string());
  }
  if (!l.emd.empty()) text += ", EMD " + l.emd;
  return text + " (PNR " + b.pnr + ")";
}

documents::Signer signer_of(const nlohmann::json& j) {
  return {text_of(j, "last_name"), text_of(j, "first_name"), text_of(j, "middle_name"), text_of(j, "position")};
}

// "Сидоров Алексей Петрович" -> signer parts.
documents::Signer split_signer(const std::string& name, const std::string& position) {
  documents::Signer s;
  s.position = position;
  std::vector<std::string> parts;
  std::string word;
  for (char c : name + " ") {
    if (c == ' ') {
      if (!word.empty()) parts.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!parts.empty()) s.last_name = parts[0];
  if (parts.size() > 1) s.first_name = parts[1];
  if (parts.size() > 2) s.middle_name = parts[2];
  return s;
}

}  // namespace

MerchantDocuments merchant_documents(db::Tx& tx, const std::string& merchant_id) {
  auto rows = tx->exec_params(
      "SELECT name, inn, coalesce(kpp, ''), timezone, invoice_prefix, coalesce(settings->'documents', '{}')::text "
      "FROM merchants WHERE id = $1::uuid",
      merchant_id);
  if (rows.empty()) throw std::runtime_error("no merchant " + merchant_id);
  const auto& r = rows[0];
  auto settings = nlohmann::json::parse(r[5].as<std::string>());
  MerchantDocuments m;
  m.party.name = r[0].as<std::string>();
  m.party.inn = r[1].as<std::string>();
  m.party.kpp = r[2].as<std::string>();
  m.timezone = r[3].as<std::string>();
  m.prefix = r[4].as<std::string>();
  m.party.address = text_of(settings, "address");
  m.party.edo_id = text_of(settings, "edo_id");
  if (auto it = settings.find("signer"); it != settings.end() && it->is_object()) m.signer = signer_of(*it);
  if (auto it = settings.find("vat_invoice"); it != settings.end() && it->is_boolean()) m.vat_invoice = it->get<bool>();
  if (auto d = text_of(settings, "delivery"); !d.empty()) m.delivery = d;
  m.postal_address = text_of(settings, "postal_address");
  return m;
}

void check_merchant_documents(const nlohmann::json& s) {
  std::vector<core::FieldError> errors;
  if (!s.is_object()) throw core::validation_failed({{"documents", "must be a JSON object"}});
  for (const auto& [k, v] : s.items()) {
    if (k == "address" || k == "postal_address") {
      if (!v.is_string() || v.get<std::string>().size() > 1000)
        errors.push_back({k, "must be text of at most 1000 bytes"});
    } else if (k == "edo_id") {
      auto id = v.is_string() ? v.get<std::string>() : std::string();
      bool ok = id.size() >= 4 && id.size() <= 46 &&
                id.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") == std::string::npos;
      if (!ok) errors.push_back({k, "must be an EDO participant id: 4 to 46 Latin letters, digits and '-'"});
    } else if (k == "vat_invoice") {
      if (!v.is_boolean()) errors.push_back({k, "must be true (УПД with function СЧФДОП) or false (ДОП)"});
    } else if (k == "delivery") {
      if (!v.is_string() || (v != "none" && v != "edo" && v != "post"))
        errors.push_back({k, "must be none, edo or post"});
    } else if (k == "signer") {
      if (!v.is_object()) {
        errors.push_back({k, "must be an object {last_name, first_name, middle_name, position}"});
        continue;
      }
      for (const auto& [sk, sv] : v.items()) {
        bool known = sk == "last_name" || sk == "first_name" || sk == "middle_name" || sk == "position";
        if (!known) errors.push_back({"signer." + sk, "is not a known field"});
        else if (!sv.is_string() || sv.get<std::string>().size() > 200)
          errors.push_back({"signer." + sk, "must be text of at most 200 bytes"});
      }
      for (const char* required : {"last_name", "first_name", "position"})
        if (text_of(v, required).empty()) errors.push_back({std::string("signer.") + required, "is required"});
    } else {
      errors.push_back({k, "is not a known field"});
    }
  }
  if (text_of(s, "delivery") == "edo" && text_of(s, "edo_id").empty())
    errors.push_back({"edo_id", "is required when delivery is edo"});
  if (text_of(s, "delivery") == "post" && text_of(s, "postal_address").empty())
    errors.push_back({"postal_address", "is required when delivery is post"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
}

ClientDocuments client_documents(db::Tx& tx, const std::string& client_id) {
  auto rows = tx->exec_params(
      "SELECT name, inn, kpp, address, coalesce(edo_id, ''), document_delivery, postal_address FROM clients "
      "WHERE id = $1::uuid",
      client_id);
  if (rows.empty()) throw std::runtime_error("no client " + client_id);
  const auto& r = rows[0];
  ClientDocuments c;
  c.party.name = r[0].as<std::string>();
  c.party.inn = r[1].as<std::string>();
  c.party.kpp = r[2].as<std::string>();
  c.party.address = r[3].as<std::string>();
  c.party.edo_id = r[4].as<std::string>();
  c.delivery = r[5].as<std::string>();
  c.postal_address = r[6].as<std::string>();
  return c;
}

LocalTime local_time(db::Tx& tx, core::TimePoint at, const std::string& timezone) {
  auto r = tx->exec_params1(
      "SELECT to_char(l, 'YYYY-MM-DD'), to_char(l, 'HH24:MI:SS'), extract(year FROM l)::int "
      "FROM (SELECT $1::timestamptz AT TIME ZONE $2 AS l) x",
      core::to_rfc3339(at), timezone);
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int>()};
}

documents::InvoicePdf bind_invoice(db::Tx& tx, const Context& ctx, const std::string& invoice_id,
                                   std::string& booking_id, std::string& client_id) {
  auto rows = tx->exec_params(
      "SELECT i.number, i.booking_id, i.client_id, i.price_version, i.currency, i.amount_minor, i.vat_minor, "
      "to_char(i.issued_at AT TIME ZONE m.timezone, 'YYYY-MM-DD'), "
      "to_char(i.due_at AT TIME ZONE m.timezone, 'DD.MM.YYYY HH24:MI'), m.timezone "
      "FROM invoices i JOIN merchants m ON m.id = i.merchant_id WHERE i.id = $1::uuid",
      invoice_id);
  if (rows.empty()) throw std::runtime_error("no invoice " + invoice_id);
  const auto& r = rows[0];
  booking_id = r[1].as<std::string>();
  client_id = r[2].as<std::string>();
  auto b = booking_facts(tx, booking_id);
  auto client = client_documents(tx, client_id);
  documents::InvoicePdf inv;
  inv.language = b.language == "en" ? Language::en : Language::ru;
  inv.number = r[0].as<std::string>();
  inv.issued_on = r[7].as<std::string>();
  inv.due = r[8].as<std::string>() + " (" + r[9].as<std::string>() + ")";
  // A chat bill not linked to a booking has no PNR.
  inv.reference = (b.pnr.empty() ? std::string() : "PNR " + b.pnr + ", ") + b.reference;
  inv.currency = r[4].as<std::string>();
  const auto& g = ctx.gateway;
  inv.payee = {g.name, g.inn, g.kpp, g.account, g.bank, g.bic, g.correspondent_account};
  inv.payer = {client.party.name, client.party.inn, client.party.kpp, "", "", "", ""};
  std::map<std::string, std::int64_t> by_rate;
  for (const auto& l : booking_lines(tx, booking_id, r[3].as<int>())) {
    inv.lines.push_back({upd_description(l, b), l.amount, l.vat_rate, l.vat});
    by_rate[l.vat_rate] += l.vat;
  }
  for (const char* rate : {"22", "20", "10", "0", "none"})
    if (auto it = by_rate.find(rate); it != by_rate.end()) inv.vat.push_back({rate, it->second});
  inv.total_minor = r[5].as<long long>();
  auto vat = core::Money(r[6].as<long long>(), core::currency(inv.currency)).to_string();
  bool ru = inv.language == Language::ru;
  inv.purpose = (ru ? "Оплата по счёту № " : "Payment of invoice No. ") + inv.number + (ru ? " от " : " of ") +
                ru_date(inv.issued_on) + (b.pnr.empty() ? std::string() : ", PNR " + b.pnr) +
                (r[6].as<long long>() > 0 ? (ru ? ", в т.ч. НДС " : ", incl. VAT ") + vat
                                          : std::string(ru ? ", НДС не облагается" : ", not subject to VAT"));
  return inv;
}

documents::Upd bind_upd(db::Tx& tx, const Context& ctx, const std::string& booking_id, int price_version,
                        std::string& client_id, std::vector<int>& positions) {
  auto b = booking_facts(tx, booking_id);
  client_id = b.client_id;
  auto seller = merchant_documents(tx, b.merchant_id);
  auto buyer = client_documents(tx, b.client_id);
  documents::Upd u;
  u.function = seller.vat_invoice ? documents::Upd::Function::schfdop : documents::Upd::Function::dop;
  u.language = Language::ru;
  u.currency = b.currency;
  u.seller = seller.party;
  u.buyer = buyer.party;
  u.gateway_name = ctx.gateway.name;
  u.signer = seller.signer;
  u.reference = "PNR " + b.pnr + ", " + b.reference;
  int n = 0;
  for (const auto& l : booking_lines(tx, booking_id, price_version)) {
    u.lines.push_back({++n, upd_description(l, b), "796", "шт", 1, l.amount, l.vat_rate, l.vat});
    positions.push_back(l.position);
    u.total_minor += l.amount;
    u.vat_minor += l.vat;
  }
  // The invoice of this price (the last one not void), and the payments that paid it.
  auto inv = tx->exec_params(
      "SELECT i.id, i.number, to_char(i.issued_at AT TIME ZONE m.timezone, 'YYYY-MM-DD') FROM invoices i "
      "JOIN merchants m ON m.id = i.merchant_id WHERE i.booking_id = $1::uuid AND i.price_version = $2 "
      "ORDER BY (i.status = 'void'), i.issued_at DESC LIMIT 1",
      booking_id, price_version);
  if (!inv.empty()) {
    u.basis = {inv[0][1].as<std::string>(), inv[0][2].as<std::string>()};
    for (const auto& p : tx->exec_params(
             "SELECT coalesce(d.number, left(p.reference, 20), ''), "
             "coalesce(d.doc_date, (p.created_at AT TIME ZONE $2)::date)::text FROM payments p "
             "LEFT JOIN bank_documents d ON d.id = p.bank_document_id WHERE p.invoice_id = $1::uuid "
             "ORDER BY p.created_at, p.id",
             inv[0][0].as<std::string>(), seller.timezone))
      u.payments.push_back({p[0].as<std::string>(), p[1].as<std::string>()});
  }
  return u;
}

std::vector<BoundReceipt> bind_receipts(db::Tx& tx, const Context&, const std::string& booking_id,
                                        std::string& client_id) {
  auto b = booking_facts(tx, booking_id);
  client_id = b.client_id;
  auto carrier = merchant_documents(tx, b.merchant_id);
  auto buyer = client_documents(tx, b.client_id);
  auto version = tx->exec_params1("SELECT price_version FROM bookings WHERE id = $1::uuid", booking_id)[0].as<int>();
  auto lines = booking_lines(tx, booking_id, version);
  auto inv = tx->exec_params(
      "SELECT i.number, to_char(i.issued_at AT TIME ZONE m.timezone, 'DD.MM.YYYY'), i.method FROM invoices i "
      "JOIN merchants m ON m.id = i.merchant_id WHERE i.booking_id = $1::uuid AND i.status <> 'void' "
      "ORDER BY i.issued_at DESC LIMIT 1",
      booking_id);
  bool ru = b.language != "en";
  std::vector<BoundReceipt> out;
  for (const auto& t : b.tickets) {
    int p = t.value("passenger", -1);
    BoundReceipt br;
    br.ticket_number = t.value("number", std::string());
    auto& r = br.receipt;
    r.language = ru ? Language::ru : Language::en;
    r.ticket_number = br.ticket_number;
    r.pnr = b.pnr;
    r.currency = b.currency;
    r.carrier = carrier.party;
    r.buyer = buyer.party;
    if (p >= 0 && p < static_cast<int>(b.passengers.size())) {
      r.passenger = passenger_name(b.passengers[p]);
      r.passenger_document = text_of(b.passengers[p], "document");
    }
    for (const auto& s : b.segments) {
      auto flight = text_of(s, "flight");
      // The wall-clock time in the offset the airline gave (its local time): "2026-12-20T10:30".
      auto local = [&](const char* key) { return text_of(s, key).substr(0, 16); };
      r.segments.push_back({flight.substr(0, 2), flight, text_of(s, "from"), text_of(s, "to"), local("departure"),
                            local("arrival"), ""});
    }
    // The passenger's own lines; lines of no passenger belong to the receipt when there is only one.
    for (const auto& l : lines) {
      bool mine = l.passenger ? *l.passenger == p : b.passengers.size() == 1;
      if (!mine) continue;
      r.lines.push_back({l.kind, l.description, l.amount, l.vat_rate, l.vat, l.emd});
      r.total_minor += l.amount;
    }
    if (!inv.empty())
      r.payment = (ru ? "Безналичный расчёт, счёт № " : "Bank transfer, invoice No. ") + inv[0][0].as<std::string>() +
                  (ru ? " от " : " of ") + inv[0][1].as<std::string>();
    out.push_back(std::move(br));
  }
  return out;
}

nlohmann::json lines_json(const std::vector<DocumentLine>& lines) {
  auto out = nlohmann::json::array();
  for (const auto& l : lines)
    out.push_back({{"number", l.number},
                   {"description", l.description},
                   {"unit_code", l.unit_code},
                   {"unit_name", l.unit_name},
                   {"quantity", l.quantity},
                   {"amount_minor", l.amount_minor},
                   {"vat_rate", l.vat_rate},
                   {"vat_minor", l.vat_minor}});
  return out;
}

documents::Correction bind_correction(db::Tx& tx, const Context& ctx, const std::string& refund_id,
                                      std::string& booking_id, std::string& client_id,
                                      std::optional<std::string>& corrected,
                                      std::vector<documents::DocumentLine>& after) {
  auto rows = tx->exec_params(
      "SELECT booking_id, client_id, currency, amount_minor, penalty_minor, lines::text, reason FROM refunds "
      "WHERE id = $1::uuid",
      refund_id);
  if (rows.empty()) throw std::runtime_error("no refund " + refund_id);
  const auto& r = rows[0];
  booking_id = r[0].as<std::string>();
  client_id = r[1].as<std::string>();
  auto currency = r[2].as<std::string>();
  auto b = booking_facts(tx, booking_id);
  auto seller = merchant_documents(tx, b.merchant_id);
  auto buyer = client_documents(tx, b.client_id);
  documents::Correction c;
  c.language = Language::ru;
  c.currency = currency;
  c.seller = seller.party;
  c.buyer = buyer.party;
  c.gateway_name = ctx.gateway.name;
  c.signer = seller.signer;
  c.reason = "Возврат: " + r[6].as<std::string>();
  c.reference = "PNR " + b.pnr + ", " + b.reference;
  // The state the buyer holds now: the last УПД or correction of the booking.
  auto last = tx->exec_params(
      "SELECT id, kind, number, to_char(issued_at AT TIME ZONE $2, 'YYYY-MM-DD'), facts::text FROM documents "
      "WHERE booking_id = $1::uuid AND kind IN ('upd', 'correction') ORDER BY issued_at DESC, number DESC LIMIT 1",
      booking_id, seller.timezone);
  if (last.empty()) return c;  // nothing to correct: the caller reports it
  corrected = last[0][0].as<std::string>();
  auto facts = nlohmann::json::parse(last[0][4].as<std::string>());
  // A correction of a correction still names the УПД it corrects.
  c.corrected = last[0][1].as<std::string>() == "upd"
                    ? documents::DocumentRef{last[0][2].as<std::string>(), last[0][3].as<std::string>()}
                    : documents::DocumentRef{text_of(facts.at("corrected"), "number"), text_of(facts.at("corrected"), "date")};
  // Refunded booking lines by their position in the price version the УПД shows.
  auto refunded_lines = nlohmann::json::parse(r[5].as<std::string>());
  std::int64_t penalty_left = r[4].as<long long>();
  const auto& positions = facts.at("positions");  // booking line position per document line
  for (const auto& l : facts.at("lines")) {
    documents::CorrectionLine cl;
    cl.number = l.at("number").get<int>();
    cl.description = l.at("description").get<std::string>();
    cl.unit_code = l.at("unit_code").get<std::string>();
    cl.unit_name = l.at("unit_name").get<std::string>();
    cl.vat_rate = l.at("vat_rate").get<std::string>();
    cl.amount_before_minor = l.at("amount_minor").get<std::int64_t>();
    cl.vat_before_minor = l.at("vat_minor").get<std::int64_t>();
    cl.quantity_before = l.at("quantity").get<std::int64_t>();
    cl.amount_after_minor = cl.amount_before_minor;
    int position = positions.at(static_cast<std::size_t>(cl.number - 1)).get<int>();
    for (const auto& rl : refunded_lines)
      if (rl.value("position", -1) == position) {
        // The airline's penalty stays on the first lines refunded; the rest goes back.
        auto kept = std::min(penalty_left, cl.amount_before_minor);
        penalty_left -= kept;
        cl.amount_after_minor = kept;
      }
    cl.quantity_after = cl.amount_after_minor > 0 ? cl.quantity_before : 0;
    cl.vat_after_minor = cl.amount_after_minor == cl.amount_before_minor
                             ? cl.vat_before_minor
                             : vat_of(cl.amount_after_minor, cl.vat_rate, currency);
    after.push_back({cl.number, cl.description, cl.unit_code, cl.unit_name, cl.quantity_after, cl.amount_after_minor,
                     cl.vat_rate, cl.vat_after_minor});
    // The document states only the lines it changes (a line refunded before stays at zero).
    if (cl.amount_after_minor == cl.amount_before_minor) continue;
    cl.number = static_cast<int>(c.lines.size()) + 1;
    c.total_before_minor += cl.amount_before_minor;
    c.total_after_minor += cl.amount_after_minor;
    c.vat_before_minor += cl.vat_before_minor;
    c.vat_after_minor += cl.vat_after_minor;
    c.lines.push_back(std::move(cl));
  }
  return c;
}

std::optional<documents::Upd> bind_commission(db::Tx& tx, const Context& ctx, const std::string& payout_id) {
  auto rows = tx->exec_params(
      "SELECT merchant_id, currency, fees_minor, items, payments_minor, business_day::text, "
      "coalesce(order_number, ''), (coalesce(confirmed_at, created_at) AT TIME ZONE 'UTC')::date::text "
      "FROM payouts WHERE id = $1::uuid",
      payout_id);
  if (rows.empty()) throw std::runtime_error("no payout " + payout_id);
  const auto& r = rows[0];
  auto fees = r[2].as<long long>();
  if (fees <= 0) return std::nullopt;
  auto airline = merchant_documents(tx, r[0].as<std::string>());
  auto currency = r[1].as<std::string>();
  auto day = r[5].as<std::string>();
  documents::Upd u;
  u.function = documents::Upd::Function::schfdop;
  u.language = Language::ru;
  u.currency = currency;
  u.seller = ctx.gateway;
  u.buyer = airline.party;
  u.gateway_name = ctx.gateway.name;
  u.signer = ctx.gateway_signer;
  auto paid = core::Money(r[4].as<long long>(), core::currency(currency)).to_string();
  u.lines.push_back({1,
                     "Вознаграждение за приём платежей за " + ru_date(day) + ": " + std::to_string(r[3].as<int>()) +
                         " операций на сумму " + paid + " " + currency,
                     "796", "шт", 1, fees, ctx.commission_vat, vat_of(fees, ctx.commission_vat, currency)});
  u.total_minor = fees;
  u.vat_minor = u.lines[0].vat_minor;
  auto order = r[6].as<std::string>();
  u.basis = {order.empty() ? "выплата " + payout_id.substr(0, 8) : order, day};
  u.reference = "Выплата за " + ru_date(day);
  u.shipped_on = day;
  return u;
}

documents::Signer signer_from_name(const std::string& name, const std::string& position) {
  return split_signer(name, position);
}

}  // namespace skybill::issuing
