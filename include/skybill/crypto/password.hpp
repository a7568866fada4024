#pragma once
// Password hashing: PBKDF2-HMAC-SHA256 (OpenSSL) with a random 16-byte salt per password.
//
// The stored form carries everything verification needs, so the cost can change without
// invalidating old hashes:  pbkdf2-sha256$<iterations>$<salt, base64>$<32-byte hash, base64>
#include <optional>
#include <string>
#include <string_view>

namespace skybill::crypto {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 150 ms on one core of the build machines.
inline constexpr int kPasswordIterations = 600'000;
// What an encoding may ask for: below, a hash is too weak to accept; above, verifying it would
// tie up a core for seconds (a tampered row must not become a denial of service).
inline constexpr int kMinPasswordIterations = 1'000;
inline constexpr int kMaxPasswordIterations = 10'000'000;

// PBKDF2-HMAC-SHA256 of `password` and `salt`: `length` raw bytes (RFC 8018 §5.2).
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations, std::size_t length);

// A new encoding with a fresh salt. Throws std::invalid_argument for an iteration count outside
// [kMinPasswordIterations, kMaxPasswordIterations].
std::string hash_password(std::string_view password, int iterations = kPasswordIterations);

// True when `password` is the one `encoded` was made from. False for a wrong password and for an
// encoding that is malformed or out of bounds; the hashes are compared in constant time.
bool verify_password(std::string_view password, std::string_view encoded) noexcept;

// The iteration count of a well-formed encoding, nullopt otherwise (to re-hash weaker ones).
std::optional<int> password_iterations(std::string_view encoded) noexcept;

// Standard base64 (RFC 4648 §4, with padding); decoding refuses anything else.
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace skybill::crypto
