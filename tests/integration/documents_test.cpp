// Closing documents end to end, against the real binary, PostgreSQL and HTTP: the invoice PDF
// when an invoice is issued, the УПД (PDF and the tax service's XML, valid against the official
// XSD, its sums the ledger's) when it is paid or guaranteed, sent by the file-drop EDO operator
// and its statuses recorded; itinerary receipts on ticketing; a correction (УКД) per refund;
// the gateway's commission УПД when a payout leaves the bank, posted with a tracking number;
// one document per source whatever delivers its event twice; bad data opens a case instead.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include "command_output.hpp"
#include "fixtures.hpp"
#include "harness.hpp"
#include "pages.hpp"
#include "server_clock.hpp"
#include "skybill/crypto/crypto.hpp"
#include "skybill/documents/xml_schema.hpp"

using namespace skybill::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const std::string kOurAccount = "40702810900000000001";
const std::string kPayerAccount = "40702810500000012345";
const std::string kAirlineAccount = "40702810000000000042";
const std::string kClientInn = "7728168971";
const std::string kClientEdo = "2BE-7728168971-772801001-202001010000000002";
const std::string kAirlineEdo = "2BM-7707083893-770701001-201409301000000001";

// windows-1251 bytes of a UTF-8 text, to look for Russian words in the XML as stored.
std::string cp1251(const std::string& utf8) {
  auto path = temp_file(".txt", utf8);
  auto out = run("iconv -f utf-8 -t cp1251 '" + path + "'");
  std::remove(path.c_str());
  return out;
}

struct Doc {
  std::string number, purpose, amount, date;
  bool outgoing = false;
  std::string counterparty_account = kPayerAccount;
};

std::string statement(const std::vector<Doc>& docs) {
  const std::string eol = "\r\n";
  std::string s = "1CClientBankExchange" + eol + "ВерсияФормата=1.03" + eol + "Кодировка=Windows" + eol +
                  "РасчСчет=" + kOurAccount + eol;
  for (const auto& d : docs) {
    s += "СекцияДокумент=Платежное поручение" + eol + "Номер=" + d.number + eol + "Дата=" + d.date + eol +
         "Сумма=" + d.amount + eol;
    if (d.outgoing)
      s += "ПлательщикСчет=" + kOurAccount + eol + "ПлательщикИНН=7707083893" + eol + "ПолучательСчет=" +
           d.counterparty_account + eol + "ПолучательИНН=7707083893" + eol + "ДатаСписано=" + d.date + eol;
    else
      s += "ПлательщикСчет=" + d.counterparty_account + eol + "ПлательщикИНН=" + kClientInn + eol +
           "ПлательщикКПП=772801001" + eol + "Плательщик1=ООО \"Ромашка\"" + eol + "ПлательщикБИК=044525974" + eol +
           "ПолучательСчет=" + kOurAccount + eol + "ПолучательИНН=7707083893" + eol + "ДатаПоступило=" + d.date + eol;
    s += "НазначениеПлатежа=" + d.purpose + eol + "КонецДокумента" + eol;
  }
  return s + "КонецФайла" + eol;
}

// The instant of a Moscow wall-clock time (UTC+3, no daylight saving), as Unix seconds.
std::int64_t msk(const std::string& ymd, int hour, int minute = 0) {
  year_month_day d{year{std::stoi(ymd.substr(0, 4))}, month{static_cast<unsigned>(std::stoi(ymd.substr(5, 2)))},
                   day{static_cast<unsigned>(std::stoi(ymd.substr(8, 2)))}};
  return duration_cast<seconds>(sys_days{d}.time_since_epoch()).count() + (hour - 3) * 3600 + minute * 60;
}

const nlohmann::json kAirlineDocuments = {
    {"address", "125009, г. Москва, ул. Тверская, д. 1"},
    {"edo_id", kAirlineEdo},
    {"signer", {{"last_name", "Иванов"}, {"first_name", "Пётр"}, {"middle_name", "Сергеевич"}, {"position", "Генеральный директор"}}},
    {"delivery", "post"},
    {"postal_address", "125009, г. Москва, ул. Тверская, д. 1, бухгалтерия"}};

class DocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::make_unique<TestDatabase>();
    env = base_env(*db);
    env["SKYBILL_JOBS_INTERVAL_MS"] = "3600000";
    env["SKYBILL_DOCUMENTS_INTERVAL_MS"] = "100";
    edo_dir = fs::temp_directory_path() / ("skybill-edo-" + std::to_string(getpid()) + "-" +
                                           std::to_string(steady_clock::now().time_since_epoch().count()));
    env["SKYBILL_DOCUMENTS_EDO_DIR"] = edo_dir.string();
    ASSERT_EQ(run_cli({"migrate"}, env).exit_code, 0);
    m = create_merchant(env);
    other = create_merchant(env, "Other Air", "7736207543", "773601001");
    admin = staff_key("admin");
    accountant = staff_key("accountant");
  }

  void TearDown() override {
    http.reset();
    server.reset();
    std::error_code ec;
    fs::remove_all(edo_dir, ec);
    db.reset();
  }

  void start(Env e = {}) {
    http.reset();
    server.reset();
    server = std::make_unique<ServerProcess>(e.empty() ? env : e);
    http = std::make_unique<HttpClient>(server->port());
  }

  std::string staff_key(const std::string& role) {
    auto r = run_cli({"staff", "key", "create", "--name", "Staff " + role, "--role", role}, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["staff_key"];
  }

  void configure_airline(const nlohmann::json& settings = kAirlineDocuments) {
    auto r = http->request("PATCH", "/v1/merchants/" + m.merchant_id + "/documents", settings.dump(),
                           {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // A booking and its invoice by `method`; {booking id, booking JSON after the choice}.
  std::pair<std::string, nlohmann::json> invoiced(const std::string& reference, const std::string& method = "invoice") {
    auto b = http->post_json("/v1/bookings", booking_body(reference), m.api_key);
    EXPECT_EQ(b.status, 201) << b.body;
    std::string id = b.json()["id"];
    auto r = http->post_json("/v1/bookings/" + id + "/payment-choice", {{"method", method}}, m.api_key);
    EXPECT_EQ(r.status, 200) << r.body;
    return {id, r.json()};
  }

  std::string client_id() { return sql("SELECT id FROM clients WHERE inn = '" + kClientInn + "'"); }

  void client_takes(const nlohmann::json& settings) {
    auto r = http->request("PUT", "/v1/clients/" + client_id() + "/documents", settings.dump(),
                           {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  nlohmann::json import(const std::vector<Doc>& docs) {
    auto r = http->request("POST", "/v1/statements", statement(docs),
                           {{"Authorization", "Bearer " + accountant}, {"Content-Type", "text/plain"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  // Paid in full by a transfer dated `date` (DD.MM.YYYY; the servers' today when empty).
  void pay(const nlohmann::json& invoice, const std::string& number, std::string date = {}) {
    if (date.empty()) date = ru_date(server_now());
    auto s = import({{number, "Оплата по счету " + invoice["number"].get<std::string>(),
                      invoice["totals"]["amount"].get<std::string>(), date}});
    ASSERT_EQ(s["matched"], 1) << s;
  }
  // An instance whose clock shows `moment` (Unix seconds).
  void start_at(std::int64_t moment) {
    auto e = env;
    e["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(seconds(moment - server_unix()));
    start(e);
  }

  // The documents of a booking of one kind, once there are `count` of them.
  nlohmann::json documents(const std::string& booking, const std::string& kind, std::size_t count = 1,
                           const std::string& key = {}) {
    nlohmann::json data;
    wait_for([&] {
      auto r = http->get("/v1/documents?booking=" + booking + "&kind=" + kind, key.empty() ? m.api_key : key);
      data = r.status == 200 ? r.json()["data"] : nlohmann::json::array();
      return data.size() >= count;
    });
    EXPECT_EQ(data.size(), count) << kind << " of " << booking << "; blocked: "
                                  << sql("SELECT string_agg(source || ' ' || problems::text, '; ') FROM document_blocks");
    return data;
  }

  std::string bytes(const std::string& url, const std::string& key = {}) {
    auto r = http->get(url, key.empty() ? m.api_key : key);
    EXPECT_EQ(r.status, 200) << url << ": " << r.body;
    return r.body;
  }

  nlohmann::json get(const std::string& path, const std::string& key = {}) {
    auto r = http->get(path, key.empty() ? m.api_key : key);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? r.json() : nlohmann::json();
  }

  std::string sql(const std::string& q) { return db->scalar(q); }
  // Every event the outbox holds has been looked at for documents and fanned out (e-mails).
  void settled() {
    EXPECT_TRUE(wait_for([&] {
      return sql("SELECT count(*) FROM outbox WHERE documented_at IS NULL OR fanned_out_at IS NULL") == "0";
    }));
  }

  std::unique_ptr<TestDatabase> db;
  Env env;
  fs::path edo_dir;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<HttpClient> http;
  MerchantKey m, other;
  std::string admin, accountant;
};

TEST_F(DocumentsTest, AnInvoicePaidByTransferGetsItsPdfItsUpdByEdoAndItsReceipts) {
  start();
  configure_airline();
  auto [id, booked] = invoiced("DOC-1");
  auto invoice = booked["invoice"];
  client_takes({{"address", "117997, г. Москва, ул. Вавилова, д. 19"}, {"edo_id", kClientEdo}, {"delivery", "edo"}});

  // The invoice PDF: the invoice's own number, the exact figures, the bytes the SHA-256 names.
  auto inv_doc = documents(id, "invoice")[0];
  EXPECT_EQ(inv_doc["number"], invoice["number"]);
  EXPECT_EQ(inv_doc["total"], "11499.50");
  EXPECT_EQ(inv_doc["vat"], "999.16");
  EXPECT_TRUE(inv_doc["xml"].is_null());
  auto pdf = bytes(inv_doc["pdf"]["url"]);
  EXPECT_EQ(skybill::crypto::sha256_hex(pdf), inv_doc["pdf"]["sha256"]);
  EXPECT_TRUE(pdf.starts_with("%PDF-"));
  auto text = pdf_text(pdf);
  EXPECT_TRUE(contains(text, invoice["number"].get<std::string>())) << text;
  EXPECT_TRUE(contains(text, "11 499,50")) << text;
  EXPECT_TRUE(contains(text, "909,09")) << "VAT at 10 %\n" << text;
  EXPECT_TRUE(contains(text, "90,07")) << "VAT at 22 %\n" << text;
  EXPECT_TRUE(contains(text, "7728168971")) << text;

  // Paid: the УПД, from the airline to the client, in PDF and the tax service's XML.
  pay(invoice, "501");
  auto upd = documents(id, "upd")[0];
  auto prefix = sql("SELECT invoice_prefix FROM merchants WHERE id = '" + m.merchant_id + "'");
  EXPECT_EQ(upd["number"], prefix + "-U-" + iso_date(server_now()).substr(0, 4) + "-000001");
  EXPECT_EQ(upd["total"], "11499.50");
  EXPECT_EQ(upd["vat"], "999.16");
  auto xml = bytes(upd["xml"]["url"]);
  EXPECT_EQ(skybill::crypto::sha256_hex(xml), upd["xml"]["sha256"]);
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"windows-1251\"?>")) << xml.substr(0, 80);
  auto schema_errors =
      skybill::documents::validate_xml(xml, source_dir() + "/config/formats/ON_NSCHFDOPPR_1_997_01_05_03_05.xsd");
  EXPECT_TRUE(schema_errors.empty()) << schema_errors.front();
  std::string file_name = upd["xml"]["file_name"];
  EXPECT_TRUE(std::regex_match(file_name, std::regex("ON_NSCHFDOPPR_" + kClientEdo + "_" + kAirlineEdo + "_\\d{8}_.+\\.xml")))
      << file_name;
  // Its sums are the ledger's: what the client was invoiced and paid.
  auto paid = sql("SELECT to_char(sum(applied_minor) / 100.0, 'FM999999990.00') FROM payments");
  EXPECT_EQ(paid, "11499.50");
  EXPECT_TRUE(contains(xml, "=\"" + paid + "\"")) << "the total with VAT";
  EXPECT_TRUE(contains(xml, cp1251("ООО \"Ромашка\"")) || contains(xml, cp1251("Romashka LLC")));
  EXPECT_TRUE(contains(xml, "501")) << "the payment document that paid it";
  auto upd_text = pdf_text(bytes(upd["pdf"]["url"]));
  EXPECT_TRUE(contains(upd_text, upd["number"].get<std::string>())) << upd_text;
  EXPECT_TRUE(contains(upd_text, "11 499,50")) << upd_text;

  // By EDO: the file-drop operator has the XML; its statuses come back and are shown.
  ASSERT_TRUE(wait_for([&] { return fs::exists(edo_dir / "outgoing" / file_name); }));
  std::ifstream dropped(edo_dir / "outgoing" / file_name, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(dropped), {}), xml);
  ASSERT_TRUE(wait_for([&] { return get("/v1/documents/" + upd["id"].get<std::string>())["dispatches"][0]["status"] == "sent"; }));
  auto stem = file_name.substr(0, file_name.size() - 4);
  std::ofstream(edo_dir / "statuses" / (stem + ".delivered")) << "";
  ASSERT_TRUE(wait_for([&] { return get("/v1/documents/" + upd["id"].get<std::string>())["dispatches"][0]["status"] == "delivered"; }));
  std::ofstream(edo_dir / "statuses" / (stem + ".signed")) << "signed by Romashka's accountant";
  ASSERT_TRUE(wait_for([&] { return get("/v1/documents/" + upd["id"].get<std::string>())["dispatches"][0]["status"] == "signed"; }));
  auto dispatch = get("/v1/documents/" + upd["id"].get<std::string>())["dispatches"][0];
  EXPECT_EQ(dispatch["channel"], "edo");
  EXPECT_EQ(dispatch["operator"], "file-drop");
  EXPECT_EQ(dispatch["recipient"], kClientEdo);
  EXPECT_EQ(dispatch["history"].size(), 4u) << dispatch;
  EXPECT_EQ(dispatch["history"][3]["note"], "signed by Romashka's accountant");
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE topic = 'document.signed'"), "1");

  // Ticketed: one itinerary receipt per ticket, VAT shown per rate.
  auto ticketed = http->post_json("/v1/bookings/" + id + "/tickets",
                                  {{"tickets", {{{"passenger", 0}, {"number", "5551234567890"}}}}}, m.api_key);
  ASSERT_EQ(ticketed.status, 200) << ticketed.body;
  auto receipt = documents(id, "receipt")[0];
  EXPECT_EQ(receipt["number"], prefix + "-R-" + iso_date(server_now()).substr(0, 4) + "-000001");
  auto receipt_text = pdf_text(bytes(receipt["pdf"]["url"]));
  for (const char* s : {"5551234567890", "ABC123", "10 000,00", "909,09", "90,07", "11 499,50", "Без НДС"})
    EXPECT_TRUE(contains(receipt_text, s)) << s << " missing in\n" << receipt_text;

  // The hosted page links the client's documents, by its pay token only.
  std::string pay_url = booked["payment_url"];
  auto token = pay_url.substr(pay_url.rfind('/') + 1);
  auto page = http->get("/pay/" + token + "/documents");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json()["data"].size(), 3u) << page.body;
  auto via_page = http->get(page.json()["data"][1]["pdf_url"].get<std::string>());
  EXPECT_EQ(via_page.status, 200);
  EXPECT_EQ(skybill::crypto::sha256_hex(via_page.body), upd["pdf"]["sha256"]);
  EXPECT_EQ(http->get("/pay/" + token + "/invoice.pdf").body, pdf);
  EXPECT_EQ(http->get("/pay/wrong-token/documents").status, 404);
  auto view = http->get("/pay/" + token + "/api");
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(view.json()["documents"], page.json()["data"]) << "the page's view lists the same documents";
  EXPECT_EQ(view.json()["documents"][1]["pdf_url"], "/pay/" + token + "/documents/" + upd["id"].get<std::string>() + ".pdf");
  EXPECT_EQ(view.json()["documents"][1]["number"], upd["number"]);
  // The client's e-mails link them.
  settled();
  EXPECT_EQ(sql("SELECT count(*) FROM email_messages WHERE kind = 'document_issued'"), "2") << "the УПД and the receipt";
  EXPECT_EQ(sql("SELECT count(*) FROM email_messages WHERE kind = 'invoice_issued' AND body LIKE '%/invoice.pdf%'"), "1");

  // Another airline sees none of it.
  EXPECT_EQ(http->get("/v1/documents/" + upd["id"].get<std::string>(), other.api_key).status, 404);
  EXPECT_EQ(http->get(upd["pdf"]["url"].get<std::string>(), other.api_key).status, 404);
  EXPECT_EQ(get("/v1/documents?booking=" + id, other.api_key)["data"].size(), 0u);
  EXPECT_EQ(get("/v1/documents?booking=" + id, accountant)["data"].size(), 3u);
  EXPECT_EQ(http->get("/v1/documents?kind=act", m.api_key).status, 422);

  // Every event delivered again makes no second document; a document is never changed.
  db->exec("UPDATE outbox SET documented_at = NULL");
  settled();
  EXPECT_EQ(sql("SELECT count(*) FROM documents"), "3");
  EXPECT_EQ(sql("SELECT count(*) FROM document_counters WHERE last > 1"), "0") << "no number was taken twice";
  EXPECT_THROW(db->exec("UPDATE documents SET total_minor = 0"), std::exception);
  EXPECT_THROW(db->exec("DELETE FROM documents"), std::exception);
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'document.issued'"), "3");
}

TEST_F(DocumentsTest, AGuaranteeGetsItsUpdAtOnceAndEachRefundItsCorrection) {
  start();
  configure_airline();
  invoiced("DOC-LINK");  // links the client
  ASSERT_EQ(run_cli({"client", "credit", "set", "--inn", kClientInn, "--kpp", "772801001", "--limit", "50000.00",
                     "--deferral-days", "10"},
                    env)
                .exit_code,
            0);
  client_takes({{"address", "117997, г. Москва, ул. Вавилова, д. 19"}, {"edo_id", kClientEdo}});
  auto [id, booked] = invoiced("DOC-CREDIT", "credit_line");
  auto upd = documents(id, "upd")[0];
  EXPECT_EQ(upd["total"], "11499.50");

  // The service fee given up: its line falls to zero, VAT stays as it was.
  auto r = http->post_json("/v1/bookings/" + id + "/refunds", {{"lines", {2}}, {"reason", "no service"}}, m.api_key);
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.json()["status"], "succeeded");
  auto first = documents(id, "correction")[0];
  EXPECT_EQ(first["corrects"], upd["id"]);
  EXPECT_EQ(first["total"], "-1000.00");
  EXPECT_EQ(first["vat"], "0.00");
  ASSERT_FALSE(first["xml"].is_null());
  auto text = pdf_text(bytes(first["pdf"]["url"]));
  EXPECT_TRUE(contains(text, first["number"].get<std::string>())) << text;
  EXPECT_TRUE(contains(text, upd["number"].get<std::string>())) << "it names the УПД it corrects\n" << text;
  EXPECT_TRUE(contains(text, "1 000,00")) << text;

  // The rest, with a penalty the airline keeps: the second correction starts where the first ended.
  auto rest = http->post_json("/v1/bookings/" + id + "/refunds",
                              {{"reason", "flight cancelled"}, {"penalties", {{{"description", "Fee"}, {"amount", "499.50"}}}}},
                              m.api_key);
  ASSERT_EQ(rest.status, 201) << rest.body;
  auto both = documents(id, "correction", 2);
  EXPECT_EQ(both[1]["corrects"], first["id"]);
  EXPECT_EQ(both[1]["total"], "-10000.00") << "10 499.50 refunded less the 499.50 kept";
  EXPECT_EQ(sql("SELECT (facts->>'total_after') FROM documents WHERE id = '" + both[1]["id"].get<std::string>() + "'"),
            "49950");
}

TEST_F(DocumentsTest, BadDataOpensACaseAndTheDocumentIsIssuedOnceFixed) {
  start();
  // The airline has not said its address or who signs: no УПД can be drawn up yet.
  auto [id, booked] = invoiced("DOC-BAD");
  documents(id, "invoice");
  pay(booked["invoice"], "601");
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM support_cases WHERE type = 'document_blocked'") == "1"; }));
  settled();
  EXPECT_EQ(sql("SELECT count(*) FROM documents WHERE kind = 'upd'"), "0") << "no broken document is stored";
  EXPECT_EQ(sql("SELECT count(*) FROM document_counters WHERE last > 0 AND series LIKE '%-U'"), "0")
      << "and no number is used up";
  auto notes = sql("SELECT notes FROM support_cases WHERE type = 'document_blocked'");
  EXPECT_TRUE(contains(notes, "address")) << notes;
  auto blocks = get("/v1/document-blocks", accountant)["data"];
  ASSERT_EQ(blocks.size(), 1u) << blocks;
  std::string source = blocks[0]["source"];
  EXPECT_EQ(source, "upd:" + id + ":1");

  // A retry before the data is fixed is refused with the same reasons; after, it issues.
  auto early = http->post_json("/v1/documents/retry", {{"source", source}}, accountant);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(sql("SELECT count(*) FROM support_cases WHERE type = 'document_blocked'"), "1") << "one case, not two";
  configure_airline();
  auto still = http->post_json("/v1/documents/retry", {{"source", source}}, accountant);
  ASSERT_EQ(still.status, 409) << still.body;
  EXPECT_TRUE(contains(still.body, "buyer.address")) << still.body;
  EXPECT_FALSE(contains(still.body, "seller.address")) << still.body;
  // The client gives its address and takes its originals by post: no EDO id, so a paper УПД.
  client_takes({{"address", "117997, г. Москва, ул. Вавилова, д. 19"}, {"delivery", "post"},
                {"postal_address", "117997, г. Москва, ул. Вавилова, д. 19, бухгалтерия"}});
  auto retried = http->post_json("/v1/documents/retry", {{"source", source}}, accountant);
  ASSERT_EQ(retried.status, 200) << retried.body;
  auto prefix = sql("SELECT invoice_prefix FROM merchants WHERE id = '" + m.merchant_id + "'");
  EXPECT_EQ(documents(id, "upd")[0]["number"], prefix + "-U-" + iso_date(server_now()).substr(0, 4) + "-000001")
      << "the blocked attempt took no number";
  auto upd = documents(id, "upd")[0];
  EXPECT_TRUE(upd["xml"].is_null()) << "no EDO ids, no file for EDO";
  EXPECT_EQ(upd["dispatches"][0]["channel"], "post");
  EXPECT_EQ(upd["dispatches"][0]["status"], "queued");
  EXPECT_EQ(get("/v1/document-blocks", accountant)["data"].size(), 0u);
  EXPECT_EQ(http->post_json("/v1/documents/retry", {{"source", source}}, m.api_key).status, 403);

  // Bad settings are refused with every reason named.
  auto bad = http->request("PATCH", "/v1/merchants/" + m.merchant_id + "/documents",
                           nlohmann::json{{"edo_id", "!"}, {"delivery", "pigeon"}, {"signer", {{"first_name", 1}}}, {"x", 1}}.dump(),
                           {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 422) << bad.body;
  // The patch merges into what is set: the signer's other names stay.
  for (const char* field : {"edo_id", "delivery", "signer.first_name", "x"})
    EXPECT_TRUE(contains(bad.body, std::string("\"") + field + "\"")) << field << " not named in " << bad.body;
  auto no_id = http->request("PUT", "/v1/clients/" + client_id() + "/documents", nlohmann::json{{"delivery", "edo"}}.dump(),
                             {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
  EXPECT_EQ(no_id.status, 422) << no_id.body;
  EXPECT_EQ(http->request("PUT", "/v1/clients/" + client_id() + "/documents", "{}",
                          {{"Authorization", "Bearer " + other.api_key}, {"Content-Type", "application/json"}})
                .status,
            404)
      << "a client of another airline";
}

// Settlement runs on the production calendar: like settlement_test, this test pins its days
// (a Friday in November 2026 and the Monday after) rather than taking the servers' today.
TEST_F(DocumentsTest, APayoutLeavingTheBankGetsTheGatewaysCommissionUpdPostedWithItsTracking) {
  auto set = run_cli({"merchant", "settlement", "--merchant", m.merchant_id, "--commission-percent", "1",
                      "--commission-fixed", "RUB:30.00", "--cutoff", "18:00", "--payee-account", kAirlineAccount,
                      "--payee-bic", "044525225", "--payee-bank", "ПАО Сбербанк", "--payee-correspondent-account",
                      "30101810400000000225"},
                     env);
  ASSERT_EQ(set.exit_code, 0) << set.err;
  start_at(msk("2026-11-27", 12));
  configure_airline();  // the airline takes the gateway's originals by post
  auto [id, booked] = invoiced("DOC-PAYOUT");
  pay(booked["invoice"], "701", "27.11.2026");
  http.reset();
  server.reset();
  auto e = env;
  e["SKYBILL_CLOCK_OFFSET_SECONDS"] = clock_offset_env(seconds(msk("2026-11-27", 18, 30) - server_unix()));
  auto run = run_cli({"settlement", "run", "--day", "2026-11-27"}, e);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto payout = nlohmann::json::parse(run.out)["payouts"][0];
  EXPECT_EQ(payout["fees"], "145.00");

  start_at(msk("2026-11-30", 10));
  auto ex = http->post_json("/v1/payment-orders/exports", nlohmann::json::object(), accountant);
  ASSERT_EQ(ex.status, 201) << ex.body;
  std::string export_id = ex.json()["id"];
  auto order = ex.json()["orders"][0];
  ASSERT_EQ(http->post_json("/v1/payment-orders/exports/" + export_id + "/sent", nlohmann::json::object(), accountant).status,
            200);
  EXPECT_TRUE(get("/v1/documents?kind=commission")["data"].empty()) << "not before the money left the bank";
  auto st = import({{order["number"], "выплата", "11354.50", "30.11.2026", true, kAirlineAccount}});
  ASSERT_EQ(st["outgoing_confirmed"], 1) << st;

  nlohmann::json list;
  ASSERT_TRUE(wait_for([&] {
    list = get("/v1/documents?kind=commission")["data"];
    return !list.empty();
  }));
  auto doc = list[0];
  EXPECT_EQ(doc["number"], "SKY-C-2026-000001");
  EXPECT_EQ(doc["payout_id"], payout["id"]);
  EXPECT_EQ(doc["total"], "145.00");
  EXPECT_EQ(doc["vat"], "26.15") << "145.00 at 22 %, VAT included";
  auto xml = bytes(doc["xml"]["url"]);
  auto errors = skybill::documents::validate_xml(xml, source_dir() + "/config/formats/ON_NSCHFDOPPR_1_997_01_05_03_05.xsd");
  EXPECT_TRUE(errors.empty()) << errors.front();
  auto text = pdf_text(bytes(doc["pdf"]["url"]));
  EXPECT_TRUE(contains(text, "145,00")) << text;
  EXPECT_TRUE(contains(text, "26,15")) << text;
  EXPECT_EQ(get("/v1/documents?kind=commission", other.api_key)["data"].size(), 0u);

  // The original is printed and posted: staff record its tracking number, and it is shown.
  auto queue = get("/v1/post-queue", accountant)["data"];
  ASSERT_EQ(queue.size(), 1u) << queue;
  EXPECT_EQ(queue[0]["document_id"], doc["id"]);
  EXPECT_EQ(queue[0]["postal_address"], kAirlineDocuments["postal_address"]);
  auto posted = http->post_json("/v1/documents/" + doc["id"].get<std::string>() + "/posted",
                                {{"tracking_number", "80082345678901"}}, accountant);
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(posted.json()["dispatches"][0]["status"], "posted");
  EXPECT_EQ(posted.json()["dispatches"][0]["tracking_number"], "80082345678901");
  EXPECT_EQ(get("/v1/documents/" + doc["id"].get<std::string>())["dispatches"][0]["tracking_number"], "80082345678901");
  EXPECT_EQ(get("/v1/post-queue", accountant)["data"].size(), 0u);
  EXPECT_EQ(http->post_json("/v1/documents/" + doc["id"].get<std::string>() + "/posted",
                            {{"tracking_number", "80082345678901"}}, accountant)
                .status,
            409);
  EXPECT_EQ(http->post_json("/v1/documents/" + doc["id"].get<std::string>() + "/posted", {{"tracking_number", ""}}, accountant)
                .status,
            422);
}

}  // namespace
