#pragma once
// The skybill command line: serve, migrate, merchant and staff administration.
#include <string>
#include <vector>

namespace skybill::app {

// Returns the process exit code: 0 success, 1 failure, 2 bad usage or configuration.
int run_cli(const std::vector<std::string>& args);

}  // namespace skybill::app
