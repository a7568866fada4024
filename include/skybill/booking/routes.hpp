#pragma once
// POST/GET /v1/bookings.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "skybill/booking/bookings.hpp"
#include "skybill/core/clock.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
class Tx;
}  // namespace skybill::db

namespace skybill::booking {

// What a higher module (invoicing) adds to a booking's JSON: the payment options now and the
// current invoice. Runs in the same transaction as the read or the write.
using Enrich = std::function<void(db::Tx& tx, const Booking& b, core::TimePoint now, nlohmann::json& out)>;

struct RouteContext {
  db::Pool& pool;
  const core::Clock& clock;
  std::string public_url;  // for the hosted payment page's URL
  Enrich enrich;
};

void add_routes(http::Router& router, const RouteContext& ctx);
nlohmann::json booking_json(const Booking& b, const nlohmann::json& client, const std::string& public_url);

}  // namespace skybill::booking
