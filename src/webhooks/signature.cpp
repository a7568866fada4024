#include "skybill/webhooks/signature.hpp"

#include <charconv>
#include <optional>

#include "skybill/crypto/crypto.hpp"

namespace skybill::webhooks {
namespace {

std::string signed_payload(std::int64_t t, std::string_view body) {
  std::string s = std::to_string(t);
  s += '.';
  s.append(body);
  return s;
}

}  // namespace

std::string signature_header(std::int64_t unix_time, std::string_view body, const std::vector<std::string>& secrets) {
  auto payload = signed_payload(unix_time, body);
  std::string header = "t=" + std::to_string(unix_time);
  for (const auto& secret : secrets) {
    header += ",v1=";
    header += crypto::hmac_sha256_hex(secret, payload);
  }
  return header;
}

Verdict verify_signature(std::string_view header, std::string_view body, std::string_view secret,
                         std::int64_t now_unix, std::int64_t tolerance_s) {
  std::optional<std::int64_t> t;
  std::vector<std::string_view> candidates;
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return Verdict::malformed;
    auto key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "t") {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || t) return Verdict::malformed;
      t = v;
    } else if (key == "v1") {
      candidates.push_back(value);
    }  // other schemes are ignored, as a receiver should
  }
  if (!t || candidates.empty()) return Verdict::malformed;
  auto expected = crypto::hmac_sha256_hex(secret, signed_payload(*t, body));
  bool match = false;
  for (auto c : candidates) match = crypto::equal_constant_time(c, expected) || match;
  if (!match) return Verdict::mismatch;
  if (*t < now_unix - tolerance_s || *t > now_unix + tolerance_s) return Verdict::outside_tolerance;
  return Verdict::valid;
}

}  // namespace skybill::webhooks
