#include "skybill/app/config.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

namespace skybill::app {
namespace {

// A fake process environment: only the variables given exist.
class FakeEnv {
 public:
  FakeEnv() = default;
  explicit FakeEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  Environment fn() {
    return [this](const char* name) -> const char* {
      asked_.insert(name);
      auto it = vars_.find(name);
      return it == vars_.end() ? nullptr : it->second.c_str();
    };
  }
  const std::set<std::string>& asked() const { return asked_; }

 private:
  std::map<std::string, std::string> vars_;
  std::set<std::string> asked_;
};

Config load(const std::string& json_text, std::map<std::string, std::string> env = {}) {
  FakeEnv e(std::move(env));
  return load_config(json_text, "test.json", e.fn());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kShippedConfig = std::string(SKYBILL_SOURCE_DIR) + "/config/skybill.json";

// The message of the ConfigError thrown, or a failure when there is none.
std::string config_error(const std::string& json_text, std::map<std::string, std::string> env = {}) {
  try {
    load(json_text, std::move(env));
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ConfigError, got another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected ConfigError";
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void expect_same(const Config& a, const Config& b) {
  EXPECT_EQ(a.database_url, b.database_url);
  EXPECT_EQ(a.database_pool_size, b.database_pool_size);
  EXPECT_EQ(a.http_address, b.http_address);
  EXPECT_EQ(a.http_port, b.http_port);
  EXPECT_EQ(a.http_io_threads, b.http_io_threads);
  EXPECT_EQ(a.http_body_limit, b.http_body_limit);
  EXPECT_EQ(a.http_header_limit, b.http_header_limit);
  EXPECT_EQ(a.http_max_connections, b.http_max_connections);
  EXPECT_EQ(a.http_header_timeout_ms, b.http_header_timeout_ms);
  EXPECT_EQ(a.http_idle_timeout_ms, b.http_idle_timeout_ms);
  EXPECT_EQ(a.http_body_timeout_ms, b.http_body_timeout_ms);
  EXPECT_EQ(a.http_shutdown_grace_ms, b.http_shutdown_grace_ms);
  EXPECT_EQ(a.log_level, b.log_level);
  EXPECT_EQ(a.log_format, b.log_format);
  EXPECT_EQ(a.paths_migrations, b.paths_migrations);
  EXPECT_EQ(a.paths_calendars, b.paths_calendars);
}

std::string env_name_of(const std::string& key) {
  std::string e = "SKYBILL_";
  for (char c : key) e += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return e;
}

// --- defaults and layering ---

TEST(Config, NoFileAndNoEnvironmentGivesBuiltInDefaults) {
  expect_same(load(""), Config{});
}

TEST(Config, ShippedFileRepeatsTheBuiltInDefaults) {
  expect_same(load(read_file(kShippedConfig)), Config{});
}

TEST(Config, ShippedFileSetsEverySetting) {
  auto file = nlohmann::json::parse(read_file(kShippedConfig));
  for (const auto& s : describe(Config{})) {
    SCOPED_TRACE(s.key);
    auto dot = s.key.find('.');
    ASSERT_NE(dot, std::string::npos);
    ASSERT_TRUE(file.contains(s.key.substr(0, dot)));
    EXPECT_TRUE(file[s.key.substr(0, dot)].contains(s.key.substr(dot + 1)));
  }
}

TEST(Config, EmptyObjectGivesDefaults) {
  expect_same(load("{}"), Config{});
  expect_same(load(R"({"http": {}, "log": {}})"), Config{});
}

TEST(Config, FileOverridesDefaults) {
  auto c = load(R"({
    "database": {"url": "postgresql://skybill@db:5432/skybill", "pool_size": 16},
    "http": {"address": "0.0.0.0", "port": 9090, "io_threads": 4, "body_limit": 2048,
             "header_limit": 4096, "max_connections": 50, "header_timeout_ms": 100,
             "idle_timeout_ms": 200, "body_timeout_ms": 300, "shutdown_grace_ms": 0},
    "log": {"level": "debug", "format": "json"},
    "paths": {"migrations": "/opt/m", "calendars": "/opt/c"}
  })");
  EXPECT_EQ(c.database_url, "postgresql://skybill@db:5432/skybill");
  EXPECT_EQ(c.database_pool_size, 16);
  EXPECT_EQ(c.http_address, "0.0.0.0");
  EXPECT_EQ(c.http_port, 9090);
  EXPECT_EQ(c.http_io_threads, 4);
  EXPECT_EQ(c.http_body_limit, 2048);
  EXPECT_EQ(c.http_header_limit, 4096);
  EXPECT_EQ(c.http_max_connections, 50);
  EXPECT_EQ(c.http_header_timeout_ms, 100);
  EXPECT_EQ(c.http_idle_timeout_ms, 200);
  EXPECT_EQ(c.http_body_timeout_ms, 300);
  EXPECT_EQ(c.http_shutdown_grace_ms, 0);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.paths_migrations, "/opt/m");
  EXPECT_EQ(c.paths_calendars, "/opt/c");
}

TEST(Config, FileLeavesUnmentionedSettingsAtDefaults) {
  auto c = load(R"({"http": {"port": 9090}})");
  EXPECT_EQ(c.http_port, 9090);
  EXPECT_EQ(c.http_address, Config{}.http_address);
  EXPECT_EQ(c.database_pool_size, Config{}.database_pool_size);
}

TEST(Config, FileNumbersMayBeGivenAsStrings) {
  EXPECT_EQ(load(R"({"http": {"port": "9090"}})").http_port, 9090);
}

TEST(Config, EnvironmentOverridesFile) {
  auto c = load(R"({"http": {"port": 9090, "address": "0.0.0.0"}, "log": {"level": "debug"}})",
                {{"SKYBILL_HTTP_PORT", "7070"}, {"SKYBILL_LOG_LEVEL", "warn"}});
  EXPECT_EQ(c.http_port, 7070);
  EXPECT_EQ(c.log_level, "warn");
  EXPECT_EQ(c.http_address, "0.0.0.0");  // not in the environment: the file's value stays
}

TEST(Config, EnvironmentOverridesDefaults) {
  auto c = load("", {{"SKYBILL_DATABASE_URL", "postgres://u@h/db"},
                     {"SKYBILL_DATABASE_POOL_SIZE", "3"},
                     {"SKYBILL_HTTP_BODY_LIMIT", "1073741824"},
                     {"SKYBILL_PATHS_CALENDARS", "/srv/cal"}});
  EXPECT_EQ(c.database_url, "postgres://u@h/db");
  EXPECT_EQ(c.database_pool_size, 3);
  EXPECT_EQ(c.http_body_limit, 1LL << 30);
  EXPECT_EQ(c.paths_calendars, "/srv/cal");
}

TEST(Config, EveryEnvironmentVariableIsConsultedAndMatchesItsKey) {
  FakeEnv env;
  load_config("", "test.json", env.fn());
  auto settings = describe(Config{});
  EXPECT_EQ(settings.size(), 57u);
  std::set<std::string> expected;
  for (const auto& s : settings) {
    EXPECT_EQ(s.env, env_name_of(s.key));
    expected.insert(s.env);
  }
  EXPECT_EQ(env.asked(), expected);
}

TEST(Config, UnrelatedEnvironmentVariablesAreIgnored) {
  expect_same(load("", {{"SKYBILL_HTTP_PROT", "1"}, {"PORT", "1"}}), Config{});
}

TEST(Config, DatabaseUrlAcceptsUrlsAndKeywordValueStrings) {
  for (const char* url : {"", "postgresql://u@h:5432/db", "postgres://h/db", "host=h dbname=skybill"}) {
    SCOPED_TRACE(url);
    EXPECT_EQ(load("", {{"SKYBILL_DATABASE_URL", url}}).database_url, url);
  }
}

TEST(Config, RangeLimitsAreInclusive) {
  EXPECT_EQ(load("", {{"SKYBILL_HTTP_PORT", "0"}}).http_port, 0);
  EXPECT_EQ(load("", {{"SKYBILL_HTTP_PORT", "65535"}}).http_port, 65535);
  EXPECT_EQ(load("", {{"SKYBILL_DATABASE_POOL_SIZE", "1"}}).database_pool_size, 1);
  EXPECT_EQ(load("", {{"SKYBILL_DATABASE_POOL_SIZE", "512"}}).database_pool_size, 512);
}

TEST(Config, EveryLogLevelAndFormatIsAccepted) {
  for (const char* level : {"trace", "debug", "info", "warn", "error", "off"})
    EXPECT_EQ(load("", {{"SKYBILL_LOG_LEVEL", level}}).log_level, level);
  for (const char* format : {"text", "json"})
    EXPECT_EQ(load("", {{"SKYBILL_LOG_FORMAT", format}}).log_format, format);
}

// --- bad values from the environment: the message names the variable ---

struct BadEnv {
  const char* var;
  const char* value;
};

TEST(Config, BadEnvironmentValuesNameTheVariable) {
  for (const auto& [var, value] : std::initializer_list<BadEnv>{
           {"SKYBILL_HTTP_PORT", "70000"},
           {"SKYBILL_HTTP_PORT", "65536"},
           {"SKYBILL_HTTP_PORT", "-1"},
           {"SKYBILL_HTTP_PORT", "abc"},
           {"SKYBILL_HTTP_PORT", ""},
           {"SKYBILL_HTTP_PORT", "80x"},
           {"SKYBILL_HTTP_PORT", " 80"},
           {"SKYBILL_HTTP_PORT", "80 "},
           {"SKYBILL_HTTP_PORT", "+80"},
           {"SKYBILL_HTTP_PORT", "8080.0"},
           {"SKYBILL_HTTP_PORT", "99999999999999999999999"},
           {"SKYBILL_DATABASE_POOL_SIZE", "-4"},
           {"SKYBILL_DATABASE_POOL_SIZE", "0"},
           {"SKYBILL_DATABASE_POOL_SIZE", "513"},
           {"SKYBILL_HTTP_IO_THREADS", "0"},
           {"SKYBILL_HTTP_BODY_LIMIT", "0"},
           {"SKYBILL_HTTP_BODY_LIMIT", "1073741825"},
           {"SKYBILL_HTTP_HEADER_LIMIT", "1023"},
           {"SKYBILL_HTTP_MAX_CONNECTIONS", "0"},
           {"SKYBILL_HTTP_HEADER_TIMEOUT_MS", "9"},
           {"SKYBILL_HTTP_IDLE_TIMEOUT_MS", "3600001"},
           {"SKYBILL_HTTP_BODY_TIMEOUT_MS", "-10"},
           {"SKYBILL_HTTP_SHUTDOWN_GRACE_MS", "600001"},
           {"SKYBILL_LOG_LEVEL", "verbose"},
           {"SKYBILL_LOG_LEVEL", "INFO"},
           {"SKYBILL_LOG_LEVEL", ""},
           {"SKYBILL_LOG_FORMAT", "xml"},
           {"SKYBILL_DATABASE_URL", "mysql://u@h/db"},
           {"SKYBILL_DATABASE_URL", "localhost"},
       }) {
    SCOPED_TRACE(std::string(var) + "=" + value);
    auto message = config_error("", {{var, value}});
    EXPECT_TRUE(message.starts_with(std::string(var) + ": ")) << message;
  }
}

TEST(Config, BadValueMessageSaysWhatIsExpectedAndWhatWasGot) {
  auto message = config_error("", {{"SKYBILL_HTTP_PORT", "70000"}});
  EXPECT_EQ(message, "SKYBILL_HTTP_PORT: expected a whole number from 0 to 65535, got \"70000\"");
  message = config_error("", {{"SKYBILL_LOG_FORMAT", "xml"}});
  EXPECT_TRUE(contains(message, "text or json")) << message;
  EXPECT_TRUE(contains(message, "\"xml\"")) << message;
}

TEST(Config, BadDatabaseUrlIsNotEchoed) {
  auto message = config_error("", {{"SKYBILL_DATABASE_URL", "mysql://app:hunter2@h/db"}});
  EXPECT_TRUE(message.starts_with("SKYBILL_DATABASE_URL: ")) << message;
  EXPECT_FALSE(contains(message, "hunter2")) << message;
  EXPECT_TRUE(contains(message, "***")) << message;
}

TEST(Config, EnvironmentIsCheckedEvenWhenFileIsFine) {
  auto message = config_error(R"({"http": {"port": 9090}})", {{"SKYBILL_HTTP_PORT", "abc"}});
  EXPECT_TRUE(message.starts_with("SKYBILL_HTTP_PORT: ")) << message;
}

// --- bad files: the message names the file and the key ---

struct BadFile {
  const char* json;
  const char* must_mention;
};

TEST(Config, BadFileValuesNameTheFileAndKey) {
  for (const auto& [json, key] : std::initializer_list<BadFile>{
           {R"({"http": {"port": 70000}})", "http.port"},
           {R"({"http": {"port": "abc"}})", "http.port"},
           {R"({"http": {"port": -1}})", "http.port"},
           {R"({"http": {"port": 80.5}})", "http.port"},
           {R"({"http": {"port": true}})", "http.port"},
           {R"({"http": {"port": null}})", "http.port"},
           {R"({"http": {"port": [80]}})", "http.port"},
           {R"({"database": {"pool_size": -3}})", "database.pool_size"},
           {R"({"database": {"pool_size": "-3"}})", "database.pool_size"},
           {R"({"database": {"url": "mysql://h/db"}})", "database.url"},
           {R"({"log": {"level": "loud"}})", "log.level"},
           {R"({"log": {"format": "yaml"}})", "log.format"},
           {R"({"http": {"prot": 8080}})", "http.prot"},
           {R"({"htttp": {"port": 8080}})", "htttp.port"},
           {R"({"http": 8080})", "\"http\""},
           {R"({"log": "debug"})", "\"log\""},
           {R"({"paths": null})", "\"paths\""},
       }) {
    SCOPED_TRACE(json);
    auto message = config_error(json);
    EXPECT_TRUE(message.starts_with("test.json: ")) << message;
    EXPECT_TRUE(contains(message, key)) << message;
  }
}

TEST(Config, UnknownKeyInFileIsReportedAsUnknown) {
  EXPECT_EQ(config_error(R"({"http": {"prot": 8080}})"), "test.json: unknown setting http.prot");
}

TEST(Config, NonObjectSectionIsReported) {
  EXPECT_EQ(config_error(R"({"http": [1]})"), "test.json: \"http\" must be an object");
}

TEST(Config, NonObjectTopLevelIsReported) {
  for (const char* json : {"[]", "8080", "\"http\"", "null"}) {
    SCOPED_TRACE(json);
    auto message = config_error(json);
    EXPECT_TRUE(message.starts_with("test.json: ")) << message;
    EXPECT_TRUE(contains(message, "object")) << message;
  }
}

TEST(Config, NonJsonFileIsReportedWithItsName) {
  for (const char* text : {"port = 8080", "{", "{\"http\": {\"port\": 1,}}", " "}) {
    SCOPED_TRACE(text);
    auto message = config_error(text);
    EXPECT_TRUE(message.starts_with("test.json: not valid JSON")) << message;
  }
}

TEST(Config, FileErrorsComeBeforeEnvironmentOverrides) {
  // A bad file is reported even when the environment would override the bad key.
  auto message = config_error(R"({"http": {"port": 70000}})", {{"SKYBILL_HTTP_PORT", "8080"}});
  EXPECT_TRUE(contains(message, "http.port")) << message;
}

TEST(Config, MissingConfigFileNamedBySkybillConfigIsAnError) {
  FakeEnv env(std::map<std::string, std::string>{{"SKYBILL_CONFIG", "/nonexistent/skybill.json"}});
  try {
    load_config(env.fn());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(contains(e.what(), "SKYBILL_CONFIG")) << e.what();
    EXPECT_TRUE(contains(e.what(), "/nonexistent/skybill.json")) << e.what();
  }
}

TEST(Config, FileNamedBySkybillConfigIsLoaded) {
  FakeEnv env(std::map<std::string, std::string>{{"SKYBILL_CONFIG", kShippedConfig}, {"SKYBILL_HTTP_PORT", "1234"}});
  auto c = load_config(env.fn());
  EXPECT_EQ(c.http_port, 1234);
  EXPECT_EQ(c.paths_calendars, "config/calendars");
}

// --- describe ---

TEST(Config, DescribeListsEverySettingWithItsCurrentValue) {
  Config c;
  c.http_port = 9090;
  c.log_format = "json";
  c.http_body_limit = 1LL << 30;
  std::map<std::string, SettingInfo> by_key;
  for (auto& s : describe(c)) by_key[s.key] = s;
  EXPECT_EQ(by_key.size(), 57u);
  EXPECT_EQ(by_key.at("http.public_url").current, "http://localhost:8080");
  EXPECT_EQ(by_key.at("clock.offset_seconds").env, "SKYBILL_CLOCK_OFFSET_SECONDS");
  EXPECT_EQ(by_key.at("jobs.interval_ms").current, "10000");
  EXPECT_EQ(by_key.at("http.port").current, "9090");
  EXPECT_EQ(by_key.at("http.port").env, "SKYBILL_HTTP_PORT");
  EXPECT_EQ(by_key.at("log.format").current, "json");
  EXPECT_EQ(by_key.at("http.body_limit").current, "1073741824");
  EXPECT_EQ(by_key.at("paths.migrations").current, "migrations");
  for (const auto& [key, s] : by_key) EXPECT_FALSE(s.help.empty()) << key;
}

TEST(Config, DescribeMasksTheDatabaseUrl) {
  Config c;
  c.database_url = "postgresql://skybill:hunter2@db:5432/skybill";
  for (const auto& s : describe(c)) {
    EXPECT_FALSE(contains(s.current, "hunter2")) << s.key;
    if (s.key == "database.url") {
      EXPECT_EQ(s.current, "***");
    }
  }
}

TEST(Config, DescribeShowsAnUnsetSecretAsEmpty) {
  for (const auto& s : describe(Config{})) {
    if (s.key == "database.url") {
      EXPECT_EQ(s.current, "");
    }
  }
}

TEST(Config, DescribeRoundTripsThroughTheEnvironment) {
  Config c = load("", {{"SKYBILL_HTTP_PORT", "1"}, {"SKYBILL_LOG_LEVEL", "off"}});
  std::map<std::string, std::string> env;
  for (const auto& s : describe(c))
    if (s.key != "database.url") env[s.env] = s.current;
  expect_same(load("", env), c);
}

}  // namespace
}  // namespace skybill::app

namespace skybill::app {

TEST(Config, PublicUrlMustBeHttpWithoutATrailingSlash) {
  for (const char* bad : {"https://pay.skybill.example/", "ftp://x", "pay.skybill.example"})
    EXPECT_THROW(load("", {{"SKYBILL_HTTP_PUBLIC_URL", bad}}), ConfigError) << bad;
  EXPECT_EQ(load("", {{"SKYBILL_HTTP_PUBLIC_URL", "https://pay.skybill.example"}}).http_public_url,
            "https://pay.skybill.example");
}

}  // namespace skybill::app

namespace skybill::app {

TEST(Config, DeliveryAndSmtpSettingsAreCheckedAndThePasswordMasked) {
  Config c = load("", {{"SKYBILL_SMTP_HOST", "smtp.example"},
                       {"SKYBILL_SMTP_PORT", "587"},
                       {"SKYBILL_SMTP_PASSWORD", "hunter2"},
                       {"SKYBILL_DELIVERY_TIMEOUT_MS", "5000"},
                       {"SKYBILL_DELIVERY_GIVE_UP_HOURS", "24"}});
  EXPECT_EQ(c.smtp_host, "smtp.example");
  EXPECT_EQ(c.smtp_port, 587);
  EXPECT_EQ(c.smtp_security, "starttls") << "TLS unless told otherwise";
  EXPECT_EQ(c.delivery_timeout_ms, 5000);
  EXPECT_EQ(c.delivery_give_up_hours, 24);
  for (const auto& s : describe(c))
    if (s.key == "smtp.password") {
      EXPECT_EQ(s.current.find("hunter2"), std::string::npos) << s.current;
    }
  EXPECT_THROW(load("", {{"SKYBILL_SMTP_SECURITY", "plain"}}), ConfigError);
  EXPECT_THROW(load("", {{"SKYBILL_DELIVERY_WORKERS", "0"}}), ConfigError);
  EXPECT_THROW(load("", {{"SKYBILL_DELIVERY_GIVE_UP_HOURS", "0"}}), ConfigError);
}

}  // namespace skybill::app

namespace skybill::app {
namespace {

TEST(Config, TheGatewaysDocumentSettingsAreChecked) {
  EXPECT_TRUE(contains(config_error("", {{"SKYBILL_GATEWAY_COMMISSION_VAT", "18"}}), "22, 20, 10, 0 or none"));
  EXPECT_TRUE(contains(config_error("", {{"SKYBILL_GATEWAY_DOCUMENT_SERIES", "sky"}}), "capital letters"));
  EXPECT_TRUE(contains(config_error("", {{"SKYBILL_GATEWAY_SIGNER", "Сидоров"}}), "surname and a given name"));
  EXPECT_TRUE(contains(config_error("", {{"SKYBILL_GATEWAY_SIGNER_POSITION", ""}}), "position"));
  auto c = load("", {{"SKYBILL_GATEWAY_COMMISSION_VAT", "none"}, {"SKYBILL_DOCUMENTS_EDO_DIR", "/srv/edo"}});
  EXPECT_EQ(c.gateway_commission_vat, "none");
  EXPECT_EQ(c.documents_edo_dir, "/srv/edo");
}

}  // namespace
}  // namespace skybill::app
