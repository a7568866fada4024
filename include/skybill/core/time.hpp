#pragma once
// RFC 3339 timestamps as the API carries them.
#include <optional>
#include <string>
#include <string_view>

#include "skybill/core/clock.hpp"

namespace skybill::core {

// "2026-11-23T18:30:00+03:00", "2026-11-23T15:30:00.250Z": date, 'T' (or 't'), time with
// optional fraction (up to microseconds), and a required offset. nullopt for anything else,
// including impossible dates and times.
std::optional<TimePoint> parse_rfc3339(std::string_view text) noexcept;
// UTC with 'Z'; the fraction only when it is not zero: "2026-11-23T15:30:00Z".
std::string to_rfc3339(TimePoint t);

}  // namespace skybill::core
