#include "skybill/http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "skybill/core/problem.hpp"

namespace skybill::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  if (!path.empty() && path.front() == '/') i = 1;
  while (i <= path.size()) {
    auto slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes one path segment; a malformed escape is kept as it is.
std::string decode_segment(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// "{name}": the only braces are the first and last characters.
bool is_param(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.find_first_of("{}", 1) == seg.size() - 1;
}

// "{name*}": a parameter taking the rest of the path (last segment of a pattern only).
bool is_wildcard(const std::string& seg) { return is_param(seg) && seg.size() > 3 && seg[seg.size() - 2] == '*'; }

std::string param_name(const std::string& seg) {
  return seg.substr(1, seg.size() - (is_wildcard(seg) ? 3 : 2));
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
  add(std::move(method), std::move(pattern), access, std::string(), std::move(handler));
}

void Router::add(std::string method, std::string pattern, Access access, std::string permission, Handler handler) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  for (const auto& r : routes_)
    if (r.method == method && r.pattern == pattern)
      throw std::invalid_argument("duplicate route " + method + " " + pattern);
  auto segments = split_path(pattern);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& s = segments[i];
    if (s.find_first_of("{}") != std::string::npos && !is_param(s))
      throw std::invalid_argument("malformed parameter in route pattern " + pattern);
    if (is_wildcard(s) && i + 1 != segments.size())
      throw std::invalid_argument("a {name*} parameter must be the last segment: " + pattern);
  }
  routes_.push_back(Route{std::move(method), std::move(pattern), access, std::move(handler),
                          std::move(segments), std::move(permission), {}, {}, {}});
}

void Router::add_socket(std::string pattern, Access access, std::string permission, SocketHandler handler,
                        Admit admit, SocketOptions options) {
  add("GET", pattern, access, std::move(permission), [](Request&) -> boost::asio::awaitable<Response> {
    throw core::Problem(426, "upgrade-required", "Upgrade required", "this endpoint is a WebSocket");
  });
  auto& r = routes_.back();
  r.socket = std::move(handler);
  r.admit = std::move(admit);
  r.socket_options = options;
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto parts = split_path(path);
  // A literal segment beats a parameter: "/v1/clients/search" before "/v1/clients/{id}"; a
  // parameter beats a wildcard.
  int best_score = -1;
  for (const auto& r : routes_) {
    bool wildcard = !r.segments.empty() && is_wildcard(r.segments.back());
    if (wildcard ? parts.size() < r.segments.size() : r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < r.segments.size() && ok; ++i) {
      if (is_wildcard(r.segments[i])) {
        // Each segment decoded on its own: "%2F" inside one stays a character of it.
        std::string rest;
        for (std::size_t j = i; j < parts.size(); ++j) {
          if (j > i) rest += '/';
          rest += decode_segment(parts[j]);
        }
        if (rest.empty()) ok = false;
        else params[param_name(r.segments[i])] = std::move(rest);
      } else if (is_param(r.segments[i])) {
        if (parts[i].empty()) ok = false;
        else params[param_name(r.segments[i])] = decode_segment(parts[i]);
      } else if (r.segments[i] == parts[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      if (std::find(result.allowed.begin(), result.allowed.end(), r.method) == result.allowed.end())
        result.allowed.push_back(r.method);
      continue;
    }
    int score = literals * 2 + (wildcard ? 0 : 1);
    if (score > best_score) {
      best_score = score;
      result.route = &r;
      result.params = std::move(params);
    }
  }
  std::sort(result.allowed.begin(), result.allowed.end());
  return result;
}

}  // namespace skybill::http
