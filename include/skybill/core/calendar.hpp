#pragma once
// Business days from the official production calendar, one JSON file per year.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace skybill::core {

using Date = std::chrono::year_month_day;

struct CalendarError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class BusinessCalendar {
 public:
  // Loads every `<country>-YYYY.json` in `dir` (e.g. ru-2026.json). File format:
  // {"country":"ru","year":2026,"source":"<url>",
  //  "days_off":["2026-01-01",...],        // holidays and transferred days off on weekdays
  //  "working_weekends":["2026-..."],      // Saturdays/Sundays made working days
  //  "shortened":["2026-04-30",...]}        // working days one hour shorter
  // Any other Saturday/Sunday is a day off. Throws CalendarError naming the file on bad data.
  static BusinessCalendar load(const std::filesystem::path& dir, const std::string& country = "ru");

  // Throws CalendarError ("no production calendar for 2031") for a year without a file.
  bool is_business_day(Date d) const;
  bool is_shortened(Date d) const;
  // The n-th business day strictly after d (n >= 1). n = 0 returns d itself when it is a
  // business day, else the next one.
  Date next_business_day(Date d, int n = 1) const;
  // The latest business day strictly before d.
  Date previous_business_day(Date d) const;
  std::set<int> years() const;
  // The last day of the unbroken run of years with a file that holds `today` (31 December of
  // its last year), or nullopt when today's year has no file.
  std::optional<Date> covered_through(Date today) const;

  // For tests and the loader.
  struct Year {
    std::set<Date> days_off, working_weekends, shortened;
    std::string source;
  };
  void add_year(int year, Year y);

 private:
  const Year& year_of(Date d) const;
  std::map<int, Year> years_;
};

// How long the production calendar lasts, as /readyz, /metrics and the start-up log tell it.
struct CalendarCoverage {
  std::optional<Date> last_day;  // nullopt: today itself is not covered
  long days_left = 0;            // from today to last_day (0 on the last day; negative: none)
  bool warn = false;             // fewer than kCalendarWarningDays left, or not covered at all
  std::string message;           // what to do, for people; empty when nothing is wrong
};
inline constexpr int kCalendarWarningDays = 60;
CalendarCoverage calendar_coverage(const BusinessCalendar& calendar, Date today);

// "2026-01-09" -> Date; throws CalendarError on a malformed or impossible date.
Date parse_iso_date(const std::string& text);
std::string to_iso_string(Date d);

}  // namespace skybill::core
