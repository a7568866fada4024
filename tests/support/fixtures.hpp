#pragma once
// Request bodies and times that several integration tests share.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace skybill::test {

// The servers' clock (server_clock.hpp) + `ahead`, whole seconds, as RFC 3339 UTC.
std::string rfc3339_in(std::chrono::seconds ahead);

// A valid booking of one passenger and three lines (11 499.50 RUB), TL `tl_ahead` from the servers' now.
nlohmann::json booking_body(const std::string& reference, std::chrono::seconds tl_ahead = std::chrono::hours(72));

}  // namespace skybill::test
