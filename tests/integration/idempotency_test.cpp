// Idempotency-Key on POST /v1/clients: replay, reuse with another body, scoping per merchant,
// key validation, failures that store nothing, a race of duplicates, and the 24-hour expiry.
#include <gtest/gtest.h>

#include <latch>
#include <pqxx/pqxx>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "harness.hpp"

using namespace skybill::test;

namespace {

const std::string kProblems = "https://skybill.dev/problems/";

// A valid 10-digit (organisation) INN from its first 9 digits: the control digit is
// (Σ dᵢ·wᵢ, w = 2 4 10 3 5 9 4 6 8) mod 11 mod 10.
std::string inn_from(const std::string& nine) {
  static constexpr int w[9] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine.at(static_cast<std::size_t>(i)) - '0') * w[i];
  return nine + static_cast<char>('0' + sum % 11 % 10);
}

// A fresh organisation INN, unlikely to meet any other in the database.
std::string random_inn() {
  static std::mt19937_64 gen(std::random_device{}());
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::string nine = std::to_string(1 + gen() % 9);
  for (int i = 0; i < 8; ++i) nine += static_cast<char>('0' + gen() % 10);
  return inn_from(nine);
}

std::string random_key(const std::string& prefix = "key") {
  static std::mt19937_64 gen(std::random_device{}());
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  return prefix + "-" + std::to_string(gen());
}

nlohmann::json client_body(const std::string& inn, const std::string& name = "Romashka LLC") {
  return {{"inn", inn}, {"kpp", "770101001"}, {"name", name}};
}

std::map<std::string, std::string> with_key(const std::string& key) { return {{"Idempotency-Key", key}}; }

}  // namespace

class IdempotencyTest : public ServerSuite {
 protected:

  static std::string count(const std::string& sql) { return db->scalar("SELECT count(*) " + sql); }
  static std::string clients_with_inn(const std::string& inn) {
    return count("FROM clients WHERE inn = '" + inn + "'");
  }
  static std::string links_of(const std::string& client_id) {
    return count("FROM merchant_clients WHERE client_id = '" + client_id + "'");
  }
  static std::string audits_created(const std::string& client_id) {
    return count("FROM audit_log WHERE subject = '" + client_id + "' AND action = 'client.created'");
  }
  static std::string audits_linked(const std::string& client_id) {
    return count("FROM audit_log WHERE subject = '" + client_id + "' AND action = 'client.linked'");
  }
  static std::string events_linked(const std::string& client_id) {
    return count("FROM outbox WHERE topic = 'client.linked' AND payload->>'id' = '" + client_id + "'");
  }
  static std::string stored_keys(const std::string& merchant_id, const std::string& key) {
    return count("FROM idempotency_keys WHERE principal = 'merchant:" + merchant_id + "' AND key = '" + key + "'");
  }

};

TEST(InnHelper, MakesTheKnownValidInns) {
  EXPECT_EQ(inn_from("770708389"), "7707083893");
  EXPECT_EQ(inn_from("772816897"), "7728168971");
  EXPECT_EQ(inn_from("770207013"), "7702070139");
}

TEST_F(IdempotencyTest, SameKeyAndBodyReplaysTheFirstResponseWithOneEffect) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto inn = random_inn();
  auto key = random_key();
  auto body = client_body(inn);

  auto first = http.post_json("/v1/clients", body, m.api_key, with_key(key));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("idempotent-replayed"), "");
  auto id = first.json()["id"].get<std::string>();

  for (int i = 0; i < 3; ++i) {
    auto again = http.post_json("/v1/clients", body, m.api_key, with_key(key));
    // Without the key a repeat is 200 (already linked); the replay is the stored 201.
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(again.header("content-type"), first.header("content-type"));
  }

  EXPECT_EQ(clients_with_inn(inn), "1");
  EXPECT_EQ(links_of(id), "1");
  EXPECT_EQ(audits_created(id), "1");
  EXPECT_EQ(audits_linked(id), "1");
  EXPECT_EQ(events_linked(id), "1");
  EXPECT_EQ(stored_keys(m.merchant_id, key), "1");

  // A different key is a different request: it runs (already linked now: 200, not replayed).
  auto other_key = http.post_json("/v1/clients", body, m.api_key, with_key(random_key()));
  EXPECT_EQ(other_key.status, 200) << other_key.body;
  EXPECT_EQ(other_key.header("idempotent-replayed"), "");
  EXPECT_EQ(other_key.json()["id"], id);
}

TEST_F(IdempotencyTest, SameKeyWithAnotherBodyIs422AndDoesNothing) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto key = random_key();
  auto first_inn = random_inn(), second_inn = random_inn();
  auto first = http.post_json("/v1/clients", client_body(first_inn), m.api_key, with_key(key));
  ASSERT_EQ(first.status, 201) << first.body;
  auto clients_before = count("FROM clients");
  auto audit_before = count("FROM audit_log");
  auto outbox_before = count("FROM outbox");

  auto reused = http.post_json("/v1/clients", client_body(second_inn), m.api_key, with_key(key));
  ASSERT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(reused.header("content-type"), "application/problem+json");
  EXPECT_EQ(reused.json()["type"], kProblems + "idempotency-key-reused");
  EXPECT_EQ(reused.header("idempotent-replayed"), "");
  // Only the name differs: still another request.
  auto renamed = http.post_json("/v1/clients", client_body(first_inn, "Other Name"), m.api_key, with_key(key));
  EXPECT_EQ(renamed.status, 422) << renamed.body;
  EXPECT_EQ(renamed.json()["type"], kProblems + "idempotency-key-reused");

  EXPECT_EQ(clients_with_inn(second_inn), "0");
  EXPECT_EQ(count("FROM clients"), clients_before);
  EXPECT_EQ(count("FROM audit_log"), audit_before);
  EXPECT_EQ(count("FROM outbox"), outbox_before);

  // The original request still replays.
  auto replay = http.post_json("/v1/clients", client_body(first_inn), m.api_key, with_key(key));
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
}

TEST_F(IdempotencyTest, KeysAreScopedPerMerchant) {
  auto a = create_merchant(*env, "Air A");
  auto b = create_merchant(*env, "Air B");
  HttpClient http(server->port());
  auto key = random_key("shared");
  auto inn = random_inn();
  auto body = client_body(inn);

  auto by_a = http.post_json("/v1/clients", body, a.api_key, with_key(key));
  ASSERT_EQ(by_a.status, 201) << by_a.body;
  auto id = by_a.json()["id"].get<std::string>();

  // The same key string and the same body from B: not A's stored response, but B's own effect
  // (the client is new to B: 201, with B's link).
  auto by_b = http.post_json("/v1/clients", body, b.api_key, with_key(key));
  ASSERT_EQ(by_b.status, 201) << by_b.body;
  EXPECT_EQ(by_b.header("idempotent-replayed"), "");
  EXPECT_EQ(by_b.json()["id"], id);
  EXPECT_EQ(count("FROM merchant_clients WHERE client_id = '" + id + "' AND merchant_id = '" + b.merchant_id + "'"),
            "1");
  EXPECT_EQ(events_linked(id), "2");
  EXPECT_EQ(http.get("/v1/clients/" + id, b.api_key).status, 200);

  // B's key string with another body is B's business only: no 422 from A's use of it.
  auto c = create_merchant(*env, "Air C");
  auto other_inn = random_inn();
  auto by_c = http.post_json("/v1/clients", client_body(other_inn), c.api_key, with_key(key));
  EXPECT_EQ(by_c.status, 201) << by_c.body;
  EXPECT_EQ(clients_with_inn(other_inn), "1");

  // Each merchant's replay is its own response.
  auto again_b = http.post_json("/v1/clients", body, b.api_key, with_key(key));
  EXPECT_EQ(again_b.status, by_b.status);
  EXPECT_EQ(again_b.body, by_b.body);
  EXPECT_EQ(again_b.header("idempotent-replayed"), "true");
  auto again_a = http.post_json("/v1/clients", body, a.api_key, with_key(key));
  EXPECT_EQ(again_a.status, 201);
  EXPECT_EQ(again_a.body, by_a.body);
  EXPECT_EQ(again_a.header("idempotent-replayed"), "true");
  EXPECT_EQ(count("FROM idempotency_keys WHERE key = '" + key + "'"), "3");
}

TEST_F(IdempotencyTest, KeyOfMoreThan255CharactersIs400And255IsAccepted) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto clients_before = count("FROM clients");

  auto too_long_inn = random_inn();
  auto too_long = http.post_json("/v1/clients", client_body(too_long_inn), m.api_key,
                                 with_key(std::string(256, 'k')));
  ASSERT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_EQ(too_long.header("content-type"), "application/problem+json");
  EXPECT_EQ(too_long.json()["type"], kProblems + "invalid-idempotency-key");
  EXPECT_EQ(clients_with_inn(too_long_inn), "0");

  auto spaced = http.post_json("/v1/clients", client_body(too_long_inn), m.api_key, with_key("has a space"));
  EXPECT_EQ(spaced.status, 400) << spaced.body;
  EXPECT_EQ(spaced.json()["type"], kProblems + "invalid-idempotency-key");
  EXPECT_EQ(count("FROM clients"), clients_before);

  auto key = random_key();
  key += std::string(255 - key.size(), 'x');
  ASSERT_EQ(key.size(), 255u);
  auto inn = random_inn();
  auto ok = http.post_json("/v1/clients", client_body(inn), m.api_key, with_key(key));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(stored_keys(m.merchant_id, key), "1");
  auto replay = http.post_json("/v1/clients", client_body(inn), m.api_key, with_key(key));
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, ok.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
}

TEST_F(IdempotencyTest, FailedRequestStoresNothingSoTheKeyMayBeUsedAgain) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto key = random_key();
  auto inn = random_inn();
  auto clients_before = count("FROM clients");

  // No KPP for an organisation: 422, twice, the second not a replay.
  nlohmann::json bad = {{"inn", inn}, {"name", "Romashka LLC"}};
  for (int i = 0; i < 2; ++i) {
    auto r = http.post_json("/v1/clients", bad, m.api_key, with_key(key));
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.json()["type"], kProblems + "validation-failed");
    EXPECT_EQ(r.header("idempotent-replayed"), "");
  }
  EXPECT_EQ(stored_keys(m.merchant_id, key), "0");
  EXPECT_EQ(count("FROM clients"), clients_before);

  auto fixed = http.post_json("/v1/clients", client_body(inn), m.api_key, with_key(key));
  ASSERT_EQ(fixed.status, 201) << fixed.body;
  EXPECT_EQ(fixed.header("idempotent-replayed"), "");
  EXPECT_EQ(clients_with_inn(inn), "1");
  EXPECT_EQ(stored_keys(m.merchant_id, key), "1");
}

TEST_F(IdempotencyTest, ConcurrentDuplicatesRunTheEffectOnceAndReplayIt) {
  constexpr int kThreads = 12;
  constexpr int kRounds = 3;
  auto m = create_merchant(*env);
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kThreads; ++i) {
    clients.push_back(std::make_unique<HttpClient>(server->port()));
    ASSERT_EQ(clients.back()->get("/healthz").status, 200);  // connected before the race
  }

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto inn = random_inn();
    auto key = random_key("race");
    auto body = client_body(inn);
    ASSERT_EQ(clients_with_inn(inn), "0");

    std::vector<HttpResponse> responses(kThreads);
    std::vector<std::string> errors(kThreads);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        try {
          responses[i] = clients[i]->post_json("/v1/clients", body, m.api_key, with_key(key));
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    for (auto& t : threads) t.join();

    int originals = 0, replays = 0;
    std::string original_body;
    for (int i = 0; i < kThreads; ++i) {
      ASSERT_EQ(errors[i], "");
      const auto& r = responses[i];
      ASSERT_EQ(r.status, 201) << r.body;
      if (r.header("idempotent-replayed") == "true") {
        ++replays;
      } else {
        EXPECT_EQ(r.header("idempotent-replayed"), "");
        ++originals;
        original_body = r.body;
      }
    }
    EXPECT_EQ(originals, 1);
    EXPECT_EQ(replays, kThreads - 1);
    for (const auto& r : responses) EXPECT_EQ(r.body, original_body);

    auto id = nlohmann::json::parse(original_body)["id"].get<std::string>();
    EXPECT_EQ(clients_with_inn(inn), "1");
    EXPECT_EQ(links_of(id), "1");
    EXPECT_EQ(audits_created(id), "1");
    EXPECT_EQ(audits_linked(id), "1");
    EXPECT_EQ(events_linked(id), "1");
    EXPECT_EQ(stored_keys(m.merchant_id, key), "1");
  }
}

TEST_F(IdempotencyTest, KeyOlderThan24HoursIsTreatedAsNew) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto key = random_key();
  auto first_inn = random_inn(), second_inn = random_inn();

  auto first = http.post_json("/v1/clients", client_body(first_inn), m.api_key, with_key(key));
  ASSERT_EQ(first.status, 201) << first.body;
  // Still fresh a little under a day later.
  db->exec("UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE key = '" + key + "'");
  auto fresh = http.post_json("/v1/clients", client_body(second_inn), m.api_key, with_key(key));
  EXPECT_EQ(fresh.status, 422) << fresh.body;

  db->exec("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = '" + key + "'");
  auto second = http.post_json("/v1/clients", client_body(second_inn), m.api_key, with_key(key));
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.header("idempotent-replayed"), "");
  EXPECT_NE(second.json()["id"], first.json()["id"]);
  EXPECT_EQ(clients_with_inn(second_inn), "1");
  EXPECT_EQ(stored_keys(m.merchant_id, key), "1");

  // The key now belongs to the second request: it replays, and the first body is a reuse.
  auto replay = http.post_json("/v1/clients", client_body(second_inn), m.api_key, with_key(key));
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, second.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  auto old_body = http.post_json("/v1/clients", client_body(first_inn), m.api_key, with_key(key));
  EXPECT_EQ(old_body.status, 422) << old_body.body;
}

TEST_F(IdempotencyTest, DuplicateWaitsForTheFirstThenGets409IfItTakesTooLong) {
  auto m = create_merchant(*env);
  auto key = random_key();
  auto inn = random_inn();
  // Stands in for a first request still running with this key: it holds the same lock.
  pqxx::connection first(db->url());
  pqxx::nontransaction lock(first);
  const std::string hold = "SELECT pg_advisory_lock(hashtext('merchant:" + m.merchant_id + "'), hashtext('" + key + "'))";
  const std::string release = "SELECT pg_advisory_unlock_all()";
  lock.exec(hold);

  HttpClient http(server->port());
  auto started = std::chrono::steady_clock::now();
  auto busy = http.post_json("/v1/clients", client_body(inn), m.api_key, with_key(key));
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_EQ(busy.json()["type"], kProblems + "idempotency-key-in-use");
  EXPECT_GE(waited, std::chrono::milliseconds(4500));
  EXPECT_EQ(clients_with_inn(inn), "0");

  // Released while the duplicate waits: it goes ahead instead of failing.
  std::thread finish([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    lock.exec(release);
  });
  started = std::chrono::steady_clock::now();
  auto after = http.post_json("/v1/clients", client_body(inn), m.api_key, with_key(key));
  waited = std::chrono::steady_clock::now() - started;
  finish.join();
  EXPECT_EQ(after.status, 201) << after.body;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_EQ(clients_with_inn(inn), "1");
}
