// The client's hosted invoice page: the static page and its assets, its JSON view, the choice
// through it, the invoice's QR code, the live status stream, and the pay link's expiry and
// revocation, against the real binary, a real PostgreSQL and real HTTP.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "fixtures.hpp"
#include "harness.hpp"
#include "pages.hpp"

using namespace skybill::test;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const std::string kProblems = "https://skybill.dev/problems/";
const std::string kSecret = "pay_page_test_callback_secret_0123456";

// An HTTP request whose response is read as it arrives (a Server-Sent Events stream).
class Stream {
 public:
  Stream(int port, const std::string& target) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n";
    if (::send(fd_, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) throw std::runtime_error("send");
  }
  ~Stream() { close(fd_); }
  // Reads until `needle` has arrived (after `from`) or `timeout` passes; true when it did.
  bool wait_for(const std::string& needle, milliseconds timeout, std::size_t from = 0) {
    auto deadline = steady_clock::now() + timeout;
    while (received.find(needle, from) == std::string::npos) {
      auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
      char buf[4096];
      auto n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return received.find(needle, from) != std::string::npos;
      received.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  std::string received;

 private:
  int fd_ = -1;
};

// The data of the last `event: status` in what a stream received.
nlohmann::json last_status(const std::string& received) {
  auto at = received.rfind("event: status\ndata: ");
  if (at == std::string::npos) return nullptr;
  auto start = at + std::string("event: status\ndata: ").size();
  return nlohmann::json::parse(received.substr(start, received.find('\n', start) - start));
}

class PayPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web = fs::temp_directory_path() / ("skybill-web-" + std::to_string(getpid()) + "-" +
                                       std::to_string(steady_clock::now().time_since_epoch().count()));
    fs::create_directories(web / "pay");
    fs::create_directories(web / "vendor");
    std::ofstream(web / "pay/index.html") << "<!doctype html><title>Pay</title><script type=module src=/assets/pay/app.js></script>\n";
    std::ofstream(web / "pay/invalid.html") << "<!doctype html><title>Link not valid</title><p>This payment link is not valid.</p>\n";
    std::ofstream(web / "pay/app.js") << "export const app = 1;\n";
    std::ofstream(web / "pay/app.css") << "body{margin:0}\n";
    std::ofstream(web / "vendor/preact.module.js") << "export default {};\n";
    std::ofstream(web.string() + "-outside.txt") << "not for the web";
    fs::create_symlink(web.string() + "-outside.txt", web / "pay/outside.txt");

    db = std::make_unique<TestDatabase>();
    int port = free_port();
    env = base_env(*db);
    env["SKYBILL_HTTP_PORT"] = std::to_string(port);
    env["SKYBILL_HTTP_PUBLIC_URL"] = "http://127.0.0.1:" + std::to_string(port);
    env["SKYBILL_JOBS_INTERVAL_MS"] = "200";
    env["SKYBILL_DOCUMENTS_INTERVAL_MS"] = "100";
    env["SKYBILL_ACQUIRER_CALLBACK_SECRET"] = kSecret;
    env["SKYBILL_PATHS_WEB"] = web.string();
    server = std::make_unique<ServerProcess>(env);
    http = std::make_unique<HttpClient>(server->port());
    m = create_merchant(env);
  }

  void TearDown() override {
    if (HasFailure() && server)
      for (const auto& line : server->logs())
        if (line.value("msg", "") != "request" || line.value("status", 0) >= 400) std::cerr << line.dump() << "\n";
    http.reset();
    server.reset();
    db.reset();
    std::error_code ec;
    fs::remove_all(web, ec);
    fs::remove(web.string() + "-outside.txt", ec);
  }

  // A new booking (pending, no choice yet): {id, token}.
  std::pair<std::string, std::string> booked(const std::string& reference) {
    auto r = http->post_json("/v1/bookings", booking_body(reference), m.api_key);
    EXPECT_EQ(r.status, 201) << r.body;
    std::string url = r.json()["payment_url"];
    return {r.json()["id"], url.substr(url.rfind('/') + 1)};
  }

  HttpResponse choose(const std::string& token, const std::string& method, const std::string& key = {}) {
    std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http->request("POST", "/pay/" + token + "/api/choice", nlohmann::json{{"method", method}}.dump(), headers);
  }

  nlohmann::json view(const std::string& token) {
    auto r = http->get("/pay/" + token + "/api");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  std::string sql(const std::string& q) { return db->scalar(q); }

  fs::path web;
  std::unique_ptr<TestDatabase> db;
  Env env;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<HttpClient> http;
  MerchantKey m;
};

TEST_F(PayPageTest, TheViewOfAnInvoiceBookingCarriesWhatTheInvoicePdfPrints) {
  auto [id, token] = booked("PAY-VIEW-1");
  auto before = view(token);
  EXPECT_EQ(before["booking"]["id"], id);
  EXPECT_EQ(before["booking"]["status"], "pending");
  EXPECT_TRUE(before["invoice"].is_null());
  EXPECT_EQ(before["merchant"]["name"], "Test Air");
  EXPECT_EQ(before["options"].size(), 6u) << before.dump();
  for (const auto& o : before["options"])
    for (const char* k : {"method", "available", "reason", "due_at"}) EXPECT_TRUE(o.contains(k)) << o.dump();
  EXPECT_EQ(before["events_url"], "/pay/" + token + "/api/events");
  EXPECT_TRUE(before["server_time"].is_string());

  auto chosen = choose(token, "invoice", "page-choice-1");
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  auto v = chosen.json();
  const auto& b = v["booking"];
  EXPECT_EQ(b["status"], "awaiting_payment");
  EXPECT_EQ(b["lines"].size(), 3u);
  for (const auto& l : b["lines"])
    for (const char* k : {"kind", "description", "amount", "vat_rate", "vat"}) EXPECT_TRUE(l.contains(k)) << l.dump();
  EXPECT_EQ(b["totals"]["amount"], "11499.50");
  EXPECT_EQ(b["totals"]["by_vat_rate"].size(), 3u) << b["totals"].dump();
  EXPECT_EQ(b["passengers"].size(), 1u);
  EXPECT_TRUE(b["ticketing_time_limit"].is_string());
  const auto& inv = v["invoice"];
  ASSERT_TRUE(inv.is_object()) << v.dump();
  EXPECT_EQ(inv["method"], "invoice");
  EXPECT_EQ(inv["status"], "open");
  EXPECT_EQ(inv["amount"], "11499.50");
  EXPECT_EQ(inv["outstanding"], "11499.50");
  for (const char* k : {"name", "inn", "kpp", "bank", "bic", "correspondent_account", "account"})
    EXPECT_TRUE(inv["payee"][k].is_string()) << k;
  EXPECT_TRUE(inv["payment_string"].get<std::string>().starts_with("ST00012|")) << inv.dump();
  EXPECT_TRUE(contains(inv["payment_string"], "Purpose=" + inv["purpose"].get<std::string>())) << inv.dump();
  EXPECT_EQ(inv["qr_svg_url"], "/pay/" + token + "/api/qr.svg");
  EXPECT_EQ(inv["pdf_url"], "/pay/" + token + "/invoice.pdf");
  EXPECT_TRUE(v["card"].is_null());

  // The same use case as the API's: its audit rows, by the client, and its invoice.
  EXPECT_EQ(sql("SELECT actor FROM audit_log WHERE action = 'booking.payment_method_chosen' AND subject = '" + id + "'"),
            "client:pay_token");
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'invoice.issued' AND actor = 'client:pay_token'"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM outbox WHERE topic = 'invoice.issued' AND booking_id = '" + id + "'"), "1");
  // A retry with the same key replays; the API sees the choice.
  auto again = choose(token, "invoice", "page-choice-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
  EXPECT_EQ(http->get("/v1/bookings/" + id, m.api_key).json()["invoice"]["number"], inv["number"]);
  // Without the key, the same choice again is the API's conflict.
  auto twice = choose(token, "invoice");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(twice.json()["type"], kProblems + "payment-method-already-chosen");
  EXPECT_EQ(choose(token, "cash").status, 422);

  // The payment string is exactly the one the invoice PDF's QR code carries.
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM documents WHERE kind = 'invoice'") == "1"; }));
  EXPECT_EQ(sql("SELECT facts->>'payment_string' FROM documents WHERE kind = 'invoice'"), inv["payment_string"]);
  auto listed = view(token)["documents"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["kind"], "invoice");
  EXPECT_EQ(http->get(listed[0]["pdf_url"].get<std::string>()).status, 200);

  // The QR code as SVG, with its quiet zone.
  auto qr = http->get("/pay/" + token + "/api/qr.svg");
  ASSERT_EQ(qr.status, 200) << qr.body;
  EXPECT_EQ(qr.header("content-type"), "image/svg+xml");
  EXPECT_TRUE(contains(qr.body, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")) << qr.body.substr(0, 200);
  EXPECT_TRUE(contains(qr.body, "M4 4h1v1h-1z")) << "the finder pattern starts after 4 modules of quiet zone";
  if (std::system("command -v rsvg-convert >/dev/null 2>&1") == 0) {
    auto svg = web.string() + "-qr.svg", png = web.string() + "-qr.png";
    std::ofstream(svg) << qr.body;
    EXPECT_EQ(std::system(("rsvg-convert -o '" + png + "' '" + svg + "'").c_str()), 0);
    std::ifstream in(png, std::ios::binary);
    std::string head(8, '\0');
    in.read(head.data(), 8);
    EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8));
    fs::remove(svg);
    fs::remove(png);
  }
}

TEST_F(PayPageTest, NoQrCodeWithoutAnUnpaidInvoice) {
  auto [id, token] = booked("PAY-QR-NONE");
  auto r = http->get("/pay/" + token + "/api/qr.svg");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST_F(PayPageTest, TheStatusStreamTellsOfTheCardPaymentWithoutAReload) {
  auto [id, token] = booked("PAY-SSE-1");
  ASSERT_EQ(choose(token, "card").status, 200);
  Stream events(server->port(), "/pay/" + token + "/api/events");
  ASSERT_TRUE(events.wait_for("\n\n", seconds(5))) << events.received;
  EXPECT_TRUE(contains(events.received, "HTTP/1.1 200")) << events.received;
  EXPECT_TRUE(contains(events.received, "Content-Type: text/event-stream")) << events.received;
  ASSERT_TRUE(events.wait_for("event: status", seconds(5))) << events.received;
  ASSERT_TRUE(events.wait_for("}\n\n", seconds(5))) << events.received;
  auto first = last_status(events.received);
  EXPECT_EQ(first["booking_status"], "awaiting_payment") << first.dump();
  EXPECT_EQ(first["invoice_status"], "open");
  EXPECT_EQ(first["outstanding"], "11499.50");

  // Paid by card through the page's JSON start and the sandbox acquirer.
  auto start = http->request("POST", "/pay/" + token + "/api/card", "", {});
  ASSERT_EQ(start.status, 200) << start.body;
  auto card_page = path_of(start.json()["redirect_url"]);
  ASSERT_TRUE(card_page.starts_with("/sandbox-acquirer/pay/")) << card_page;
  auto paid = http->request("POST", card_page,
                            form_encode({{"number", "4242424242424242"}, {"expiry", "12/34"}, {"cvc", "123"},
                                         {"holder", "IVAN PETROV"}}),
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(paid.status, 303) << paid.body;
  // The return lands on the page, which is told the attempt (and that it is framed).
  auto back = http->request("GET", path_of(paid.header("location")), "", {{"Sec-Fetch-Dest", "iframe"}});
  EXPECT_EQ(back.status, 303);
  EXPECT_TRUE(path_of(back.header("location")).starts_with("/pay/" + token + "?attempt=")) << back.header("location");
  EXPECT_TRUE(back.header("location").ends_with("&framed=1")) << back.header("location");

  auto from = events.received.size();
  ASSERT_TRUE(events.wait_for("\"booking_status\":\"paid\"", seconds(10), from)) << events.received;
  events.wait_for("}\n\n", seconds(2), events.received.rfind("event: status"));
  auto after = last_status(events.received);
  EXPECT_EQ(after["invoice_status"], "paid") << after.dump();
  EXPECT_EQ(after["outstanding"], "0.00");
  EXPECT_NE(after["version"], first["version"]);
}

TEST_F(PayPageTest, StreamsPerLinkAreLimited) {
  auto [id, token] = booked("PAY-SSE-LIMIT");
  std::vector<std::unique_ptr<Stream>> open;
  for (int i = 0; i < 5; ++i) {
    open.push_back(std::make_unique<Stream>(server->port(), "/pay/" + token + "/api/events"));
    ASSERT_TRUE(open.back()->wait_for("event: status", seconds(5))) << i;
  }
  auto sixth = http->get("/pay/" + token + "/api/events");
  EXPECT_EQ(sixth.status, 429) << sixth.body;
}

TEST_F(PayPageTest, RevokedRotatedAndExpiredLinksAre410OnEveryPayRoute) {
  auto [id, token] = booked("PAY-REVOKE-1");
  ASSERT_EQ(choose(token, "invoice").status, 200);
  ASSERT_TRUE(wait_for([&] { return sql("SELECT count(*) FROM documents WHERE kind = 'invoice'") == "1"; }));
  auto doc = sql("SELECT id FROM documents WHERE kind = 'invoice'");
  auto all_refused = [&](const std::string& t, int status) {
    const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
    for (const auto& path : {"", "/api", "/api/qr.svg", "/api/events", "/documents", "/invoice.pdf", "/return?attempt=x"})
      EXPECT_EQ(http->get("/pay/" + t + path).status, status) << path;
    EXPECT_EQ(http->get("/pay/" + t + "/documents/" + doc + ".pdf").status, status);
    EXPECT_EQ(http->request("POST", "/pay/" + t + "/api/choice", R"({"method":"card"})", json).status, status);
    EXPECT_EQ(http->request("POST", "/pay/" + t + "/api/card", "", {}).status, status);
    EXPECT_EQ(http->request("POST", "/pay/" + t + "/card", "", {{"Content-Type", "application/x-www-form-urlencoded"}}).status,
              status);
  };

  // Rotated: a new link; the old one answers 410 everywhere, the new one works.
  auto rotated = http->request("POST", "/v1/bookings/" + id + "/payment-link", "",
                               {{"Authorization", "Bearer " + m.api_key}, {"Idempotency-Key", "rotate-1"}});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string url = rotated.json()["payment_url"];
  auto fresh = url.substr(url.rfind('/') + 1);
  EXPECT_EQ(fresh.size(), 32u);
  EXPECT_NE(fresh, token);
  EXPECT_TRUE(rotated.json()["expires_at"].is_string());
  auto replay = http->request("POST", "/v1/bookings/" + id + "/payment-link", "",
                              {{"Authorization", "Bearer " + m.api_key}, {"Idempotency-Key", "rotate-1"}});
  EXPECT_EQ(replay.json()["payment_url"], url) << "a retry does not rotate again";
  EXPECT_EQ(http->get("/v1/bookings/" + id, m.api_key).json()["payment_url"], url);
  all_refused(token, 410);
  auto gone = http->get("/pay/" + token + "/api");
  EXPECT_EQ(gone.json()["type"], kProblems + "pay-link-revoked");
  EXPECT_EQ(view(fresh)["booking"]["id"], id);
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'booking.payment_link_rotated'"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE (data::text || changes::text) LIKE '%" + fresh + "%'"), "0") << "tokens stay out of the audit log";

  // Expired.
  db->exec("UPDATE bookings SET pay_token_expires_at = now() - interval '1 minute' WHERE id = '" + id + "'");
  all_refused(fresh, 410);
  EXPECT_EQ(http->get("/pay/" + fresh + "/api").json()["type"], kProblems + "pay-link-expired");

  // Revoked without a new one.
  db->exec("UPDATE bookings SET pay_token_expires_at = now() + interval '1 day' WHERE id = '" + id + "'");
  EXPECT_EQ(http->get("/pay/" + fresh + "/api").status, 200);
  auto revoked = http->request("DELETE", "/v1/bookings/" + id + "/payment-link", "", {{"Authorization", "Bearer " + m.api_key}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  all_refused(fresh, 410);
  EXPECT_TRUE(http->get("/v1/bookings/" + id, m.api_key).json()["payment_url"].is_null());
  EXPECT_EQ(sql("SELECT count(*) FROM audit_log WHERE action = 'booking.payment_link_revoked'"), "1");
  // Another merchant cannot touch the link.
  auto other = create_merchant(env, "Other Air", "7736207543", "773601001");
  EXPECT_EQ(http->request("POST", "/v1/bookings/" + id + "/payment-link", "", {{"Authorization", "Bearer " + other.api_key}}).status,
            404);
}

TEST_F(PayPageTest, TheFriendlyPageForWrongAndGoneLinksIsHtml) {
  auto wrong = http->get("/pay/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(wrong.header("content-type"), "text/html; charset=utf-8");
  EXPECT_TRUE(contains(wrong.body, "This payment link is not valid.")) << wrong.body;
  EXPECT_EQ(wrong.header("cache-control"), "no-store");
  EXPECT_EQ(http->get("/pay/not-even-base62!").status, 404);
  auto [id, token] = booked("PAY-FRIENDLY");
  auto page = http->get("/pay/" + token);
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "/assets/pay/app.js"));
  http->request("DELETE", "/v1/bookings/" + id + "/payment-link", "", {{"Authorization", "Bearer " + m.api_key}});
  auto gone = http->get("/pay/" + token);
  EXPECT_EQ(gone.status, 410);
  EXPECT_TRUE(contains(gone.body, "This payment link is not valid.")) << gone.body;
  EXPECT_EQ(http->get("/pay/" + token + "/invoice.pdf").header("content-type"), "text/html; charset=utf-8");
  // The JSON API answers problems as JSON.
  EXPECT_EQ(http->get("/pay/" + token + "/api").header("content-type"), "application/problem+json");
}

TEST_F(PayPageTest, SecurityHeadersOnPagesAssetsAndApiResponses) {
  auto [id, token] = booked("PAY-HEADERS");
  for (const auto& target : {"/pay/" + token, std::string("/assets/pay/app.js"), "/pay/" + token + "/api",
                             std::string("/healthz"), std::string("/pay/unknown")}) {
    auto r = http->get(target);
    EXPECT_EQ(r.header("content-security-policy"),
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'self'")
        << target;
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer") << target;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(r.header("permissions-policy"), "camera=(), microphone=(), geolocation=()") << target;
    EXPECT_EQ(r.header("strict-transport-security"), "") << target << ": plain HTTP";
  }
  auto behind_tls = http->request("GET", "/pay/" + token + "/api", "", {{"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(behind_tls.header("strict-transport-security"), "max-age=31536000; includeSubDomains");
  auto api = http->get("/v1/bookings/" + id, m.api_key);
  EXPECT_EQ(api.header("x-content-type-options"), "nosniff");
}

TEST_F(PayPageTest, StaticAssetsHaveTheirTypesEtagsAndStayInsideTheWebDirectory) {
  auto js = http->get("/assets/pay/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("cache-control"), "public, max-age=300");
  EXPECT_EQ(js.body, "export const app = 1;\n");
  auto etag = js.header("etag");
  EXPECT_EQ(etag.size(), 66u) << etag;
  auto again = http->request("GET", "/assets/pay/app.js", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(http->get("/assets/pay/app.css").header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(http->get("/assets/pay/index.html").header("content-type"), "text/html; charset=utf-8");
  EXPECT_TRUE(contains(http->get("/assets/vendor/preact.module.js").header("cache-control"), "immutable"));
  for (const char* bad : {"/assets/pay/../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd", "/assets/pay/%2e%2e/pay/app.js",
                          "/assets/pay/outside.txt", "/assets/%2Fetc%2Fpasswd", "/assets/pay/missing.js", "/assets/pay",
                          "/assets/.hidden"})
    EXPECT_EQ(http->get(bad).status, 404) << bad;
}

}  // namespace
