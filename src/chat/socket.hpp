#pragma once
// The customer's socket (/chat/socket) and staff's (/admin/chat/socket).
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "skybill/chat/chat.hpp"
#include "skybill/http/websocket.hpp"

namespace skybill::chat {

class Hub;

boost::asio::awaitable<void> serve_visitor(const Context& ctx, std::shared_ptr<Hub> hub, http::Request& req,
                                           std::shared_ptr<http::WebSocket> ws);
boost::asio::awaitable<void> serve_staff(const Context& ctx, std::shared_ptr<Hub> hub, http::Request& req,
                                         std::shared_ptr<http::WebSocket> ws);

}  // namespace skybill::chat
