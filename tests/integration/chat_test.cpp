// The payment chat over real WebSockets against the real binary and PostgreSQL: a customer and
// operators talking (on two server instances), numbering and resuming without loss or
// duplicates, private messages kept from the customer, idempotent sends, the limits, the
// socket's admission, the operators' actions, the archive's search and the transcript.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "harness.hpp"
#include "skybill/crypto/crypto.hpp"
#include "ws_client.hpp"

using namespace skybill::test;
using namespace std::chrono;
using nlohmann::json;

namespace {

const std::string kPassword = "Chat-Operator-2026!";

class ChatTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db = new TestDatabase();
    env = new Env(base_env(*db));
    (*env)["SKYBILL_STAFF_PASSWORD_ITERATIONS"] = "1000";
    server = new ServerProcess(*env);
  }
  static void TearDownTestSuite() {
    delete server;
    delete env;
    delete db;
  }
  static TestDatabase* db;
  static Env* env;
  static ServerProcess* server;

  struct Airline {
    MerchantKey key;
    StaffSession op;
  };

  // An airline whose chat is on, with one operator signed in.
  static Airline airline(HttpClient& http, const std::string& tag, const std::string& inn = "7707083893") {
    Airline a;
    a.key = create_merchant(*env, "Air " + tag, inn);
    a.op = staff_session(http, *env, "Operator " + tag, "op-" + tag + "@air.example", "airline", kPassword,
                         a.key.merchant_id);
    auto s = as_staff(http, a.op, "PUT", "/admin/api/chat/settings",
                      {{"enabled", true}, {"origins", {"https://www.air-" + tag + ".example"}}});
    EXPECT_EQ(s.status, 200) << s.body;
    return a;
  }

  static StaffSession operator_of(HttpClient& http, const Airline& a, const std::string& tag) {
    return staff_session(http, *env, "Operator " + tag, "op-" + tag + "@air.example", "airline", kPassword,
                         a.key.merchant_id);
  }

  static std::string visitor_token(HttpClient& http, const std::string& merchant, const std::string& name = "Иван") {
    auto r = http.post_json("/chat/api/visitors", {{"merchant", merchant}, {"name", name}, {"language", "ru"}}, "");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["token"].get<std::string>();
  }

  static std::unique_ptr<WsClient> customer(int port, const std::string& token, json resume = json::object()) {
    auto ws = std::make_unique<WsClient>(port, "/chat/socket");
    ws->send({{"type", "hello"}, {"token", token}, {"resume", resume}});
    auto w = ws->next_of("welcome");
    EXPECT_TRUE(w.has_value());
    return ws;
  }

  static std::unique_ptr<WsClient> staff_socket(int port, const StaffSession& s, json resume = json::object()) {
    auto ws = std::make_unique<WsClient>(port, "/admin/chat/socket", std::map<std::string, std::string>{{"Cookie", s.cookie}});
    ws->send({{"type", "hello"}, {"resume", resume}});
    auto w = ws->next_of("welcome");
    EXPECT_TRUE(w.has_value());
    return ws;
  }

  // The next "message" frame of `ws`, skipping other frames.
  static json message(WsClient& ws, milliseconds timeout = seconds(5)) {
    auto m = ws.next_of("message", timeout);
    EXPECT_TRUE(m.has_value()) << "no message came";
    return m ? *m : json::object();
  }

  // Waits for the ack of `id`; its seq.
  static int ack(WsClient& ws, const std::string& id) {
    for (int i = 0; i < 50; ++i) {
      auto f = ws.next(seconds(5));
      if (!f) break;
      if ((*f)["type"] == "ack" && (*f)["id"] == id) return (*f)["seq"].get<int>();
      if ((*f)["type"] == "error") ADD_FAILURE() << f->dump();
    }
    ADD_FAILURE() << "no ack for " << id;
    return -1;
  }

  // Every message frame's text that arrives within `quiet`.
  static std::vector<json> messages_in(WsClient& ws, milliseconds quiet = milliseconds(500)) {
    std::vector<json> out;
    for (auto& f : ws.drain(quiet))
      if (f["type"] == "message") out.push_back(f);
    return out;
  }
};

TestDatabase* ChatTest::db = nullptr;
Env* ChatTest::env = nullptr;
ServerProcess* ChatTest::server = nullptr;

TEST_F(ChatTest, CustomerAndOperatorTalkAndTheFirstReplyTakesTheDialog) {
  HttpClient http(server->port());
  auto a = airline(http, "talk");
  auto token = visitor_token(http, a.key.merchant_id);
  auto op = staff_socket(server->port(), a.op);
  auto me = customer(server->port(), token);

  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Здравствуйте, хочу поменять дату вылета"}});
  EXPECT_EQ(ack(*me, "c1"), 1);
  auto mine = message(*me);
  EXPECT_EQ(mine["seq"], 1);
  EXPECT_EQ(mine["author"]["kind"], "visitor");
  std::string dialog = mine["dialog"];

  // The operator's queue shows the new dialog with the message as its preview.
  bool queued = false;
  for (int i = 0; i < 10 && !queued; ++i) {
    auto d = op->next_of("dialog", seconds(5));
    ASSERT_TRUE(d.has_value());
    queued = (*d)["dialog"]["id"] == dialog && (*d)["dialog"]["status"] == "waiting" &&
             (*d)["dialog"]["preview"] == "Здравствуйте, хочу поменять дату вылета";
  }
  EXPECT_TRUE(queued);

  op->send({{"type", "send"}, {"id", "o1"}, {"dialog", dialog}, {"text", "Добрый день! Какую дату?"}});
  EXPECT_EQ(ack(*op, "o1"), 3);  // 2 is the "taken" event
  auto taken = message(*me);
  EXPECT_EQ(taken["kind"], "event");
  EXPECT_EQ(taken["data"]["event"], "dialog.taken");
  EXPECT_EQ(taken["data"]["staff"]["name"], "Operator talk");
  auto reply = message(*me);
  EXPECT_EQ(reply["seq"], 3);
  EXPECT_EQ(reply["text"], "Добрый день! Какую дату?");
  EXPECT_EQ(reply["author"]["name"], "Operator talk");

  auto d = as_staff(http, a.op, "GET", "/admin/api/chat/dialogs/" + dialog);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json()["status"], "open");
  EXPECT_EQ(d.json()["assignee"]["name"], "Operator talk");
  EXPECT_EQ(d.json()["messages"].size(), 3u);
}

TEST_F(ChatTest, PrivateMessagesNeverReachTheCustomerNotEvenOnResume) {
  HttpClient http(server->port());
  auto a = airline(http, "private");
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Мне нужна помощь"}});
  std::string dialog = message(*me)["dialog"];
  auto op = staff_socket(server->port(), a.op);
  op->send({{"type", "send"}, {"id", "o1"}, {"dialog", dialog}, {"text", "Сейчас"}});
  ack(*op, "o1");
  op->send({{"type", "send"}, {"id", "p1"}, {"dialog", dialog}, {"private", true}, {"text", "СЕКРЕТ: клиент VIP"}});
  ack(*op, "p1");
  op->send({{"type", "send"}, {"id", "o2"}, {"dialog", dialog}, {"text", "Готово"}});
  ack(*op, "o2");

  auto frames = me->drain(milliseconds(800));
  std::vector<std::string> texts;
  for (const auto& f : frames) {
    EXPECT_EQ(f.dump().find("СЕКРЕТ"), std::string::npos) << f.dump();
    if (f["type"] == "message" && f["kind"] == "text") texts.push_back(f["text"]);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"Сейчас", "Готово"}));

  // A customer may not write privately, and a fresh socket's history leaves it out too.
  me->send({{"type", "send"}, {"id", "c2"}, {"text", "x"}, {"private", true}});
  auto refused = me->next_of("error");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ((*refused)["code"], "forbidden");
  auto again = customer(server->port(), token);
  for (const auto& f : again->drain(milliseconds(800))) EXPECT_EQ(f.dump().find("СЕКРЕТ"), std::string::npos);

  // The operator sees it; the transcript leaves it out unless asked.
  auto d = as_staff(http, a.op, "GET", "/admin/api/chat/dialogs/" + dialog);
  EXPECT_NE(d.body.find("СЕКРЕТ"), std::string::npos);
  auto t = as_staff(http, a.op, "GET", "/admin/api/chat/dialogs/" + dialog + "/transcript");
  ASSERT_EQ(t.status, 200);
  EXPECT_EQ(t.body.find("СЕКРЕТ"), std::string::npos);
  EXPECT_NE(t.body.find("Готово"), std::string::npos);
  auto tp = as_staff(http, a.op, "GET", "/admin/api/chat/dialogs/" + dialog + "/transcript?private=1");
  EXPECT_NE(tp.body.find("(private): СЕКРЕТ"), std::string::npos) << tp.body;
}

TEST_F(ChatTest, AReconnectReceivesExactlyWhatItMissedInOrder) {
  HttpClient http(server->port());
  auto a = airline(http, "resume");
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Первое"}});
  auto first = message(*me);
  std::string dialog = first["dialog"];
  auto op = staff_socket(server->port(), a.op);
  op->send({{"type", "send"}, {"id", "o1"}, {"dialog", dialog}, {"text", "Ответ 1"}});
  ack(*op, "o1");
  int last_seen = 0;
  for (auto& m : messages_in(*me)) last_seen = m["seq"];
  ASSERT_EQ(last_seen, 3);
  me->close();

  for (int i = 2; i <= 6; ++i) {
    op->send({{"type", "send"}, {"id", "o" + std::to_string(i)}, {"dialog", dialog}, {"text", "Ответ " + std::to_string(i)}});
    ack(*op, "o" + std::to_string(i));
  }
  auto back = customer(server->port(), token, {{dialog, last_seen}});
  auto got = messages_in(*back, milliseconds(800));
  std::vector<int> seqs;
  for (auto& m : got) seqs.push_back(m["seq"]);
  EXPECT_EQ(seqs, (std::vector<int>{4, 5, 6, 7, 8}));
  EXPECT_EQ(got.front()["text"], "Ответ 2");

  // Live again: the next one comes once.
  op->send({{"type", "send"}, {"id", "o7"}, {"dialog", dialog}, {"text", "Ответ 7"}});
  auto live = messages_in(*back, milliseconds(800));
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0]["seq"], 9);

  // The operator resumes too, from where it was.
  op->close();
  auto op2 = staff_socket(server->port(), a.op, {{dialog, 7}});
  auto missed = messages_in(*op2, milliseconds(800));
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0]["seq"], 8);
  EXPECT_EQ(missed[1]["seq"], 9);
}

TEST_F(ChatTest, AMessageSentTwiceIsStoredOnceAndAcknowledgedWithTheSameNumber) {
  HttpClient http(server->port());
  auto a = airline(http, "idem");
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "same"}, {"text", "Один раз"}});
  int seq = ack(*me, "same");
  auto m = message(*me);
  me->send({{"type", "send"}, {"id", "same"}, {"text", "Один раз"}});
  EXPECT_EQ(ack(*me, "same"), seq);
  EXPECT_TRUE(messages_in(*me).empty());
  EXPECT_EQ(db->scalar("SELECT count(*) FROM chat_messages WHERE dialog_id = '" + m["dialog"].get<std::string>() + "'"),
            "1");
}

TEST_F(ChatTest, TwoInstancesOnOneDatabaseCarryMessagesBothWays) {
  HttpClient http(server->port());
  auto a = airline(http, "two");
  ServerProcess other(*env);
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);      // instance 1
  auto op = staff_socket(other.port(), a.op);      // instance 2
  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Через первый сервер"}});
  std::string dialog = message(*me)["dialog"];
  auto d = op->next_of("dialog", seconds(5));
  ASSERT_TRUE(d.has_value()) << "the other instance's operator did not hear of the dialog";
  EXPECT_EQ((*d)["dialog"]["id"], dialog);
  op->send({{"type", "send"}, {"id", "o1"}, {"dialog", dialog}, {"text", "Через второй сервер"}});
  ack(*op, "o1");
  std::vector<std::string> texts;
  for (auto& m : messages_in(*me, milliseconds(800)))
    if (m["kind"] == "text") texts.push_back(m["text"]);
  EXPECT_EQ(texts, std::vector<std::string>{"Через второй сервер"});
  // Typing crosses too, and the operator's own socket on instance 2 sees the customer's words.
  me->send({{"type", "typing"}, {"dialog", dialog}, {"on", true}});
  auto typing = op->next_of("typing", seconds(5));
  ASSERT_TRUE(typing.has_value());
  EXPECT_EQ((*typing)["who"]["kind"], "visitor");
  me->send({{"type", "send"}, {"id", "c2"}, {"text", "Спасибо"}});
  auto heard = op->next_of("message", seconds(5));
  ASSERT_TRUE(heard.has_value());
  EXPECT_EQ((*heard)["text"], "Спасибо");
}

TEST_F(ChatTest, LimitsRefuseWhatIsTooBigOrTooFastAndTheSocketLives) {
  HttpClient http(server->port());
  auto a = airline(http, "limits");
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "big"}, {"text", std::string(10001, 'a')}});
  auto big = me->next_of("error");
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ((*big)["code"], "too-large");
  EXPECT_EQ((*big)["id"], "big");
  me->send({{"type", "send"}, {"id", "empty"}, {"text", "  "}});
  EXPECT_EQ((*me->next_of("error"))["code"], "bad-frame");
  me->send_text("not json");
  EXPECT_EQ((*me->next_of("error"))["code"], "bad-frame");

  int limited = 0, acked = 0;
  for (int i = 0; i < 40; ++i) me->send({{"type", "send"}, {"id", "r" + std::to_string(i)}, {"text", "спам"}});
  for (auto& f : me->drain(milliseconds(1500))) {
    if (f["type"] == "error" && f["code"] == "rate-limited") {
      ++limited;
      EXPECT_GT(f["retry_after_ms"].get<int>(), 0);
    }
    if (f["type"] == "ack") ++acked;
  }
  EXPECT_GE(acked, 15);  // a burst of 20, less the frames refused above, plus what refilled meanwhile
  EXPECT_GT(limited, 0);
  EXPECT_EQ(acked + limited, 40);
  me->send({{"type", "ping"}, {"t", 7}});
  auto pong = me->next_of("pong");
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ((*pong)["t"], 7);

  // A frame over 64 KiB closes the socket with 1009.
  me->send_text(std::string(70 * 1024, ' '));
  EXPECT_TRUE(me->wait_closed(seconds(5)));
  EXPECT_EQ(me->close_code(), 1009);
}

TEST_F(ChatTest, SocketsAdmitOnlyWhomTheyServe) {
  HttpClient http(server->port());
  auto a = airline(http, "admit");
  // Unknown token: refused in the protocol, closed 4001.
  WsClient stranger(server->port(), "/chat/socket");
  stranger.send({{"type", "hello"}, {"token", "cv_not_a_real_token_at_all_000000"}});
  auto e = stranger.next_of("error");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ((*e)["code"], "forbidden");
  EXPECT_TRUE(stranger.wait_closed(seconds(5)));
  EXPECT_EQ(stranger.close_code(), 4001);
  // Staff's socket: a session (401 without), the permission, and the gateway's own origin.
  EXPECT_EQ(WsClient::upgrade_status(server->port(), "/admin/chat/socket"), 401);
  EXPECT_EQ(WsClient::upgrade_status(server->port(), "/admin/chat/socket",
                                     {{"Cookie", a.op.cookie}, {"Origin", "https://evil.example"}}),
            403);
  auto accountant = staff_session(http, *env, "Accountant", "acc-admit@skybill.example", "accountant", kPassword);
  EXPECT_EQ(WsClient::upgrade_status(server->port(), "/admin/chat/socket", {{"Cookie", accountant.cookie}}), 403);
  EXPECT_EQ(WsClient::upgrade_status(server->port(), "/admin/chat/socket", {{"Cookie", a.op.cookie}}), 101);
  // A plain GET of a socket is a 426.
  EXPECT_EQ(http.get("/chat/socket").status, 426);
  // The widget page may be framed by the airline's sites only.
  auto page = http.get("/chat/w/" + a.key.merchant_id);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.header("content-security-policy").find("frame-ancestors 'self' https://www.air-admit.example"),
            std::string::npos)
      << page.header("content-security-policy");
  // A customer of an airline whose chat is off is not made.
  auto off = create_merchant(*env, "Air Off", "7736050003");
  EXPECT_EQ(http.post_json("/chat/api/visitors", {{"merchant", off.merchant_id}}, "").status, 404);
  // Bad settings say what is wrong.
  auto bad = as_staff(http, a.op, "PUT", "/admin/api/chat/settings", {{"origins", {"https://x.example/path", "*"}}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("origins[0]"), std::string::npos);
  EXPECT_NE(bad.body.find("origins[1]"), std::string::npos);
}

TEST_F(ChatTest, OperatorsTakeTransferJoinAndAnotherAirlineSeesNothing) {
  HttpClient http(server->port());
  auto a = airline(http, "team");
  auto second = operator_of(http, a, "team2");
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Помогите с багажом"}});
  std::string dialog = message(*me)["dialog"];

  auto queue = as_staff(http, a.op, "GET", "/admin/api/chat/dialogs?status=waiting");
  ASSERT_EQ(queue.status, 200);
  ASSERT_EQ(queue.json()["data"].size(), 1u);
  EXPECT_EQ(as_staff(http, a.op, "POST", "/admin/api/chat/dialogs/" + dialog + "/take").status, 200);
  auto clash = as_staff(http, second, "POST", "/admin/api/chat/dialogs/" + dialog + "/take");
  EXPECT_EQ(clash.status, 409);
  EXPECT_NE(clash.body.find("Operator team"), std::string::npos);
  EXPECT_EQ(as_staff(http, second, "POST", "/admin/api/chat/dialogs/" + dialog + "/join").status, 200);
  auto t = as_staff(http, a.op, "POST", "/admin/api/chat/dialogs/" + dialog + "/transfer", {{"to", second.id}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.json()["assignee"]["id"], second.id);

  auto other = airline(http, "rival", "7736050003");
  EXPECT_EQ(as_staff(http, other.op, "GET", "/admin/api/chat/dialogs/" + dialog).status, 404);
  EXPECT_EQ(as_staff(http, other.op, "POST", "/admin/api/chat/dialogs/" + dialog + "/join").status, 404);
  EXPECT_EQ(as_staff(http, other.op, "POST", "/admin/api/chat/dialogs/" + dialog + "/transfer", {{"to", other.op.id}}).status,
            404);
  auto rival_socket = staff_socket(server->port(), other.op);
  rival_socket->send({{"type", "watch"}, {"dialog", dialog}, {"after", 0}});
  EXPECT_EQ((*rival_socket->next_of("error"))["code"], "not-found");
  rival_socket->send({{"type", "send"}, {"id", "x"}, {"dialog", dialog}, {"text", "чужой"}});
  EXPECT_EQ((*rival_socket->next_of("error"))["code"], "not-found");

  // The customer saw each step, and the audit trail has them.
  std::vector<std::string> events;
  for (auto& m : messages_in(*me))
    if (m["kind"] == "event") events.push_back(m["data"]["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"dialog.taken", "dialog.joined", "dialog.transferred"}));
  EXPECT_EQ(db->scalar("SELECT count(*) FROM audit_log WHERE entity = 'chat_dialog' AND subject = '" + dialog + "'"),
            "3");
  // Closing ends it: the customer's next words open a new dialog.
  EXPECT_EQ(as_staff(http, second, "POST", "/admin/api/chat/dialogs/" + dialog + "/close").status, 200);
  me->send({{"type", "send"}, {"id", "c2"}, {"text", "Ещё вопрос"}});
  ack(*me, "c2");
  auto fresh = message(*me);
  while (fresh["kind"] != "text") fresh = message(*me);
  EXPECT_NE(fresh["dialog"], dialog);
  EXPECT_EQ(fresh["seq"], 1);
}

TEST_F(ChatTest, TheArchiveFindsADialogByAWordInAnotherForm) {
  HttpClient http(server->port());
  auto a = airline(http, "archive");
  auto token = visitor_token(http, a.key.merchant_id, "Мария Петрова");
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Нужно перебронировать билеты на понедельник"}});
  std::string dialog = message(*me)["dialog"];
  auto other = customer(server->port(), visitor_token(http, a.key.merchant_id, "John Smith"));
  other->send({{"type", "send"}, {"id", "c1"}, {"text", "I am changing my flights to Monday"}});
  std::string english = message(*other)["dialog"];

  auto find = [&](const std::string& query) {
    auto r = as_staff(http, a.op, "GET", "/admin/api/chat/archive?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> ids;
    auto body = r.json();
    for (auto& d : body["data"]) ids.insert(d["id"]);
    return ids;
  };
  EXPECT_EQ(find("q=%D0%B1%D0%B8%D0%BB%D0%B5%D1%82"), std::set<std::string>{dialog});  // "билет"
  EXPECT_EQ(find("q=change%20flight"), std::set<std::string>{english});
  EXPECT_EQ(find("client=%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2"), std::set<std::string>{dialog});  // "Петров"
  EXPECT_EQ(find("q=refund"), std::set<std::string>{});
  auto snippet = as_staff(http, a.op, "GET", "/admin/api/chat/archive?q=%D0%B1%D0%B8%D0%BB%D0%B5%D1%82");
  EXPECT_NE(snippet.body.find("«билеты»"), std::string::npos) << snippet.body;
  EXPECT_EQ(as_staff(http, a.op, "GET", "/admin/api/chat/archive?from=yesterday").status, 422);
  // By a bill's status, and each dialog lists its bills in brief.
  auto bill = as_staff(http, a.op, "POST", "/admin/api/chat/dialogs/" + dialog + "/bills",
                       {{"amount", "1500.00"}, {"currency", "EUR"}, {"description", "Смена даты"}});
  ASSERT_EQ(bill.status, 201) << bill.body;
  EXPECT_EQ(find("bill_status=open"), std::set<std::string>{dialog});
  EXPECT_EQ(find("bill_status=paid"), std::set<std::string>{});
  auto listed = as_staff(http, a.op, "GET", "/admin/api/chat/archive?bill_status=open").json();
  EXPECT_EQ(listed["data"][0]["bills"][0]["amount"], "1500.00");
  EXPECT_EQ(listed["data"][0]["bills"][0]["status"], "open");
  // Another airline's archive does not have them.
  auto rival = airline(http, "rival-archive", "7736050003");
  auto r = as_staff(http, rival.op, "GET", "/admin/api/chat/archive?q=%D0%B1%D0%B8%D0%BB%D0%B5%D1%82");
  EXPECT_EQ(r.json()["data"].size(), 0u);
}

TEST_F(ChatTest, CannedRepliesAreKeptPerAirline) {
  HttpClient http(server->port());
  auto a = airline(http, "canned");
  auto put = as_staff(http, a.op, "PUT", "/admin/api/chat/canned/hello",
                      {{"title", "Приветствие"}, {"body", "Здравствуйте, {{visitor.name|клиент}}!"}});
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(as_staff(http, a.op, "PUT", "/admin/api/chat/canned/hello", {{"title", "Привет"}, {"body", "Добрый день"}}).status,
            200);
  EXPECT_EQ(as_staff(http, a.op, "PUT", "/admin/api/chat/canned/Bad%20Code", {{"title", "x"}, {"body", "y"}}).status, 422);
  auto list = as_staff(http, a.op, "GET", "/admin/api/chat/canned");
  ASSERT_EQ(list.json()["data"].size(), 1u);
  EXPECT_EQ(list.json()["data"][0]["body"], "Добрый день");
  auto rival = airline(http, "rival-canned", "7736050003");
  EXPECT_EQ(as_staff(http, rival.op, "GET", "/admin/api/chat/canned").json()["data"].size(), 0u);
  EXPECT_EQ(as_staff(http, rival.op, "DELETE", "/admin/api/chat/canned/hello").status, 404);
  EXPECT_EQ(as_staff(http, a.op, "DELETE", "/admin/api/chat/canned/hello").status, 200);
}

// A customer whose socket takes nothing in: what the server owes it piles up only to the queue's
// limit, then the socket is closed (4000, cut when even that cannot go), and the server goes on.
TEST_F(ChatTest, ASocketThatDoesNotReadIsClosedInsteadOfFillingMemory) {
  HttpClient http(server->port());
  auto a = airline(http, "slow");
  auto token = visitor_token(http, a.key.merchant_id);
  auto me = customer(server->port(), token);
  me->send({{"type", "send"}, {"id", "c1"}, {"text", "Начало"}});
  std::string dialog = message(*me)["dialog"];
  me->close();
  // A long history (8 MB: more than the kernel's buffers and the 1 MiB queue) written directly.
  db->exec("INSERT INTO chat_messages (dialog_id, seq, kind, author_kind, author_id, body, created_at) "
           "SELECT '" + dialog + "', g, 'text', 'staff', '" + a.op.id + "', repeat('ж', 4000), now() "
           "FROM generate_series(2, 1001) g");
  db->exec("UPDATE chat_dialogs SET last_seq = 1001 WHERE id = '" + dialog + "'");

  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  int small = 64 * 1024;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string upgrade =
      "GET /chat/socket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ASSERT_EQ(::send(fd, upgrade.data(), upgrade.size(), 0), static_cast<ssize_t>(upgrade.size()));
  // A masked text frame (the zero mask leaves the bytes as they are).
  auto hello = json{{"type", "hello"}, {"token", token}}.dump();
  ASSERT_LT(hello.size(), 126u);
  std::string frame{static_cast<char>(0x81), static_cast<char>(0x80 | hello.size()), 0, 0, 0, 0};
  frame += hello;
  ASSERT_EQ(::send(fd, frame.data(), frame.size(), 0), static_cast<ssize_t>(frame.size()));

  // Not reading for a while: the server gives up on it within its grace.
  std::this_thread::sleep_for(seconds(8));
  std::size_t got = 0;
  char buf[65536];
  timeval tv{20, 0};  // the server may wait out its close handshake (10 s) after the grace
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  bool eof = false;
  for (;;) {
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      eof = true;
      break;
    }
    if (n < 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  EXPECT_TRUE(eof) << "the server kept the socket of a customer that does not read";
  EXPECT_LT(got, 6u * 1024 * 1024) << "the whole history was buffered for it";
  // The server is well and serves the next customer its history in full.
  auto again = customer(server->port(), token);
  int last = 0;
  for (auto& f : again->drain(milliseconds(1500)))
    if (f["type"] == "message") last = f["seq"];
  EXPECT_EQ(last, 1001) << (again->closed() ? "closed " + std::to_string(again->close_code()) : "open");
  if (HasFailure())
    for (auto& l : server->logs())
      if (l.value("level", "") != "info" || l.value("msg", "").find("chat") != std::string::npos) std::cerr << l.dump() << "\n";
}

// The airline signs its customer's id: the same customer, with its dialog, on another device;
// a wrong signature makes nobody.
TEST_F(ChatTest, ASignedCustomerIdBringsTheHistoryToAnotherDevice) {
  HttpClient http(server->port());
  auto a = airline(http, "signed");
  auto key = as_staff(http, a.op, "PUT", "/admin/api/chat/settings", {{"rotate_identity_key", true}});
  ASSERT_EQ(key.status, 200) << key.body;
  auto secret = key.json()["identity_key"].get<std::string>();
  EXPECT_TRUE(as_staff(http, a.op, "GET", "/admin/api/chat/settings").json()["identity_key_set"].get<bool>());
  EXPECT_FALSE(as_staff(http, a.op, "GET", "/admin/api/chat/settings").json().contains("identity_key"));
  auto signature = skybill::crypto::hmac_sha256_hex(secret, "customer-42");
  json body{{"merchant", a.key.merchant_id}, {"external_id", "customer-42"}, {"signature", std::string(64, '0')}};
  EXPECT_EQ(http.post_json("/chat/api/visitors", body, "").status, 403);
  body["signature"] = signature;
  auto first = http.post_json("/chat/api/visitors", body, "");
  ASSERT_EQ(first.status, 201) << first.body;
  auto laptop = customer(server->port(), first.json()["token"].get<std::string>());
  laptop->send({{"type", "send"}, {"id", "c1"}, {"text", "С ноутбука"}});
  std::string dialog = message(*laptop)["dialog"];

  auto second = http.post_json("/chat/api/visitors", body, "");
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(second.json()["visitor"]["id"], first.json()["visitor"]["id"]);
  EXPECT_NE(second.json()["token"], first.json()["token"]);
  auto phone = customer(server->port(), second.json()["token"].get<std::string>());
  auto history = messages_in(*phone);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["dialog"], dialog);
  EXPECT_EQ(history[0]["text"], "С ноутбука");
  // Both devices stay signed in: the laptop hears the phone.
  phone->send({{"type", "send"}, {"id", "p1"}, {"text", "С телефона"}});
  EXPECT_EQ(message(*laptop)["text"], "С телефона");
}

}  // namespace
