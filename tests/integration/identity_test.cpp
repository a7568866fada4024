// Merchants, keys and corporate clients over HTTP: authentication, roles and tenancy.
#include <gtest/gtest.h>

#include "harness.hpp"

using namespace skybill::test;

class IdentityTest : public ServerSuite {};

TEST_F(IdentityTest, MerchantSeesItselfWithItsKey) {
  auto m = create_merchant(*env, "Aeroflot Test", "7702070139", "770201001");
  HttpClient http(server->port());
  auto r = http.get("/v1/merchant", m.api_key);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["id"], m.merchant_id);
  EXPECT_EQ(j["name"], "Aeroflot Test");
  EXPECT_EQ(j["inn"], "7702070139");
  EXPECT_EQ(j["kpp"], "770201001");
  EXPECT_EQ(j["timezone"], "Europe/Moscow");
  EXPECT_EQ(j["key"]["id"], m.key_id);
  EXPECT_EQ(j["key"]["mode"], "test");
  EXPECT_TRUE(m.api_key.starts_with("sk_test_"));
}

TEST_F(IdentityTest, OnlyTheHashOfAKeyIsStored) {
  auto m = create_merchant(*env);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM api_keys WHERE key_hash = '" + m.api_key + "'"), "0");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM api_keys WHERE key_hash = encode(sha256('" + m.api_key +
                       "'::bytea), 'hex')"),
            "1");
}

TEST_F(IdentityTest, MissingUnknownOrRevokedKeyIs401) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto none = http.get("/v1/merchant");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("content-type"), "application/problem+json");
  EXPECT_EQ(none.header("www-authenticate"), "Bearer");
  EXPECT_EQ(none.json()["type"], "https://skybill.dev/problems/unauthorized");

  auto unknown = http.get("/v1/merchant", "sk_test_" + std::string(40, 'A'));
  EXPECT_EQ(unknown.status, 401);
  auto garbage = http.get("/v1/merchant", "not-a-key");
  EXPECT_EQ(garbage.status, 401);

  ASSERT_EQ(http.get("/v1/merchant", m.api_key).status, 200);
  auto revoke = run_cli({"merchant", "key", "revoke", "--key-id", m.key_id}, *env);
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_EQ(http.get("/v1/merchant", m.api_key).status, 401);
}

TEST_F(IdentityTest, SecondKeyWorksAndRevokingOneLeavesTheOther) {
  auto m = create_merchant(*env);
  auto r = run_cli({"merchant", "key", "create", "--merchant", m.merchant_id, "--live"}, *env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto live = nlohmann::json::parse(r.out);
  std::string live_key = live["api_key"];
  EXPECT_TRUE(live_key.starts_with("sk_live_"));
  HttpClient http(server->port());
  auto me = http.get("/v1/merchant", live_key);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["key"]["mode"], "live");
  ASSERT_EQ(run_cli({"merchant", "key", "revoke", "--key-id", m.key_id}, *env).exit_code, 0);
  EXPECT_EQ(http.get("/v1/merchant", m.api_key).status, 401);
  EXPECT_EQ(http.get("/v1/merchant", live_key).status, 200);
}

TEST_F(IdentityTest, StaffRoutesRefuseMerchantKeysAndViceVersa) {
  auto m = create_merchant(*env);
  auto r = run_cli({"staff", "key", "create", "--name", "Anna Support", "--role", "support"}, *env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string staff_key = nlohmann::json::parse(r.out)["staff_key"];
  EXPECT_TRUE(staff_key.starts_with("ss_"));
  HttpClient http(server->port());

  auto me = http.get("/admin/api/me", staff_key);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["role"], "support");
  EXPECT_EQ(me.json()["name"], "Anna Support");

  auto merchant_on_staff = http.get("/admin/api/me", m.api_key);
  EXPECT_EQ(merchant_on_staff.status, 403);
  EXPECT_EQ(merchant_on_staff.json()["type"], "https://skybill.dev/problems/forbidden");
  auto staff_on_merchant = http.get("/v1/merchant", staff_key);
  EXPECT_EQ(staff_on_merchant.status, 403);

  auto bad_role = run_cli({"staff", "key", "create", "--name", "X", "--role", "pilot"}, *env);
  EXPECT_NE(bad_role.exit_code, 0);
  EXPECT_NE(bad_role.err.find("role"), std::string::npos);
}

TEST_F(IdentityTest, ClientIsCreatedOnceAndLinkedToEachMerchant) {
  auto a = create_merchant(*env, "Air A");
  auto b = create_merchant(*env, "Air B");
  HttpClient http(server->port());
  nlohmann::json body = {{"inn", "7728168971"}, {"kpp", "772801001"}, {"name", "Romashka LLC"}};

  auto first = http.post_json("/v1/clients", body, a.api_key);
  ASSERT_EQ(first.status, 201) << first.body;
  auto id = first.json()["id"].get<std::string>();
  auto again = http.post_json("/v1/clients", body, a.api_key);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["id"], id);

  // B cannot see A's client until it links it; then both see the same legal entity.
  EXPECT_EQ(http.get("/v1/clients/" + id, b.api_key).status, 404);
  EXPECT_EQ(http.get("/v1/clients?inn=7728168971", b.api_key).json()["data"].size(), 0u);
  auto by_b = http.post_json("/v1/clients", body, b.api_key);
  EXPECT_EQ(by_b.status, 201) << "new to B, whoever registered it first";
  EXPECT_EQ(by_b.json()["id"], id);
  EXPECT_EQ(http.get("/v1/clients/" + id, b.api_key).status, 200);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM clients WHERE inn = '7728168971'"), "1");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM merchant_clients WHERE client_id = '" + id + "'"), "2");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM outbox WHERE topic = 'client.linked' AND payload->>'id' = '" + id + "'"),
            "2");
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE subject = '" + id + "' AND action = 'client.created'"),
            "1");
}

TEST_F(IdentityTest, AnotherMerchantsClientIsNotFound) {
  auto a = create_merchant(*env, "Air A");
  auto b = create_merchant(*env, "Air B");
  HttpClient http(server->port());
  auto created = http.post_json("/v1/clients", {{"inn", "500101000064"}, {"name", "IP Ivanov"}}, a.api_key);
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.json()["id"].get<std::string>();
  EXPECT_EQ(http.get("/v1/clients/" + id, a.api_key).status, 200);
  auto other = http.get("/v1/clients/" + id, b.api_key);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.json()["type"], "https://skybill.dev/problems/not-found");
  EXPECT_EQ(http.get("/v1/clients/not-a-uuid", a.api_key).status, 404);
}

TEST_F(IdentityTest, ClientValidationNamesEveryBadFieldAndStoresNothing) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  auto before = db->scalar("SELECT count(*) FROM clients");
  auto r = http.post_json("/v1/clients", {{"inn", "7728168972"}, {"kpp", "12"}, {"colour", "red"}}, m.api_key);
  ASSERT_EQ(r.status, 422) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["type"], "https://skybill.dev/problems/validation-failed");
  std::set<std::string> fields;
  for (const auto& e : j["errors"]) fields.insert(e["field"].get<std::string>());
  EXPECT_TRUE(fields.count("inn"));
  EXPECT_TRUE(fields.count("name"));
  EXPECT_TRUE(fields.count("colour"));
  EXPECT_EQ(db->scalar("SELECT count(*) FROM clients"), before);

  auto kpp = http.post_json("/v1/clients", {{"inn", "7728168971"}, {"kpp", "111111111"}, {"name", "X"}}, m.api_key);
  EXPECT_EQ(kpp.status, 422);
  auto no_kpp = http.post_json("/v1/clients", {{"inn", "7728168971"}, {"name", "X"}}, m.api_key);
  EXPECT_EQ(no_kpp.status, 422);
  auto typed = http.post_json("/v1/clients", {{"inn", 7728168971LL}, {"name", "X"}}, m.api_key);
  EXPECT_EQ(typed.status, 422);
  EXPECT_EQ(db->scalar("SELECT count(*) FROM clients"), before);
}

TEST_F(IdentityTest, ClientListFiltersAndPages) {
  auto m = create_merchant(*env);
  HttpClient http(server->port());
  const char* inns[] = {"7707083893", "7728168971", "7702070139"};
  for (auto inn : inns)
    ASSERT_LT(http.post_json("/v1/clients", {{"inn", inn}, {"kpp", "770101001"}, {"name", "Co"}}, m.api_key).status,
              300);
  auto filtered = http.get("/v1/clients?inn=7702070139", m.api_key).json();
  ASSERT_EQ(filtered["data"].size(), 1u);
  EXPECT_EQ(filtered["data"][0]["inn"], "7702070139");

  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = http.get("/v1/clients?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), m.api_key);
    ASSERT_EQ(page.status, 200) << page.body;
    auto j = page.json();
    for (const auto& c : j["data"]) seen.insert(c["id"].get<std::string>());
    cursor = j["next_cursor"].is_null() ? "" : j["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(http.get("/v1/clients?limit=0", m.api_key).status, 422);
  EXPECT_EQ(http.get("/v1/clients?limit=101", m.api_key).status, 422);
}
