#include "skybill/http/static_files.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "skybill/crypto/crypto.hpp"
#include "skybill/http/router.hpp"
#include "skybill/log/log.hpp"

namespace skybill::http {

namespace fs = std::filesystem;

namespace {

struct Cached {
  std::int64_t mtime_ns = 0;
  std::uintmax_t size = 0;
  std::shared_ptr<const std::string> bytes;
  std::string etag;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// If-None-Match: "*" or a list of entity tags, weak ones compared weakly (RFC 9110 §13.1.2).
bool none_match(std::string_view header, const std::string& etag) {
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) ++i;
    if (i >= header.size()) break;
    if (header[i] == '*') return true;
    if (header.substr(i, 2) == "W/") i += 2;
    auto end = header.find(',', i);
    auto tag = header.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag == etag) return true;
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return false;
}

}  // namespace

std::string_view mime_type(std::string_view file_name) {
  static const std::map<std::string, std::string_view> types = {
      {".js", "text/javascript; charset=utf-8"},   {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},         {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},        {".svg", "image/svg+xml"},
      {".png", "image/png"},                       {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},                     {".gif", "image/gif"},
      {".webp", "image/webp"},                     {".ico", "image/x-icon"},
      {".json", "application/json"},               {".map", "application/json"},
      {".woff2", "font/woff2"},                    {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},       {".webmanifest", "application/manifest+json"}};
  auto slash = file_name.rfind('/');
  auto base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  auto dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  auto it = types.find(lower(base.substr(dot)));
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

bool safe_relative_path(std::string_view path) {
  if (path.empty() || path.size() > 1024 || path.front() == '/') return false;
  std::size_t i = 0;
  while (i <= path.size()) {
    auto slash = path.find('/', i);
    auto seg = path.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i);
    if (seg.empty() || seg.front() == '.' || seg == "node_modules") return false;
    for (unsigned char c : seg)
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return false;
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return true;
}

struct StaticFiles::Impl {
  std::string root;
  mutable std::mutex mutex;
  mutable std::map<std::string, Cached> cache;

  // The file's bytes and ETag, or nullopt when it is not a regular file inside the root.
  std::optional<Cached> load(std::string_view relative) const {
    if (!safe_relative_path(relative)) return std::nullopt;
    std::error_code ec;
    auto base = fs::canonical(root, ec);
    if (ec) return std::nullopt;
    auto path = fs::canonical(base / fs::path(std::string(relative)), ec);
    if (ec) return std::nullopt;
    // A symlink may lead anywhere: what it resolves to must still be inside the root.
    auto rel = path.lexically_relative(base);
    if (rel.empty() || *rel.begin() == "..") return std::nullopt;
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    std::int64_t mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    auto key = path.string();
    {
      std::lock_guard lock(mutex);
      auto it = cache.find(key);
      if (it != cache.end() && it->second.mtime_ns == mtime && it->second.size == static_cast<std::uintmax_t>(st.st_size))
        return it->second;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buf;
    buf << in.rdbuf();
    Cached c{mtime, static_cast<std::uintmax_t>(st.st_size), std::make_shared<const std::string>(buf.str()), ""};
    c.etag = "\"" + crypto::sha256_hex(*c.bytes) + "\"";
    std::lock_guard lock(mutex);
    cache[key] = c;
    return c;
  }
};

StaticFiles::StaticFiles(std::string root) : impl_(std::make_unique<Impl>()) { impl_->root = std::move(root); }
StaticFiles::~StaticFiles() = default;
const std::string& StaticFiles::root() const { return impl_->root; }

Response StaticFiles::asset(std::string_view relative, const Request& req) const {
  auto file = impl_->load(relative);
  if (!file) {
    Response r = Response::text(404, "not found\n");
    r.with_header("Cache-Control", "no-store");
    return r;
  }
  bool vendor = relative.starts_with("vendor/");
  auto cache = vendor ? "public, max-age=31536000, immutable" : "public, max-age=300";
  if (auto inm = req.header("if-none-match"); inm && none_match(*inm, file->etag)) {
    Response r;
    r.status = 304;
    r.with_header("ETag", file->etag).with_header("Cache-Control", cache);
    return r;
  }
  Response r = Response::text(200, *file->bytes, std::string(mime_type(relative)));
  r.with_header("ETag", file->etag).with_header("Cache-Control", cache);
  return r;
}

std::optional<Response> StaticFiles::page(std::string_view relative, int status) const {
  auto file = impl_->load(relative);
  if (!file) {
    log::event(log::Level::error, "web page missing",
               {{"file", impl_->root + "/" + std::string(relative)}, {"setting", "paths.web"}});
    return std::nullopt;
  }
  Response r = Response::text(status, *file->bytes, std::string(mime_type(relative)));
  r.with_header("Cache-Control", "no-store");
  return r;
}

void add_asset_routes(Router& router, std::shared_ptr<const StaticFiles> files) {
  router.add("GET", "/assets/{path*}", Access::anyone,
             [files](Request& req) -> boost::asio::awaitable<Response> { co_return files->asset(req.param("path"), req); });
  // The staff console: one page whose screens are addressed after '#', and its sign-in page.
  // Both are public files; every datum they show comes from /admin/api, which checks the session.
  auto page = [files](std::string file) {
    return [files, file](Request&) -> boost::asio::awaitable<Response> {
      if (auto p = files->page(file, 200)) co_return std::move(*p);
      co_return Response::json(503, {{"type", "about:blank"}, {"title", "Console not installed"}, {"status", 503},
                                     {"detail", "the web/ directory has no " + file + "; set paths.web"}});
    };
  };
  router.add("GET", "/admin", Access::anyone, page("admin/index.html"));
  router.add("GET", "/admin/sign-in", Access::anyone, page("admin/sign-in.html"));
}

}  // namespace skybill::http
