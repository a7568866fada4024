#pragma once
// From the outbox to the outside world: the fan-out turns each committed event into webhook
// deliveries (one per subscribed endpoint) and e-mails (rendered in the booking's language);
// sender threads then send both, retrying with back-off.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/mail/mail.hpp"
#include "skybill/webhooks/dispatch.hpp"

namespace skybill::db {
class Pool;
}

namespace skybill::delivery {

struct FanOutContext {
  std::string public_url;       // for pay links
  std::string support_address;  // staff notices; empty: none
};

// Fans out up to `batch` events in id order; returns how many. One instance at a time (the
// others return 0 at once), so deliveries are created in event order.
int fan_out(db::Pool& pool, const core::Clock& clock, const FanOutContext& context, int batch = 200);

// Claims one due e-mail, sends it and records the outcome; false when none was due.
bool send_one_email(db::Pool& pool, const core::Clock& clock, const mail::SmtpSender& smtp,
                    const webhooks::RetryPolicy& retry, std::chrono::milliseconds lease);

struct Settings {
  int workers = 4;
  std::chrono::milliseconds poll{500};
  webhooks::DeliverySettings webhooks;
  std::optional<mail::SmtpSettings> smtp;  // none: e-mails stay queued
  FanOutContext fan_out;
};

// The sender threads; stop() (or the destructor) aborts transfers in flight and joins.
class Workers {
 public:
  Workers(db::Pool& pool, const core::Clock& clock, Settings settings);
  ~Workers();
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  void start();
  void stop();

 private:
  void run(int index);
  void pause();
  db::Pool& pool_;
  const core::Clock& clock_;
  Settings settings_;
  std::optional<mail::SmtpSender> smtp_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> threads_;
};

}  // namespace skybill::delivery
