#pragma once
// Secrets kept at rest encrypted (AES-256-GCM, OpenSSL): a sealed value is
// "sealed:v1:" + hex(12-byte random nonce || ciphertext || 16-byte tag). Anyone altering it, or
// opening it with another key, gets an error, never a wrong plaintext.
#include <stdexcept>
#include <string>
#include <string_view>

namespace skybill::crypto {

struct SealError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A key is 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`.
bool is_key_hex(std::string_view key_hex);
bool is_sealed(std::string_view value);
// Throws SealError for a malformed key.
std::string seal(std::string_view key_hex, std::string_view plaintext);
// Throws SealError for a malformed key or value, another key, or an altered value.
std::string open_sealed(std::string_view key_hex, std::string_view sealed);

}  // namespace skybill::crypto
