// The HTTP server's own behaviour: keep-alive, limits, timeouts, routing errors, shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "harness.hpp"

using namespace skybill::test;
using namespace std::chrono_literals;

namespace {

int count_of(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
  return n;
}

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

std::string body_of(const std::string& response) {
  auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

class ServerTest : public ::testing::Test {
 protected:
  Env env_with(Env extra) {
    auto e = base_env(db);
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }
  TestDatabase db;
};

}  // namespace

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  ServerProcess server(env_with({}));
  RawConnection c(server.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  auto got = c.read_until_close(1500ms);
  EXPECT_EQ(count_of(got, "HTTP/1.1 200 OK"), 2) << got;
  EXPECT_EQ(count_of(got, "Connection: close"), 0);
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  ServerProcess server(env_with({}));
  HttpClient http(server.port());
  auto missing = http.get("/nowhere");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
  EXPECT_EQ(missing.json()["type"], "https://skybill.dev/problems/not-found");

  auto wrong = http.request("DELETE", "/v1/clients");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, POST");
  EXPECT_EQ(wrong.json()["type"], "https://skybill.dev/problems/method-not-allowed");
}

TEST_F(ServerTest, WrongContentTypeIs415AndMalformedJsonIs400SayingWhere) {
  ServerProcess server(env_with({}));
  auto m = create_merchant(base_env(db));
  HttpClient http(server.port());
  auto form = http.request("POST", "/v1/clients", "inn=7728168971",
                           {{"Authorization", "Bearer " + m.api_key},
                            {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(form.json()["type"], "https://skybill.dev/problems/unsupported-media-type");

  auto broken = http.request("POST", "/v1/clients", "{\n  \"inn\": \"7728168971\",\n  \"name\": oops\n}",
                             {{"Authorization", "Bearer " + m.api_key}, {"Content-Type", "application/json"}});
  EXPECT_EQ(broken.status, 400);
  auto problem = broken.json();
  EXPECT_EQ(problem["type"], "https://skybill.dev/problems/malformed-json");
  EXPECT_NE(problem["detail"].get<std::string>().find("line 3, column"), std::string::npos) << problem.dump();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM clients"), "0");
}

TEST_F(ServerTest, BodyOverTheLimitIs413BeforeItIsRead) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_BODY_LIMIT", "1024"}}));
  RawConnection c(server.port());
  // Announces 10 MB and sends none of it: the answer must not wait for the body.
  c.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n");
  auto got = c.read_until_close(3000ms);
  EXPECT_EQ(status_line(got), "HTTP/1.1 413 Payload Too Large") << got;
  EXPECT_NE(body_of(got).find("body-too-large"), std::string::npos);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_BODY_LIMIT", "1024"}}));
  RawConnection c(server.port());
  c.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk(800, 'x');
  c.send("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n");
  auto got = c.read_until_close(3000ms);
  EXPECT_EQ(status_line(got), "HTTP/1.1 413 Payload Too Large") << got;
}

TEST_F(ServerTest, DefaultBodyLimitIsOneMebibyte) {
  ServerProcess server(env_with({}));
  RawConnection over(server.port());
  over.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n");
  EXPECT_EQ(status_line(over.read_until_close(3000ms)), "HTTP/1.1 413 Payload Too Large");
  // Exactly the limit is read and reaches the route (401: no key).
  RawConnection at(server.port());
  at.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\n"
          "Content-Length: 1048576\r\n\r\n" +
          std::string(1048576, ' '));
  EXPECT_EQ(status_line(at.read_until_close(5000ms)), "HTTP/1.1 401 Unauthorized");
}

TEST_F(ServerTest, HeadersOverTheLimitAre431) {
  ServerProcess server(env_with({}));
  RawConnection c(server.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Filler: " + std::string(20000, 'a') + "\r\n\r\n");
  auto got = c.read_until_close(3000ms);
  EXPECT_EQ(status_line(got), "HTTP/1.1 431 Request Header Fields Too Large") << got.substr(0, 200);
}

TEST_F(ServerTest, ClientSendingHeadersTooSlowlyIsCutOff) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_HEADER_TIMEOUT_MS", "600"}}));
  RawConnection c(server.port());
  auto started = std::chrono::steady_clock::now();
  // A slowloris: one header byte every 100 ms, never finishing. It keeps sending and is
  // still cut off once the headers have taken longer than the header timeout.
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n");
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    try {
      c.send("X");
    } catch (const std::exception&) {
      closed = true;
      break;
    }
    closed = c.closed_within(100ms);
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(closed);
  EXPECT_GE(elapsed, 500ms);
  EXPECT_LT(elapsed, 3000ms);
}

TEST_F(ServerTest, ConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_HEADER_TIMEOUT_MS", "500"}}));
  RawConnection c(server.port());
  EXPECT_FALSE(c.closed_within(300ms));
  EXPECT_TRUE(c.closed_within(2000ms));
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_IDLE_TIMEOUT_MS", "800"}}));
  RawConnection c(server.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  auto first = c.read_until_close(300ms);
  ASSERT_EQ(status_line(first), "HTTP/1.1 200 OK");
  EXPECT_FALSE(c.closed_within(300ms));
  EXPECT_TRUE(c.closed_within(2000ms));
}

TEST_F(ServerTest, ConnectionsBeyondTheCapGet503) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_MAX_CONNECTIONS", "2"}}));
  RawConnection a(server.port()), b(server.port());
  for (auto* c : {&a, &b}) {
    c->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_EQ(status_line(c->read_until_close(300ms)), "HTTP/1.1 200 OK");
  }
  RawConnection third(server.port());
  auto got = third.read_until_close(2000ms);
  EXPECT_EQ(status_line(got), "HTTP/1.1 503 Service Unavailable") << got;
  EXPECT_NE(got.find("too-many-connections"), std::string::npos);
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
  ServerProcess server(env_with({}));
  auto m = create_merchant(base_env(db));
  std::string body = R"({"inn":"7728168971","kpp":"772801001","name":"Romashka"})";
  RawConnection c(server.port());
  c.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m.api_key +
         "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n");
  auto interim = c.read_until_close(500ms);
  EXPECT_EQ(status_line(interim), "HTTP/1.1 100 Continue");
  c.send(body);
  auto final_response = c.read_until_close(1500ms);
  EXPECT_EQ(status_line(final_response), "HTTP/1.1 201 Created") << final_response;
}

TEST_F(ServerTest, SigtermLetsTheRequestInFlightFinishThenExitsZero) {
  ServerProcess server(env_with({}));
  auto m = create_merchant(base_env(db));
  std::string body = R"({"inn":"7728168971","kpp":"772801001","name":"Romashka"})";

  RawConnection idle(server.port());  // a keep-alive connection between requests
  idle.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_EQ(status_line(idle.read_until_close(300ms)), "HTTP/1.1 200 OK");

  RawConnection busy(server.port());  // headers sent, half of the body still to come
  busy.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + m.api_key +
            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
            body.substr(0, 10));
  std::this_thread::sleep_for(200ms);
  server.signal(SIGTERM);

  EXPECT_TRUE(idle.closed_within(1000ms)) << "idle connections are closed at once";
  EXPECT_FALSE(server.wait_exit(300ms)) << "the server must wait for the request in flight";
  EXPECT_THROW(RawConnection late(server.port()), std::runtime_error) << "no new connections after SIGTERM";

  busy.send(body.substr(10));
  auto got = busy.read_until_close(3000ms);
  EXPECT_EQ(status_line(got), "HTTP/1.1 201 Created") << got;
  EXPECT_NE(got.find("Connection: close"), std::string::npos);
  EXPECT_EQ(server.wait_exit(5000ms), 0);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM clients"), "1");
}

TEST_F(ServerTest, SigtermGivesUpOnAStuckRequestAfterTheGrace) {
  ServerProcess server(env_with({{"SKYBILL_HTTP_SHUTDOWN_GRACE_MS", "700"}}));
  RawConnection stuck(server.port());
  stuck.send("POST /v1/clients HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
  std::this_thread::sleep_for(200ms);
  auto started = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  auto code = server.wait_exit(5000ms);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(code, 0);
  EXPECT_GE(elapsed, 600ms);
  EXPECT_LT(elapsed, 3000ms);
}

TEST_F(ServerTest, MalformedHttpIs400WithARequestId) {
  ServerProcess server(env_with({}));
  RawConnection c(server.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: nope\r\n\r\n");
  auto got = c.read_until_close(2000ms);
  EXPECT_EQ(status_line(got), "HTTP/1.1 400 Bad Request") << got;
  EXPECT_NE(body_of(got).find("https://skybill.dev/problems/bad-request"), std::string::npos);
  EXPECT_NE(got.find("X-Request-Id: "), std::string::npos);
}
