#include "route_table.hpp"

#include <nlohmann/json.hpp>

#include "skybill/identity/permissions.hpp"
#include "skybill/identity/staff.hpp"

namespace skybill::app {
namespace {

std::string access_name(http::Access a) {
  switch (a) {
    case http::Access::anyone: return "anyone";
    case http::Access::merchant: return "merchant";
    case http::Access::staff: return "staff";
    case http::Access::key: return "key";
    case http::Access::any_staff: return "any_staff";
  }
  return "unknown";
}

}  // namespace

void add_route_table_route(http::Router& router) {
  const http::Router& table = router;
  router.add("GET", "/admin/api/permissions", http::Access::any_staff, "console",
             [&table](http::Request&) -> boost::asio::awaitable<http::Response> {
               nlohmann::json roles = nlohmann::json::object();
               for (auto role : identity::kStaffUserRoles)
                 roles[std::string(role)] = identity::permissions_of(role);
               nlohmann::json permissions = nlohmann::json::array();
               for (auto p : identity::kPermissions) permissions.push_back(std::string(p));
               nlohmann::json routes = nlohmann::json::array();
               for (const auto& r : table.routes())
                 routes.push_back({{"method", r.method},
                                   {"pattern", r.pattern},
                                   {"access", access_name(r.access)},
                                   {"permission", r.permission.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.permission)}});
               co_return http::Response::json(200, {{"roles", roles}, {"permissions", permissions}, {"routes", routes}});
             });
}

}  // namespace skybill::app
