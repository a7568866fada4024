#include "server_clock.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "harness.hpp"
#include "skybill/core/calendar.hpp"
#include "skybill/core/clock.hpp"

namespace skybill::test {

using namespace std::chrono;

namespace {

constexpr days kHorizon{75};

// Today's date as the system clock has it: the one place the tests look at it, to measure how
// far the servers must be moved.
sys_days system_today() { return floor<days>(system_clock::now()); }

seconds shift_to(const std::string& kind) {
  auto calendar = core::BusinessCalendar::load(source_dir() + "/config/calendars");
  auto years = calendar.years();
  if (years.empty()) throw std::runtime_error("no production calendar in config/calendars");
  sys_days last = sys_days{year{*years.rbegin()} / December / 31};
  sys_days day = last - kHorizon;
  while (weekday{day} != Saturday || calendar.is_business_day(year_month_day{day})) day -= days{1};
  if (kind == "weekday")
    while (!calendar.is_business_day(year_month_day{day})) day -= days{1};
  auto ahead = day - system_today();
  return ahead > days{0} ? duration_cast<seconds>(ahead) : seconds{0};
}

seconds compute_offset() {
  const char* raw = std::getenv("SKYBILL_TEST_CLOCK_SHIFT");
  std::string kind = raw ? raw : "";
  if (kind.empty() || kind == "none") return seconds{0};
  if (kind == "weekend" || kind == "weekday") return shift_to(kind);
  char* end = nullptr;
  long long n = std::strtoll(kind.c_str(), &end, 10);
  if (end == kind.c_str() || *end)
    throw std::runtime_error("SKYBILL_TEST_CLOCK_SHIFT must be none, weekday, weekend or seconds: " + kind);
  return seconds{n};
}

std::string format(Instant t, const char* pattern_kind) {
  auto day = floor<days>(t);
  year_month_day d{day};
  hh_mm_ss hms{t - day};
  char buf[48];
  int y = static_cast<int>(d.year());
  unsigned m = static_cast<unsigned>(d.month()), dd = static_cast<unsigned>(d.day());
  if (pattern_kind[0] == 'r')
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", y, m, dd, static_cast<long>(hms.hours().count()),
                  static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
  else if (pattern_kind[0] == 'd')
    std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", dd, m, y);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, dd);
  return buf;
}

}  // namespace

seconds suite_clock_offset() {
  static const seconds offset = compute_offset();
  return offset;
}

std::string clock_offset_env(seconds ahead) { return std::to_string((suite_clock_offset() + ahead).count()); }

Instant server_now(seconds ahead) {
  core::OffsetClock clock(suite_clock_offset() + ahead);
  return floor<seconds>(clock.now());
}

std::int64_t server_unix(seconds ahead) { return server_now(ahead).time_since_epoch().count(); }

std::string rfc3339(Instant t) { return format(t, "rfc3339"); }
std::string ru_date(Instant t) { return format(t + hours(3), "dmy"); }
std::string iso_date(Instant t) { return format(t + hours(3), "iso"); }
std::string sql_time(Instant t) {
  std::string out = rfc3339(t);  // appended, not "'" + …: GCC 12 at -O3 warns falsely (-Wrestrict)
  out.insert(out.begin(), '\'');
  out += "'::timestamptz";
  return out;
}

}  // namespace skybill::test
