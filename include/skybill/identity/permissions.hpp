#pragma once
// What each staff role may do. One table, read by the server before a staff route runs (a route
// names the permission it needs) and by the console, which shows only what may be pressed.
#include <string>
#include <string_view>
#include <vector>

namespace skybill::identity {

// Permission names as routes and the console use them ("area.verb").
inline constexpr std::string_view kPermissions[] = {
    "console",               // the console itself: the Today screen, search
    "bookings.read",         // bookings, invoices, a booking's whole story
    "refunds.write",         // make a refund, in full or by lines with penalties
    "guarantees.approve",    // approve a guarantee letter
    "reconciliation.read",   // the reconciliation queue and statements
    "reconciliation.write",  // import a statement; match, split, mark unrelated, return
    "payouts.read",          // payouts, payment order exports, the settlement report
    "payouts.write",         // export payment orders, mark sent or failed; fail or retry a refund leg
    "clients.read",          // clients with their credit lines and deposits
    "clients.write",         // set a credit line, top up a deposit
    "merchants.read",        // airlines and their settings
    "merchants.write",       // change an airline's settings
    "keys.write",            // create and revoke an airline's API keys
    "webhooks.read",         // webhook endpoints, events and deliveries
    "webhooks.write",        // redeliver an event, enable an endpoint
    "cases.read",            // support cases
    "cases.write",           // assign, comment on and close support cases
    "documents.read",        // closing documents, the post queue
    "documents.write",       // retry a blocked document, mark one posted
    "audit.read",            // the audit trail
    "staff.manage",          // staff users and their roles
    "chat.operate",          // the payment chat: answer dialogs, issue bills, the archive, canned replies
    "chat.settings",         // an airline's chat settings: the sites that embed the widget, its identity key
};

bool is_permission(std::string_view permission) noexcept;
// Whether `role` (admin, accountant, support, airline) has `permission`; false for an unknown
// role or permission. Airline staff get only what is scoped to their airline by the route.
bool role_may(std::string_view role, std::string_view permission) noexcept;
// Every permission of `role`, in kPermissions order.
std::vector<std::string> permissions_of(std::string_view role);

}  // namespace skybill::identity
