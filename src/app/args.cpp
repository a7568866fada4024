#include "args.hpp"

namespace skybill::app {

Options::Options(const std::vector<std::string>& args, const std::set<std::string>& valued,
                 const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (!a.starts_with("--")) throw UsageError("unexpected argument: " + a);
    auto eq = a.find('=');
    std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (flags.count(name)) {
      if (eq != std::string::npos) throw UsageError("--" + name + " takes no value");
      flags_.insert(name);
    } else if (valued.count(name)) {
      if (values_.count(name)) throw UsageError("--" + name + " given twice");
      if (eq != std::string::npos) {
        values_[name] = a.substr(eq + 1);
      } else {
        if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value");
        values_[name] = args[++i];
      }
    } else {
      throw UsageError("unknown option --" + name);
    }
  }
}

std::string Options::required(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw UsageError("--" + name + " is required");
  return it->second;
}

std::optional<std::string> Options::optional(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace skybill::app
