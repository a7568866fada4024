#include "validator.hpp"

#include <algorithm>

namespace skybill::booking {

std::string join(const std::string& path, const std::string& field) {
  return path.empty() ? field : path + "." + field;
}

std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::optional<std::string> Validator::text(const nlohmann::json& obj, const std::string& path, const char* field,
                                           bool required, std::size_t max) {
  auto name = join(path, field);
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (required) fail(name, "is required");
    return std::nullopt;
  }
  if (!it->is_string()) {
    fail(name, "must be a string");
    return std::nullopt;
  }
  auto v = it->get<std::string>();
  auto b = v.find_first_not_of(" \t\r\n");
  v = b == std::string::npos ? "" : v.substr(b, v.find_last_not_of(" \t\r\n") - b + 1);
  if (v.empty()) {
    fail(name, "must not be empty");
    return std::nullopt;
  }
  if (utf8_length(v) > max) {
    fail(name, "must have at most " + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return v;
}

void Validator::only(const nlohmann::json& obj, const std::string& path, std::initializer_list<const char*> known) {
  for (const auto& [k, v] : obj.items())
    if (std::none_of(known.begin(), known.end(), [&](const char* n) { return k == n; }))
      fail(join(path, k), "is not a known field");
}

}  // namespace skybill::booking
