#pragma once
// Skybill-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>[,v1=...]
// One v1 per secret in force: during a rotation both the new and the old secret sign.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skybill::webhooks {

std::string signature_header(std::int64_t unix_time, std::string_view body, const std::vector<std::string>& secrets);

enum class Verdict { valid, malformed, mismatch, outside_tolerance };
// What a receiver does (docs/webhooks.md): any v1 matching under `secret`, and t within
// `tolerance_s` of `now_unix`.
Verdict verify_signature(std::string_view header, std::string_view body, std::string_view secret,
                         std::int64_t now_unix, std::int64_t tolerance_s = 300);

}  // namespace skybill::webhooks
