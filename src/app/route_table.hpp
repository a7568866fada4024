#pragma once
// GET /admin/api/permissions: what each staff role may do, and every route with the access and
// permission it needs. The console shows the matrix to admins choosing a role; the role tests
// walk the route table from it, so a new route cannot escape them.
#include "skybill/http/router.hpp"

namespace skybill::app {

// Registers the route; it reads `router` when asked, so it lists routes added after it too.
void add_route_table_route(http::Router& router);

}  // namespace skybill::app
