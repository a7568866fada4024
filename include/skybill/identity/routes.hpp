#pragma once
// The identity endpoints and the authenticator the server uses for every protected route.
#include "skybill/http/server.hpp"
#include "skybill/identity/staff.hpp"

namespace skybill::db { class Pool; }
namespace skybill::core { class Clock; }

namespace skybill::identity {

struct StaffContext {
  db::Pool& pool;
  const core::Clock& clock;
  StaffSettings settings;
};

void add_routes(http::Router& router, db::Pool& pool);
// Staff sign-in and its users: /admin/api/session, /admin/api/password, /admin/api/me,
// /admin/api/staff. `ctx` must outlive the router.
void add_staff_routes(http::Router& router, const StaffContext& ctx);
// The console's airline pages: GET /admin/api/merchants/{id}, its API keys (list, create, revoke).
void add_key_routes(http::Router& router, db::Pool& pool);

// The console's client screens (credit_routes.cpp): /admin/api/clients (search, paged),
// /admin/api/clients/{id} (credit lines, deposits, ledger history), PUT …/credit-lines/{currency},
// POST …/deposits (Idempotency-Key honoured). `pool` must outlive the router.
void add_credit_routes(http::Router& router, db::Pool& pool);

// Authorization: Bearer <key> (merchant or staff key) when the header is there; else the
// skybill_session cookie of a signed-in staff user, whose unsafe requests (POST, PUT, PATCH,
// DELETE) must carry the session's X-CSRF-Token (403 csrf-failed otherwise). A session slides
// its idle expiry on use (one UPDATE a minute at most). `ctx` must outlive the server.
http::Authenticator make_authenticator(const StaffContext& ctx);

// Forgets sign-in attempts older than a day and sessions ended over 30 days ago.
boost::asio::awaitable<void> purge_sign_in_records(const StaffContext& ctx);

}  // namespace skybill::identity
