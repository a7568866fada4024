#pragma once
// The identity endpoints and the authenticator the server uses for every protected route.
#include "skybill/http/server.hpp"

namespace skybill::db { class Pool; }

namespace skybill::identity {

void add_routes(http::Router& router, db::Pool& pool);
http::Authenticator make_authenticator(db::Pool& pool);

}  // namespace skybill::identity
