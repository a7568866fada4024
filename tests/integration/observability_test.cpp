// Health, readiness, Prometheus metrics, request ids and the access log of a running server.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "server_clock.hpp"

using namespace skybill::test;

namespace {

// Series (name with labels, as printed) -> value, from the Prometheus text format.
using Samples = std::map<std::string, double>;

Samples parse_metrics(const std::string& text) {
  Samples out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

double value(const Samples& s, const std::string& series) {
  auto it = s.find(series);
  return it == s.end() ? 0 : it->second;
}

std::string requests_series(const std::string& method, const std::string& route, int status) {
  return "skybill_http_requests_total{method=\"" + method + "\",route=\"" + route + "\",status=\"" +
         std::to_string(status) + "\"}";
}

std::string duration_series(const std::string& suffix, const std::string& method, const std::string& route,
                            const std::string& le = {}) {
  std::string s = "skybill_http_request_duration_seconds_" + suffix + "{method=\"" + method + "\",route=\"" + route +
                  "\"";
  if (!le.empty()) s += ",le=\"" + le + "\"";
  return s + "}";
}

bool is_hex32(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

class ObservabilityTest : public ServerSuite {
 protected:

  static Samples scrape(HttpClient& http) {
    auto r = http.get("/metrics");
    EXPECT_EQ(r.status, 200);
    return parse_metrics(r.body);
  }

  // The access-log lines of `server` for `request_id`, waiting a little for them to arrive.
  static std::vector<nlohmann::json> request_lines(const ServerProcess& s, const std::string& request_id,
                                                   std::size_t expected = 1) {
    std::vector<nlohmann::json> found;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
      found.clear();
      for (const auto& l : s.logs())
        if (l.value("msg", "") == "request" && l.value("request_id", "") == request_id) found.push_back(l);
      if (found.size() >= expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // and no second one after it
    found.clear();
    for (const auto& l : s.logs())
      if (l.value("msg", "") == "request" && l.value("request_id", "") == request_id) found.push_back(l);
    return found;
  }

};

// ---- health and readiness ----------------------------------------------------------------

TEST_F(ObservabilityTest, HealthzIsOk) {
  HttpClient http(server->port());
  auto r = http.get("/healthz");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.json(), nlohmann::json({{"status", "ok"}}));
}

TEST_F(ObservabilityTest, ReadyzIsReadyWhenMigrated) {
  HttpClient http(server->port());
  auto r = http.get("/readyz");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ready");
  EXPECT_EQ(std::to_string(r.json()["migrations"].get<int>()), db->scalar("SELECT count(*) FROM schema_migrations"));
}

// The last year config/calendars has a file for (the files run without gaps: a unit test of
// the calendar and the shipped files say so).
int last_calendar_year() {
  int last = 0;
  for (const auto& f : std::filesystem::directory_iterator(source_dir() + "/config/calendars")) {
    auto name = f.path().filename().string();  // ru-2027.json
    if (name.starts_with("ru-") && name.ends_with(".json")) last = std::max(last, std::stoi(name.substr(3, 4)));
  }
  return last;
}

TEST_F(ObservabilityTest, ReadyzAndAGaugeWarnFromSixtyDaysBeforeTheProductionCalendarRunsOut) {
  using namespace std::chrono;
  const int year = last_calendar_year();
  ASSERT_GT(year, 0);
  const sys_days last_day{std::chrono::year{year} / December / 31};
  const std::string last = std::to_string(year) + "-12-31";
  // A server whose clock shows noon UTC `days_before` the calendar's last day.
  auto readyz_at = [&](int days_before, std::vector<nlohmann::json>* logs = nullptr) {
    auto moment = duration_cast<seconds>((last_day - days(days_before) + hours(12)).time_since_epoch()).count();
    auto e = *env;
    e["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(seconds(moment - server_unix()));
    ServerProcess s(e);
    HttpClient http(s.port());
    auto r = http.get("/readyz");
    EXPECT_EQ(r.status, 200) << r.body;
    auto metrics = parse_metrics(http.get("/metrics").body);
    EXPECT_EQ(value(metrics, "skybill_calendar_days_left"), r.json()["calendar"]["days_left"].get<double>());
    if (logs) *logs = s.logs();
    return r.json();
  };

  auto calm = readyz_at(60);
  EXPECT_EQ(calm["calendar"], nlohmann::json({{"last_day", last}, {"days_left", 60}})) << calm;
  EXPECT_EQ(calm["warnings"], nlohmann::json::array());

  std::vector<nlohmann::json> logs;
  auto soon = readyz_at(59, &logs);
  EXPECT_EQ(soon["status"], "ready") << "the API still serves";
  EXPECT_EQ(soon["calendar"]["days_left"], 59);
  const std::string warning = "the production calendar ends on " + last + " (59 days left): add config/calendars/ru-" +
                              std::to_string(year + 1) + ".json (docs/operations.md)";
  EXPECT_EQ(soon["calendar"]["warning"], warning);
  EXPECT_EQ(soon["warnings"], nlohmann::json::array({warning}));
  bool logged = false;
  for (const auto& l : logs)
    logged = logged || (l.value("msg", "") == "production calendar running out" && l.value("level", "") == "warn" &&
                        l.value("warning", "") == warning);
  EXPECT_TRUE(logged) << "a warning in the start-up log";

  auto gone = readyz_at(-1);
  EXPECT_EQ(gone["calendar"]["last_day"], nullptr);
  EXPECT_EQ(gone["calendar"]["days_left"], -1);
  EXPECT_TRUE(contains(gone["warnings"][0].get<std::string>(), "no production calendar for " + std::to_string(year + 1)))
      << gone;
}

TEST_F(ObservabilityTest, ReadyzIs503WhileTheSchemaDiffersAndRecovers) {
  // A server of its own: this test breaks its database on purpose.
  TestDatabase own_db;
  ServerProcess own(base_env(own_db));
  HttpClient http(own.port());
  ASSERT_EQ(http.get("/readyz").status, 200);

  auto last = own_db.scalar("SELECT max(version) FROM schema_migrations");
  auto name = own_db.scalar("SELECT name FROM schema_migrations WHERE version = " + last);
  auto checksum = own_db.scalar("SELECT checksum FROM schema_migrations WHERE version = " + last);
  ASSERT_FALSE(name.empty());
  own_db.exec("DELETE FROM schema_migrations WHERE version = " + last);

  auto missing = http.get("/readyz");
  ASSERT_EQ(missing.status, 503) << missing.body;
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
  auto j = missing.json();
  EXPECT_EQ(j["type"], "https://skybill.dev/problems/not-ready");
  EXPECT_EQ(j["status"], 503);
  EXPECT_NE(j.value("detail", "").find(name), std::string::npos) << missing.body;
  // Alive all the same: liveness does not look at the schema.
  EXPECT_EQ(http.get("/healthz").status, 200);

  own_db.exec("INSERT INTO schema_migrations (version, name, checksum) VALUES (" + last + ", '" + name + "', '" +
              checksum + "')");
  auto back = http.get("/readyz");
  EXPECT_EQ(back.status, 200) << back.body;

  // An applied migration that differs from the binary's file: not ready either.
  own_db.exec("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = " + last);
  auto differs = http.get("/readyz");
  EXPECT_EQ(differs.status, 503) << differs.body;
  EXPECT_NE(differs.json().value("detail", "").find(name), std::string::npos) << differs.body;
  own_db.exec("UPDATE schema_migrations SET checksum = '" + checksum + "' WHERE version = " + last);
  EXPECT_EQ(http.get("/readyz").status, 200);

  // One the binary does not know.
  own_db.exec("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, '9999_future.sql', 'x')");
  EXPECT_EQ(http.get("/readyz").status, 503);
  own_db.exec("DELETE FROM schema_migrations WHERE version = 9999");
  EXPECT_EQ(http.get("/readyz").status, 200);
}

// ---- metrics -----------------------------------------------------------------------------

TEST_F(ObservabilityTest, MetricsArePrometheusText) {
  HttpClient http(server->port());
  http.get("/healthz");
  auto r = http.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.header("content-type").starts_with("text/plain")) << r.header("content-type");
  EXPECT_NE(r.header("content-type").find("version=0.0.4"), std::string::npos) << r.header("content-type");
  for (const char* line : {"# TYPE skybill_http_requests_total counter\n",
                           "# TYPE skybill_http_request_duration_seconds histogram\n",
                           "# TYPE skybill_db_pool_size gauge\n", "# TYPE skybill_db_pool_in_use gauge\n",
                           "# TYPE skybill_db_pool_waiting gauge\n", "# TYPE skybill_build_info gauge\n"})
    EXPECT_NE(r.body.find(line), std::string::npos) << "no " << line << "in\n" << r.body;
  // Every sample line is `name{labels} number` or `name number`.
  std::istringstream in(r.body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(line.starts_with("skybill_")) << line;
    auto space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    EXPECT_NO_THROW(std::stod(line.substr(space + 1))) << line;
  }
}

TEST_F(ObservabilityTest, RequestsAreCountedByMethodRoutePatternAndStatus) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto before = scrape(http);

  auto created = http.post_json("/v1/clients", {{"inn", "7728168971"}, {"kpp", "772801001"}, {"name", "Co"}},
                                m.api_key);
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["id"].get<std::string>();
  ASSERT_EQ(http.get("/v1/clients/" + id, m.api_key).status, 200);
  ASSERT_EQ(http.get("/v1/clients/" + id, m.api_key).status, 200);
  ASSERT_EQ(http.get("/v1/clients/00000000-0000-4000-8000-000000000000", m.api_key).status, 404);
  ASSERT_EQ(http.get("/v1/clients/" + id).status, 401);
  ASSERT_EQ(http.get("/healthz").status, 200);
  ASSERT_EQ(http.get("/no/such/thing/123").status, 404);

  auto after_response = http.get("/metrics");
  auto after = parse_metrics(after_response.body);
  auto delta = [&](const std::string& series) { return value(after, series) - value(before, series); };

  EXPECT_EQ(delta(requests_series("POST", "/v1/clients", 201)), 1);
  EXPECT_EQ(delta(requests_series("GET", "/v1/clients/{id}", 200)), 2);
  EXPECT_EQ(delta(requests_series("GET", "/v1/clients/{id}", 404)), 1);
  EXPECT_EQ(delta(requests_series("GET", "/v1/clients/{id}", 401)), 1);
  EXPECT_EQ(delta(requests_series("GET", "/healthz", 200)), 1);
  EXPECT_EQ(delta(requests_series("GET", "unmatched", 404)), 1) << after_response.body;
  // The label is the pattern: no series per id or per unknown path.
  EXPECT_EQ(after_response.body.find(id), std::string::npos);
  EXPECT_EQ(after_response.body.find("/no/such/thing"), std::string::npos);

  // The histogram of GET /v1/clients/{id}: four more observations, cumulative buckets.
  EXPECT_EQ(delta(duration_series("count", "GET", "/v1/clients/{id}")), 4);
  EXPECT_EQ(delta(duration_series("bucket", "GET", "/v1/clients/{id}", "+Inf")), 4);
  EXPECT_GT(delta(duration_series("sum", "GET", "/v1/clients/{id}")), 0);
  EXPECT_EQ(value(after, duration_series("bucket", "GET", "/v1/clients/{id}", "+Inf")),
            value(after, duration_series("count", "GET", "/v1/clients/{id}")));
  double previous = 0;
  int buckets = 0;
  std::istringstream in(after_response.body);
  std::string line;
  auto prefix = "skybill_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/clients/{id}\",le=\"";
  while (std::getline(in, line)) {
    if (!line.starts_with(prefix)) continue;
    double v = std::stod(line.substr(line.rfind(' ') + 1));
    EXPECT_GE(v, previous) << line;
    previous = v;
    ++buckets;
  }
  EXPECT_GE(buckets, 2);
  EXPECT_EQ(value(after, duration_series("count", "POST", "/v1/clients")) -
                value(before, duration_series("count", "POST", "/v1/clients")),
            1);
}

TEST_F(ObservabilityTest, PoolGaugesAndBuildInfo) {
  HttpClient http(server->port());
  auto r = http.get("/metrics");
  ASSERT_EQ(r.status, 200);
  auto s = parse_metrics(r.body);
  ASSERT_TRUE(s.count("skybill_db_pool_size")) << r.body;
  EXPECT_EQ(s["skybill_db_pool_size"], 4);  // SKYBILL_DATABASE_POOL_SIZE of base_env
  ASSERT_TRUE(s.count("skybill_db_pool_in_use")) << r.body;
  EXPECT_GE(s["skybill_db_pool_in_use"], 0);
  ASSERT_TRUE(s.count("skybill_db_pool_waiting")) << r.body;
  EXPECT_GE(s["skybill_db_pool_waiting"], 0);

  auto version = run_cli({"--version"}, *env);
  ASSERT_EQ(version.exit_code, 0);
  std::istringstream words(version.out);
  std::string program, v;
  words >> program >> v;
  ASSERT_FALSE(v.empty());
  EXPECT_NE(r.body.find("skybill_build_info{version=\"" + v + "\""), std::string::npos) << r.body;
  bool one = false;
  for (const auto& [series, val] : s)
    if (series.starts_with("skybill_build_info{")) one = val == 1;
  EXPECT_TRUE(one);
}

// ---- request ids -------------------------------------------------------------------------

TEST_F(ObservabilityTest, ValidRequestIdIsEchoed) {
  HttpClient http(server->port());
  for (const auto& id : std::vector<std::string>{"req-123_abc.def:9", std::string(128, 'a')}) {
    auto r = http.request("GET", "/healthz", {}, {{"X-Request-Id", id}});
    EXPECT_EQ(r.header("x-request-id"), id);
  }
  // On errors too.
  auto r = http.request("GET", "/v1/merchant", {}, {{"X-Request-Id", "trace-401"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("x-request-id"), "trace-401");
}

TEST_F(ObservabilityTest, InvalidRequestIdIsReplaced) {
  HttpClient http(server->port());
  for (const auto& id :
       std::vector<std::string>{"has spaces in it", std::string(129, 'a'), "semi;colon", "quote\"d"}) {
    SCOPED_TRACE(id);
    auto r = http.request("GET", "/healthz", {}, {{"X-Request-Id", id}});
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.header("x-request-id"), id);
    EXPECT_TRUE(is_hex32(r.header("x-request-id"))) << r.header("x-request-id");
  }
}

TEST_F(ObservabilityTest, MissingRequestIdIsGeneratedAndUnique) {
  HttpClient http(server->port());
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = http.get("/healthz");
    auto id = r.header("x-request-id");
    EXPECT_TRUE(is_hex32(id)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 5u);
}

// ---- access log --------------------------------------------------------------------------

TEST_F(ObservabilityTest, EachRequestLogsExactlyOneAccessLine) {
  auto m = create_merchant(*env, "Log Air", "7702070139", "770201001");
  HttpClient http(server->port());
  auto created = http.post_json("/v1/clients", {{"inn", "7707083893"}, {"kpp", "770701001"}, {"name", "Logged"}},
                                m.api_key, {{"X-Request-Id", "log-create"}});
  ASSERT_LT(created.status, 300) << created.body;
  auto id = created.json()["id"].get<std::string>();
  http.request("GET", "/v1/clients/" + id + "?x=1", {},
               {{"X-Request-Id", "log-get"}, {"Authorization", "Bearer " + m.api_key}});
  http.request("GET", "/v1/merchant", {}, {{"X-Request-Id", "log-401"}});
  http.request("GET", "/nowhere", {}, {{"X-Request-Id", "log-404"}});

  struct Expect {
    std::string id, method, path, route;
    int status;
  };
  for (const auto& e : std::vector<Expect>{{"log-create", "POST", "/v1/clients", "/v1/clients", created.status},
                                           {"log-get", "GET", "/v1/clients/" + id, "/v1/clients/{id}", 200},
                                           {"log-401", "GET", "/v1/merchant", "/v1/merchant", 401},
                                           {"log-404", "GET", "/nowhere", "unmatched", 404}}) {
    SCOPED_TRACE(e.id);
    auto lines = request_lines(*server, e.id);
    ASSERT_EQ(lines.size(), 1u);
    const auto& l = lines[0];
    EXPECT_EQ(l["level"], "info");
    EXPECT_EQ(l["method"], e.method);
    EXPECT_EQ(l["path"], e.path);
    EXPECT_EQ(l["route"], e.route);
    EXPECT_EQ(l["status"], e.status);
    ASSERT_TRUE(l.contains("duration_ms") && l["duration_ms"].is_number()) << l.dump();
    EXPECT_GE(l["duration_ms"].get<double>(), 0);
    EXPECT_TRUE(l.contains("ts")) << l.dump();
  }
  EXPECT_EQ(request_lines(*server, "log-create")[0]["principal"], m.merchant_id);
}

TEST_F(ObservabilityTest, AccessLogRequestIdIsTheResponseHeader) {
  HttpClient http(server->port());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(http.get("/healthz").header("x-request-id"));
  auto invalid = http.request("GET", "/healthz", {}, {{"X-Request-Id", "not valid"}});
  ids.push_back(invalid.header("x-request-id"));
  for (const auto& id : ids) {
    SCOPED_TRACE(id);
    ASSERT_TRUE(is_hex32(id));
    auto lines = request_lines(*server, id);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["path"], "/healthz");
    EXPECT_EQ(lines[0]["status"], 200);
  }
  // No line carries the rejected id.
  EXPECT_TRUE(request_lines(*server, "not valid", 0).empty());
}

TEST_F(ObservabilityTest, ManyRequestsOnOneConnectionLogOneLineEach) {
  HttpClient http(server->port());
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i)
    ASSERT_EQ(http.request("GET", "/healthz", {}, {{"X-Request-Id", "burst-" + std::to_string(i)}}).status, 200);
  for (int i = 0; i < kRequests; ++i)
    EXPECT_EQ(request_lines(*server, "burst-" + std::to_string(i)).size(), 1u) << i;
}
