#pragma once
// The clock of every server and command the tests start, and the dates fixtures write.
//
// A test never reads the wall-clock date: a statement dated "today", a ticketing time limit
// "in three days", a webhook signature's timestamp all come from here, that is from the same
// core::OffsetClock the server under test runs with. scripts/test runs the date-sensitive
// suites again with SKYBILL_TEST_CLOCK_SHIFT set, which moves every server (and these dates)
// far ahead, so a fixture that still reads the wall clock fails there.
#include <chrono>
#include <cstdint>
#include <string>

namespace skybill::test {

using Instant = std::chrono::sys_seconds;

// How far the servers' clocks are moved from the system clock, in whole days:
//   SKYBILL_TEST_CLOCK_SHIFT unset or "none": 0;
//   "weekend": the latest Saturday that is a day off, at least 75 days before the last day
//              any config/calendars file covers (so every horizon a test uses stays on the
//              production calendar);
//   "weekday": the latest business day on or before that Saturday;
//   a number: that many seconds (by hand).
// A shift that would not move the clock forward (the calendars run out within 75 days) is 0.
std::chrono::seconds suite_clock_offset();

// The value of SKYBILL_CLOCK_OFFSET_SECONDS for a server whose clock runs `ahead` of the suite's.
std::string clock_offset_env(std::chrono::seconds ahead = {});

// What the clock of a server started with `clock_offset_env(ahead)` shows now.
Instant server_now(std::chrono::seconds ahead = {});
std::int64_t server_unix(std::chrono::seconds ahead = {});

// 2026-12-07T09:30:00Z
std::string rfc3339(Instant t);
// Dates as a Russian bank writes them, in Moscow time (UTC+3, no daylight saving):
std::string ru_date(Instant t);   // 07.12.2026
std::string iso_date(Instant t);  // 2026-12-07
// A SQL timestamptz literal: '2026-12-07T09:30:00Z'::timestamptz
std::string sql_time(Instant t);

}  // namespace skybill::test
