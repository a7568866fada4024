#pragma once
// Collects every problem of a JSON body, each named by its path ("lines[2].amount").
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/problem.hpp"

namespace skybill::booking {

class Validator {
 public:
  void fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool ok() const { return errors_.empty(); }
  void throw_if_failed() const {
    if (!errors_.empty()) throw core::validation_failed(errors_);
  }

  // The value at `field` of `obj` as a trimmed string; nullopt (with an error when required)
  // when absent, null, not a string, empty, or longer than `max` characters.
  std::optional<std::string> text(const nlohmann::json& obj, const std::string& path, const char* field,
                                   bool required, std::size_t max);
  // Refuses any member of `obj` not in `known`.
  void only(const nlohmann::json& obj, const std::string& path, std::initializer_list<const char*> known);

 private:
  std::vector<core::FieldError> errors_;
};

std::string join(const std::string& path, const std::string& field);
std::size_t utf8_length(const std::string& s);

}  // namespace skybill::booking
