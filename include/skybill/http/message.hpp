#pragma once
// Request and response as handlers see them: plain values, no Beast types.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skybill::core { class Problem; }

namespace skybill::http {

// Who is calling, taken from the credential; never from the request body.
struct Principal {
  enum class Kind { merchant, staff };
  Kind kind = Kind::merchant;
  std::string id;      // merchant id or staff user id
  std::string role;    // staff role (admin, accountant, support, airline); empty for merchants
  std::string key_id;  // the API or staff key used; empty for a signed-in session
  bool live = false;   // sk_live_ rather than sk_test_
  // Airline staff (role airline): the one airline they may see. Such a principal reaches only
  // routes registered with Access::any_staff (see router.hpp), whose handlers scope by it.
  std::string merchant_id;
  std::string session_id;  // signed in with the session cookie: the session's id (never the token)
  std::vector<std::string> permissions;  // staff: what the role may do (identity/permissions.hpp)

  bool may(std::string_view permission) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET"
  std::string target;  // as sent: "/v1/clients?inn=7707083893"
  std::string path;    // decoded path: "/v1/clients"
  std::multimap<std::string, std::string> query;  // decoded
  Headers headers;     // names in lower case
  std::string body;
  std::map<std::string, std::string> params;  // path parameters of the matched route
  std::string route;                          // the matched pattern, "/v1/clients/{id}"
  std::string request_id;
  std::string remote_address;  // the peer's IP address ("127.0.0.1"); empty when unknown
  std::optional<Principal> principal;

  // The value of a header (name in lower case), or nullopt.
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // The first value of a query parameter, or nullopt.
  std::optional<std::string> query_param(const std::string& name) const;
  const std::string& param(const std::string& name) const;
  // The principal; throws if the route was not authenticated (a programming error).
  const Principal& caller() const;

  // The body as JSON: 415 problem unless Content-Type is application/json, 400 problem
  // saying where when the body is not well-formed JSON.
  nlohmann::json json() const;
};

// Where a streamed response body goes (Server-Sent Events): the server drives it.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Sends `data` to the client now; false once the client is gone or the server is stopping.
  virtual boost::asio::awaitable<bool> write(std::string data) = 0;
  // Waits for `duration`, cut short by shutdown; false when the stream should end.
  virtual boost::asio::awaitable<bool> sleep(std::chrono::milliseconds duration) = 0;
};
using StreamBody = std::function<boost::asio::awaitable<void>(StreamSink&)>;

struct Response {
  int status = 200;
  Headers headers;
  std::string content_type;
  std::string body;
  // Set: the headers go out at once and the body is what `stream` writes, chunked, until it
  // returns; `body` is ignored.
  StreamBody stream;

  static Response json(int status, const nlohmann::json& body);
  static Response problem(const core::Problem& p, std::string_view instance = {});
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace skybill::http
