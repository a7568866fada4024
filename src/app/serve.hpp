#pragma once
#include "skybill/app/config.hpp"

namespace skybill::app {
// The composition root: config -> pool -> routes -> server. Returns the exit code.
int serve(const Config& config);
}  // namespace skybill::app
