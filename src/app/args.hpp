#pragma once
// Parsing of `--name value`, `--name=value` and `--flag` options.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace skybill::app {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Options {
 public:
  // `valued` take a value, `flags` do not; anything else is a UsageError.
  Options(const std::vector<std::string>& args, const std::set<std::string>& valued,
          const std::set<std::string>& flags);
  std::string required(const std::string& name) const;
  std::optional<std::string> optional(const std::string& name) const;
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

}  // namespace skybill::app
