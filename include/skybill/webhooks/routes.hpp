#pragma once
// /v1/webhook-endpoints (create, list, show, delete, rotate-secret) and /v1/events (list,
// show, deliveries, redeliver), for a merchant's own endpoints and events.
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/http/router.hpp"

namespace skybill::db {
class Pool;
}

namespace skybill::webhooks {

// Event types an endpoint may subscribe to (besides "*").
const std::vector<std::string>& event_types();
inline constexpr int kMaxEndpointsPerMerchant = 16;
inline constexpr int kEventRetentionDays = 30;

// Endpoint secrets are stored sealed (AES-256-GCM) under this key (64 hex characters,
// webhooks.secret_key); empty: stored as they are. Call once at start-up, before serving.
void configure_secret_key(std::string key_hex);

// `allow_private_targets` (delivery.private_targets = allow): endpoints may name loopback and
// private addresses; otherwise such a URL is a 422.
void add_routes(http::Router& router, db::Pool& pool, const core::Clock& clock, bool allow_private_targets);
// The console's: /admin/api/merchants/{id}/webhook-endpoints (health, deliveries, enable) and
// /admin/api/merchants/{id}/events/{event}/redeliver, for staff (airline staff: their airline only).
void add_staff_routes(http::Router& router, db::Pool& pool, const core::Clock& clock);

}  // namespace skybill::webhooks
