#include "skybill/identity/model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>
#include <string>

namespace skybill::identity {
namespace {

using nlohmann::json;

constexpr const char* kLegalInn = "7707083893";   // 10 digits: an organisation
constexpr const char* kKpp = "773601001";
constexpr const char* kPersonInn = "500101000064";  // 12 digits: a person or sole proprietor

// field -> message of a 422 validation-failed problem; fails the test when none is thrown.
std::map<std::string, std::string> errors_of_client(const json& body) {
  try {
    parse_client(body);
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.type, "validation-failed");
    EXPECT_EQ(p.detail, std::to_string(p.errors.size()) + " field(s) are invalid");
    std::map<std::string, std::string> out;
    for (const auto& e : p.errors) EXPECT_TRUE(out.emplace(e.field, e.message).second) << "twice: " << e.field;
    return out;
  }
  ADD_FAILURE() << "expected a validation problem for " << body.dump();
  return {};
}

std::map<std::string, std::string> errors_of_merchant(const MerchantInput& in) {
  try {
    validate_merchant(in);
  } catch (const core::Problem& p) {
    EXPECT_EQ(p.status, 422);
    EXPECT_EQ(p.type, "validation-failed");
    std::map<std::string, std::string> out;
    for (const auto& e : p.errors) EXPECT_TRUE(out.emplace(e.field, e.message).second) << "twice: " << e.field;
    return out;
  }
  ADD_FAILURE() << "expected a validation problem";
  return {};
}

std::vector<std::string> fields(const std::map<std::string, std::string>& errors) {
  std::vector<std::string> out;
  for (const auto& [field, message] : errors) out.push_back(field);
  return out;
}

using Fields = std::vector<std::string>;

std::string cyrillic(std::size_t characters) {
  std::string s;
  for (std::size_t i = 0; i < characters; ++i) s += "Я";  // two bytes each in UTF-8
  return s;
}

// --- parse_client ---

TEST(ParseClient, AcceptsOrganisationWithKpp) {
  auto c = parse_client({{"inn", kLegalInn}, {"kpp", kKpp}, {"name", "ПАО Сбербанк"}});
  EXPECT_EQ(c.inn, kLegalInn);
  EXPECT_EQ(c.kpp, kKpp);
  EXPECT_EQ(c.name, "ПАО Сбербанк");
}

TEST(ParseClient, AcceptsPersonWithoutKpp) {
  auto c = parse_client({{"inn", kPersonInn}, {"name", "ИП Иванов"}});
  EXPECT_EQ(c.inn, kPersonInn);
  EXPECT_EQ(c.kpp, "");
}

TEST(ParseClient, NullAndEmptyKppMeanNoKpp) {
  EXPECT_EQ(parse_client({{"inn", kPersonInn}, {"kpp", nullptr}, {"name", "x"}}).kpp, "");
  EXPECT_EQ(parse_client({{"inn", kPersonInn}, {"kpp", ""}, {"name", "x"}}).kpp, "");
  EXPECT_EQ(parse_client({{"inn", kPersonInn}, {"kpp", "   "}, {"name", "x"}}).kpp, "");
}

TEST(ParseClient, TrimsEveryField) {
  auto c = parse_client({{"inn", " 7707083893\t"}, {"kpp", "\n773601001 "}, {"name", "  ООО «Ромашка» \r\n"}});
  EXPECT_EQ(c.inn, kLegalInn);
  EXPECT_EQ(c.kpp, kKpp);
  EXPECT_EQ(c.name, "ООО «Ромашка»");
}

TEST(ParseClient, KeepsInnerSpaces) {
  EXPECT_EQ(parse_client({{"inn", kPersonInn}, {"name", "ИП  Иванов И. И."}}).name, "ИП  Иванов И. И.");
}

TEST(ParseClient, EmptyObjectReportsEveryRequiredField) {
  auto errors = errors_of_client(json::object());
  EXPECT_EQ(fields(errors), (Fields{"inn", "name"}));
  EXPECT_EQ(errors["inn"], "is required");
  EXPECT_EQ(errors["name"], "is required");
}

TEST(ParseClient, BlankValuesAreMissingValues) {
  auto errors = errors_of_client({{"inn", "  "}, {"name", " \t "}});
  EXPECT_EQ(errors["inn"], "is required");
  EXPECT_EQ(errors["name"], "is required");
}

TEST(ParseClient, NullFieldsAreMissingFields) {
  auto errors = errors_of_client({{"inn", nullptr}, {"name", nullptr}});
  EXPECT_EQ(fields(errors), (Fields{"inn", "name"}));
}

TEST(ParseClient, ReportsEveryErrorAtOnce) {
  auto errors = errors_of_client({{"inn", 7707083893LL}, {"kpp", true}, {"name", json::array()},
                                  {"email", "a@b.c"}, {"id", 1}});
  EXPECT_EQ(fields(errors), (Fields{"email", "id", "inn", "kpp", "name"}));
  EXPECT_EQ(errors["inn"], "must be a string");
  EXPECT_EQ(errors["kpp"], "must be a string");
  EXPECT_EQ(errors["name"], "must be a string");
  EXPECT_EQ(errors["email"], "is not a known field");
  EXPECT_EQ(errors["id"], "is not a known field");
}

TEST(ParseClient, BadInnIsReportedEvenWhenKppIsNotAString) {
  auto errors = errors_of_client({{"inn", "1234567890"}, {"kpp", 773601001}, {"name", "x"}});
  EXPECT_EQ(fields(errors), (Fields{"inn", "kpp"}));
  EXPECT_EQ(errors["kpp"], "must be a string");
}

TEST(ParseClient, GoodInnWithNonStringKppReportsKppOnce) {
  auto errors = errors_of_client({{"inn", kLegalInn}, {"kpp", 773601001}, {"name", "x"}});
  EXPECT_EQ(fields(errors), (Fields{"kpp"}));
  EXPECT_EQ(errors["kpp"], "must be a string");
}

TEST(ParseClient, NameAndInnAreCheckedTogether) {
  auto errors = errors_of_client({{"inn", "770708389"}, {"name", ""}});
  EXPECT_EQ(fields(errors), (Fields{"inn", "name"}));
  EXPECT_NE(errors["inn"].find("valid INN"), std::string::npos) << errors["inn"];
}

TEST(ParseClient, InvalidInnIsRejected) {
  for (const char* inn : {"7707083894", "770708389", "77070838930", "abcdefghij", "500101000065", "7707-083893"}) {
    SCOPED_TRACE(inn);
    auto errors = errors_of_client({{"inn", inn}, {"kpp", kKpp}, {"name", "x"}});
    EXPECT_EQ(fields(errors), (Fields{"inn"}));  // the KPP is not judged against a bad INN
  }
}

TEST(ParseClient, OrganisationNeedsKpp) {
  auto errors = errors_of_client({{"inn", kLegalInn}, {"name", "x"}});
  EXPECT_EQ(fields(errors), (Fields{"kpp"}));
  EXPECT_NE(errors["kpp"].find("required"), std::string::npos) << errors["kpp"];
}

TEST(ParseClient, OrganisationKppMustBeWellFormed) {
  for (const char* kpp : {"77360100", "7736010011", "7736ab001", "773601A0A", "111111111", "7736-1001"}) {
    SCOPED_TRACE(kpp);
    auto errors = errors_of_client({{"inn", kLegalInn}, {"kpp", kpp}, {"name", "x"}});
    EXPECT_EQ(fields(errors), (Fields{"kpp"}));
    EXPECT_NE(errors["kpp"].find("9 characters"), std::string::npos) << errors["kpp"];
  }
}

TEST(ParseClient, OrganisationKppMayHaveLettersInReasonCode) {
  EXPECT_EQ(parse_client({{"inn", kLegalInn}, {"kpp", "7736AB001"}, {"name", "x"}}).kpp, "7736AB001");
}

TEST(ParseClient, PersonMustNotHaveKpp) {
  auto errors = errors_of_client({{"inn", kPersonInn}, {"kpp", kKpp}, {"name", "x"}});
  EXPECT_EQ(fields(errors), (Fields{"kpp"}));
  EXPECT_NE(errors["kpp"].find("must be empty"), std::string::npos) << errors["kpp"];
}

TEST(ParseClient, NameLengthLimitIs300Characters) {
  EXPECT_NO_THROW(parse_client({{"inn", kPersonInn}, {"name", std::string(300, 'a')}}));
  auto errors = errors_of_client({{"inn", kPersonInn}, {"name", std::string(301, 'a')}});
  EXPECT_EQ(errors["name"], "must have at most 300 characters");
}

TEST(ParseClient, NameLengthCountsCharactersNotBytes) {
  // The database checks length(name) <= 300, which counts characters.
  EXPECT_EQ(parse_client({{"inn", kPersonInn}, {"name", cyrillic(300)}}).name, cyrillic(300));
  EXPECT_EQ(fields(errors_of_client({{"inn", kPersonInn}, {"name", cyrillic(301)}})), (Fields{"name"}));
}

TEST(ParseClient, UnknownFieldsAreNamed) {
  auto errors = errors_of_client({{"inn", kPersonInn}, {"name", "x"}, {"Inn", "1"}, {"", 1}});
  EXPECT_EQ(fields(errors), (Fields{"", "Inn"}));
  EXPECT_EQ(errors["Inn"], "is not a known field");
}

TEST(ParseClient, NonObjectBodyIsRejected) {
  for (const json& body : {json::array(), json(nullptr), json("inn"), json(42), json(true),
                           json::array({{{"inn", kPersonInn}, {"name", "x"}}})}) {
    SCOPED_TRACE(body.dump());
    auto errors = errors_of_client(body);
    EXPECT_EQ(fields(errors), (Fields{""}));
    EXPECT_EQ(errors[""], "the body must be a JSON object");
  }
}

// --- validate_merchant ---

MerchantInput merchant() { return MerchantInput{"ООО «Ромашка»", kLegalInn, kKpp, "Europe/Moscow"}; }

TEST(ValidateMerchant, AcceptsAValidMerchant) {
  auto m = validate_merchant(merchant());
  EXPECT_EQ(m.name, "ООО «Ромашка»");
  EXPECT_EQ(m.inn, kLegalInn);
  EXPECT_EQ(m.kpp, kKpp);
  EXPECT_EQ(m.timezone, "Europe/Moscow");
}

TEST(ValidateMerchant, DefaultTimezoneIsMoscow) {
  EXPECT_EQ(MerchantInput{}.timezone, "Europe/Moscow");
}

TEST(ValidateMerchant, TrimsName) {
  auto in = merchant();
  in.name = "  ООО «Ромашка»\n";
  EXPECT_EQ(validate_merchant(in).name, "ООО «Ромашка»");
}

TEST(ValidateMerchant, ContactEmailIsOptionalAndMustBeAnAddress) {
  auto in = merchant();
  EXPECT_EQ(validate_merchant(in).contact_email, "");
  in.contact_email = "ops@air.example";
  EXPECT_EQ(validate_merchant(in).contact_email, "ops@air.example");
  for (const char* bad : {"ops", "ops@air", "ops air@x.example", "@air.example", "a@b@c.example"}) {
    in.contact_email = bad;
    EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"email"})) << bad;
  }
  in.contact_email = std::string(250, 'a') + "@x.ru";  // 255 bytes
  EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"email"}));
  EXPECT_TRUE(is_email_address("ops@air.example"));
  EXPECT_FALSE(is_email_address(""));
}

TEST(ValidateMerchant, KppIsOptionalForAnOrganisation) {
  auto in = merchant();
  in.kpp = "";
  EXPECT_NO_THROW(validate_merchant(in));
}

TEST(ValidateMerchant, PersonWithoutKpp) {
  auto in = merchant();
  in.inn = kPersonInn;
  in.kpp = "";
  EXPECT_NO_THROW(validate_merchant(in));
  in.kpp = kKpp;
  EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"kpp"}));
}

TEST(ValidateMerchant, BadKppOfAnOrganisation) {
  auto in = merchant();
  in.kpp = "12345";
  EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"kpp"}));
}

TEST(ValidateMerchant, ReportsEveryErrorAtOnce) {
  MerchantInput in{"   ", "123", "", "Mars/Olympus"};
  auto errors = errors_of_merchant(in);
  EXPECT_EQ(fields(errors), (Fields{"inn", "name", "timezone"}));
  EXPECT_EQ(errors["timezone"], "must be an IANA time zone such as Europe/Moscow");
}

TEST(ValidateMerchant, NameLength) {
  auto in = merchant();
  in.name = std::string(300, 'a');
  EXPECT_NO_THROW(validate_merchant(in));
  in.name = std::string(301, 'a');
  EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"name"}));
  in.name = cyrillic(300);
  EXPECT_NO_THROW(validate_merchant(in));
  in.name = cyrillic(301);
  EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"name"}));
}

TEST(ValidateMerchant, AcceptsZonesInZoneinfo) {
  for (const char* tz : {"Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad", "UTC", "Etc/GMT+3",
                         "Etc/GMT-12", "America/Argentina/Buenos_Aires", "America/Port-au-Prince"}) {
    SCOPED_TRACE(tz);
    auto in = merchant();
    in.timezone = tz;
    EXPECT_EQ(validate_merchant(in).timezone, tz);
  }
}

TEST(ValidateMerchant, RejectsNamesThatAreNotZones) {
  for (const std::string& tz : std::vector<std::string>{
           "", "Mars/Olympus", "MSK+3", "europe/moscow", "Europe/Moscow ", " Europe/Moscow", "Europe/Moscow/",
        "Europe", "America/Argentina", "../etc/passwd", "Europe/../../../etc/passwd", "..", "/etc/passwd",
        "/usr/share/zoneinfo/UTC", "./UTC", "UTC\n", "zone.tab", "tzdata.zi", "leapseconds",
        "Europe//Moscow", std::string(65, 'A')}) {
    SCOPED_TRACE(tz);
    auto in = merchant();
    in.timezone = tz;
    EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"timezone"}));
  }
}

TEST(ValidateMerchant, RejectsZoneNameWithNulByte) {
  auto in = merchant();
  in.timezone = std::string("UTC\0/../etc/passwd", 18);
  EXPECT_EQ(fields(errors_of_merchant(in)), (Fields{"timezone"}));
}


}  // namespace
}  // namespace skybill::identity
