#pragma once
// The route table: method + path pattern with {parameters}, and who may call it.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "skybill/http/message.hpp"
#include "skybill/http/websocket.hpp"

namespace skybill::http {

// key: any valid credential, merchant or staff (the handler scopes what each sees).
// Airline staff (a staff principal with a merchant_id) are refused (403) everywhere but on
// any_staff routes: a route opts in by being any_staff, and its handler must scope what it
// reads or changes by Principal::merchant_id. staff and key routes are gateway-wide.
enum class Access { anyone, merchant, staff, key, any_staff };

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct Route {
  std::string method;
  std::string pattern;
  Access access;
  Handler handler;
  std::vector<std::string> segments;  // "{id}" marks a parameter
  // Staff callers need this permission (identity/permissions.hpp); empty: the access level says
  // it all. Merchant API keys are governed by `access` alone.
  std::string permission;
  // A WebSocket endpoint (GET with Upgrade: websocket): the socket handler instead of `handler`,
  // and a check of the upgrade request before it is accepted.
  SocketHandler socket;
  Admit admit;
  SocketOptions socket_options;
};

struct Match {
  const Route* route = nullptr;               // set when method and path match
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;           // path matched, method did not: the methods that would
};

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern or a duplicate method+pattern.
  void add(std::string method, std::string pattern, Access access, Handler handler);
  // The same, for a route whose staff callers need `permission` ("refunds.write").
  void add(std::string method, std::string pattern, Access access, std::string permission, Handler handler);
  // A WebSocket endpoint at GET `pattern`. A plain GET there (no upgrade) is a 426.
  void add_socket(std::string pattern, Access access, std::string permission, SocketHandler handler,
                  Admit admit = {}, SocketOptions options = {});
  Match match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace skybill::http
