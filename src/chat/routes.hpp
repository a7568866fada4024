#pragma once
// The chat's REST routes, in files by what they do; all share one copy of the context.
#include <memory>
#include <string>

#include "skybill/chat/chat.hpp"

namespace skybill::chat {

using Shared = Context;

// take, transfer, join, leave, invite-support, close (actions.cpp)
void add_action_routes(http::Router& router, std::shared_ptr<const Shared> ctx);
// the archive's search and a dialog's transcript (archive.cpp)
void add_archive_routes(http::Router& router, std::shared_ptr<const Shared> ctx);
// canned replies, the airline's chat settings, its operators (admin.cpp)
void add_admin_routes(http::Router& router, std::shared_ptr<const Shared> ctx);

}  // namespace skybill::chat
