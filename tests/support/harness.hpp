#pragma once
// Test harness: a throwaway database, the real skybill binary as a child process, and an
// HTTP client over loopback. Needs SKYBILL_TEST_ADMIN_URL (scripts/test sets it).
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace skybill::test {

// A database of its own, migrated or not, dropped at the end.
class TestDatabase {
 public:
  // migrated: a copy of a template database the repository's migrations were applied to once
  // per cluster (re-made when a migration file changes), far quicker than migrating each
  // test's database; empty: nothing in it, for the tests of migrating itself.
  enum class Schema { migrated, empty };
  explicit TestDatabase(Schema schema = Schema::migrated);
  ~TestDatabase();
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // Runs SQL and returns the first column of the first row ("" when none or NULL).
  std::string scalar(const std::string& sql) const;
  void exec(const std::string& sql) const;

 private:
  std::string name_, url_;
};

using Env = std::map<std::string, std::string>;

struct CliResult {
  int exit_code;
  std::string out, err;
};

// Runs `skybill <args>` with `env` added to this process's environment and waits for it; a
// command still running after `timeout` (a `serve` that should have failed) is killed and
// reported with exit code -1.
CliResult run_cli(const std::vector<std::string>& args, const Env& env,
                  std::chrono::seconds timeout = std::chrono::seconds(60));

// `skybill serve` on a free port, its stdout (JSON log lines) collected.
class ServerProcess {
 public:
  explicit ServerProcess(Env env, std::chrono::seconds ready_within = std::chrono::seconds(30));
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Exit code once the process ends, or nullopt when it did not within `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // Log lines so far, parsed (non-JSON lines come as {"raw": line}).
  std::vector<nlohmann::json> logs() const;

 private:
  void read_output(int fd);
  pid_t pid_ = -1;
  int port_ = 0;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::thread reader_;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

// One keep-alive connection to 127.0.0.1:port.
class HttpClient {
 public:
  explicit HttpClient(int port);
  ~HttpClient();
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::map<std::string, std::string>& headers = {});
  HttpResponse get(const std::string& target, const std::string& bearer = {});
  HttpResponse post_json(const std::string& target, const nlohmann::json& body, const std::string& bearer,
                         const std::map<std::string, std::string>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_;
};

// A raw TCP connection, for what a well-behaved client would never send.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  void send(const std::string& bytes);
  // Reads until the peer closes or `timeout` passes; returns what arrived.
  std::string read_until_close(std::chrono::milliseconds timeout);
  // True when the peer closed the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int fd_;
};

// A suite sharing one migrated database and one running server (each test still runs in a
// process of its own under ctest, so it gets its own).
class ServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static TestDatabase* db;
  static Env* env;
  static ServerProcess* server;
};

// A merchant with an API key, made through the CLI.
struct MerchantKey {
  std::string merchant_id, key_id, api_key;
};
MerchantKey create_merchant(const Env& env, const std::string& name = "Test Air",
                            const std::string& inn = "7707083893", const std::string& kpp = "770701001");

// Staff who sign in with a password, and the requests the console sends for them.
struct StaffSession {
  std::string id;      // the staff user's id
  std::string cookie;  // "skybill_session=…", as a browser sends it back
  std::string csrf;    // the session's CSRF token
};
// `skybill staff user create` with `password` given in a file; `merchant` for role airline.
CliResult create_staff_user(const Env& env, const std::string& name, const std::string& email,
                            const std::string& role, const std::string& password, const std::string& merchant = {});
// POST /admin/api/session; a test failure (and an empty session) unless it answers 200.
StaffSession sign_in_staff(HttpClient& http, const std::string& email, const std::string& password);
// create_staff_user, then sign_in_staff; a test failure if either fails.
StaffSession staff_session(HttpClient& http, const Env& env, const std::string& name, const std::string& email,
                           const std::string& role, const std::string& password, const std::string& merchant = {});
// A request as the console sends it: the cookie, the CSRF token unless `csrf` is false, and the
// body as JSON unless it is null.
HttpResponse as_staff(HttpClient& http, const StaffSession& s, const std::string& method, const std::string& target,
                      const nlohmann::json& body = nullptr, bool csrf = true);

// Lines in a command's output (a last line without '\n' counts).
inline int line_count(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  if (!s.empty() && s.back() != '\n') ++n;
  return n;
}
inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string binary_path();
std::string source_dir();
// The environment a server or CLI needs for a database.
Env base_env(const std::string& database_url);
inline Env base_env(const TestDatabase& db) { return base_env(db.url()); }

}  // namespace skybill::test
