#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "skybill/mail/mail.hpp"

using namespace skybill::mail;
using nlohmann::json;

namespace {

constexpr const char* kTime = "2026-11-21T18:00:00Z";
constexpr const char* kTimeRu = "21.11.2026 18:00 UTC";
constexpr const char* kTimeEn = "21 Nov 2026 18:00 UTC";

struct Kind {
  std::vector<std::string> required;  // as the interface documents them
  json optional;                      // optional facts with a value
};

const std::vector<std::string> kClient = {"merchant_name", "reference", "pnr"};

std::vector<std::string> client(std::vector<std::string> more) {
  auto all = kClient;
  all.insert(all.end(), more.begin(), more.end());
  return all;
}

const std::map<std::string, Kind> kKinds = {
    {"invoice_issued", {client({"invoice_number", "amount", "due_at", "pay_url"}), {{"pdf_url", "https://pay.example/p/invoice.pdf"}}}},
    {"document_issued",
     {client({"document_title", "number", "pdf_url"}), {{"xml_url", "https://pay.example/p/d.xml"}}}},
    {"tl_expiring", {client({"ticketing_time_limit", "pay_url", "amount"}), json::object()}},
    {"booking_expired", {client({"ticketing_time_limit"}), json::object()}},
    {"payment_received", {client({"invoice_number", "amount"}), {{"outstanding", "1 499.50 RUB"}}}},
    {"payment_reminder", {client({"invoice_number", "amount", "due_at"}), json::object()}},
    {"ticketing_authorized", {client({}), {{"method", "credit_line"}}}},
    {"refund_done", {client({"amount"}), {{"reason", "Рейс отменён авиакомпанией"}}}},
    {"endpoint_disabled", {{"url", "since", "last_error"}, json::object()}},
    {"support_case_opened", {{"case_id", "type", "notes", "booking_id"}, json::object()}},
};

bool is_time(const std::string& fact) {
  return fact == "due_at" || fact == "ticketing_time_limit" || fact == "since";
}

// A distinct value per fact, so that each one can be found in the text.
std::string sample(const std::string& fact) {
  static const std::map<std::string, std::string> values = {
      {"merchant_name", "Авиалинии «Север»"},
      {"reference", "ABC123"},
      {"pnr", "XK7P2Q"},
      {"invoice_number", "2026-000042"},
      {"amount", "12 345.67 RUB"},
      {"pay_url", "https://pay.skybill.example/i/7f3c"},
      {"url", "https://hooks.airline.example/skybill"},
      {"last_error", "HTTP 503 after 3 attempts"},
      {"case_id", "5b0f6c1e-6c1f-4d7a-9a55-0a1c2b3d4e5f"},
      {"type", "custom_case_type"},
      {"notes", "Клиент выбрал оплату после истечения брони"},
      {"booking_id", "0e3d9a7c-2f64-4b43-8b1e-8f2c6a3b9d10"},
      {"document_title", "Маршрутная квитанция"},
      {"number", "DA-R-2026-000007"},
      {"pdf_url", "https://pay.skybill.example/i/7f3c/documents/1.pdf"},
  };
  return is_time(fact) ? kTime : values.at(fact);
}

json facts_of(const std::string& kind, bool with_optional = true) {
  json facts = json::object();
  for (const auto& f : kKinds.at(kind).required) facts[f] = sample(f);
  if (with_optional) facts.update(kKinds.at(kind).optional);
  return facts;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

class EmailTemplates : public ::testing::TestWithParam<std::tuple<std::string, Language>> {};

TEST_P(EmailTemplates, RendersEveryFact) {
  const auto& [kind, lang] = GetParam();
  auto n = render(kind, lang, facts_of(kind));
  EXPECT_FALSE(n.subject.empty());
  EXPECT_EQ(n.subject.find('\n'), std::string::npos);
  for (const auto& f : kKinds.at(kind).required) {
    std::string expected = is_time(f) ? (lang == Language::ru ? kTimeRu : kTimeEn) : sample(f);
    EXPECT_NE(n.body.find(expected), std::string::npos) << kind << ": " << f << " missing in\n" << n.body;
  }
  for (const auto& [f, v] : kKinds.at(kind).optional.items()) {
    if (f == "method") continue;  // shown as a label, tested below
    EXPECT_NE(n.body.find(v.get<std::string>()), std::string::npos) << kind << ": " << f;
  }
  for (const auto& text : {n.subject, n.body}) {
    EXPECT_EQ(text.find('{'), std::string::npos) << "placeholder left in " << text;
    EXPECT_EQ(text.find('}'), std::string::npos) << "placeholder left in " << text;
  }
  // The language is the one asked for: Cyrillic letters only in Russian (besides the facts).
  bool greets_ru = n.body.find("Здравствуйте") != std::string::npos || n.body.find("Открыто") != std::string::npos;
  EXPECT_EQ(greets_ru, lang == Language::ru) << n.body;
}

TEST_P(EmailTemplates, RendersWithoutOptionalFacts) {
  const auto& [kind, lang] = GetParam();
  auto n = render(kind, lang, facts_of(kind, false));
  EXPECT_FALSE(n.body.empty());
  EXPECT_EQ(n.body.find('{'), std::string::npos);
}

TEST_P(EmailTemplates, EachMissingRequiredFactIsNamed) {
  const auto& [kind, lang] = GetParam();
  for (const auto& f : kKinds.at(kind).required) {
    auto facts = facts_of(kind);
    facts.erase(f);
    auto what = message_of([&] { render(kind, lang, facts); });
    EXPECT_NE(what.find(kind), std::string::npos) << what;
    EXPECT_NE(what.find("\"" + f + "\""), std::string::npos) << what;
  }
}

TEST_P(EmailTemplates, AFactOfTheWrongTypeIsNamed) {
  const auto& [kind, lang] = GetParam();
  for (const auto& f : kKinds.at(kind).required) {
    auto facts = facts_of(kind);
    facts[f] = 42;
    auto what = message_of([&] { render(kind, lang, facts); });
    EXPECT_NE(what.find(kind), std::string::npos) << what;
    EXPECT_NE(what.find("\"" + f + "\""), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, EmailTemplates,
                         ::testing::Combine(::testing::Values("invoice_issued", "tl_expiring", "booking_expired",
                                                              "payment_received", "payment_reminder",
                                                              "ticketing_authorized",
                                                              "refund_done", "document_issued", "endpoint_disabled",
                                                              "support_case_opened"),
                                            ::testing::Values(Language::ru, Language::en)),
                         [](const auto& info) {
                           return std::get<0>(info.param) +
                                  (std::get<1>(info.param) == Language::ru ? "_ru" : "_en");
                         });

TEST(EmailRender, UnknownKindThrows) {
  auto what = message_of([] { render("invoice_paid_twice", Language::ru, json::object()); });
  EXPECT_NE(what.find("invoice_paid_twice"), std::string::npos) << what;
}

TEST(EmailRender, FactsMustBeAnObject) {
  EXPECT_THROW(render("booking_expired", Language::ru, json::array()), std::invalid_argument);
}

TEST(EmailRender, AnInvalidTimeIsRefusedByName) {
  auto facts = facts_of("booking_expired");
  facts["ticketing_time_limit"] = "tomorrow";
  auto what = message_of([&] { render("booking_expired", Language::en, facts); });
  EXPECT_NE(what.find("ticketing_time_limit"), std::string::npos) << what;
}

TEST(EmailRender, TimesAreShownInUtc) {
  auto facts = facts_of("tl_expiring");
  facts["ticketing_time_limit"] = "2026-03-01T01:30:00+03:00";
  EXPECT_NE(render("tl_expiring", Language::ru, facts).body.find("28.02.2026 22:30 UTC"), std::string::npos);
  EXPECT_NE(render("tl_expiring", Language::en, facts).subject.find("28 Feb 2026 22:30 UTC"), std::string::npos);
}

TEST(EmailRender, InvoiceTextsCarryThePayLink) {
  auto ru = render("invoice_issued", Language::ru, facts_of("invoice_issued"));
  EXPECT_EQ(ru.subject, "Счёт № 2026-000042 на оплату бронирования ABC123");
  EXPECT_NE(ru.body.find("Оплатить счёт: https://pay.skybill.example/i/7f3c\n"), std::string::npos) << ru.body;
  EXPECT_NE(ru.body.find("Оплатить до: 21.11.2026 18:00 UTC\n"), std::string::npos) << ru.body;
  auto en = render("invoice_issued", Language::en, facts_of("invoice_issued"));
  EXPECT_EQ(en.subject, "Invoice 2026-000042 for booking ABC123");
  EXPECT_NE(en.body.find("Due by: 21 Nov 2026 18:00 UTC\n"), std::string::npos) << en.body;
}

TEST(EmailRender, PaymentMethodAndCaseTypeAreShownReadably) {
  auto ru = render("ticketing_authorized", Language::ru, facts_of("ticketing_authorized"));
  EXPECT_NE(ru.body.find("Способ оплаты: кредитная линия\n"), std::string::npos) << ru.body;
  auto en = render("ticketing_authorized", Language::en, facts_of("ticketing_authorized"));
  EXPECT_NE(en.body.find("Payment method: credit line\n"), std::string::npos) << en.body;

  auto facts = facts_of("support_case_opened");
  facts["type"] = "choice_after_expiry";
  auto staff = render("support_case_opened", Language::en, facts);
  EXPECT_NE(staff.body.find("Type: payment choice after the booking expired (choice_after_expiry)\n"),
            std::string::npos)
      << staff.body;
}

TEST(EmailRender, EmptyOptionalLinesAreLeftOut) {
  auto facts = facts_of("endpoint_disabled");
  facts["last_error"] = "";
  auto n = render("endpoint_disabled", Language::ru, facts);
  EXPECT_EQ(n.body.find("Последняя ошибка"), std::string::npos) << n.body;
  auto refund = render("refund_done", Language::en, facts_of("refund_done", false));
  EXPECT_EQ(refund.body.find("Reason"), std::string::npos) << refund.body;

  auto staff = facts_of("support_case_opened");
  staff["booking_id"] = "";
  EXPECT_EQ(render("support_case_opened", Language::ru, staff).body.find("Бронирование:"), std::string::npos);
}

TEST(EmailRender, ALineBreakInAFactDoesNotSplitTheSubject) {
  auto facts = facts_of("booking_expired");
  facts["reference"] = "ABC\r\nBcc: someone@example.com";
  auto n = render("booking_expired", Language::en, facts);
  EXPECT_EQ(n.subject.find_first_of("\r\n"), std::string::npos) << n.subject;
}

TEST(EmailRender, LanguageOfCode) {
  EXPECT_EQ(language_of("en"), Language::en);
  EXPECT_EQ(language_of("EN"), Language::en);
  EXPECT_EQ(language_of("en-GB"), Language::en);
  EXPECT_EQ(language_of("ru"), Language::ru);
  EXPECT_EQ(language_of(""), Language::ru);
  EXPECT_EQ(language_of("de"), Language::ru);
  EXPECT_EQ(language_of("eng"), Language::ru);
}

}  // namespace

TEST(EmailTemplate, APartialPaymentTellsTheRemainderInBothLanguages) {
  json facts = {{"merchant_name", "Air"}, {"reference", "R1"}, {"pnr", "ABC123"}, {"invoice_number", "SB-2026-000001"},
                {"amount", "10000.00 RUB"}, {"outstanding", "1499.50 RUB"}};
  auto ru = render("payment_received", Language::ru, facts);
  EXPECT_NE(ru.body.find("Остаток к оплате: 1499.50 RUB"), std::string::npos) << ru.body;
  auto en = render("payment_received", Language::en, facts);
  EXPECT_NE(en.body.find("Still to pay: 1499.50 RUB"), std::string::npos) << en.body;
  facts.erase("outstanding");
  EXPECT_EQ(render("payment_received", Language::en, facts).body.find("Still to pay"), std::string::npos);
}
