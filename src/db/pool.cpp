#include "skybill/db/pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

#include "skybill/db/tx.hpp"
#include "skybill/log/log.hpp"

namespace skybill::db {

namespace asio = boost::asio;

namespace {

constexpr int kConflictAttempts = 4;

std::string conninfo(const PoolOptions& o) {
  std::string extra = "connect_timeout=" + std::to_string(o.connect_timeout.count()) +
                      (o.application_name.empty() ? "" : "&application_name=" + o.application_name);
  if (o.url.starts_with("postgres://") || o.url.starts_with("postgresql://"))
    return o.url + (o.url.find('?') == std::string::npos ? "?" : "&") + extra;
  std::string kv = extra;
  for (auto& c : kv)
    if (c == '&') c = ' ';
  return o.url + " " + kv;
}

bool is_conflict(const pqxx::sql_error& e) {
  return e.sqlstate() == "40001" || e.sqlstate() == "40P01";
}

}  // namespace

struct Pool::Impl {
  explicit Impl(PoolOptions o) : opt(std::move(o)), info(conninfo(opt)), threads(std::max(1, opt.size)) {}

  PoolOptions opt;
  std::string info;
  asio::thread_pool threads;
  std::mutex mutex;
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  std::atomic<int> in_use{0};
  std::atomic<int> waiting{0};
  std::atomic<bool> stopped{false};

  std::unique_ptr<pqxx::connection> connect() {
    try {
      return std::make_unique<pqxx::connection>(info);
    } catch (const pqxx::broken_connection& e) {
      log::event(log::Level::warn, "database connection failed", {{"error", e.what()}});
      throw Unavailable("the database is not reachable");
    }
  }

  std::unique_ptr<pqxx::connection> acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    return connect();
  }

  void release(std::unique_ptr<pqxx::connection> c) {
    if (!c || !c->is_open()) return;
    std::lock_guard lock(mutex);
    idle.push_back(std::move(c));
  }

  // One attempt: a transaction on `conn`, committed. A pooled connection that went stale while
  // idle (the server restarted) fails at BEGIN, before any work: replace it once.
  static void attempt_transaction(Impl& pool, std::unique_ptr<pqxx::connection>& conn,
                                  const std::function<void(Tx&)>& work) {
    std::optional<pqxx::work> w;
    try {
      w.emplace(*conn);
    } catch (const pqxx::broken_connection&) {
      conn = pool.connect();
      w.emplace(*conn);
    }
    Tx tx(*w);
    work(tx);
    w->commit();
  }

  // Autocommit has no BEGIN to notice a stale connection with: execute() retries a read once
  // on a lost connection instead (reading again is harmless).
  static void attempt_autocommit(Impl&, std::unique_ptr<pqxx::connection>& conn,
                                 const std::function<void(Tx&)>& work) {
    pqxx::nontransaction n(*conn);
    Tx tx(n);
    work(tx);
  }

  using Attempt = void (*)(Impl&, std::unique_ptr<pqxx::connection>&, const std::function<void(Tx&)>&);

  void execute(const std::function<void(Tx&)>& work, Retry retry, Attempt attempt) {
    if (stopped) throw Unavailable("the server is shutting down");
    for (int n = 1;; ++n) {
      auto conn = acquire();
      try {
        attempt(*this, conn, work);
        release(std::move(conn));
        return;
      } catch (const pqxx::broken_connection& e) {
        if (attempt == attempt_autocommit && n == 1) continue;
        log::event(log::Level::warn, "database connection lost", {{"error", e.what()}});
        throw Unavailable("the database connection was lost; retry the request");
      } catch (const pqxx::in_doubt_error& e) {
        log::event(log::Level::error, "commit outcome unknown", {{"error", e.what()}});
        throw Unavailable("the database connection was lost during commit");
      } catch (const pqxx::sql_error& e) {
        release(std::move(conn));
        if (retry == Retry::on_conflict && n < kConflictAttempts && is_conflict(e)) continue;
        throw;
      } catch (...) {
        release(std::move(conn));
        throw;
      }
    }
  }
};

Pool::Pool(PoolOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Pool::~Pool() { shutdown(); }

// Runs `job` on a pool thread; the awaiting coroutine resumes on its own executor.
asio::awaitable<void> Pool::on_pool_thread(std::function<void()> job) {
  Impl* impl = impl_.get();
  ++impl->waiting;
  co_await asio::co_spawn(
      impl->threads.get_executor(),
      [impl, &job]() -> asio::awaitable<void> {
        --impl->waiting;
        ++impl->in_use;
        struct Release {
          Impl* impl;
          ~Release() { --impl->in_use; }
        } release{impl};
        job();
        co_return;
      },
      asio::use_awaitable);
}

asio::awaitable<void> Pool::transact(std::function<void(Tx&)> work, Retry retry) {
  co_await on_pool_thread([&] { impl_->execute(work, retry, Impl::attempt_transaction); });
}

asio::awaitable<void> Pool::read(std::function<void(Tx&)> work) {
  co_await on_pool_thread([&] { impl_->execute(work, Retry::no, Impl::attempt_autocommit); });
}

void Pool::transact_sync(std::function<void(Tx&)> work, Retry retry) {
  impl_->execute(work, retry, Impl::attempt_transaction);
}

int Pool::size() const { return impl_->opt.size; }
int Pool::in_use() const { return impl_->in_use.load(); }
int Pool::waiting() const { return impl_->waiting.load(); }
const std::string& Pool::url() const { return impl_->opt.url; }

void Pool::shutdown() {
  if (impl_->stopped.exchange(true)) return;
  impl_->threads.join();
  std::lock_guard lock(impl_->mutex);
  impl_->idle.clear();
}

}  // namespace skybill::db
