#pragma once
// A pool of PostgreSQL connections whose transactions run on their own threads, off the I/O
// threads; the awaiting coroutine resumes on its own executor when the transaction is done.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "skybill/core/problem.hpp"

namespace skybill::db {

class Tx;  // skybill/db/tx.hpp: for store.cpp files only

// The database cannot be reached; requests get 503 and may be retried.
struct Unavailable : core::Problem {
  explicit Unavailable(std::string detail)
      : core::Problem(503, "service-unavailable", "Service unavailable", std::move(detail)) {}
};

struct PoolOptions {
  std::string url;
  int size = 8;
  std::chrono::seconds connect_timeout{5};
  std::string application_name = "skybill";
};

// Serialization failures and deadlocks are retried only for work that says it is safe.
enum class Retry { no, on_conflict };

class Pool {
 public:
  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs `work` in one transaction on a pool thread and commits it. Exceptions thrown by
  // `work` roll back and propagate to the awaiting coroutine. A lost connection becomes
  // Unavailable (503). Never hold a pqxx object across a co_await: one job, one transaction.
  boost::asio::awaitable<void> transact(std::function<void(Tx&)> work, Retry retry = Retry::no);
  // The same, blocking the calling thread (command-line tools, start-up).
  void transact_sync(std::function<void(Tx&)> work, Retry retry = Retry::no);
  // For one read statement: runs without BEGIN/COMMIT (each statement commits on its own),
  // saving two round trips. Several statements here do not share a snapshot. A lost
  // connection makes `work` run once more on a new one: it must assign its results, not
  // append to them.
  boost::asio::awaitable<void> read(std::function<void(Tx&)> work);

  int size() const;
  int in_use() const;
  int waiting() const;
  const std::string& url() const;
  // Waits for running transactions and stops the threads; later calls throw Unavailable.
  void shutdown();

 private:
  boost::asio::awaitable<void> on_pool_thread(std::function<void()> job);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skybill::db
