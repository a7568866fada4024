#include "skybill/api/idempotency.hpp"

#include <optional>

#include "skybill/core/problem.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/db/tx.hpp"

namespace skybill::api {
namespace {

std::string principal_key(const http::Request& req) {
  // An unauthenticated route (the hosted page's, by its pay token): keys are the URL's own.
  if (!req.principal) return "url:" + req.path;
  const auto& p = req.caller();
  return (p.kind == http::Principal::Kind::merchant ? "merchant:" : "staff:") + p.id;
}

std::string request_hash(const http::Request& req) {
  return crypto::sha256_hex(req.method + " " + req.path + "\n" + req.body);
}

std::string validated_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength)
    throw core::Problem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                        "Idempotency-Key must have 1 to 255 characters");
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e)
      throw core::Problem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                          "Idempotency-Key may hold printable ASCII characters only");
  return std::string(key);
}

}  // namespace

boost::asio::awaitable<http::Response> idempotent(db::Pool& pool, const http::Request& req, Effect effect) {
  auto header = req.header("idempotency-key");
  http::Response res;
  if (!header) {
    co_await pool.transact([&](db::Tx& tx) { res = effect(tx); });
    co_return res;
  }
  std::string key = validated_key(*header);
  std::string principal = principal_key(req);
  std::string hash = request_hash(req);
  co_await pool.transact([&](db::Tx& tx) {
    // Serializes requests with one key: a duplicate waits here until the first commits,
    // but not for ever: past the wait it is told to come back (409).
    tx->exec("SET LOCAL lock_timeout = " + std::to_string(kDuplicateWait.count()));
    try {
      tx->exec_params("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", principal, key);
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "55P03") throw;
      throw core::Problem(409, "idempotency-key-in-use", "Idempotency key in use",
                          "a request with this Idempotency-Key is still being processed; retry shortly");
    }
    tx->exec("SET LOCAL lock_timeout = 0");
    auto rows = tx->exec_params(
        "SELECT request_hash, response_status, response_body, content_type, "
        "created_at > now() - make_interval(hours => $3) AS fresh "
        "FROM idempotency_keys WHERE principal = $1 AND key = $2",
        principal, key, static_cast<int>(kIdempotencyRetention.count()));
    if (!rows.empty()) {
      const auto& row = rows[0];
      if (row["fresh"].as<bool>()) {
        if (row["request_hash"].as<std::string>() != hash)
          throw core::Problem(422, "idempotency-key-reused", "Idempotency key reused",
                              "this Idempotency-Key was already used with a different request");
        res.status = row["response_status"].as<int>();
        res.body = row["response_body"].as<std::string>();
        res.content_type = row["content_type"].as<std::string>();
        res.with_header("Idempotent-Replayed", "true");
        return;
      }
      tx->exec_params("DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2", principal, key);
    }
    res = effect(tx);
    tx->exec_params(
        "INSERT INTO idempotency_keys (principal, key, request_hash, response_status, response_body, content_type) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        principal, key, hash, res.status, res.body, res.content_type);
  });
  co_return res;
}

long long purge_idempotency_keys(db::Tx& tx) {
  auto r = tx->exec_params("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)",
                           static_cast<int>(kIdempotencyRetention.count()));
  return r.affected_rows();
}

}  // namespace skybill::api
