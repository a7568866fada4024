#pragma once
// What tests that drive HTML pages and time-driven jobs over real HTTP share.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace skybill::test {

// A TCP port free on the loopback now (for an instance whose public URL must be known first).
int free_port();
// "http://127.0.0.1:1234/pay/x?y" -> "/pay/x?y"
std::string path_of(const std::string& url);
// application/x-www-form-urlencoded
std::string form_encode(const std::map<std::string, std::string>& fields);
// Polls `done` every 50 ms until it holds or `within` passes; its last answer.
bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds within = std::chrono::seconds(20));

}  // namespace skybill::test
