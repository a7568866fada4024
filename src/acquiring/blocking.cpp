#include "blocking.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace skybill::acquiring {

boost::asio::awaitable<void> Blocking::run(std::function<void()> job) {
  co_await boost::asio::co_spawn(
      threads_.get_executor(),
      [&job]() -> boost::asio::awaitable<void> {
        job();
        co_return;
      },
      boost::asio::use_awaitable);
}

}  // namespace skybill::acquiring
