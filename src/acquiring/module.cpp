#include <boost/asio/awaitable.hpp>

#include "context.hpp"
#include "skybill/log/log.hpp"

namespace skybill::acquiring {

namespace {

class Module final : public CardPayments {
 public:
  explicit Module(std::shared_ptr<Context> ctx) : ctx_(std::move(ctx)) {}

  boost::asio::awaitable<void> settle() override {
    if (int n = co_await redeliver_sandbox_callbacks(*ctx_))
      log::event(log::Level::info, "sandbox acquirer callbacks sent again", {{"count", n}});
    if (int n = co_await settle_attempts(*ctx_)) log::event(log::Level::info, "card payments settled", {{"count", n}});
  }

  boost::asio::awaitable<void> refund(std::string acquirer_ref, std::int64_t amount_minor,
                                      std::string reference) override {
    co_await ctx_->blocking.run([&] { ctx_->acquirer->refund(acquirer_ref, amount_minor, reference); });
  }

 private:
  std::shared_ptr<Context> ctx_;
};

}  // namespace

std::shared_ptr<CardPayments> add_routes(http::Router& router, db::Pool& pool, const core::Clock& clock,
                                         Settings settings, PaymentSink sink) {
  auto ctx = std::make_shared<Context>(pool, clock, std::move(settings), std::move(sink));
  add_sandbox_routes(router, ctx);
  add_gateway_routes(router, ctx);
  return std::make_shared<Module>(ctx);
}

}  // namespace skybill::acquiring
