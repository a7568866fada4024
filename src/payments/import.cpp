#include "import.hpp"
#include "skybill/settlement/settlement.hpp"

#include "skybill/core/money.hpp"
#include "skybill/core/time.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/arrays.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/ledger/ledger.hpp"
#include "skybill/matching/matching.hpp"
#include "skybill/payments/payments.hpp"

namespace skybill::payments {
namespace {

using ledger::Kind;
using ledger::Owner;

const char* format_name(statements::Format f) { return f == statements::Format::one_c ? "1c" : "camt.053"; }


nlohmann::json candidates_json(const matching::Decision& d, const std::map<std::string, std::string>& numbers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : d.candidates) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& r : c.reasons) reasons.push_back({{"code", r.code}, {"points", r.points}, {"text", r.text}});
    auto n = numbers.find(c.invoice_id);
    out.push_back({{"invoice_id", c.invoice_id},
                   {"number", n == numbers.end() ? "" : n->second},
                   {"score", c.score},
                   {"reasons", reasons}});
  }
  return out;
}

int year_of(const std::string& date) { return date.size() >= 4 ? std::stoi(date.substr(0, 4)) : 2000; }

// The invoices a payment may be for: those its purpose names (fully, or by year and
// sequence), and the payer's unpaid ones.
std::vector<matching::OpenInvoice> candidates_for(db::Tx& tx, const statements::Document& d,
                                                  const std::vector<std::string>& numbers,
                                                  std::map<std::string, std::string>& number_of) {
  std::vector<std::string> exact, suffixes;
  for (const auto& n : numbers) {
    if (n.starts_with("*-")) {
      suffixes.emplace_back(n.begin() + 1, n.end());  // "-2026-000123": year and sequence
    } else {
      exact.push_back(n);
    }
  }
  auto rows = tx->exec_params(
      // The invoices the purpose names always come first: a client with many open invoices
      // must not push the named one out of the list.
      "WITH ids AS (SELECT id, true AS named FROM invoices WHERE number = ANY ($1::text[]) "
      "  UNION ALL SELECT id, true FROM invoices WHERE right(number, 12) = ANY ($2::text[]) "
      "  UNION ALL (SELECT i.id, false FROM invoices i JOIN clients c ON c.id = i.client_id "
      "         WHERE c.inn = $3 AND $3 <> '' AND i.status IN ('open', 'partially_paid', 'overdue') "
      "         ORDER BY i.issued_at DESC LIMIT 50)), "
      "picked AS (SELECT id, bool_or(named) AS named FROM ids GROUP BY id) "
      "SELECT i.id, i.number, c.inn, i.currency, i.amount_minor - i.paid_minor AS due, "
      "  to_char(i.issued_at, 'YYYY-MM-DD') AS issued_on, "
      "  (i.status = 'void' OR b.status IN ('expired', 'cancelled')) AS closed "
      "FROM picked JOIN invoices i ON i.id = picked.id JOIN clients c ON c.id = i.client_id "
      "JOIN bookings b ON b.id = i.booking_id ORDER BY picked.named DESC, i.issued_at DESC LIMIT 50",
      db::text_array(exact), db::text_array(suffixes), d.payer.inn);
  std::vector<matching::OpenInvoice> out;
  for (const auto& r : rows) {
    matching::OpenInvoice o;
    o.id = r["id"].as<std::string>();
    o.number = r["number"].as<std::string>();
    o.client_inn = r["inn"].as<std::string>();
    o.currency = r["currency"].as<std::string>();
    o.amount_due_minor = r["due"].as<long long>();
    o.issued_on = r["issued_on"].as<std::string>();
    o.closed = r["closed"].as<bool>();
    number_of[o.id] = o.number;
    out.push_back(std::move(o));
  }
  return out;
}

bool deposit_reference_known(db::Tx& tx, const std::string& reference) {
  return !tx->exec_params("SELECT 1 FROM clients WHERE deposit_reference = $1", reference).empty();
}

// The transfer is on the gateway's unallocated account; it becomes the client's deposit.
void top_up_deposit(db::Tx& tx, const std::string& reference, const statements::Document& d,
                    const std::string& document_id, const std::string& actor) {
  auto client_id = tx->exec_params1("SELECT id FROM clients WHERE deposit_reference = $1", reference)[0].as<std::string>();
  auto before = ledger::balance(tx, {Owner::client, client_id, Kind::deposit, d.currency});
  auto entry = ledger::post(tx, {"deposit.top_up", client_id, "transfer " + d.number + " naming " + reference,
                                 {{{Owner::gateway, {}, Kind::unallocated, d.currency}, d.amount_minor},
                                  {{Owner::client, client_id, Kind::deposit, d.currency}, -d.amount_minor}}});
  const auto& cur = core::currency(d.currency);
  db::audit(tx, {actor, {}, "deposit.added", client_id, {}},
            {{"bank_document_id", document_id}, {"entry_id", entry}, {"currency", d.currency}},
            db::Changes().set("balance", core::Money(-before, cur).to_string(),
                              core::Money(-before + d.amount_minor, cur).to_string()));
}

}  // namespace

nlohmann::json import_statement(db::Tx& tx, const statements::Statement& st, const std::string& file_sha256,
                                const std::string& actor, core::TimePoint now) {
  auto ts = core::to_rfc3339(now);
  auto statement_id =
      tx->exec_params1("INSERT INTO bank_statements (format, sha256, account, encoding, period_from, period_to, "
                       "imported_by, summary, created_at) VALUES ($1, $2, $3, $4, NULLIF($5, '')::date, "
                       "NULLIF($6, '')::date, $7, '{}', $8::timestamptz) RETURNING id",
                       format_name(st.format), file_sha256, st.account, st.encoding, st.period_from, st.period_to,
                       actor, ts)[0]
          .as<std::string>();
  int incoming = 0, outgoing = 0, confirmed = 0, already = 0, matched = 0, deposits = 0, queued = 0;
  for (const auto& d : st.documents) {
    bool in = d.direction == statements::Direction::incoming;
    auto rows = tx->exec_params(
        "INSERT INTO bank_documents (statement_id, doc_key, direction, number, doc_date, value_date, amount_minor, "
        "currency, payer_name, payer_inn, payer_account, payer_bic, payee_name, payee_inn, payee_account, purpose, "
        "status, created_at) VALUES ($1::uuid, $2, $3, $4, $5::date, NULLIF($6, '')::date, $7, $8, $9, $10, $11, "
        "$12, $13, $14, $15, $16, $17, $18::timestamptz) ON CONFLICT (doc_key) DO NOTHING RETURNING id",
        statement_id, statements::document_key(d), in ? "incoming" : "outgoing", d.number, d.date, d.value_date,
        d.amount_minor, d.currency, d.payer.name, d.payer.inn, d.payer.account, d.payer.bic, d.payee.name,
        d.payee.inn, d.payee.account, d.purpose, in ? "reconciliation" : "outgoing", ts);
    if (rows.empty()) {
      ++already;  // the same bank document came in an earlier file
      continue;
    }
    if (!in) {
      ++outgoing;
      // The gateway's own payment order (a payout or a refund by transfer) has left the bank.
      if (settlement::confirm_outgoing(tx, {rows[0][0].as<std::string>(), d.number, d.payee.account, d.currency,
                                            d.amount_minor},
                                       now, actor)) {
        ++confirmed;
        tx->exec_params("UPDATE bank_documents SET match_note = 'the gateway''s payment order, confirmed' "
                        "WHERE id = $1::uuid",
                        rows[0][0].as<std::string>());
      }
      continue;
    }
    ++incoming;
    auto document_id = rows[0][0].as<std::string>();
    // The money is at the bank now; until it is known whose, it is the gateway's unallocated.
    auto book_unallocated = [&] {
      ledger::post(tx, {"transfer.received", document_id, "bank document " + d.number + " of " + d.date,
                        {{{Owner::gateway, {}, Kind::bank, d.currency}, d.amount_minor},
                         {{Owner::gateway, {}, Kind::unallocated, d.currency}, -d.amount_minor}}});
    };

    matching::Payment p{d.payer.inn, d.payer.name, d.purpose, d.currency, d.date, d.amount_minor};
    auto numbers = matching::invoice_numbers_in(d.purpose, year_of(d.date));
    auto ref = matching::deposit_reference_in(d.purpose);
    if (ref && deposit_reference_known(tx, *ref)) {
      book_unallocated();
      top_up_deposit(tx, *ref, d, document_id, actor);
      ++deposits;
      tx->exec_params("UPDATE bank_documents SET status = 'deposit', match_note = $2, resolved_at = $3::timestamptz, "
                      "resolved_by = $4 WHERE id = $1::uuid",
                      document_id, "deposit " + *ref, ts, actor);
      continue;
    }
    std::map<std::string, std::string> number_of;
    auto decision = matching::decide(p, candidates_for(tx, d, numbers, number_of));
    auto candidates = candidates_json(decision, number_of);
    if (decision.outcome == matching::Outcome::sure) {
      const auto& best = decision.candidates.front();
      apply_to_invoice(tx, {.method = "transfer", .bank_document_id = document_id, .from_bank = true}, best.invoice_id,
                       d.amount_minor, d.currency, actor, {}, now);
      tx->exec_params("UPDATE bank_documents SET status = 'matched', candidates = $2::jsonb, match_note = $3, "
                      "resolved_at = $4::timestamptz, resolved_by = $5 WHERE id = $1::uuid",
                      document_id, candidates.dump(), "matched automatically to " + number_of[best.invoice_id], ts,
                      actor);
      ++matched;
    } else {
      book_unallocated();
      tx->exec_params("UPDATE bank_documents SET candidates = $2::jsonb, match_note = $3 WHERE id = $1::uuid",
                      document_id, candidates.dump(),
                      decision.outcome == matching::Outcome::none ? "no invoice found" : "not sure: staff decide");
      ++queued;
    }
  }
  nlohmann::json summary = {{"id", statement_id},
                            {"format", format_name(st.format)},
                            {"account", st.account},
                            {"encoding", st.encoding},
                            {"documents", st.documents.size()},
                            {"incoming", incoming},
                            {"outgoing", outgoing},
                            {"outgoing_confirmed", confirmed},
                            {"already_imported", already},
                            {"matched", matched},
                            {"deposits", deposits},
                            {"reconciliation", queued}};
  tx->exec_params("UPDATE bank_statements SET summary = $2::jsonb WHERE id = $1::uuid", statement_id, summary.dump());
  db::audit(tx, {actor, {}, "bank_statement.imported", statement_id, {}}, summary);
  return summary;
}

}  // namespace skybill::payments
