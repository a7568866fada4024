#include "skybill/delivery/delivery.hpp"
#include "skybill/log/log.hpp"

namespace skybill::delivery {

Workers::Workers(db::Pool& pool, const core::Clock& clock, Settings settings)
    : pool_(pool), clock_(clock), settings_(std::move(settings)) {
  if (settings_.smtp) smtp_.emplace(*settings_.smtp);
}

Workers::~Workers() { stop(); }

void Workers::start() {
  if (!smtp_) log::event(log::Level::warn, "smtp.host is not set: e-mails are queued, not sent", {});
  for (int i = 0; i < settings_.workers; ++i) threads_.emplace_back([this, i] { run(i); });
}

void Workers::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Workers::pause() {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, settings_.poll, [this] { return stopping_.load(); });
}

void Workers::run(int index) {
  auto lease = settings_.webhooks.lease();
  while (!stopping_) {
    bool busy = false;
    try {
      // One thread fans out; every thread sends.
      if (index == 0) busy = fan_out(pool_, clock_, settings_.fan_out) > 0;
      busy = webhooks::deliver_one(pool_, clock_, settings_.webhooks, &stopping_) || busy;
      if (smtp_) busy = send_one_email(pool_, clock_, *smtp_, settings_.webhooks.retry, lease) || busy;
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "delivery worker", {{"worker", index}, {"error", e.what()}});
      busy = false;
    }
    if (!busy) pause();
  }
}

}  // namespace skybill::delivery
