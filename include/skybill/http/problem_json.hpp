#pragma once
// RFC 9457 rendering of a Problem.
#include <nlohmann/json.hpp>
#include <string_view>

#include "skybill/core/problem.hpp"

namespace skybill::http {

inline constexpr std::string_view kProblemTypeBase = "https://skybill.dev/problems/";

nlohmann::json problem_json(const core::Problem& p, std::string_view instance = {});

}  // namespace skybill::http
