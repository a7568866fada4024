// Money that reached the gateway's account for nobody, sent back to its payer by payment order.
#include "returns.hpp"

#include <nlohmann/json.hpp>

#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/ledger/ledger.hpp"

namespace skybill::settlement {
namespace {

using ledger::Kind;
using ledger::Owner;

void post_move(db::Tx& tx, const char* kind, const std::string& id, const std::string& memo, Kind from, Kind to,
               std::int64_t amount, const std::string& currency) {
  ledger::post(tx, {kind, id, memo,
                    {{{Owner::gateway, {}, from, currency}, amount}, {{Owner::gateway, {}, to, currency}, -amount}}});
}

}  // namespace

nlohmann::json return_json(db::Tx& tx, const std::string& return_id) {
  auto rows = tx->exec_params("SELECT id, bank_document_id, amount_minor, currency, payee::text, reason, status, "
                              "order_number, export_id, confirmed_by, failure_reason, created_by, " +
                                  ts_sql("created_at") + ", " + ts_sql("finished_at") +
                                  " FROM bank_returns WHERE id = $1::uuid",
                              return_id);
  if (rows.empty()) throw core::not_found("return " + return_id);
  const auto& r = rows[0];
  return {{"id", r[0].as<std::string>()},
          {"bank_document_id", r[1].as<std::string>()},
          {"amount", money_text(r[2].as<long long>(), r[3].as<std::string>())},
          {"currency", r[3].as<std::string>()},
          {"payee", nlohmann::json::parse(r[4].as<std::string>())},
          {"reason", r[5].as<std::string>()},
          {"status", r[6].as<std::string>()},
          {"order_number", text_or_null(r[7])},
          {"export_id", text_or_null(r[8])},
          {"confirmed_by", text_or_null(r[9])},
          {"failure_reason", text_or_null(r[10])},
          {"created_by", r[11].as<std::string>()},
          {"created_at", r[12].as<std::string>()},
          {"finished_at", text_or_null(r[13])}};
}

nlohmann::json return_document(db::Tx& tx, const std::string& document_id, const std::string& reason,
                               core::TimePoint now, const std::string& actor, const std::string& request_id) {
  auto rows = tx->exec_params(
      "SELECT direction, status, amount_minor, currency, payer_name, payer_inn, payer_account, payer_bic, number, "
      "doc_date::text FROM bank_documents WHERE id = $1::uuid FOR UPDATE",
      document_id);
  if (rows.empty()) throw core::not_found("bank document " + document_id);
  const auto& d = rows[0];
  auto status = d[1].as<std::string>();
  if (d[0].as<std::string>() != "incoming" || (status != "reconciliation" && status != "unrelated"))
    throw core::Problem(409, "not-returnable", "Not returnable",
                        "bank document " + document_id + " is " + d[0].as<std::string>() + " and " + status +
                            "; only money in the reconciliation queue or set aside as unrelated can be sent back");
  auto currency = d[3].as<std::string>();
  std::int64_t amount = d[2].as<long long>();
  nlohmann::json payee = {{"name", d[4].as<std::string>()},
                          {"inn", d[5].as<std::string>()},
                          {"account", d[6].as<std::string>()},
                          {"bic", d[7].as<std::string>()}};
  auto ts = core::to_rfc3339(now);
  // Booked to unallocated when the statement was imported; it now goes out.
  post_move(tx, "bank_document.returned", document_id,
            "document " + d[8].as<std::string>() + " of " + d[9].as<std::string>() + " sent back to its payer",
            Kind::unallocated, Kind::outgoing, amount, currency);
  auto id = tx->exec_params1(
                  "INSERT INTO bank_returns (bank_document_id, amount_minor, currency, payee, reason, created_by, "
                  "created_at) VALUES ($1::uuid, $2, $3, $4::jsonb, $5, $6, $7::timestamptz) RETURNING id",
                  document_id, amount, currency, payee.dump(), reason, actor, ts)[0]
                .as<std::string>();
  tx->exec_params("UPDATE bank_documents SET status = 'returned', match_note = $2, resolved_at = $3::timestamptz, "
                  "resolved_by = $4 WHERE id = $1::uuid",
                  document_id, reason, ts, actor);
  db::audit(tx, {actor, {}, "bank_document.returned", document_id, request_id}, {{"return_id", id}, {"reason", reason}},
            db::Changes().set("status", status, "returned"));
  return return_json(tx, id);
}

nlohmann::json fail_return(db::Tx& tx, const std::string& return_id, const std::string& reason, core::TimePoint now,
                           const std::string& actor, const std::string& request_id) {
  auto rows = tx->exec_params(
      "SELECT status, amount_minor, currency, bank_document_id FROM bank_returns WHERE id = $1::uuid FOR UPDATE",
      return_id);
  if (rows.empty()) throw core::not_found("return " + return_id);
  auto status = rows[0][0].as<std::string>();
  if (status == "succeeded" || status == "failed")
    throw core::Problem(409, "return-finished", "Return finished", "return " + return_id + " is " + status);
  auto document_id = rows[0][3].as<std::string>();
  // The money never left: it waits on unallocated again, and the document is set aside again.
  post_move(tx, "bank_document.return_failed", document_id, "return " + return_id + " failed: " + reason, Kind::outgoing,
            Kind::unallocated, rows[0][1].as<long long>(), rows[0][2].as<std::string>());
  auto ts = core::to_rfc3339(now);
  tx->exec_params("UPDATE bank_returns SET status = 'failed', failure_reason = $2, finished_at = $3::timestamptz "
                  "WHERE id = $1::uuid",
                  return_id, reason, ts);
  tx->exec_params("UPDATE bank_documents SET status = 'unrelated', match_note = $2 WHERE id = $1::uuid", document_id,
                  "sending it back failed: " + reason);
  db::audit(tx, {actor, {}, "bank_return.failed", return_id, request_id}, {{"reason", reason}},
            db::Changes().set("status", status, "failed"));
  return return_json(tx, return_id);
}

bool confirm_return(db::Tx& tx, const OutgoingPayment& doc, core::TimePoint now, const std::string& actor) {
  auto rows = tx->exec_params(
      "SELECT id, status, bank_document_id FROM bank_returns WHERE status IN ('exported', 'sent') AND order_number = $1 "
      "AND amount_minor = $2 AND currency = $3 AND payee->>'account' = $4 ORDER BY created_at LIMIT 1 FOR UPDATE",
      doc.number, doc.amount_minor, doc.currency, doc.payee_account);
  if (rows.empty()) return false;
  auto id = rows[0][0].as<std::string>();
  post_move(tx, "bank_document.return_sent", rows[0][2].as<std::string>(), "return " + id + " left the bank",
            Kind::outgoing, Kind::bank, doc.amount_minor, doc.currency);
  tx->exec_params("UPDATE bank_returns SET status = 'succeeded', confirmed_by = $2::uuid, finished_at = $3::timestamptz "
                  "WHERE id = $1::uuid",
                  id, doc.bank_document_id, core::to_rfc3339(now));
  db::audit(tx, {actor, {}, "bank_return.succeeded", id, ""}, {{"bank_document_id", doc.bank_document_id}},
            db::Changes().set("status", rows[0][1].as<std::string>(), "succeeded"));
  return true;
}

}  // namespace skybill::settlement
