#include "skybill/http/problem_json.hpp"

namespace skybill::http {

nlohmann::json problem_json(const core::Problem& p, std::string_view instance) {
  nlohmann::json j = {{"type", std::string(kProblemTypeBase) + p.type},
                      {"title", p.title},
                      {"status", p.status}};
  if (!p.detail.empty()) j["detail"] = p.detail;
  if (!instance.empty()) j["instance"] = instance;
  if (!p.errors.empty()) {
    auto& errors = j["errors"] = nlohmann::json::array();
    for (const auto& e : p.errors) errors.push_back({{"field", e.field}, {"message", e.message}});
  }
  return j;
}

}  // namespace skybill::http
