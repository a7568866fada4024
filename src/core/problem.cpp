#include "skybill/core/problem.hpp"

namespace skybill::core {

Problem validation_failed(std::vector<FieldError> errors) {
  std::string detail = std::to_string(errors.size()) + " field(s) are invalid";
  return Problem(422, "validation-failed", "Request validation failed", std::move(detail),
                 std::move(errors));
}

Problem not_found(std::string what) {
  return Problem(404, "not-found", std::move(what) + " not found");
}

}  // namespace skybill::core
