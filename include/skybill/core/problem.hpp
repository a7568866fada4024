#pragma once
// An RFC 9457 problem: what every failure a client may see is turned into.
#include <stdexcept>
#include <string>
#include <vector>

namespace skybill::core {

struct FieldError {
  std::string field;    // JSON pointer-ish path: "inn", "lines[2].amount"
  std::string message;  // for a human
};

class Problem : public std::runtime_error {
 public:
  // `type` is the stable slug ("validation-failed"); it becomes
  // https://skybill.dev/problems/<type> on the wire.
  Problem(int status, std::string type, std::string title, std::string detail = {},
          std::vector<FieldError> errors = {})
      : std::runtime_error(title),
        status(status), type(std::move(type)), title(std::move(title)),
        detail(std::move(detail)), errors(std::move(errors)) {}

  int status;
  std::string type;
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
};

Problem validation_failed(std::vector<FieldError> errors);
Problem not_found(std::string what);

}  // namespace skybill::core
