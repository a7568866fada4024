#pragma once
// Files under one directory (web/) served as they are: type by extension, a strong ETag (the
// SHA-256 of the bytes, kept in memory until the file's mtime or size changes), 304 on
// If-None-Match, and nothing outside the directory.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "skybill/http/message.hpp"

namespace skybill::http {

// "text/javascript; charset=utf-8" for "app.js"; "application/octet-stream" for what is unknown.
std::string_view mime_type(std::string_view file_name);

// True for a relative path of plain names: no empty, "." or ".." segment, no segment starting
// with '.', no node_modules (the front-end's build tools), no backslash or control character,
// not absolute.
bool safe_relative_path(std::string_view path);

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);
  ~StaticFiles();
  const std::string& root() const;

  // GET /assets/<relative>: 200 with Content-Type, ETag and Cache-Control (immutable under
  // vendor/, else max-age=300), 304 when If-None-Match names the ETag, 404 otherwise (missing,
  // unsafe, a directory, or a symlink leading out of the root).
  Response asset(std::string_view relative, const Request& req) const;
  // The file as a whole page with `status` and Cache-Control: no-store (its URL may hold a
  // secret); nullopt when it cannot be read.
  std::optional<Response> page(std::string_view relative, int status) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Router;
// GET /assets/{path*}: the files of `files`.
void add_asset_routes(Router& router, std::shared_ptr<const StaticFiles> files);

}  // namespace skybill::http
