#pragma once
// Idempotent POSTs: the response is stored with a hash of the request in the same
// transaction as the effect, and replayed for the same key and body within 24 hours.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>

#include "skybill/http/message.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::api {

inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;
inline constexpr std::chrono::hours kIdempotencyRetention{24};
// How long a duplicate waits for the first request with its key before a 409.
inline constexpr std::chrono::milliseconds kDuplicateWait{5000};

using Effect = std::function<http::Response(db::Tx&)>;

// Runs `effect` in one transaction. With an Idempotency-Key header: a concurrent duplicate
// waits for the first to commit, then gets its stored response with Idempotent-Replayed:
// true (or 409 idempotency-key-in-use after kDuplicateWait); the same key with another body is 422 idempotency-key-reused. A Problem thrown by
// the effect rolls everything back and stores nothing, so the key may be used again.
boost::asio::awaitable<http::Response> idempotent(db::Pool& pool, const http::Request& req, Effect effect);

// Deletes stored responses older than the retention; returns how many.
long long purge_idempotency_keys(db::Tx& tx);

}  // namespace skybill::api
