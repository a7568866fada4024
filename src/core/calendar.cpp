#include "skybill/core/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace skybill::core {
namespace fs = std::filesystem;
using std::chrono::sys_days;

namespace {

bool is_weekend(Date d) {
  const std::chrono::weekday wd{sys_days{d}};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

std::string year_string(int year) { return std::to_string(year); }

std::set<Date> read_dates(const nlohmann::json& doc, const char* key, int year) {
  if (!doc.contains(key)) throw CalendarError(std::string("missing \"") + key + "\"");
  const auto& list = doc.at(key);
  if (!list.is_array()) throw CalendarError(std::string("\"") + key + "\" must be an array");
  std::set<Date> dates;
  for (const auto& item : list) {
    if (!item.is_string())
      throw CalendarError(std::string("\"") + key + "\" must hold \"YYYY-MM-DD\" strings");
    const Date d = parse_iso_date(item.get<std::string>());
    if (static_cast<int>(d.year()) != year)
      throw CalendarError(std::string("\"") + key + "\" has " + to_iso_string(d) + ", outside " +
                          year_string(year));
    if (!dates.insert(d).second)
      throw CalendarError(std::string("\"") + key + "\" lists " + to_iso_string(d) + " twice");
  }
  return dates;
}

void check_consistent(const BusinessCalendar::Year& y) {
  for (Date d : y.working_weekends) {
    if (!is_weekend(d))
      throw CalendarError("working weekend " + to_iso_string(d) + " is not a Saturday or Sunday");
    if (y.days_off.contains(d))
      throw CalendarError(to_iso_string(d) + " is both a day off and a working weekend day");
  }
  for (Date d : y.shortened) {
    const bool working = is_weekend(d) ? y.working_weekends.contains(d) : !y.days_off.contains(d);
    if (!working)
      throw CalendarError("shortened day " + to_iso_string(d) + " is not a working day");
  }
}

BusinessCalendar::Year parse_year(const nlohmann::json& doc, const std::string& country, int year) {
  static const std::set<std::string> known{"country",   "year",  "source",          "days_off",
                                           "shortened", "notes", "working_weekends"};
  if (!doc.is_object()) throw CalendarError("top level must be a JSON object");
  for (const auto& [key, value] : doc.items())
    if (!known.contains(key)) throw CalendarError("unknown key \"" + key + "\"");
  if (!doc.contains("country") || doc.at("country") != country)
    throw CalendarError("\"country\" must be \"" + country + "\"");
  if (!doc.contains("year") || !doc.at("year").is_number_integer() || doc.at("year") != year)
    throw CalendarError("\"year\" must be " + year_string(year) + ", as in the file name");
  if (!doc.contains("source") || !doc.at("source").is_string() ||
      doc.at("source").get<std::string>().empty())
    throw CalendarError("\"source\" must name where the data comes from");

  BusinessCalendar::Year y;
  y.source = doc.at("source").get<std::string>();
  y.days_off = read_dates(doc, "days_off", year);
  y.working_weekends = read_dates(doc, "working_weekends", year);
  y.shortened = read_dates(doc, "shortened", year);
  check_consistent(y);
  return y;
}

BusinessCalendar::Year load_file(const fs::path& file, const std::string& country, int year) {
  try {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw CalendarError("cannot open");
    return parse_year(nlohmann::json::parse(in), country, year);
  } catch (const std::exception& e) {
    throw CalendarError("production calendar " + file.string() + ": " + e.what());
  }
}

// "ru-2026.json" -> 2026 for country "ru"; anything else -> nullopt.
std::optional<int> year_in_file_name(const std::string& name, const std::string& country) {
  const std::string prefix = country + "-", suffix = ".json";
  if (name.size() != prefix.size() + 4 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix))
    return std::nullopt;
  const std::string digits = name.substr(prefix.size(), 4);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(digits);
}

}  // namespace

BusinessCalendar BusinessCalendar::load(const fs::path& dir, const std::string& country) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw CalendarError("production calendar directory " + dir.string() + " does not exist");
  BusinessCalendar calendar;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::optional<int> year = year_in_file_name(entry.path().filename().string(), country);
    if (entry.is_regular_file() && year)
      calendar.add_year(*year, load_file(entry.path(), country, *year));
  }
  if (calendar.years_.empty())
    throw CalendarError("no production calendar files " + country + "-YYYY.json in " +
                        dir.string());
  return calendar;
}

void BusinessCalendar::add_year(int year, Year y) { years_[year] = std::move(y); }

std::set<int> BusinessCalendar::years() const {
  std::set<int> out;
  for (const auto& [year, data] : years_) out.insert(year);
  return out;
}

std::optional<Date> BusinessCalendar::covered_through(Date today) const {
  if (!today.ok()) return std::nullopt;
  int y = static_cast<int>(today.year());
  if (!years_.contains(y)) return std::nullopt;
  while (years_.contains(y + 1)) ++y;
  return Date{std::chrono::year{y}, std::chrono::December, std::chrono::day{31}};
}

CalendarCoverage calendar_coverage(const BusinessCalendar& calendar, Date today) {
  CalendarCoverage c;
  c.last_day = calendar.covered_through(today);
  if (!c.last_day) {
    c.days_left = -1;
    c.warn = true;
    c.message = "no production calendar for " + year_string(static_cast<int>(today.year())) +
                ": business days cannot be counted (payouts, refund deadlines); add config/calendars/ru-" +
                year_string(static_cast<int>(today.year())) + ".json";
    return c;
  }
  c.days_left = (sys_days{*c.last_day} - sys_days{today}).count();
  if (c.days_left < kCalendarWarningDays) {
    c.warn = true;
    const int add = static_cast<int>(c.last_day->year()) + 1;
    c.message = "the production calendar ends on " + to_iso_string(*c.last_day) + " (" + std::to_string(c.days_left) +
                " days left): add config/calendars/ru-" + year_string(add) + ".json (docs/operations.md)";
  }
  return c;
}

const BusinessCalendar::Year& BusinessCalendar::year_of(Date d) const {
  if (!d.ok()) throw CalendarError("invalid date " + to_iso_string(d));
  const int year = static_cast<int>(d.year());
  const auto it = years_.find(year);
  if (it == years_.end()) throw CalendarError("no production calendar for " + year_string(year));
  return it->second;
}

bool BusinessCalendar::is_business_day(Date d) const {
  const Year& y = year_of(d);
  if (y.days_off.contains(d)) return false;
  return !is_weekend(d) || y.working_weekends.contains(d);
}

bool BusinessCalendar::is_shortened(Date d) const { return year_of(d).shortened.contains(d); }

Date BusinessCalendar::next_business_day(Date d, int n) const {
  if (n < 0) throw std::invalid_argument("next_business_day: n must be >= 0");
  sys_days day{d};
  if (n == 0) {
    while (!is_business_day(Date{day})) day += std::chrono::days{1};
    return Date{day};
  }
  if (!d.ok()) throw CalendarError("invalid date " + to_iso_string(d));
  while (n > 0) {
    day += std::chrono::days{1};
    if (is_business_day(Date{day})) --n;
  }
  return Date{day};
}

Date BusinessCalendar::previous_business_day(Date d) const {
  if (!d.ok()) throw CalendarError("invalid date " + to_iso_string(d));
  sys_days day{d};
  do day -= std::chrono::days{1};
  while (!is_business_day(Date{day}));
  return Date{day};
}

Date parse_iso_date(const std::string& text) {
  bool shape = text.size() == 10;
  for (std::size_t i = 0; shape && i < text.size(); ++i)
    shape = (i == 4 || i == 7) ? text[i] == '-' : (text[i] >= '0' && text[i] <= '9');
  if (shape) {
    const Date d{std::chrono::year{std::stoi(text.substr(0, 4))},
                 std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                 std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
    if (d.ok()) return d;
  }
  throw CalendarError("invalid date \"" + text + "\": expected an existing YYYY-MM-DD date");
}

std::string to_iso_string(Date d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace skybill::core
