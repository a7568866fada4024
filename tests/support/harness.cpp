#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <stdexcept>

#include "server_clock.hpp"

extern char** environ;

namespace skybill::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

std::string admin_url() {
  const char* url = std::getenv("SKYBILL_TEST_ADMIN_URL");
  if (!url || !*url)
    throw std::runtime_error("SKYBILL_TEST_ADMIN_URL is not set: run the tests with scripts/test");
  return url;
}

std::string with_database(const std::string& url, const std::string& db) {
  auto q = url.find('?');
  std::string base = url.substr(0, q), query = q == std::string::npos ? "" : url.substr(q);
  auto slash = base.rfind('/');
  if (slash == std::string::npos || slash < base.find("//") + 2) base += "/";
  else base = base.substr(0, slash + 1);
  return base + db + query;
}

std::string random_suffix() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::ostringstream os;
  os << std::hex << gen();
  return os.str();
}

std::vector<std::string> environment_with(const Env& env) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

// fork + execve with stdout/stderr sent to the given descriptors.
pid_t spawn(const std::vector<std::string>& args, const Env& env, int out_fd, int err_fd) {
  auto envs = environment_with(env);
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string bin = binary_path();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    if (chdir(source_dir().c_str()) != 0) _exit(126);
    execve(bin.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string binary_path() { return SKYBILL_BINARY; }
std::string source_dir() { return SKYBILL_SOURCE_DIR; }

namespace {

// FNV-1a over the migration files' names and bytes, in order: the template's name changes with
// any of them.
std::string migrations_fingerprint() {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "migrations"))
    if (e.path().extension() == ".sql") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  };
  for (const auto& f : files) {
    mix(f.filename().string());
    mix(slurp(f.string()));
  }
  std::ostringstream out;
  out << std::hex << h;
  return out.str();
}

// The migrated template's name, made first if this cluster has none for these migrations. An
// advisory lock makes the suites that start together wait for one of them to make it.
std::string migrated_template() {
  static const std::string name = [] {
    auto tpl = "skybill_tpl_" + migrations_fingerprint();
    pqxx::connection c(admin_url());
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_advisory_lock(4242001)");
    try {
      if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", tpl).empty()) {
        // Templates of other migrations are stale: a cluster kept between runs would pile them up.
        for (const auto& r : tx.exec("SELECT datname FROM pg_database WHERE datname LIKE 'skybill\\_tpl\\_%'"))
          tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(r[0].as<std::string>()) + " WITH (FORCE)");
        auto building = tpl + "_building";
        tx.exec("DROP DATABASE IF EXISTS " + building + " WITH (FORCE)");
        tx.exec("CREATE DATABASE " + building);
        auto migrated = run_cli({"migrate"}, base_env(with_database(admin_url(), building)));
        if (migrated.exit_code != 0) throw std::runtime_error("migrating the template failed: " + migrated.err);
        tx.exec("ALTER DATABASE " + building + " RENAME TO " + tpl);
      }
    } catch (...) {
      tx.exec("SELECT pg_advisory_unlock(4242001)");
      throw;
    }
    tx.exec("SELECT pg_advisory_unlock(4242001)");
    return tpl;
  }();
  return name;
}

}  // namespace

TestDatabase::TestDatabase(Schema schema) : name_("skybill_t_" + random_suffix()) {
  auto from = schema == Schema::migrated ? " TEMPLATE " + migrated_template() : std::string();
  pqxx::connection c(admin_url());
  pqxx::nontransaction(c).exec("CREATE DATABASE " + name_ + from);
  url_ = with_database(admin_url(), name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection c(admin_url());
    pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
  }
}

std::string TestDatabase::scalar(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::nontransaction tx(c);
  auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

void TestDatabase::exec(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::work tx(c);
  tx.exec(sql);
  tx.commit();
}

Env base_env(const std::string& database_url) {
  return {{"SKYBILL_DATABASE_URL", database_url},
          {"SKYBILL_CONFIG", source_dir() + "/config/skybill.json"},
          {"SKYBILL_HTTP_PORT", "0"},
          {"SKYBILL_LOG_FORMAT", "json"},
          // Every server and command runs on the suite's clock (moved far ahead in the shifted runs).
          {"SKYBILL_CLOCK_OFFSET_SECONDS", clock_offset_env()},
          {"SKYBILL_DATABASE_POOL_SIZE", "4"},
          // Closing documents are issued in documents_test, which turns the job on; elsewhere their
          // events, e-mails and cases would blur what each suite counts of its own.
          {"SKYBILL_DOCUMENTS_INTERVAL_MS", "3600000"},
          // The tests' webhook receivers listen on the loopback.
          {"SKYBILL_DELIVERY_PRIVATE_TARGETS", "allow"},
          // Endpoint secrets sealed at rest, as in production.
          {"SKYBILL_WEBHOOKS_SECRET_KEY", "5f0c2b9e8a7d6c5b4a3928170615f4e3d2c1b0a9f8e7d6c5b4a3928170615f4e"}};
}

CliResult run_cli(const std::vector<std::string>& args, const Env& env, std::chrono::seconds timeout) {
  char out_path[] = "/tmp/skybill-cli-out-XXXXXX";
  char err_path[] = "/tmp/skybill-cli-err-XXXXXX";
  int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
  std::vector<std::string> argv = {"skybill"};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = spawn(argv, env, out_fd, err_fd);
  int status = 0, code = -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  close(out_fd);
  close(err_fd);
  CliResult r{code, slurp(out_path), slurp(err_path)};
  unlink(out_path);
  unlink(err_path);
  return r;
}

MerchantKey create_merchant(const Env& env, const std::string& name, const std::string& inn, const std::string& kpp) {
  auto r = run_cli({"merchant", "create", "--name", name, "--inn", inn, "--kpp", kpp}, env);
  if (r.exit_code != 0) throw std::runtime_error("merchant create failed: " + r.err);
  auto j = nlohmann::json::parse(r.out);
  return {j["merchant_id"], j["key_id"], j["api_key"]};
}

TestDatabase* ServerSuite::db = nullptr;
Env* ServerSuite::env = nullptr;
ServerProcess* ServerSuite::server = nullptr;

void ServerSuite::SetUpTestSuite() {
  db = new TestDatabase();
  env = new Env(base_env(*db));
  server = new ServerProcess(*env);
}

void ServerSuite::TearDownTestSuite() {
  delete server;
  delete env;
  delete db;
  server = nullptr;
  env = nullptr;
  db = nullptr;
}

ServerProcess::ServerProcess(Env env, std::chrono::seconds ready_within) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = spawn({"skybill", "serve"}, env, fds[1], fds[1]);
  close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { read_output(fd); });
  auto deadline = std::chrono::steady_clock::now() + ready_within;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& line : logs())
      if (line.value("msg", "") == "listening") {
        port_ = line["port"].get<int>();
        return;
      }
    if (wait_exit(std::chrono::milliseconds(20))) break;
  }
  if (!exit_code_) kill(pid_, SIGKILL);
  wait_exit(std::chrono::seconds(10));
  reader_.join();
  std::string all;
  for (const auto& l : logs()) all += l.dump() + "\n";
  throw std::runtime_error("skybill serve did not start listening:\n" + all);
}

ServerProcess::~ServerProcess() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::read_output(int fd) {
  std::string pending;
  char buf[4096];
  for (;;) {
    auto n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::lock_guard lock(mutex_);
      lines_.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }
  close(fd);
}

void ServerProcess::signal(int sig) const { kill(pid_, sig); }

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

std::vector<nlohmann::json> ServerProcess::logs() const {
  std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  for (const auto& l : lines_) {
    auto j = nlohmann::json::parse(l, nullptr, false);
    out.push_back(j.is_discarded() ? nlohmann::json{{"raw", l}} : j);
  }
  return out;
}

struct HttpClient::Impl {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpClient::HttpClient(int port) : impl_(std::make_unique<Impl>()), port_(port) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  auto& s = impl_->stream;
  if (!impl_->connected) {
    s.expires_after(std::chrono::seconds(10));
    s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)));
    impl_->buffer.clear();
    impl_->connected = true;
  }
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT") req.prepare_payload();
  s.expires_after(std::chrono::seconds(30));
  bhttp::write(s, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  bhttp::read(s, impl_->buffer, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  if (!res.keep_alive()) {
    beast::error_code ec;
    s.socket().close(ec);
    impl_->connected = false;
  }
  return out;
}

HttpResponse HttpClient::get(const std::string& target, const std::string& bearer) {
  std::map<std::string, std::string> h;
  if (!bearer.empty()) h["Authorization"] = "Bearer " + bearer;
  return request("GET", target, {}, h);
}

HttpResponse HttpClient::post_json(const std::string& target, const nlohmann::json& body, const std::string& bearer,
                                   const std::map<std::string, std::string>& headers) {
  auto h = headers;
  h.emplace("Content-Type", "application/json");
  if (!bearer.empty()) h.emplace("Authorization", "Bearer " + bearer);
  return request("POST", target, body.dump(), h);
}

RawConnection::RawConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect failed");
}

RawConnection::~RawConnection() { close(fd_); }

void RawConnection::send(const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<std::size_t>(n);
  }
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    auto n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    auto n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
}

CliResult create_staff_user(const Env& env, const std::string& name, const std::string& email,
                            const std::string& role, const std::string& password, const std::string& merchant) {
  char path[] = "/tmp/skybill-password-XXXXXX";
  int fd = mkstemp(path);
  auto line = password + "\n";
  EXPECT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  close(fd);
  std::vector<std::string> args = {"staff", "user", "create", "--name", name, "--email", email,
                                   "--role", role, "--password-file", path};
  if (!merchant.empty()) args.insert(args.end(), {"--merchant", merchant});
  auto r = run_cli(args, env);
  std::remove(path);
  return r;
}

StaffSession sign_in_staff(HttpClient& http, const std::string& email, const std::string& password) {
  auto r = http.post_json("/admin/api/session", {{"email", email}, {"password", password}}, "");
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  auto cookie = r.header("set-cookie");
  auto body = r.json();
  return {body["staff"].value("id", ""), cookie.substr(0, cookie.find(';')), body.value("csrf_token", "")};
}

StaffSession staff_session(HttpClient& http, const Env& env, const std::string& name, const std::string& email,
                           const std::string& role, const std::string& password, const std::string& merchant) {
  auto made = create_staff_user(env, name, email, role, password, merchant);
  EXPECT_EQ(made.exit_code, 0) << made.err;
  return sign_in_staff(http, email, password);
}

HttpResponse as_staff(HttpClient& http, const StaffSession& s, const std::string& method, const std::string& target,
                      const nlohmann::json& body, bool csrf) {
  std::map<std::string, std::string> h{{"Cookie", s.cookie}};
  if (csrf) h["X-CSRF-Token"] = s.csrf;
  std::string text;
  if (!body.is_null()) {
    h["Content-Type"] = "application/json";
    text = body.dump();
  }
  return http.request(method, target, text, h);
}

}  // namespace skybill::test
