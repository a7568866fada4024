// Sending documents by EDO: queued dispatches handed to the operator under a lease, retried
// with back-off like webhooks, and the statuses the operator reports recorded.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "binding.hpp"
#include "skybill/core/time.hpp"
#include "skybill/db/journal.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/time.hpp"
#include "skybill/db/tx.hpp"
#include "skybill/log/log.hpp"
#include "skybill/support/cases.hpp"
#include "skybill/webhooks/retry.hpp"
#include "store.hpp"

namespace skybill::issuing {
namespace {

const std::string kActor = "job:edo";
constexpr int kBatch = 20;
constexpr std::chrono::minutes kLease{5};
const webhooks::RetryPolicy kRetry{};  // 30 s doubling up to 6 h; failed after 72 h

struct Claimed {
  std::string id, document_id, merchant_id, booking_id, recipient, kind;
  int attempts = 0;
  EdoParcel parcel;
  core::TimePoint created_at;
};

// One change of a dispatch's status, with its history entry, event and audit row.
void record(db::Tx& tx, const std::string& dispatch_id, const std::string& status, const std::string& note,
            core::TimePoint now, const std::string& extra_sql = "", const std::string& extra = "") {
  auto at = core::to_rfc3339(now);
  nlohmann::json entry = {{"status", status}, {"at", at}, {"note", note}};
  // $5: the value extra_sql sets, if it sets one.
  auto sql = "UPDATE document_dispatches SET status = $2, updated_at = $3::timestamptz, history = history || $4::jsonb, "
             "lease_until = NULL" +
             extra_sql +
             " WHERE id = $1::uuid RETURNING document_id, merchant_id, channel, "
             "(SELECT booking_id FROM documents d WHERE d.id = document_id), "
             "(SELECT number FROM documents d WHERE d.id = document_id)";
  auto history = nlohmann::json::array({entry}).dump();
  auto row = extra_sql.empty() ? tx->exec_params1(sql, dispatch_id, status, at, history)
                               : tx->exec_params1(sql, dispatch_id, status, at, history, extra);
  auto document_id = row[0].as<std::string>(), merchant = row[1].as<std::string>();
  auto booking = row[3].is_null() ? std::string() : row[3].as<std::string>();
  db::audit(tx, {kActor, merchant, "document_dispatch." + status, dispatch_id, ""},
            {{"document_id", document_id}, {"number", row[4].as<std::string>()}, {"note", note}},
            db::Changes().set("status", nullptr, status));
  if (auto doc = document_json(tx, document_id, ""))
    db::enqueue_event(tx, merchant, "document." + status, booking, {{"document", *doc}, {"note", note}});
  if (status == "refused" || status == "failed")
    support::open_case(tx, merchant, booking, status == "refused" ? "document_refused" : "document_undeliverable",
                       "Document " + row[4].as<std::string>() + " (" + document_id + ") was " + status +
                           (note.empty() ? std::string(".") : ": " + note),
                       now, kActor, "");
}

std::vector<Claimed> claim(const Context& ctx, db::Tx& tx, core::TimePoint now) {
  std::vector<Claimed> out;
  auto rows = tx->exec_params(
      "WITH due AS (SELECT id FROM document_dispatches WHERE channel = 'edo' AND status = 'queued' "
      "  AND next_attempt_at <= $1::timestamptz AND (lease_until IS NULL OR lease_until <= $1::timestamptz) "
      "  ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) "
      "UPDATE document_dispatches x SET lease_until = $2::timestamptz, attempts = x.attempts + 1 FROM due "
      "WHERE x.id = due.id RETURNING x.id, x.document_id, x.merchant_id, x.recipient, x.attempts, " +
          db::epoch_us("x.created_at"),
      core::to_rfc3339(now), core::to_rfc3339(now + kLease), kBatch);
  for (const auto& r : rows) {
    Claimed c;
    c.id = r[0].as<std::string>();
    c.document_id = r[1].as<std::string>();
    c.merchant_id = r[2].as<std::string>();
    c.recipient = r[3].as<std::string>();
    c.attempts = r[4].as<int>();
    c.created_at = db::as_time(r[5]);
    auto d = tx->exec_params1(
        "SELECT kind, encode(xml, 'hex'), encode(pdf, 'hex'), xml_file_name, coalesce(booking_id::text, '') "
        "FROM documents WHERE id = $1::uuid",
        c.document_id);
    c.kind = d[0].as<std::string>();
    c.booking_id = d[4].as<std::string>();
    c.parcel.dispatch_id = c.id;
    c.parcel.xml = d[1].is_null() ? std::string() : from_hex(d[1].as<std::string>());
    c.parcel.pdf = from_hex(d[2].as<std::string>());
    c.parcel.file_name = d[3].is_null() ? std::string() : d[3].as<std::string>();
    c.parcel.recipient_edo_id = c.recipient;
    c.parcel.sender_edo_id =
        c.kind == "commission" ? ctx.gateway.edo_id : merchant_documents(tx, c.merchant_id).party.edo_id;
    out.push_back(std::move(c));
  }
  return out;
}

void finish(db::Tx& tx, const Claimed& c, const std::optional<std::string>& external_id, const EdoError* error,
            core::TimePoint now) {
  if (external_id) {
    record(tx, c.id, "sent", "", now, ", external_id = $5", *external_id);
    return;
  }
  bool give_up = !error->retryable || now - c.created_at >= kRetry.give_up;
  if (give_up) {
    record(tx, c.id, "failed", error->what(), now, ", last_error = $5", error->what());
    return;
  }
  auto delay = webhooks::backoff(kRetry, c.attempts, webhooks::random_jitter());
  tx->exec_params(
      "UPDATE document_dispatches SET last_error = $2, lease_until = NULL, next_attempt_at = $3::timestamptz, "
      "updated_at = $4::timestamptz WHERE id = $1::uuid",
      c.id, error->what(), core::to_rfc3339(now + delay), core::to_rfc3339(now));
}

int take_statuses(const Context& ctx) {
  int changed = 0;
  for (const auto& s : ctx.edo->poll()) {
    ctx.pool.transact_sync([&](db::Tx& tx) {
      auto rows = tx->exec_params(
          "SELECT id, status FROM document_dispatches WHERE channel = 'edo' AND external_id = $1 FOR UPDATE",
          s.external_id);
      if (rows.empty()) {
        log::event(log::Level::warn, "EDO status for no dispatch of ours",
                   {{"external_id", s.external_id}, {"status", s.status}});
        return;
      }
      auto current = rows[0][1].as<std::string>();
      // Statuses only move forward: a late "delivered" after "signed" changes nothing.
      auto rank = [](const std::string& st) {
        return st == "queued" ? 0 : st == "sent" ? 1 : st == "delivered" ? 2 : 3;
      };
      if (rank(s.status) <= rank(current)) return;
      record(tx, rows[0][0].as<std::string>(), s.status, s.note, ctx.clock.now());
      ++changed;
    });
    ctx.edo->acknowledge(s);
  }
  return changed;
}

int dispatch_sync(const Context& ctx) {
  if (!ctx.edo) return 0;
  std::vector<Claimed> claimed;
  ctx.pool.transact_sync([&](db::Tx& tx) { claimed = claim(ctx, tx, ctx.clock.now()); });
  int changed = 0;
  for (const auto& c : claimed) {
    std::optional<std::string> external_id;
    std::optional<EdoError> error;
    try {
      if (c.parcel.xml.empty()) throw EdoError("the document has no XML to send", false);
      external_id = ctx.edo->send(c.parcel);
    } catch (const EdoError& e) {
      error = e;
    } catch (const std::exception& e) {
      error = EdoError(e.what(), true);
    }
    ctx.pool.transact_sync([&](db::Tx& tx) { finish(tx, c, external_id, error ? &*error : nullptr, ctx.clock.now()); });
    ++changed;
  }
  return changed + take_statuses(ctx);
}

}  // namespace

boost::asio::awaitable<int> dispatch_pending(const Context& ctx) {
  // The operator's calls block (files, HTTP): on a thread of their own, off the I/O threads.
  static boost::asio::thread_pool thread(1);
  int n = 0;
  co_await boost::asio::co_spawn(
      thread.get_executor(),
      [&]() -> boost::asio::awaitable<void> {
        n = dispatch_sync(ctx);
        co_return;
      },
      boost::asio::use_awaitable);
  co_return n;
}

}  // namespace skybill::issuing
