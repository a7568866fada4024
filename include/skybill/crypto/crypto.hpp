#pragma once
// Hashes and random tokens (OpenSSL).
#include <string>
#include <string_view>

namespace skybill::crypto {

std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of `data` under `key`, as lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares in time independent of where the strings differ (signatures, tokens).
bool equal_constant_time(std::string_view a, std::string_view b);
// `bytes` random bytes from the OS CSPRNG, as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);
// A token of `length` characters from [0-9A-Za-z], uniformly drawn (rejection sampling).
std::string random_base62(std::size_t length);

}  // namespace skybill::crypto
