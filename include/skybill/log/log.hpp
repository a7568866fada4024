#pragma once
// Structured logging: one line per event, as text (`ts level msg k=v …`) or as a JSON object.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace skybill::log {

enum class Level { trace, debug, info, warn, error, off };
enum class Format { text, json };

// Throws std::invalid_argument for an unknown name.
Level parse_level(std::string_view name);
Format parse_format(std::string_view name);

void init(Level level, Format format);
bool enabled(Level level);
// `fields` must be a JSON object (or null).
void event(Level level, std::string_view message, const nlohmann::json& fields);
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

}  // namespace skybill::log
