#include "skybill/http/message.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "skybill/core/problem.hpp"
#include "skybill/http/problem_json.hpp"

namespace skybill::http {
namespace {

bool is_json_media_type(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"));
}

// Line and column (1-based) of a byte offset, for a parse error a human can find.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
  }
  return {line, col};
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

const std::string& Request::param(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) throw std::logic_error("route has no parameter " + name);
  return it->second;
}

bool Principal::may(std::string_view permission) const {
  return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

const Principal& Request::caller() const {
  if (!principal) throw std::logic_error("route " + route + " is not authenticated");
  return *principal;
}

nlohmann::json Request::json() const {
  auto ct = header("content-type");
  if (!ct || !is_json_media_type(*ct))
    throw core::Problem(415, "unsupported-media-type", "Unsupported media type",
                        "the body must be sent as Content-Type: application/json");
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    auto [line, col] = line_and_column(body, offset);
    std::string what = e.what();
    auto pos = what.find("parse error");
    if (pos != std::string::npos) {
      auto colon = what.find(": ", pos);
      if (colon != std::string::npos) what = what.substr(colon + 2);
    }
    throw core::Problem(400, "malformed-json", "Malformed JSON",
                        "malformed JSON at line " + std::to_string(line) + ", column " +
                            std::to_string(col) + " (byte " + std::to_string(offset) + "): " + what);
  }
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::problem(const core::Problem& p, std::string_view instance) {
  Response r;
  r.status = p.status;
  r.content_type = "application/problem+json";
  r.body = problem_json(p, instance).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace skybill::http
