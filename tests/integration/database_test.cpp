// The service and its database: PostgreSQL restarting or down under load, and transactions
// kept off the I/O threads. Uses a PostgreSQL cluster of its own, so restarting it disturbs
// no other test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <thread>

#include "harness.hpp"
#include "pages.hpp"

using namespace skybill::test;
using namespace std::chrono_literals;

namespace {

// scripts/pg on a cluster of this test's own.
class Cluster {
 public:
  Cluster() : port_(free_port()) {
    ctl("start");
    // A fresh database each time: the cluster outlives the run, and a database migrated by an
    // older checkout would refuse a migration edited since.
    ctl("dropdb skybill");
    ctl("createdb skybill");
  }
  ~Cluster() { ctl("stop", false); }
  void ctl(const std::string& command, bool must = true) const {
    std::string line = "SKYBILL_PG_DIR=" + source_dir() + "/var/pg-restart-test SKYBILL_PG_PORT=" +
                       std::to_string(port_) + " SKYBILL_PG_FAST=1 " + source_dir() + "/scripts/pg " + command +
                       " >/dev/null 2>&1";
    int rc = std::system(line.c_str());
    if (must && rc != 0) throw std::runtime_error("scripts/pg " + command + " failed");
  }
  std::string url() const { return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/skybill"; }

 private:
  int port_;
};


struct Tally {
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::atomic<bool> stop{false};
  std::string last_other;
};

// Keeps GET /v1/merchant going from a few threads, sorting the answers.
std::vector<std::thread> hammer(int port, const std::string& key, Tally& t) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&, port, key] {
      auto http = std::make_unique<HttpClient>(port);
      while (!t.stop) {
        try {
          auto r = http->get("/v1/merchant", key);
          if (r.status == 200) ++t.ok;
          else if (r.status == 503 && r.header("content-type") == "application/problem+json" &&
                   r.json()["type"] == "https://skybill.dev/problems/service-unavailable" &&
                   r.header("retry-after") == "1")
            ++t.unavailable;
          else {
            ++t.other;
            t.last_other = std::to_string(r.status) + " " + r.body;
          }
        } catch (const std::exception& e) {
          ++t.other;
          t.last_other = e.what();
          http = std::make_unique<HttpClient>(port);
        }
        std::this_thread::sleep_for(5ms);
      }
    });
  return threads;
}

int status_of(int port, const std::string& target, const std::string& key = {}) {
  HttpClient http(port);
  return http.get(target, key).status;
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (f()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

}  // namespace

TEST(DatabaseTest, PostgresRestartedWhileRequestsRunIsSurvived) {
  Cluster cluster;
  auto env = base_env(cluster.url());
  ServerProcess server(env);
  auto m = create_merchant(env);

  Tally t;
  auto threads = hammer(server.port(), m.api_key, t);
  std::this_thread::sleep_for(300ms);
  cluster.ctl("restart");
  std::this_thread::sleep_for(300ms);
  int ok_after_restart = t.ok;
  std::this_thread::sleep_for(500ms);
  t.stop = true;
  for (auto& th : threads) th.join();

  EXPECT_EQ(t.other, 0) << "every answer is 200 or a 503 problem; last other: " << t.last_other;
  EXPECT_GT(t.ok.load(), ok_after_restart) << "requests succeed again after the restart";
  EXPECT_FALSE(server.wait_exit(0ms)) << "skybill keeps running";
  EXPECT_EQ(status_of(server.port(), "/readyz"), 200);
}

TEST(DatabaseTest, OutageGives503AndReadyzFailsThenBothRecover) {
  Cluster cluster;
  auto env = base_env(cluster.url());
  ServerProcess server(env);
  auto m = create_merchant(env);
  ASSERT_EQ(status_of(server.port(), "/v1/merchant", m.api_key), 200);

  cluster.ctl("stop");
  HttpClient http(server.port());
  auto down = http.get("/v1/merchant", m.api_key);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.header("content-type"), "application/problem+json");
  EXPECT_EQ(down.json()["type"], "https://skybill.dev/problems/service-unavailable");
  EXPECT_EQ(down.body.find("pqxx"), std::string::npos) << "no internals leak: " << down.body;
  EXPECT_EQ(http.get("/readyz").status, 503);
  EXPECT_EQ(http.get("/healthz").status, 200) << "liveness does not depend on the database";

  cluster.ctl("start");
  EXPECT_TRUE(eventually([&] { return status_of(server.port(), "/readyz") == 200; }, 10s));
  EXPECT_EQ(status_of(server.port(), "/v1/merchant", m.api_key), 200);
  EXPECT_FALSE(server.wait_exit(0ms));
}

TEST(DatabaseTest, TransactionsDoNotBlockTheIoThread) {
  Cluster cluster;
  auto env = base_env(cluster.url());
  env["SKYBILL_HTTP_IO_THREADS"] = "1";
  ServerProcess server(env);
  auto m = create_merchant(env);

  // Holds a lock that the key lookup needs, so authenticated requests wait in PostgreSQL.
  pqxx::connection blocker(cluster.url());
  pqxx::work lock(blocker);
  lock.exec("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");

  std::atomic<int> stuck_status{0};
  std::thread stuck([&] { stuck_status = status_of(server.port(), "/v1/merchant", m.api_key); });
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(stuck_status.load(), 0) << "the request is waiting for the lock";

  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(status_of(server.port(), "/healthz"), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms) << "the only I/O thread is free";

  lock.abort();
  stuck.join();
  EXPECT_EQ(stuck_status.load(), 200);
}
