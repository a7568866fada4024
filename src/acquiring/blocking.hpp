#pragma once
// Threads for the blocking calls (libcurl to the acquirer and to the callback URL), so that
// they never run on the HTTP server's I/O threads.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>

namespace skybill::acquiring {

class Blocking {
 public:
  explicit Blocking(int threads) : threads_(static_cast<std::size_t>(threads)) {}
  ~Blocking() { threads_.join(); }
  Blocking(const Blocking&) = delete;
  Blocking& operator=(const Blocking&) = delete;
  // Runs `job` on one of the threads; the awaiting coroutine resumes on its own executor, and
  // an exception thrown by `job` is rethrown there.
  boost::asio::awaitable<void> run(std::function<void()> job);

 private:
  boost::asio::thread_pool threads_;
};

}  // namespace skybill::acquiring
