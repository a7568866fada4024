// The issuing job: outbox events in order, each event's documents in its own transaction.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "binding.hpp"
#include "issue.hpp"
#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/documents/correction_pdf.hpp"
#include "skybill/documents/receipt_pdf.hpp"
#include "skybill/documents/upd_pdf.hpp"
#include "skybill/documents/upd_xml.hpp"
#include "skybill/documents/xml_schema.hpp"
#include "skybill/log/log.hpp"
#include "skybill/support/cases.hpp"
#include "store.hpp"

namespace skybill::issuing {
namespace {

// Taken with pg_try_advisory_xact_lock: one issuer at a time across instances, so that a
// correction never overtakes the УПД it corrects.
constexpr long long kIssueLock = 0x736b7962696c6c02;  // "skybill" + 2
const std::string kActor = "job:documents";
// The events that may make a document (request_for), as a PostgreSQL array.
const std::string kDocumentTopics =
    "{invoice.issued,invoice.paid,booking.ticketing_authorized,booking.ticketed,refund.succeeded,payout.confirmed}";
const std::string kUpdSchema(documents::kUpdSchemaFile);
const std::string kCorrectionSchema(documents::kCorrectionSchemaFile);

// Data that cannot make a sound document: the problems, each naming what to fix.
struct Blocked {
  std::vector<std::string> problems;
};

std::vector<std::string> problem_lines(const core::Problem& p) {  // "buyer.kpp: is required ..."
  std::vector<std::string> out;
  for (const auto& e : p.errors) out.push_back(e.field + ": " + e.message);
  if (out.empty()) out.push_back(p.detail.empty() ? p.title : p.detail);
  return out;
}

// Renders, with every problem the data has turned into Blocked rather than a broken file.
template <class F>
auto rendered(F&& render) {
  try {
    return render();
  } catch (const core::Problem& p) {
    throw Blocked{problem_lines(p)};
  }
}

void check_schema(const Context& ctx, const std::string& xml, const std::string& schema) {
  auto errors = documents::validate_xml(xml, ctx.formats_dir + "/" + schema);
  if (!errors.empty()) {
    std::vector<std::string> problems = {"the XML does not pass the tax service's schema " + schema};
    for (auto& e : errors) problems.push_back(std::move(e));
    throw Blocked{std::move(problems)};
  }
}

// The tax service's XML when both parties are on EDO (its file name needs both EDO ids), else
// none: a paper УПД signed by hand is as valid. Every other problem of the data blocks it.
template <class Doc, class Problems, class Render>
std::optional<std::string> tax_xml(const Context& ctx, const Doc& doc, Problems&& problems, Render&& render,
                                   const std::string& schema) {
  bool on_edo = !doc.buyer.edo_id.empty() && !doc.seller.edo_id.empty();
  std::vector<std::string> blocking;
  for (const auto& p : problems(doc))
    if (on_edo || !p.field.ends_with(".edo_id")) blocking.push_back(p.field + ": " + p.message);
  if (!blocking.empty()) throw Blocked{std::move(blocking)};
  if (!on_edo) return std::nullopt;
  auto xml = rendered([&] { return render(doc); });
  check_schema(ctx, xml, schema);
  return xml;
}

// Who gets the original of an УПД or correction, and how: the buyer's choice.
void queue_dispatch(db::Tx& tx, const std::string& document_id, const std::string& merchant_id,
                    const std::string& delivery, const std::string& edo_id, const std::string& postal_address,
                    const std::string& edo_operator, core::TimePoint now) {
  if (delivery != "edo" && delivery != "post") return;
  bool edo = delivery == "edo";
  auto at = core::to_rfc3339(now);
  nlohmann::json history = nlohmann::json::array({{{"status", "queued"}, {"at", at}, {"note", ""}}});
  tx->exec_params(
      "INSERT INTO document_dispatches (document_id, merchant_id, channel, operator, recipient, status, "
      "next_attempt_at, history, created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, 'queued', "
      "$6::timestamptz, $7::jsonb, $6::timestamptz, $6::timestamptz)",
      document_id, merchant_id, delivery, edo ? edo_operator.c_str() : nullptr, edo ? edo_id : postal_address, at,
      history.dump());
}

struct Issuer {
  db::Tx& tx;
  const Context& ctx;
  long long event_seq;
  core::TimePoint now;

  std::string new_id() { return tx->exec_params1("SELECT gen_random_uuid()")[0].as<std::string>(); }

  // What every numbered document's row says of itself, once it is rendered.
  void fill(NewDocument& d, const char* kind, const std::string& source, const Number& number,
            const std::string& merchant_id, const std::string& currency, std::int64_t total, std::int64_t vat) const {
    d.merchant_id = merchant_id;
    d.kind = kind;
    d.source = source;
    d.series = number.series;
    d.year = number.year;
    d.number = number.text;
    d.currency = currency;
    d.total_minor = total;
    d.vat_minor = vat;
    d.issued_at = now;
    d.event_seq = event_seq;
  }

  void invoice(const std::string& invoice_id) {
    auto source = "invoice:" + invoice_id;
    if (source_exists(tx, source)) return;
    NewDocument d;
    auto inv = bind_invoice(tx, ctx, invoice_id, d.booking_id, d.client_id);
    auto row = tx->exec_params1(
        "SELECT i.merchant_id, i.series, extract(year FROM i.issued_at AT TIME ZONE m.timezone)::int FROM invoices i "
        "JOIN merchants m ON m.id = i.merchant_id WHERE i.id = $1::uuid",
        invoice_id);
    d.id = new_id();
    d.merchant_id = row[0].as<std::string>();
    d.kind = "invoice";
    d.source = source;
    d.series = row[1].is_null() ? inv.number.substr(0, inv.number.find('-')) : row[1].as<std::string>();
    d.year = row[2].as<int>();
    d.number = inv.number;  // the invoice's own gapless number
    d.language = inv.language == documents::Language::en ? "en" : "ru";
    d.currency = inv.currency;
    d.total_minor = inv.total_minor;
    for (const auto& v : inv.vat) d.vat_minor += v.vat_minor;
    d.issued_at = now;
    d.event_seq = event_seq;
    d.facts = {{"invoice_id", invoice_id}, {"payment_string", rendered([&] { return documents::invoice_payment_string(inv); })}};
    d.pdf = rendered([&] { return documents::render_invoice_pdf(inv); });
    store_document(tx, d, kActor);
  }

  // The УПД of the booking's price version, to its buyer.
  void upd(const std::string& booking_id, int price_version) {
    auto source = "upd:" + booking_id + ":" + std::to_string(price_version);
    if (source_exists(tx, source)) return;
    NewDocument d;
    std::vector<int> positions;
    auto u = bind_upd(tx, ctx, booking_id, price_version, d.client_id, positions);
    auto merchant = tx->exec_params1("SELECT merchant_id FROM bookings WHERE id = $1::uuid", booking_id)[0].as<std::string>();
    auto seller = merchant_documents(tx, merchant);
    auto when = local_time(tx, now, seller.timezone);
    auto number = peek_number(tx, seller.prefix + "-U", when.year);
    d.id = new_id();
    u.number = number.text;
    u.date = when.date;
    u.time = when.time;
    if (u.shipped_on.empty()) u.shipped_on = when.date;
    u.file_guid = d.id;
    auto xml = tax_xml(ctx, u, documents::upd_problems, documents::render_upd_xml, kUpdSchema);
    d.pdf = rendered([&] { return documents::render_upd_pdf(u); });
    commit_number(tx, number);
    fill(d, "upd", source, number, merchant, u.currency, u.total_minor, u.vat_minor);
    d.booking_id = booking_id;
    d.xml = xml;
    if (xml) d.xml_file_name = documents::upd_file_id(u);
    d.facts = {{"function", u.function == documents::Upd::Function::schfdop ? "СЧФДОП" : "ДОП"},
               {"price_version", price_version},
               {"lines", lines_json(u.lines)},
               {"positions", positions},
               {"basis", {{"number", u.basis.number}, {"date", u.basis.date}}}};
    store_document(tx, d, kActor);
    auto buyer = client_documents(tx, d.client_id);
    queue_dispatch(tx, d.id, merchant, buyer.delivery, buyer.party.edo_id, buyer.postal_address, edo_name(), now);
  }

  void receipts(const std::string& booking_id) {
    std::string client_id;
    auto bound = bind_receipts(tx, ctx, booking_id, client_id);
    auto merchant = tx->exec_params1("SELECT merchant_id FROM bookings WHERE id = $1::uuid", booking_id)[0].as<std::string>();
    auto seller = merchant_documents(tx, merchant);
    auto when = local_time(tx, now, seller.timezone);
    for (auto& b : bound) {
      auto source = "receipt:" + booking_id + ":" + b.ticket_number;
      if (source_exists(tx, source)) continue;
      auto& r = b.receipt;
      if (r.lines.empty())
        throw Blocked{{"ticket " + b.ticket_number + ": the booking has no line of this passenger to print on the receipt"}};
      auto number = peek_number(tx, seller.prefix + "-R", when.year);
      r.number = number.text;
      r.issued_on = when.date;
      NewDocument d;
      d.pdf = rendered([&] { return documents::render_receipt_pdf(r); });
      commit_number(tx, number);
      std::int64_t vat = 0;
      for (const auto& l : r.lines) vat += l.vat_minor;
      fill(d, "receipt", source, number, merchant, r.currency, r.total_minor, vat);
      d.id = new_id();
      d.booking_id = booking_id;
      d.client_id = client_id;
      d.language = r.language == documents::Language::en ? "en" : "ru";
      d.facts = {{"ticket_number", b.ticket_number}, {"passenger", r.passenger}};
      store_document(tx, d, kActor);
    }
  }

  void correction(const std::string& refund_id) {
    auto source = "correction:" + refund_id;
    if (source_exists(tx, source)) return;
    NewDocument d;
    std::optional<std::string> corrected;
    std::vector<documents::DocumentLine> after;
    auto c = bind_correction(tx, ctx, refund_id, d.booking_id, d.client_id, corrected, after);
    if (!corrected) return;  // no УПД was issued (nothing was paid or guaranteed): nothing to correct
    if (c.lines.empty()) return;  // the refund changed no line the buyer holds
    auto merchant = tx->exec_params1("SELECT merchant_id FROM refunds WHERE id = $1::uuid", refund_id)[0].as<std::string>();
    auto seller = merchant_documents(tx, merchant);
    auto when = local_time(tx, now, seller.timezone);
    auto number = peek_number(tx, seller.prefix + "-K", when.year);
    d.id = new_id();
    c.number = number.text;
    c.date = when.date;
    c.time = when.time;
    c.file_guid = d.id;
    auto xml = tax_xml(ctx, c, documents::correction_problems, documents::render_correction_xml, kCorrectionSchema);
    d.pdf = rendered([&] { return documents::render_correction_pdf(c); });
    commit_number(tx, number);
    fill(d, "correction", source, number, merchant, c.currency, c.total_after_minor - c.total_before_minor,
         c.vat_after_minor - c.vat_before_minor);
    d.corrects = corrected;
    d.xml = xml;
    if (xml) d.xml_file_name = documents::correction_file_id(c);
    // Every line as it stands after it: the next correction starts from here.
    auto previous = nlohmann::json::parse(
        tx->exec_params1("SELECT facts::text FROM documents WHERE id = $1::uuid", *corrected)[0].as<std::string>());
    d.facts = {{"refund_id", refund_id},
               {"corrected", {{"number", c.corrected.number}, {"date", c.corrected.date}}},
               {"lines", lines_json(after)},
               {"positions", previous.at("positions")},
               {"total_before", c.total_before_minor},
               {"total_after", c.total_after_minor}};
    store_document(tx, d, kActor);
    auto buyer = client_documents(tx, d.client_id);
    queue_dispatch(tx, d.id, merchant, buyer.delivery, buyer.party.edo_id, buyer.postal_address, edo_name(), now);
  }

  void commission(const std::string& payout_id) {
    auto source = "commission:" + payout_id;
    if (source_exists(tx, source)) return;
    auto u = bind_commission(tx, ctx, payout_id);
    if (!u) return;  // the gateway withheld nothing
    auto merchant = tx->exec_params1("SELECT merchant_id FROM payouts WHERE id = $1::uuid", payout_id)[0].as<std::string>();
    auto when = local_time(tx, now, "Europe/Moscow");
    auto number = peek_number(tx, ctx.gateway_series + "-C", when.year);
    NewDocument d;
    d.id = new_id();
    u->number = number.text;
    u->date = when.date;
    u->time = when.time;
    u->file_guid = d.id;
    auto xml = tax_xml(ctx, *u, documents::upd_problems, documents::render_upd_xml, kUpdSchema);
    d.pdf = rendered([&] { return documents::render_upd_pdf(*u); });
    commit_number(tx, number);
    fill(d, "commission", source, number, merchant, u->currency, u->total_minor, u->vat_minor);
    d.payout_id = payout_id;
    d.xml = xml;
    if (xml) d.xml_file_name = documents::upd_file_id(*u);
    d.facts = {{"payout_id", payout_id}, {"lines", lines_json(u->lines)}};
    store_document(tx, d, kActor);
    auto airline = merchant_documents(tx, merchant);
    queue_dispatch(tx, d.id, merchant, airline.delivery, airline.party.edo_id, airline.postal_address, edo_name(), now);
  }

  std::string edo_name() const { return ctx.edo ? ctx.edo->name() : "none"; }
};

}  // namespace

std::optional<IssueRequest> request_for(const std::string& topic, const nlohmann::json& payload, db::Tx& tx,
                                   const std::string& booking_id) {
  auto text = [&](const char* key) {
    auto it = payload.find(key);
    return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (topic == "invoice.issued") return IssueRequest{"invoice", {{"invoice_id", text("id")}}};
  if (topic == "invoice.paid" || topic == "booking.ticketing_authorized") {
    if (booking_id.empty()) return std::nullopt;
    // The price the money or the guarantee is for: the booking's now (it is locked once paid or guaranteed).
    auto row = tx->exec_params1(
        "SELECT b.price_version, b.kind, b.currency, c.kind FROM bookings b JOIN clients c ON c.id = b.client_id "
        "WHERE b.id = $1::uuid",
        booking_id);
    // No УПД, and so no support case, where none is owed: a private person (the payment chat's
    // customer, who has no INN) gets the invoice PDF and the acquirer's card receipt, not a
    // document between companies; and a chat bill in another currency than roubles gets no
    // Russian tax document (an УПД states roubles only). A ticket booking in another currency
    // still asks a person to decide, as it always did.
    if (row[3].as<std::string>() == "person") return std::nullopt;
    if (row[1].as<std::string>() == "chat_bill" && row[2].as<std::string>() != "RUB") return std::nullopt;
    return IssueRequest{"upd", {{"booking_id", booking_id}, {"price_version", row[0].as<int>()}}};
  }
  if (topic == "booking.ticketed" && !booking_id.empty()) return IssueRequest{"receipts", {{"booking_id", booking_id}}};
  if (topic == "refund.succeeded") return IssueRequest{"correction", {{"refund_id", text("id")}}};
  if (topic == "payout.confirmed") return IssueRequest{"commission", {{"payout_id", text("id")}}};
  return std::nullopt;
}

std::string request_source(const IssueRequest& r) {
  const auto& s = r.subject;
  if (r.kind == "invoice") return "invoice:" + s.at("invoice_id").get<std::string>();
  if (r.kind == "upd")
    return "upd:" + s.at("booking_id").get<std::string>() + ":" + std::to_string(s.at("price_version").get<int>());
  if (r.kind == "receipts") return "receipts:" + s.at("booking_id").get<std::string>();
  if (r.kind == "correction") return "correction:" + s.at("refund_id").get<std::string>();
  return "commission:" + s.at("payout_id").get<std::string>();
}

bool run_request(db::Tx& tx, const Context& ctx, const IssueRequest& r, long long event_seq, const std::string& merchant_id,
                 const std::string& booking_id, core::TimePoint now) {
  Issuer issuer{tx, ctx, event_seq, now};
  tx->exec("SAVEPOINT document");
  std::optional<Blocked> blocked;
  try {
    const auto& s = r.subject;
    if (r.kind == "invoice") issuer.invoice(s.at("invoice_id").get<std::string>());
    else if (r.kind == "upd") issuer.upd(s.at("booking_id").get<std::string>(), s.at("price_version").get<int>());
    else if (r.kind == "receipts") issuer.receipts(s.at("booking_id").get<std::string>());
    else if (r.kind == "correction") issuer.correction(s.at("refund_id").get<std::string>());
    else if (r.kind == "commission") issuer.commission(s.at("payout_id").get<std::string>());
  } catch (const Blocked& b) {
    blocked = b;
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const std::exception& e) {
    // Whatever else went wrong must not hold back every later event: a person looks at it.
    blocked = Blocked{{std::string("the document could not be made: ") + e.what()}};
  }
  if (!blocked) {
    tx->exec("RELEASE SAVEPOINT document");
    tx->exec_params("DELETE FROM document_blocks WHERE source = $1", request_source(r));
    return true;
  }
  {
    const auto& b = *blocked;
    // Nothing of the document stays (its number is not taken); a person is told what to fix.
    tx->exec("ROLLBACK TO SAVEPOINT document");
    auto source = request_source(r);
    nlohmann::json problems = b.problems;
    auto existing = tx->exec_params(
        "SELECT b.case_id FROM document_blocks b JOIN support_cases c ON c.id = b.case_id "
        "WHERE b.source = $1 AND c.status = 'open'",
        source);
    std::string case_id;
    if (existing.empty()) {
      std::string notes = "The " + r.kind + " document (" + source + ") cannot be issued until this is fixed:";
      for (const auto& p : b.problems) notes += "\n- " + p;
      notes += "\nFix the data, then POST /v1/documents/retry {\"source\": \"" + source + "\"}.";
      case_id = support::open_case(tx, merchant_id, booking_id, "document_blocked", notes, now, kActor, "");
    } else {
      case_id = existing[0][0].as<std::string>();
    }
    tx->exec_params(
        "INSERT INTO document_blocks (source, merchant_id, booking_id, kind, event_seq, problems, case_id, created_at, request) "
        "VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6::jsonb, $7::uuid, $8::timestamptz, $9::jsonb) "
        "ON CONFLICT (source) DO UPDATE SET problems = excluded.problems, case_id = excluded.case_id",
        source, merchant_id, booking_id.empty() ? nullptr : booking_id.c_str(), r.kind, event_seq, problems.dump(), case_id,
        core::to_rfc3339(now), nlohmann::json{{"kind", r.kind}, {"subject", r.subject}}.dump());
    log::event(log::Level::warn, "document blocked", {{"source", source}, {"problems", problems}, {"case_id", case_id}});
    return false;
  }
}

namespace {

// Handles the oldest event not yet documented; false when there is none (or another instance
// is at it).
bool issue_next(db::Tx& tx, const Context& ctx) {
  if (!tx->exec_params1("SELECT pg_try_advisory_xact_lock($1)", kIssueLock)[0].as<bool>()) return false;
  // Most events make no document: they are passed in bulk, so the job keeps up with intake.
  tx->exec_params(
      "UPDATE outbox SET documented_at = $1::timestamptz WHERE id IN (SELECT id FROM outbox WHERE documented_at IS NULL "
      "AND topic <> ALL ($2::text[]) ORDER BY id LIMIT 1000)",
      core::to_rfc3339(ctx.clock.now()), kDocumentTopics);
  auto rows = tx->exec(
      "SELECT id, merchant_id, topic, booking_id, payload::text FROM outbox WHERE documented_at IS NULL "
      "ORDER BY id LIMIT 1 FOR UPDATE");
  if (rows.empty()) return false;
  const auto& r = rows[0];
  auto seq = r[0].as<long long>();
  auto merchant = r[1].is_null() ? std::string() : r[1].as<std::string>();
  auto booking = r[3].is_null() ? std::string() : r[3].as<std::string>();
  auto now = ctx.clock.now();
  auto payload = nlohmann::json::parse(r[4].as<std::string>());
  if (!merchant.empty())
    if (auto request = request_for(r[2].as<std::string>(), payload, tx, booking))
      run_request(tx, ctx, *request, seq, merchant, booking, now);
  tx->exec_params("UPDATE outbox SET documented_at = $2::timestamptz WHERE id = $1", seq, core::to_rfc3339(now));
  return true;
}

}  // namespace

int issue_pending_sync(const Context& ctx, int batch) {
  int handled = 0;
  for (bool more = true; more && handled < batch;) {
    ctx.pool.transact_sync([&](db::Tx& tx) { more = issue_next(tx, ctx); });
    if (more) ++handled;
  }
  return handled;
}

boost::asio::awaitable<int> issue_pending(const Context& ctx, int batch) {
  int handled = 0;
  for (bool more = true; more && handled < batch;) {
    co_await ctx.pool.transact([&](db::Tx& tx) { more = issue_next(tx, ctx); });
    if (more) ++handled;
  }
  co_return handled;
}

}  // namespace skybill::issuing
