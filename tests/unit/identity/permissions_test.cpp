#include "skybill/identity/permissions.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "skybill/identity/staff.hpp"

namespace skybill::identity {
namespace {

TEST(Permissions, EveryRoleHasTheConsoleAndReadsBookings) {
  for (auto role : kStaffUserRoles) {
    EXPECT_TRUE(role_may(role, "console")) << role;
    EXPECT_TRUE(role_may(role, "bookings.read")) << role;
  }
}

TEST(Permissions, AdminMayDoEverything) {
  for (auto p : kPermissions) EXPECT_TRUE(role_may("admin", p)) << p;
  EXPECT_EQ(permissions_of("admin").size(), std::size(kPermissions));
}

TEST(Permissions, TheMatrixAsTheConsoleDocumentsIt) {
  // role → what it may not do; everything else it may.
  const std::map<std::string, std::set<std::string>> refused = {
      {"accountant", {"guarantees.approve", "merchants.write", "keys.write", "webhooks.read", "webhooks.write",
                      "staff.manage", "chat.operate", "chat.settings"}},
      {"support", {"reconciliation.write", "payouts.read", "payouts.write", "clients.write", "merchants.write",
                   "keys.write", "staff.manage", "chat.settings"}},
      {"airline", {"guarantees.approve", "reconciliation.read", "reconciliation.write", "payouts.read",
                   "payouts.write", "clients.read", "clients.write", "merchants.write", "cases.write",
                   "documents.write", "staff.manage"}},
  };
  for (const auto& [role, no] : refused)
    for (auto p : kPermissions) EXPECT_EQ(role_may(role, p), !no.contains(std::string(p))) << role << " " << p;
}

TEST(Permissions, UnknownRolesAndPermissionsAreRefused) {
  EXPECT_FALSE(role_may("", "console"));
  EXPECT_FALSE(role_may("Admin", "console"));
  EXPECT_FALSE(role_may("root", "console"));
  EXPECT_FALSE(role_may("admin", "bookings.delete"));
  EXPECT_FALSE(role_may("admin", ""));
  EXPECT_TRUE(permissions_of("root").empty());
  EXPECT_TRUE(is_permission("refunds.write"));
  EXPECT_FALSE(is_permission("refunds"));
}

TEST(Permissions, ListedInTableOrder) {
  auto p = permissions_of("support");
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p.front(), "console");
  EXPECT_EQ(p.back(), "chat.operate");
}

}  // namespace
}  // namespace skybill::identity
