// Real-looking exports of several banks (tests/unit/statements/data: Sberbank CP1251/CRLF, a
// UTF-8 export mislabelled Windows, Alfa CP866 with mixed line ends, bank orders with a BOM,
// camt.053 v02) imported over HTTP by a server whose settlement account is the file's.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness.hpp"

using namespace skybill::test;

namespace {

struct Export {
  const char* file;
  const char* account;
};

class BankExportsTest : public ::testing::TestWithParam<Export> {};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_P(BankExportsTest, ImportsOnceAndKeepsTheLedgerBalanced) {
  TestDatabase db;
  auto env = base_env(db);
  env["SKYBILL_GATEWAY_ACCOUNT"] = GetParam().account;
  ASSERT_EQ(run_cli({"migrate"}, env).exit_code, 0);
  auto staff = run_cli({"staff", "key", "create", "--name", "Anna", "--role", "accountant"}, env);
  std::string key = nlohmann::json::parse(staff.out)["staff_key"];
  ServerProcess server(env);
  HttpClient http(server.port());
  auto file = read(source_dir() + "/tests/unit/statements/data/" + GetParam().file);
  ASSERT_FALSE(file.empty());
  auto r = http.request("POST", "/v1/statements", file, {{"Authorization", "Bearer " + key}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto s = r.json();
  EXPECT_GT(s["documents"].get<int>(), 0) << r.body;
  EXPECT_EQ(s["matched"], 0) << "no invoices exist";
  EXPECT_EQ(s["reconciliation"].get<int>() + s["deposits"].get<int>(), s["incoming"].get<int>()) << r.body;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bank_documents"), std::to_string(s["incoming"].get<int>() +
                                                                             s["outgoing"].get<int>()));
  auto again = http.request("POST", "/v1/statements", file, {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["duplicate_file"], true);
  auto verify = run_cli({"ledger", "verify"}, env);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

INSTANTIATE_TEST_SUITE_P(Banks, BankExportsTest,
                         ::testing::Values(Export{"sberbank_cp1251_crlf.txt", "40702810238000001234"},
                                           Export{"sberbank_orders_utf8_bom_crlf.txt", "40702810238000001234"},
                                           Export{"tinkoff_utf8_lf.txt", "40702810610000012345"},
                                           Export{"alfa_cp866_dos_mixed.txt", "40702810116540009876"},
                                           Export{"camt053_v02_sber.xml", "40702810238000001234"}),
                         [](const auto& info) {
                           std::string name = info.param.file;
                           for (auto& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(BankExports, AStatementOfAnotherAccountIsRefusedWhole) {
  TestDatabase db;
  auto env = base_env(db);
  ASSERT_EQ(run_cli({"migrate"}, env).exit_code, 0);
  auto staff = run_cli({"staff", "key", "create", "--name", "Anna", "--role", "accountant"}, env);
  std::string key = nlohmann::json::parse(staff.out)["staff_key"];
  ServerProcess server(env);
  auto r = HttpClient(server.port())
               .request("POST", "/v1/statements", read(source_dir() + "/tests/unit/statements/data/sberbank_cp1251_crlf.txt"),
                        {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(contains(r.body, "40702810238000001234")) << r.body;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bank_statements"), "0");
}
