#pragma once
// GET /v1/audit: a merchant reads the audit trail of one of its own entities.
#include <string_view>

#include "skybill/http/router.hpp"

namespace skybill::db { class Pool; }

namespace skybill::audit {

// The entities audit rows name (the part of the action before the dot).
bool is_entity(std::string_view name) noexcept;

// GET /v1/audit?entity=booking&id=<uuid>[&limit=&cursor=]: that entity's rows of the caller's
// merchant, oldest first, with cursor pagination (the cursor is a row id, a positive integer).
void add_routes(http::Router& router, db::Pool& pool);
// GET /admin/api/audit: the console's trail (filters entity, id, actor, action, airline, from, to;
// newest first; ?format=csv). Airline staff see their airline's rows only.
void add_staff_routes(http::Router& router, db::Pool& pool);

}  // namespace skybill::audit
