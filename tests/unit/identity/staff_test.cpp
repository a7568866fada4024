#include "skybill/identity/staff.hpp"

#include <gtest/gtest.h>

#include <set>

namespace skybill::identity {
namespace {

bool has(const std::vector<std::string>& v, const std::string& part) {
  for (const auto& s : v)
    if (s.find(part) != std::string::npos) return true;
  return false;
}

TEST(StaffPassword, RulesSayWhatIsWrong) {
  EXPECT_TRUE(password_problems("Tarmac-Lights-2026", "anna@x.example").empty());
  EXPECT_TRUE(has(password_problems("Short-1", "anna@x.example"), "at least 12"));
  EXPECT_TRUE(has(password_problems("zzzzzzzzzzzzzzzz", "anna@x.example"), "one character repeated"));
  EXPECT_TRUE(has(password_problems("яяяяяяяяяяяяя", "anna@x.example"), "one character repeated"));
  EXPECT_TRUE(has(password_problems("Anna.Long@X.example", "anna.long@x.example"), "e-mail"));
  EXPECT_TRUE(has(password_problems("Password1234", "anna@x.example"), "common"));
  EXPECT_TRUE(has(password_problems(std::string(1025, 'a') + "b", "anna@x.example"), "1024"));
  // Characters, not bytes: twelve Cyrillic letters are enough, eleven are not.
  EXPECT_TRUE(password_problems("пароль-длинный", "anna@x.example").empty());
  EXPECT_TRUE(has(password_problems("абвгдежзийк", "anna@x.example"), "at least 12"));
}

TEST(StaffInput, ValidationNamesEveryBadField) {
  try {
    validate_staff({"", "not-mail", "pilot", "", "short"});
    FAIL();
  } catch (const core::Problem& p) {
    std::set<std::string> fields;
    for (const auto& e : p.errors) fields.insert(e.field);
    EXPECT_EQ(fields, (std::set<std::string>{"name", "email", "role", "password"}));
  }
  auto ok = validate_staff({"Olga", " Olga@Air.Example ", "airline", "00000000-0000-4000-8000-000000000000",
                            "Tarmac-Lights-2026"});
  EXPECT_EQ(ok.email, "olga@air.example");
  EXPECT_THROW(validate_staff({"Olga", "olga@air.example", "airline", "", "Tarmac-Lights-2026"}), core::Problem);
  EXPECT_THROW(validate_staff({"Olga", "olga@air.example", "support", "00000000-0000-4000-8000-000000000000",
                               "Tarmac-Lights-2026"}),
               core::Problem);
  EXPECT_THROW(parse_staff({{"name", "Olga"}, {"email", "olga@air.example"}, {"role", "support"},
                            {"password", "Tarmac-Lights-2026"}, {"colour", "red"}}),
               core::Problem);
  EXPECT_FALSE(is_staff_email(std::string("a\x01@b.example")));
}

}  // namespace
}  // namespace skybill::identity
