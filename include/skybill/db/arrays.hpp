#pragma once
// A text[] parameter: the array literal PostgreSQL reads with $n::text[], every element quoted.
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

}  // namespace skybill::db
