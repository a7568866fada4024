#pragma once
// Settings: built-in defaults, then config/skybill.json, then SKYBILL_* environment variables.
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace skybill::app {

struct Config {
  std::string database_url;
  int database_pool_size = 8;
  std::string http_address = "127.0.0.1";
  int http_port = 8080;
  int http_io_threads = 2;
  long long http_body_limit = 1 << 20;
  long long http_header_limit = 16 * 1024;
  int http_max_connections = 10000;
  int http_header_timeout_ms = 10'000;
  int http_idle_timeout_ms = 60'000;
  int http_body_timeout_ms = 30'000;
  int http_shutdown_grace_ms = 10'000;
  std::string http_public_url = "http://localhost:8080";
  long long clock_offset_seconds = 0;
  int jobs_interval_ms = 10'000;
  int delivery_workers = 4;
  int delivery_poll_ms = 500;
  int delivery_timeout_ms = 20'000;
  int delivery_retry_base_ms = 30'000;
  int delivery_give_up_hours = 72;
  // refuse: webhooks go to public internet addresses only; allow: also loopback and private ones.
  std::string delivery_private_targets = "refuse";
  // 64 hex characters: webhook endpoint secrets are stored sealed under it; empty: as they are.
  std::string webhooks_secret_key;
  std::string smtp_host;  // empty: e-mails wait, unsent, until a host is configured
  int smtp_port = 25;
  std::string smtp_security = "starttls";  // none | starttls | tls
  std::string smtp_username;
  std::string smtp_password;
  std::string smtp_from = "skybill <noreply@skybill.local>";
  std::string mail_support_address;  // staff notices (support cases); empty: none sent
  // The gateway's own requisites: the payee of every invoice; its account tells incoming from
  // outgoing documents in bank statements. Defaults are a demo company's.
  std::string gateway_name = "ООО \"Скайбилл\"";
  std::string gateway_inn = "7707083893";
  std::string gateway_kpp = "770701001";
  std::string gateway_bank = "ПАО Сбербанк";
  std::string gateway_bic = "044525225";
  std::string gateway_correspondent_account = "30101810400000000225";
  std::string gateway_account = "40702810900000000001";
  // The gateway as the seller of its commission (closing documents): address, EDO id, who signs,
  // its documents' series, and the VAT rate of its commission.
  std::string gateway_address = "101000, г. Москва, ул. Мясницкая, д. 2";
  std::string gateway_edo_id = "2AL-7707083893-770701001-201512010000000003";
  std::string gateway_signer = "Сидоров Алексей";
  std::string gateway_signer_position = "Генеральный директор";
  std::string gateway_document_series = "SKY";
  std::string gateway_commission_vat = "22";
  // Closing documents: where the built-in file-drop EDO operator writes outgoing files and reads
  // the statuses the operator reports; empty: EDO dispatches wait, unsent.
  std::string documents_edo_dir;
  int documents_interval_ms = 1000;  // how often the outbox is looked at for documents to issue
  std::string paths_formats = "config/formats";
  std::string paths_web = "web";  // static assets: the hosted invoice page and its scripts
  // Signs and verifies the card acquirer's callbacks; the default is a fixed development value.
  std::string acquirer_callback_secret = "acq_dev_secret_change_me";
  // Settlement: the local time that closes a merchant's business day (unless the merchant's own
  // settings say otherwise), and how long before its deadline a refund still open is flagged.
  std::string settlement_cutoff = "18:00";
  int refunds_at_risk_hours = 24;
  // Staff sign-in: PBKDF2 iterations of new password hashes (a stored hash carries its own),
  // and how long a session lives unused and at most.
  int staff_password_iterations = 600'000;
  int staff_session_idle_minutes = 30;
  int staff_session_max_hours = 12;
  int chat_echo = 0;  // 1: /chat/echo, a WebSocket echo for bench/chat's baseline
  std::string log_level = "info";
  std::string log_format = "text";
  std::string paths_migrations = "migrations";
  std::string paths_calendars = "config/calendars";
};

// One line naming the setting, its source and what is wrong with the value.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SettingInfo {
  std::string key;      // "http.port" in the JSON file
  std::string env;      // "SKYBILL_HTTP_PORT"
  std::string help;
  std::string current;  // the value in effect, secrets masked
};

using Environment = std::function<const char*(const char*)>;

// The file is $SKYBILL_CONFIG when set (it must exist), else config/skybill.json when it
// exists, else none. Throws ConfigError.
Config load_config(const Environment& env);
Config load_config(const std::string& json_text, const std::string& source, const Environment& env);
std::vector<SettingInfo> describe(const Config& c);

}  // namespace skybill::app
