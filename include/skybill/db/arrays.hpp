#pragma once
// A text[] parameter: the array literal PostgreSQL reads with $n::text[], every element quoted.
#include <cstdint>
#include <string>
#include <vector>

namespace skybill::db {

inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// A bigint[] parameter: the array literal PostgreSQL reads with $n::bigint[].
inline std::string bigint_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(items[i]);
  }
  return out + "}";
}

}  // namespace skybill::db
