#include "skybill/identity/permissions.hpp"

#include <algorithm>
#include <array>

namespace skybill::identity {
namespace {

struct Grant {
  std::string_view permission;
  bool admin, accountant, support, airline;
};

// admin: everything. accountant: money (reconciliation, payouts, refunds, clients' credit).
// support: people's problems (cases, webhooks, refunds, guarantee letters), reads money. airline: its own bookings, refunds,
// keys and webhooks; reads its cases, documents and audit trail. chat: the airline's operators
// and the gateway's support (invited into a dialog for card problems).
constexpr std::array<Grant, std::size(kPermissions)> kGrants{{
    //                                 admin  acct   supp   airline
    {"console",                        true,  true,  true,  true},
    {"bookings.read",                  true,  true,  true,  true},
    {"refunds.write",                  true,  true,  true,  true},
    {"guarantees.approve",             true,  false, true,  false},
    {"reconciliation.read",            true,  true,  true,  false},
    {"reconciliation.write",           true,  true,  false, false},
    {"payouts.read",                   true,  true,  false, false},
    {"payouts.write",                  true,  true,  false, false},
    {"clients.read",                   true,  true,  true,  false},
    {"clients.write",                  true,  true,  false, false},
    {"merchants.read",                 true,  true,  true,  true},
    {"merchants.write",                true,  false, false, false},
    {"keys.write",                     true,  false, false, true},
    {"webhooks.read",                  true,  false, true,  true},
    {"webhooks.write",                 true,  false, true,  true},
    {"cases.read",                     true,  true,  true,  true},
    {"cases.write",                    true,  true,  true,  false},
    {"documents.read",                 true,  true,  true,  true},
    {"documents.write",                true,  true,  true,  false},
    {"audit.read",                     true,  true,  true,  true},
    {"staff.manage",                   true,  false, false, false},
    {"chat.operate",                   true,  false, true,  true},
    {"chat.settings",                  true,  false, false, true},
}};

constexpr bool same_order() {
  for (std::size_t i = 0; i < kGrants.size(); ++i)
    if (kGrants[i].permission != kPermissions[i]) return false;
  return true;
}
static_assert(same_order(), "kGrants lists kPermissions in the same order");

}  // namespace

bool is_permission(std::string_view permission) noexcept {
  return std::find(std::begin(kPermissions), std::end(kPermissions), permission) != std::end(kPermissions);
}

bool role_may(std::string_view role, std::string_view permission) noexcept {
  for (const auto& g : kGrants) {
    if (g.permission != permission) continue;
    if (role == "admin") return g.admin;
    if (role == "accountant") return g.accountant;
    if (role == "support") return g.support;
    if (role == "airline") return g.airline;
    return false;
  }
  return false;
}

std::vector<std::string> permissions_of(std::string_view role) {
  std::vector<std::string> out;
  for (auto p : kPermissions)
    if (role_may(role, p)) out.emplace_back(p);
  return out;
}

}  // namespace skybill::identity
