#include "skybill/core/calendar.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

namespace skybill::core {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

Date D(const char* iso) { return parse_iso_date(iso); }

const BusinessCalendar& ru() {
  static const BusinessCalendar calendar =
      BusinessCalendar::load(fs::path(SKYBILL_SOURCE_DIR) / "config" / "calendars");
  return calendar;
}

TEST(IsoDate, ParseAndFormat) {
  EXPECT_EQ(D("2026-01-09"), std::chrono::year_month_day(2026y / 1 / 9));
  EXPECT_EQ(to_iso_string(2026y / 1 / 9), "2026-01-09");
  EXPECT_EQ(to_iso_string(D("2024-02-29")), "2024-02-29");
  for (const char* bad : {"", "2026-1-09", "2026-01-9", "2026/01/09", "2026-02-29", "2026-13-01",
                          "2026-00-10", "2026-01-00", "2026-01-32", " 2026-01-09", "2026-01-09 ",
                          "20-6-01-01", "2026-01-+9", "26-01-09", "2026-01-09T00:00"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(parse_iso_date(bad), CalendarError);
  }
}

TEST(RussianCalendar, HasTheShippedYears) {
  const std::set<int> years = ru().years();
  EXPECT_TRUE(years.contains(2025));
  EXPECT_TRUE(years.contains(2026));
  EXPECT_TRUE(years.contains(2027));
}

TEST(RussianCalendar, WorkingDaysPerYearMatchTheOfficialCalendar) {
  for (int year : {2025, 2026, 2027}) {
    int business = 0, shortened = 0;
    for (std::chrono::sys_days d{std::chrono::year{year} / 1 / 1};
         d <= std::chrono::sys_days{std::chrono::year{year} / 12 / 31}; d += std::chrono::days{1}) {
      business += ru().is_business_day(Date{d});
      shortened += ru().is_shortened(Date{d});
    }
    EXPECT_EQ(business, 247) << year;
    EXPECT_EQ(business * 8 - shortened, 1972) << year;  // hours at 40 h a week
  }
}

TEST(RussianCalendar, WorkingDaysPerMonth2026) {
  const int expected[] = {15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22};
  for (unsigned m = 1; m <= 12; ++m) {
    int business = 0;
    const auto first = 2026y / std::chrono::month{m} / 1;
    for (std::chrono::sys_days d{first};
         d <= std::chrono::sys_days{first.year() / first.month() / std::chrono::last};
         d += std::chrono::days{1})
      business += ru().is_business_day(Date{d});
    EXPECT_EQ(business, expected[m - 1]) << "month " << m;
  }
}

TEST(RussianCalendar, DaysOff2026) {
  for (const char* d : {"2026-01-01", "2026-01-05", "2026-01-08", "2026-01-09", "2026-02-23",
                        "2026-03-08", "2026-03-09", "2026-05-01", "2026-05-09", "2026-05-11",
                        "2026-06-12", "2026-11-04", "2026-12-31"}) {
    SCOPED_TRACE(d);
    EXPECT_FALSE(ru().is_business_day(D(d)));
  }
  for (const char* d : {"2026-01-12", "2026-02-20", "2026-02-24", "2026-03-10", "2026-05-04",
                        "2026-05-08", "2026-05-12", "2026-11-03", "2026-11-05", "2026-12-30"}) {
    SCOPED_TRACE(d);
    EXPECT_TRUE(ru().is_business_day(D(d)));
  }
  EXPECT_FALSE(ru().is_business_day(D("2026-11-21")));  // an ordinary Saturday
  EXPECT_FALSE(ru().is_business_day(D("2026-11-22")));  // an ordinary Sunday
}

TEST(RussianCalendar, Shortened) {
  for (const char* d : {"2026-04-30", "2026-05-08", "2026-06-11", "2026-11-03", "2025-03-07",
                        "2025-04-30", "2025-06-11", "2025-11-01", "2027-02-20", "2027-11-03"}) {
    SCOPED_TRACE(d);
    EXPECT_TRUE(ru().is_shortened(D(d)));
    EXPECT_TRUE(ru().is_business_day(D(d)));
  }
  for (const char* d : {"2026-04-29", "2026-12-30", "2026-05-09", "2026-11-04"}) {
    SCOPED_TRACE(d);
    EXPECT_FALSE(ru().is_shortened(D(d)));
  }
}

TEST(RussianCalendar, WorkingSaturdays) {
  EXPECT_TRUE(ru().is_business_day(D("2025-11-01")));  // Saturday, day off moved to 3 November
  EXPECT_FALSE(ru().is_business_day(D("2025-11-03")));
  EXPECT_TRUE(ru().is_business_day(D("2027-02-20")));  // Saturday, day off moved to 22 February
  EXPECT_FALSE(ru().is_business_day(D("2027-02-22")));
  EXPECT_EQ(ru().next_business_day(D("2025-10-31")), D("2025-11-01"));
  EXPECT_EQ(ru().next_business_day(D("2025-11-01")), D("2025-11-05"));
  EXPECT_EQ(ru().next_business_day(D("2027-02-19")), D("2027-02-20"));
  EXPECT_EQ(ru().next_business_day(D("2027-02-20")), D("2027-02-24"));
}

TEST(RussianCalendar, NextBusinessDayAcrossWeekends) {
  EXPECT_EQ(ru().next_business_day(D("2026-11-20")), D("2026-11-23"));  // Friday -> Monday
  EXPECT_EQ(ru().next_business_day(D("2026-11-21")), D("2026-11-23"));  // Saturday -> Monday
  EXPECT_EQ(ru().next_business_day(D("2026-11-22")), D("2026-11-23"));
  EXPECT_EQ(ru().next_business_day(D("2026-11-23")), D("2026-11-24"));
  EXPECT_EQ(ru().next_business_day(D("2026-11-20"), 2), D("2026-11-24"));
  EXPECT_EQ(ru().next_business_day(D("2026-11-19"), 5), D("2026-11-26"));
  EXPECT_EQ(ru().next_business_day(D("2026-05-07")), D("2026-05-08"));
  EXPECT_EQ(ru().next_business_day(D("2026-05-08")), D("2026-05-12"));  // 9-11 May off
  EXPECT_EQ(ru().next_business_day(D("2026-02-20")), D("2026-02-24"));  // 21-23 February
  EXPECT_EQ(ru().next_business_day(D("2026-03-06")), D("2026-03-10"));  // 7-9 March
  EXPECT_EQ(ru().next_business_day(D("2026-11-03")), D("2026-11-05"));
}

TEST(RussianCalendar, NextBusinessDayZeroReturnsTheDayOrTheNextOne) {
  EXPECT_EQ(ru().next_business_day(D("2026-11-23"), 0), D("2026-11-23"));
  EXPECT_EQ(ru().next_business_day(D("2026-11-21"), 0), D("2026-11-23"));
  EXPECT_EQ(ru().next_business_day(D("2026-01-01"), 0), D("2026-01-12"));
  EXPECT_THROW(ru().next_business_day(D("2026-11-23"), -1), std::invalid_argument);
}

TEST(RussianCalendar, NextBusinessDayAcrossNewYear) {
  EXPECT_EQ(ru().next_business_day(D("2025-12-30")), D("2026-01-12"));
  EXPECT_EQ(ru().next_business_day(D("2025-12-31")), D("2026-01-12"));
  EXPECT_EQ(ru().next_business_day(D("2025-12-30"), 2), D("2026-01-13"));
  EXPECT_EQ(ru().next_business_day(D("2025-12-29"), 2), D("2026-01-12"));
  EXPECT_EQ(ru().next_business_day(D("2026-12-30")), D("2027-01-11"));
  EXPECT_EQ(ru().next_business_day(D("2026-12-31")), D("2027-01-11"));
  EXPECT_EQ(ru().next_business_day(D("2027-01-05"), 0), D("2027-01-11"));
}

TEST(RussianCalendar, MissingYearThrowsNamingIt) {
  try {
    ru().is_business_day(D("2031-03-03"));
    FAIL() << "no CalendarError";
  } catch (const CalendarError& e) {
    EXPECT_STREQ(e.what(), "no production calendar for 2031");
  }
  EXPECT_THROW(ru().is_shortened(D("2024-12-31")), CalendarError);
  EXPECT_THROW(ru().next_business_day(D("2024-12-31"), 0), CalendarError);
  // Walking out of the last loaded year fails instead of guessing.
  try {
    ru().next_business_day(D("2027-12-30"));
    FAIL() << "no CalendarError";
  } catch (const CalendarError& e) {
    EXPECT_NE(std::string(e.what()).find("2028"), std::string::npos);
  }
  EXPECT_THROW(ru().next_business_day(D("2027-12-01"), 30), CalendarError);
}

TEST(RussianCalendar, InvalidDateThrows) {
  const Date bad{2026y / 2 / 30};
  EXPECT_THROW(ru().is_business_day(bad), CalendarError);
  EXPECT_THROW(ru().next_business_day(bad), CalendarError);
}

TEST(BusinessCalendar, AddYearByHand) {
  BusinessCalendar c;
  BusinessCalendar::Year y;
  y.days_off = {D("2030-01-01")};
  y.working_weekends = {D("2030-01-05")};
  y.shortened = {D("2030-01-04")};
  y.source = "test";
  c.add_year(2030, y);
  EXPECT_EQ(c.years(), std::set<int>{2030});
  EXPECT_FALSE(c.is_business_day(D("2030-01-01")));  // Tuesday, day off
  EXPECT_TRUE(c.is_business_day(D("2030-01-05")));   // working Saturday
  EXPECT_FALSE(c.is_business_day(D("2030-01-06")));  // Sunday
  EXPECT_TRUE(c.is_shortened(D("2030-01-04")));
  EXPECT_EQ(c.next_business_day(D("2029-12-31")), D("2030-01-02"));  // d itself needs no year
  EXPECT_THROW(c.next_business_day(D("2030-12-31")), CalendarError);
}

class CalendarFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("skybill-calendar-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }

  // Loads the directory and returns the error, which must name the file.
  std::string load_error(const std::string& name, const std::string& text) {
    const fs::path p = write(name, text);
    try {
      BusinessCalendar::load(dir_);
    } catch (const CalendarError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(p.string()), std::string::npos) << message;
      return message;
    }
    ADD_FAILURE() << "no CalendarError for " << text;
    return {};
  }

  static std::string doc(const std::string& days_off, const std::string& working = "[]",
                         const std::string& shortened = "[]") {
    return R"({"country":"ru","year":2030,"source":"test","days_off":)" + days_off +
           R"(,"working_weekends":)" + working + R"(,"shortened":)" + shortened + "}";
  }

  fs::path dir_;
};

TEST_F(CalendarFiles, LoadsAWellFormedFile) {
  write("ru-2030.json", doc(R"(["2030-01-01"])", R"(["2030-01-05"])", R"(["2030-01-04"])"));
  write("kz-2030.json", "not json at all");  // another country: not read
  write("README.md", "ignored");
  const BusinessCalendar c = BusinessCalendar::load(dir_);
  EXPECT_EQ(c.years(), std::set<int>{2030});
  EXPECT_FALSE(c.is_business_day(D("2030-01-01")));
  EXPECT_TRUE(c.is_business_day(D("2030-01-05")));
  EXPECT_TRUE(c.is_shortened(D("2030-01-04")));
  EXPECT_THROW(BusinessCalendar::load(dir_, "kz"), CalendarError);
}

TEST_F(CalendarFiles, MalformedFilesThrowNamingTheFile) {
  EXPECT_NE(load_error("ru-2030.json", "{").find("parse"), std::string::npos);
  load_error("ru-2030.json", "[]");
  load_error("ru-2030.json", "");
  EXPECT_NE(load_error("ru-2030.json", doc(R"(["2030-02-30"])")).find("2030-02-30"),
            std::string::npos);
  EXPECT_NE(load_error("ru-2030.json", doc(R"(["2031-01-01"])")).find("outside 2030"),
            std::string::npos);
  EXPECT_NE(load_error("ru-2030.json", doc(R"("2030-01-01")")).find("array"), std::string::npos);
  EXPECT_NE(load_error("ru-2030.json", doc("[20300101]")).find("strings"), std::string::npos);
  EXPECT_NE(load_error("ru-2030.json", doc(R"(["2030-01-01","2030-01-01"])")).find("twice"),
            std::string::npos);
  // 2030-01-07 is a Monday: it cannot be a working weekend day.
  EXPECT_NE(load_error("ru-2030.json", doc("[]", R"(["2030-01-07"])")).find("not a Saturday"),
            std::string::npos);
  EXPECT_NE(load_error("ru-2030.json", doc(R"(["2030-01-05"])", R"(["2030-01-05"])")).find("both"),
            std::string::npos);
  EXPECT_NE(load_error("ru-2030.json", doc(R"(["2030-01-01"])", "[]", R"(["2030-01-01"])"))
                .find("not a working day"),
            std::string::npos);
  EXPECT_NE(
      load_error("ru-2030.json", doc("[]", "[]", R"(["2030-01-06"])")).find("not a working day"),
      std::string::npos);
  auto mutated = [&](auto change) {
    nlohmann::json j = nlohmann::json::parse(doc("[]"));
    change(j);
    return load_error("ru-2030.json", j.dump());
  };
  EXPECT_NE(mutated([](auto& j) { j["year"] = 2031; }).find("file name"), std::string::npos);
  EXPECT_NE(mutated([](auto& j) { j["year"] = "2030"; }).find("file name"), std::string::npos);
  EXPECT_NE(mutated([](auto& j) { j["country"] = "kz"; }).find("country"), std::string::npos);
  EXPECT_NE(mutated([](auto& j) { j.erase("source"); }).find("source"), std::string::npos);
  EXPECT_NE(mutated([](auto& j) { j["source"] = ""; }).find("source"), std::string::npos);
  EXPECT_NE(mutated([](auto& j) { j.erase("days_off"); }).find("days_off"), std::string::npos);
  EXPECT_NE(mutated([](auto& j) { j.erase("shortened"); }).find("shortened"), std::string::npos);
  EXPECT_NE(
      mutated([](auto& j) { j["working_weekend"] = nlohmann::json::array(); }).find("unknown key"),
      std::string::npos);
}

TEST_F(CalendarFiles, EmptyOrMissingDirectoryThrows) {
  EXPECT_THROW(BusinessCalendar::load(dir_), CalendarError);
  EXPECT_THROW(BusinessCalendar::load(dir_ / "absent"), CalendarError);
}

TEST(RussianCalendar, PreviousBusinessDaySkipsWeekendsAndTheNewYearHolidays) {
  EXPECT_EQ(ru().previous_business_day(D("2026-11-23")), D("2026-11-20"));  // Monday -> Friday
  EXPECT_EQ(ru().previous_business_day(D("2026-11-21")), D("2026-11-20"));  // Saturday
  EXPECT_EQ(ru().previous_business_day(D("2026-11-20")), D("2026-11-19"));
  EXPECT_EQ(ru().previous_business_day(D("2026-01-12")), D("2025-12-30"));  // over 31 Dec - 11 Jan
  EXPECT_EQ(ru().previous_business_day(D("2026-11-05")), D("2026-11-03"));  // 4 November
  EXPECT_THROW(ru().previous_business_day(D("2024-01-09")), CalendarError);  // no 2023/2024 file
}

BusinessCalendar years_on_file(std::initializer_list<int> years) {
  BusinessCalendar c;
  for (int y : years) c.add_year(y, {});
  return c;
}

TEST(CalendarCoverage, RunsToTheEndOfTheLastYearInAnUnbrokenRun) {
  auto c = years_on_file({2025, 2026, 2027, 2029});
  EXPECT_EQ(c.covered_through(D("2025-03-01")), D("2027-12-31"));
  EXPECT_EQ(c.covered_through(D("2027-12-31")), D("2027-12-31"));
  EXPECT_EQ(c.covered_through(D("2029-06-30")), D("2029-12-31"));
  EXPECT_EQ(c.covered_through(D("2028-01-01")), std::nullopt) << "2028 has no file";
  EXPECT_EQ(c.covered_through(D("2024-12-31")), std::nullopt);
}

TEST(CalendarCoverage, WarnsFromSixtyDaysBeforeTheLastDay) {
  auto c = years_on_file({2026, 2027});
  auto far = calendar_coverage(c, D("2027-11-01"));  // 60 days before 31 December
  EXPECT_EQ(far.days_left, 60);
  EXPECT_FALSE(far.warn);
  EXPECT_EQ(far.message, "");
  auto near = calendar_coverage(c, D("2027-11-02"));
  EXPECT_EQ(near.days_left, 59);
  EXPECT_TRUE(near.warn);
  EXPECT_EQ(near.message,
            "the production calendar ends on 2027-12-31 (59 days left): add config/calendars/ru-2028.json "
            "(docs/operations.md)");
  auto last = calendar_coverage(c, D("2027-12-31"));
  EXPECT_EQ(last.days_left, 0);
  EXPECT_TRUE(last.warn);
  auto past = calendar_coverage(c, D("2028-01-01"));
  EXPECT_EQ(past.last_day, std::nullopt);
  EXPECT_TRUE(past.warn);
  EXPECT_EQ(past.days_left, -1);
  EXPECT_EQ(past.message,
            "no production calendar for 2028: business days cannot be counted (payouts, refund deadlines); add "
            "config/calendars/ru-2028.json");
}

}  // namespace
}  // namespace skybill::core
