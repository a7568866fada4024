#include "skybill/log/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>  // also declares the stderr sinks
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace skybill::log {
namespace {

Format g_format = Format::text;

spdlog::level::level_enum to_spdlog(Level l) {
  switch (l) {
    case Level::trace: return spdlog::level::trace;
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
    case Level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::string_view level_name(Level l) {
  switch (l) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::off: return "off";
  }
  return "info";
}

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = [] {
    // stderr: the command-line tools keep stdout for their JSON result.
    auto l = std::make_shared<spdlog::logger>("skybill",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return instance;
}

}  // namespace

Level parse_level(std::string_view name) {
  for (Level l : {Level::trace, Level::debug, Level::info, Level::warn, Level::error, Level::off})
    if (level_name(l) == name) return l;
  throw std::invalid_argument("expected one of trace, debug, info, warn, error, off");
}

Format parse_format(std::string_view name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  throw std::invalid_argument("expected text or json");
}

void init(Level level, Format format) {
  g_format = format;
  logger()->set_level(to_spdlog(level));
}

bool enabled(Level level) { return logger()->should_log(to_spdlog(level)); }

void event(Level level, std::string_view message, const nlohmann::json& fields) {
  if (!enabled(level)) return;
  std::string line;
  if (g_format == Format::json) {
    nlohmann::json j = {{"ts", utc_timestamp()}, {"level", level_name(level)}, {"msg", message}};
    if (fields.is_object()) j.update(fields);
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = utc_timestamp() + " " + std::string(level_name(level)) + " " + std::string(message);
    if (fields.is_object())
      for (const auto& [k, v] : fields.items())
        line += " " + k + "=" +
                (v.is_string() ? v.get<std::string>()
                               : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  logger()->log(to_spdlog(level), line);
}

void info(std::string_view m) { event(Level::info, m, nullptr); }
void warn(std::string_view m) { event(Level::warn, m, nullptr); }
void error(std::string_view m) { event(Level::error, m, nullptr); }

}  // namespace skybill::log
