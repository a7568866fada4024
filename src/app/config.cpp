#include "skybill/app/config.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "skybill/core/identifiers.hpp"
#include "skybill/log/log.hpp"

namespace skybill::app {
namespace {

using Setter = std::function<void(Config&, const std::string&)>;
using Getter = std::function<std::string(const Config&)>;

struct Setting {
  std::string key, help;
  bool secret;
  Setter set;
  Getter get;
  std::string env() const {
    std::string e = "SKYBILL_";
    for (char c : key) e += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return e;
  }
};

long long parse_integer(const std::string& v, long long min, long long max) {
  long long out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || out < min || out > max)
    throw std::invalid_argument("expected a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return out;
}

template <class T>
Setting integer(std::string key, std::string help, T Config::*field, long long min, long long max) {
  return Setting{std::move(key), std::move(help), false,
                 [=](Config& c, const std::string& v) { c.*field = static_cast<T>(parse_integer(v, min, max)); },
                 [=](const Config& c) { return std::to_string(c.*field); }};
}

Setting text(std::string key, std::string help, std::string Config::*field, bool secret = false,
             std::function<void(const std::string&)> check = {}) {
  return Setting{std::move(key), std::move(help), secret,
                 [=](Config& c, const std::string& v) {
                   if (check) check(v);
                   c.*field = v;
                 },
                 [=](const Config& c) { return c.*field; }};
}

void check_url(const std::string& v) {
  if (!v.empty() && !v.starts_with("postgresql://") && !v.starts_with("postgres://") && v.find('=') == std::string::npos)
    throw std::invalid_argument("expected a PostgreSQL URL such as postgresql://user@host:5432/skybill");
}

std::function<void(const std::string&)> digits(std::string what, std::size_t count) {
  return [=](const std::string& v) {
    if (v.size() != count || v.find_first_not_of("0123456789") != std::string::npos)
      throw std::invalid_argument("expected a " + what + " of " + std::to_string(count) + " digits");
  };
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      text("database.url", "PostgreSQL connection URL (required by serve, migrate, merchant and staff)", &Config::database_url,
           true, check_url),
      integer("database.pool_size", "connections, and threads running transactions", &Config::database_pool_size, 1, 512),
      text("http.address", "address to listen on", &Config::http_address),
      integer("http.port", "port to listen on (0 picks a free one)", &Config::http_port, 0, 65535),
      integer("http.io_threads", "threads serving sockets", &Config::http_io_threads, 1, 256),
      integer("http.body_limit", "largest request body in bytes (413 beyond)", &Config::http_body_limit, 1,
              1LL << 30),
      integer("http.header_limit", "largest request header block in bytes (431 beyond)", &Config::http_header_limit,
              1024, 1 << 20),
      integer("http.max_connections", "open connections at most (503 beyond)", &Config::http_max_connections, 1,
              1'000'000),
      integer("http.header_timeout_ms", "time to receive a request's headers", &Config::http_header_timeout_ms, 10,
              3'600'000),
      integer("http.idle_timeout_ms", "time an idle keep-alive connection stays open", &Config::http_idle_timeout_ms,
              10, 3'600'000),
      integer("http.body_timeout_ms", "time to receive a request's body", &Config::http_body_timeout_ms, 10,
              3'600'000),
      integer("http.shutdown_grace_ms", "time requests in flight get to finish on SIGTERM",
              &Config::http_shutdown_grace_ms, 0, 600'000),
      text("http.public_url", "base URL clients reach the service at (hosted payment page links)",
           &Config::http_public_url, false,
           [](const std::string& v) {
             if (!(v.starts_with("http://") || v.starts_with("https://")) || v.ends_with("/"))
               throw std::invalid_argument("expected an http(s) URL without a trailing slash");
           }),
      integer("clock.offset_seconds", "shifts this instance's clock (tests and drills only; 0 in production)",
              &Config::clock_offset_seconds, -10LL * 365 * 86400, 10LL * 365 * 86400),
      integer("jobs.interval_ms", "how often time-driven jobs (booking expiry) run", &Config::jobs_interval_ms, 10,
              3'600'000),
      integer("delivery.workers", "threads sending webhooks and e-mail", &Config::delivery_workers, 1, 64),
      integer("delivery.poll_ms", "how often senders look for due webhooks and e-mails", &Config::delivery_poll_ms, 10,
              60'000),
      integer("delivery.timeout_ms", "time a webhook receiver or the SMTP server gets to answer",
              &Config::delivery_timeout_ms, 100, 120'000),
      integer("delivery.retry_base_ms", "first retry delay; each later one doubles (up to 6 h), with jitter",
              &Config::delivery_retry_base_ms, 10, 3'600'000),
      integer("delivery.give_up_hours", "a webhook or e-mail failing this long is dead; an endpoint, disabled",
              &Config::delivery_give_up_hours, 1, 24 * 30),
      text("delivery.private_targets",
           "refuse: webhook endpoints must be public internet addresses (checked when registered and when "
           "connecting); allow: loopback and private networks too (tests, an airline on the gateway's own network)",
           &Config::delivery_private_targets, false,
           [](const std::string& v) {
             if (v != "refuse" && v != "allow") throw std::invalid_argument("expected refuse or allow");
           }),
      text("webhooks.secret_key",
           "64 hex characters (openssl rand -hex 32): webhook endpoint secrets are stored encrypted under it "
           "(AES-256-GCM); empty: stored as they are",
           &Config::webhooks_secret_key, true,
           [](const std::string& v) {
             bool hex = v.size() == 64 && v.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
             if (!v.empty() && !hex) throw std::invalid_argument("expected 64 hex characters, or nothing");
           }),
      text("smtp.host", "SMTP server for e-mail (empty: e-mails are queued, not sent)", &Config::smtp_host),
      integer("smtp.port", "SMTP port", &Config::smtp_port, 1, 65535),
      text("smtp.security", "none, starttls (required) or tls (SMTPS)", &Config::smtp_security, false,
           [](const std::string& v) {
             if (v != "none" && v != "starttls" && v != "tls") throw std::invalid_argument("expected none, starttls or tls");
           }),
      text("smtp.username", "SMTP user (empty: no authentication)", &Config::smtp_username),
      text("smtp.password", "SMTP password", &Config::smtp_password, true),
      text("smtp.from", "From address of every e-mail", &Config::smtp_from),
      text("mail.support_address", "where staff notices (new support cases) go; empty: none sent",
           &Config::mail_support_address),
      text("gateway.name", "the gateway's legal name (payee of every invoice)", &Config::gateway_name),
      text("gateway.inn", "the gateway's INN", &Config::gateway_inn, false,
           [](const std::string& v) {
             if (!core::is_valid_inn(v)) throw std::invalid_argument("expected a valid INN");
           }),
      text("gateway.kpp", "the gateway's KPP", &Config::gateway_kpp, false, digits("KPP", 9)),
      text("gateway.bank", "the gateway's bank", &Config::gateway_bank),
      text("gateway.bic", "the gateway's bank BIC", &Config::gateway_bic, false, digits("BIC", 9)),
      text("gateway.correspondent_account", "the bank's correspondent account", &Config::gateway_correspondent_account,
           false, digits("correspondent account", 20)),
      text("gateway.account", "the gateway's settlement account; statements are for it",
           &Config::gateway_account, false, digits("settlement account", 20)),
      text("gateway.address", "the gateway's legal address (its commission documents)", &Config::gateway_address),
      text("gateway.edo_id", "the gateway's EDO participant id (sender of its documents)", &Config::gateway_edo_id),
      text("gateway.signer", "who signs the gateway's documents: surname and given name (and patronymic)",
           &Config::gateway_signer, false,
           [](const std::string& v) {
             if (v.find(' ') == std::string::npos) throw std::invalid_argument("expected a surname and a given name");
           }),
      text("gateway.signer_position", "the signer's position", &Config::gateway_signer_position, false,
           [](const std::string& v) {
             if (v.empty()) throw std::invalid_argument("expected a position");
           }),
      text("gateway.document_series", "prefix of the gateway's own document numbers (SKY-C-2026-000001)",
           &Config::gateway_document_series, false,
           [](const std::string& v) {
             bool ok = v.size() >= 2 && v.size() <= 8 && std::isupper(static_cast<unsigned char>(v[0])) &&
                       v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
             if (!ok) throw std::invalid_argument("expected 2 to 8 capital letters and digits, a letter first");
           }),
      text("gateway.commission_vat", "VAT rate of the gateway's commission: 22, 20, 10, 0 or none",
           &Config::gateway_commission_vat, false,
           [](const std::string& v) {
             if (v != "22" && v != "20" && v != "10" && v != "0" && v != "none")
               throw std::invalid_argument("expected 22, 20, 10, 0 or none");
           }),
      text("documents.edo_dir", "directory the built-in file-drop EDO operator works in (empty: EDO waits)",
           &Config::documents_edo_dir),
      integer("documents.interval_ms", "how often new events are looked at for documents to issue and EDO to send",
              &Config::documents_interval_ms, 10, 3'600'000),
      text("acquirer.callback_secret", "signs and verifies the card acquirer's callbacks (default: a development value)",
           &Config::acquirer_callback_secret, true,
           [](const std::string& v) {
             if (v.empty()) throw std::invalid_argument("expected a secret, not an empty value");
           }),
      text("settlement.cutoff", "local time (HH:MM, merchant's zone) closing a business day for payouts",
           &Config::settlement_cutoff, false,
           [](const std::string& v) {
             bool ok = v.size() == 5 && v[2] == ':' && std::isdigit(static_cast<unsigned char>(v[0])) &&
                       std::isdigit(static_cast<unsigned char>(v[1])) && std::isdigit(static_cast<unsigned char>(v[3])) &&
                       std::isdigit(static_cast<unsigned char>(v[4])) && std::stoi(v.substr(0, 2)) < 24 &&
                       std::stoi(v.substr(3)) < 60;
             if (!ok) throw std::invalid_argument("expected a time HH:MM such as 18:00");
           }),
      integer("refunds.at_risk_hours", "a refund still open this long before its deadline opens a support case",
              &Config::refunds_at_risk_hours, 1, 24 * 7),
      integer("staff.password_iterations",
              "PBKDF2-HMAC-SHA256 iterations of new staff password hashes (stored ones keep their own)",
              &Config::staff_password_iterations, 1'000, 10'000'000),
      integer("staff.session_idle_minutes", "a staff session unused this long ends",
              &Config::staff_session_idle_minutes, 1, 24 * 60),
      integer("staff.session_max_hours", "a staff session ends this long after sign-in, used or not",
              &Config::staff_session_max_hours, 1, 24 * 30),
      integer("chat.echo", "1: serve /chat/echo, a WebSocket that sends every frame back (bench/chat's baseline; 0 in "
              "production)", &Config::chat_echo, 0, 1),
      text("log.level", "trace, debug, info, warn, error or off", &Config::log_level, false,
           [](const std::string& v) { log::parse_level(v); }),
      text("log.format", "text or json", &Config::log_format, false, [](const std::string& v) { log::parse_format(v); }),
      text("paths.migrations", "directory of NNNN_*.sql migrations", &Config::paths_migrations),
      text("paths.calendars", "directory of production calendars (ru-YYYY.json)", &Config::paths_calendars),
      text("paths.formats", "directory of the tax service's XML schemas (closing documents)", &Config::paths_formats),
      text("paths.web", "directory of the static web assets served under /assets/ (the hosted invoice page)",
           &Config::paths_web),
  };
  return all;
}

void apply(Config& c, const Setting& s, const std::string& value, const std::string& source) {
  try {
    s.set(c, value);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source + ": " + e.what() + ", got \"" + (s.secret ? "***" : value) + "\"");
  }
}

void apply_file(Config& c, const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw ConfigError(source + ": the top level must be a JSON object");
  std::map<std::string, std::string> flat;
  for (const auto& [section, values] : j.items()) {
    if (!values.is_object()) throw ConfigError(source + ": \"" + section + "\" must be an object");
    for (const auto& [name, v] : values.items()) {
      auto key = section + "." + name;
      auto it = std::find_if(settings().begin(), settings().end(), [&](auto& s) { return s.key == key; });
      if (it == settings().end()) throw ConfigError(source + ": unknown setting " + key);
      std::string value;
      if (v.is_string()) value = v.get<std::string>();
      else if (v.is_number_integer()) value = std::to_string(v.get<long long>());
      else throw ConfigError(source + ": " + key + ": expected a string or a whole number");
      apply(c, *it, value, source + ": " + key);
    }
  }
}

}  // namespace

Config load_config(const std::string& json_text, const std::string& source, const Environment& env) {
  Config c;
  if (!json_text.empty()) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::parse_error& e) {
      throw ConfigError(source + ": not valid JSON: " + e.what());
    }
    apply_file(c, j, source);
  }
  for (const auto& s : settings())
    if (const char* v = env(s.env().c_str())) apply(c, s, v, s.env());
  return c;
}

Config load_config(const Environment& env) {
  std::string path;
  if (const char* p = env("SKYBILL_CONFIG")) {
    path = p;
    if (!std::filesystem::is_regular_file(path)) throw ConfigError("SKYBILL_CONFIG: no such file: " + path);
  } else if (std::filesystem::is_regular_file("config/skybill.json")) {
    path = "config/skybill.json";
  }
  std::string text;
  if (!path.empty()) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  return load_config(text, path.empty() ? "defaults" : path, env);
}

std::vector<SettingInfo> describe(const Config& c) {
  std::vector<SettingInfo> out;
  for (const auto& s : settings()) {
    auto v = s.get(c);
    out.push_back({s.key, s.env(), s.help, s.secret && !v.empty() ? "***" : v});
  }
  return out;
}

}  // namespace skybill::app
