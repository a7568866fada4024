#include "serve.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "skybill/acquiring/acquiring.hpp"
#include "skybill/api/idempotency.hpp"
#include "skybill/audit/routes.hpp"
#include "skybill/booking/routes.hpp"
#include "skybill/chat/bills.hpp"
#include "skybill/chat/chat.hpp"
#include "skybill/console/console.hpp"
#include "skybill/invoicing/invoicing.hpp"
#include "skybill/issuing/issuing.hpp"
#include "skybill/paypage/paypage.hpp"
#include "skybill/http/static_files.hpp"
#include "skybill/support/cases.hpp"
#include "skybill/core/calendar.hpp"
#include "skybill/db/migrations.hpp"
#include "skybill/db/pool.hpp"
#include "skybill/delivery/delivery.hpp"
#include "skybill/payments/payments.hpp"
#include "skybill/settlement/rules.hpp"
#include "skybill/settlement/settlement.hpp"
#include "skybill/webhooks/routes.hpp"
#include "skybill/http/metrics.hpp"
#include "skybill/http/server.hpp"
#include "skybill/identity/routes.hpp"
#include "skybill/log/log.hpp"
#include "route_table.hpp"
#include "system_routes.hpp"

namespace skybill::app {

namespace {
constexpr std::chrono::minutes kIdempotencyPurgeInterval{10};

delivery::Settings delivery_settings(const Config& c) {
  delivery::Settings s;
  s.workers = c.delivery_workers;
  s.poll = std::chrono::milliseconds(c.delivery_poll_ms);
  s.webhooks.timeout = std::chrono::milliseconds(c.delivery_timeout_ms);
  s.webhooks.retry.base = std::chrono::milliseconds(c.delivery_retry_base_ms);
  s.webhooks.retry.give_up = std::chrono::hours(c.delivery_give_up_hours);
  s.webhooks.allow_private_targets = c.delivery_private_targets == "allow";
  if (!c.smtp_host.empty())
    s.smtp = mail::SmtpSettings{.host = c.smtp_host,
                                .port = c.smtp_port,
                                .security = c.smtp_security,
                                .username = c.smtp_username,
                                .password = c.smtp_password,
                                .from = c.smtp_from,
                                .timeout = std::chrono::milliseconds(c.delivery_timeout_ms)};
  s.fan_out = {c.http_public_url, c.mail_support_address};
  return s;
}
}

nlohmann::json gateway_requisites(const Config& config) {
  return {{"name", config.gateway_name},
          {"inn", config.gateway_inn},
          {"kpp", config.gateway_kpp},
          {"bank", config.gateway_bank},
          {"bic", config.gateway_bic},
          {"correspondent_account", config.gateway_correspondent_account},
          {"account", config.gateway_account}};
}

int serve(const Config& config) {
  auto migrations = db::load_migrations(config.paths_migrations);
  // Fails loudly now rather than on the first payout of a year with a broken calendar.
  auto calendar = core::BusinessCalendar::load(config.paths_calendars);
  auto applied = db::migrate(config.database_url, migrations);

  db::Pool pool({.url = config.database_url, .size = config.database_pool_size});
  http::Metrics metrics;
  metrics.set_build_info(SKYBILL_VERSION, SKYBILL_COMMIT);
  metrics.add_gauge("skybill_db_pool_size", "Connections the pool may open.", [&] { return pool.size(); });
  metrics.add_gauge("skybill_db_pool_in_use", "Transactions running now.", [&] { return pool.in_use(); });
  metrics.add_gauge("skybill_db_pool_waiting", "Transactions waiting for a connection.", [&] { return pool.waiting(); });

  core::OffsetClock clock(std::chrono::seconds(config.clock_offset_seconds));
  booking::RouteContext bookings{pool, clock, config.http_public_url, invoicing::enricher()};

  invoicing::configure_payee(gateway_requisites(config));
  http::Router router;
  add_system_routes(router, pool, metrics, migrations, calendar, clock);
  identity::add_routes(router, pool);
  identity::StaffContext staff{
      .pool = pool,
      .clock = clock,
      .settings = {.password_iterations = config.staff_password_iterations,
                   .session_idle = std::chrono::minutes(config.staff_session_idle_minutes),
                   .session_max = std::chrono::hours(config.staff_session_max_hours),
                   .secure_cookie = config.http_public_url.starts_with("https://")}};
  identity::add_staff_routes(router, staff);
  identity::add_key_routes(router, pool);
  identity::add_credit_routes(router, pool);
  booking::add_routes(router, bookings);
  invoicing::add_routes(router, bookings);
  support::add_routes(router, pool);
  support::add_staff_routes(router, pool, clock);
  webhooks::configure_secret_key(config.webhooks_secret_key);
  if (config.webhooks_secret_key.empty())
    log::warn("webhook secrets are stored unencrypted: set webhooks.secret_key");
  webhooks::add_routes(router, pool, clock, config.delivery_private_targets == "allow");
  webhooks::add_staff_routes(router, pool, clock);
  // A hold only authorises (an audit row); captured money is a payment like a transfer's.
  auto hold_sink = acquiring::default_sink(clock, config.http_public_url);
  acquiring::PaymentSink card_sink = [hold_sink, &clock](db::Tx& tx, const acquiring::CardPaid& p) {
    if (p.hold) return hold_sink(tx, p);
    payments::card_captured(tx, p.invoice_id, p.amount_minor, p.currency, p.attempt_id, clock.now());
    chat::bill_invoice_paid(tx, p.invoice_id, clock.now());  // a chat bill turns paid in the same commit
  };
  auto web = std::make_shared<const http::StaticFiles>(config.paths_web);
  auto link_refused = [web](const core::Problem& p) { return paypage::refused_page(*web, p); };
  auto cards = acquiring::add_routes(router, pool, clock,
                                     {.public_url = config.http_public_url,
                                      .callback_secret = config.acquirer_callback_secret,
                                      .link_refused = link_refused},
                                     card_sink);
  payments::add_routes(router, pool, clock, {.own_accounts = {config.gateway_account}});
  settlement::Context settling{.pool = pool,
                               .clock = clock,
                               .calendar = calendar,
                               .default_cutoff = settlement::parse_cutoff(config.settlement_cutoff),
                               .gateway = gateway_requisites(config),
                               .refund_at_risk = std::chrono::hours(config.refunds_at_risk_hours),
                               .card_refund = [cards](std::string ref, std::int64_t amount, std::string reference) {
                                 return cards->refund(std::move(ref), amount, std::move(reference));
                               }};
  settlement::add_routes(router, settling);
  audit::add_routes(router, pool);
  audit::add_staff_routes(router, pool);
  issuing::Context issuing_ctx{
      .pool = pool,
      .clock = clock,
      .gateway = {config.gateway_name, config.gateway_inn, config.gateway_kpp, config.gateway_address,
                  config.gateway_edo_id, config.gateway_account, config.gateway_bank, config.gateway_bic,
                  config.gateway_correspondent_account},
      .gateway_signer = issuing::signer_from_name(config.gateway_signer, config.gateway_signer_position),
      .gateway_series = config.gateway_document_series,
      .commission_vat = config.gateway_commission_vat,
      .formats_dir = config.paths_formats,
      .public_url = config.http_public_url,
      .edo = config.documents_edo_dir.empty()
                 ? nullptr
                 : std::make_shared<issuing::FileDropOperator>(config.documents_edo_dir),
      .link_refused = link_refused};
  issuing::add_routes(router, issuing_ctx);
  paypage::Context pay_page{.bookings = bookings, .issuing = issuing_ctx, .web = web};
  paypage::add_routes(router, pay_page);
  console::Context console_ctx{.bookings = bookings, .refund_at_risk = std::chrono::hours(config.refunds_at_risk_hours)};
  console::add_routes(router, console_ctx);
  chat::Context chat_ctx{.pool = pool,
                         .clock = clock,
                         .database_url = config.database_url,
                         .public_url = config.http_public_url,
                         .web = web,
                         .echo = config.chat_echo == 1};
  auto chat_hub = chat::add_routes(router, chat_ctx);
  chat::add_bill_routes(router, chat_ctx);
  http::add_asset_routes(router, web);
  add_route_table_route(router);

  http::ServerOptions options{
      .address = config.http_address,
      .port = static_cast<std::uint16_t>(config.http_port),
      .io_threads = config.http_io_threads,
      .body_limit = static_cast<std::size_t>(config.http_body_limit),
      .header_limit = static_cast<std::size_t>(config.http_header_limit),
      .max_connections = config.http_max_connections,
      .header_timeout = std::chrono::milliseconds(config.http_header_timeout_ms),
      .idle_timeout = std::chrono::milliseconds(config.http_idle_timeout_ms),
      .body_timeout = std::chrono::milliseconds(config.http_body_timeout_ms),
      .shutdown_grace = std::chrono::milliseconds(config.http_shutdown_grace_ms),
      .behind_tls = config.http_public_url.starts_with("https://"),
  };
  http::Server server(options, router, identity::make_authenticator(staff), metrics);
  server.listen();
  server.every(kIdempotencyPurgeInterval, "idempotency-purge", [&pool]() -> boost::asio::awaitable<void> {
    co_await pool.transact([](db::Tx& tx) { api::purge_idempotency_keys(tx); });
  });
  server.every(kIdempotencyPurgeInterval, "sign-in-purge", [&staff] { return identity::purge_sign_in_records(staff); });
  server.every(std::chrono::milliseconds(config.jobs_interval_ms), "bookings-and-invoices",
               [&pool, &clock]() -> boost::asio::awaitable<void> {
                 if (int n = co_await invoicing::expire_bookings(pool, clock))
                   log::event(log::Level::info, "bookings expired", {{"count", n}});
                 if (int n = co_await invoicing::remind_expiring_bookings(pool, clock))
                   log::event(log::Level::info, "bookings about to expire told", {{"count", n}});
                 if (int n = co_await invoicing::remind_credit_invoices(pool, clock))
                   log::event(log::Level::info, "credit invoices reminded", {{"count", n}});
                 if (int n = co_await invoicing::mark_overdue_invoices(pool, clock))
                   log::event(log::Level::info, "invoices overdue", {{"count", n}});
                 if (int n = co_await chat::sweep_bills(pool, clock))
                   log::event(log::Level::info, "chat bills changed", {{"count", n}});
               });
  server.every(std::chrono::milliseconds(config.jobs_interval_ms), "card-payments", [cards] { return cards->settle(); });
  server.every(std::chrono::milliseconds(config.jobs_interval_ms), "settlement-and-refunds",
               [&settling]() -> boost::asio::awaitable<void> {
                 if (int n = co_await settlement::settle_closed_days(settling))
                   log::event(log::Level::info, "payouts created", {{"count", n}});
                 if (int n = co_await settlement::send_card_refunds(settling))
                   log::event(log::Level::info, "card refunds finished", {{"count", n}});
                 if (int n = co_await settlement::flag_refunds_at_risk(settling))
                   log::event(log::Level::warn, "refunds at risk of missing their deadline", {{"count", n}});
               });
  server.every(std::chrono::milliseconds(config.documents_interval_ms), "documents",
               [&issuing_ctx]() -> boost::asio::awaitable<void> {
                 if (int n = co_await issuing::issue_pending(issuing_ctx))
                   log::event(log::Level::debug, "events documented", {{"count", n}});
                 if (int n = co_await issuing::dispatch_pending(issuing_ctx))
                   log::event(log::Level::info, "EDO dispatches changed", {{"count", n}});
               });
  delivery::Workers senders(pool, clock, delivery_settings(config));
  senders.start();
  log::event(log::Level::info, "listening",
             {{"address", config.http_address},
              {"port", server.port()},
              {"version", SKYBILL_VERSION},
              {"migrations_applied_now", applied.size()},
              {"calendar_years", calendar.years()}});
  if (auto status = calendar_status(calendar, clock); status.contains("warning"))
    log::event(log::Level::warn, "production calendar running out",
               {{"warning", status["warning"]}, {"last_day", status["last_day"]}, {"days_left", status["days_left"]}});
  server.run();
  senders.stop();
  pool.shutdown();
  log::info("stopped");
  return 0;
}

}  // namespace skybill::app
