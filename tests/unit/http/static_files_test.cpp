#include "skybill/http/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace skybill::http {
namespace {

namespace fs = std::filesystem;

TEST(MimeType, KnownExtensions) {
  EXPECT_EQ(mime_type("pay/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("x.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("pay/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("pay/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("logo.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("logo.PNG"), "image/png");
  EXPECT_EQ(mime_type("i18n/ru.json"), "application/json");
  EXPECT_EQ(mime_type("font.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("favicon.ico"), "image/x-icon");
  EXPECT_EQ(mime_type("app.js.map"), "application/json");
}

TEST(MimeType, UnknownIsOctetStream) {
  EXPECT_EQ(mime_type("README"), "application/octet-stream");
  EXPECT_EQ(mime_type("a.exe"), "application/octet-stream");
  EXPECT_EQ(mime_type("dir.js/file"), "application/octet-stream");
}

TEST(SafeRelativePath, RefusesTraversalAndHiddenFiles) {
  EXPECT_TRUE(safe_relative_path("pay/app.js"));
  EXPECT_TRUE(safe_relative_path("vendor/preact.module.js"));
  for (const char* bad : {"", "/etc/passwd", "../x", "pay/../../x", "pay/./x", "pay//x", "pay/", ".git/config",
                          "pay/.env", "a\\\\b", "node_modules/x/index.js", "c:x"})
    EXPECT_FALSE(safe_relative_path(bad)) << bad;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("skybill-web-" + std::to_string(::getpid()));
    fs::create_directories(root / "pay");
    fs::create_directories(root / "vendor");
    std::ofstream(root / "pay/app.js") << "export const x = 1;\n";
    std::ofstream(root / "vendor/lib.js") << "export default 1;\n";
    std::ofstream(root.string() + "-secret.txt") << "secret";
    fs::create_symlink(root.string() + "-secret.txt", root / "pay/leak.txt");
  }
  void TearDown() override {
    fs::remove_all(root);
    fs::remove(root.string() + "-secret.txt");
  }
  Request get(std::string inm = {}) {
    Request r;
    r.method = "GET";
    if (!inm.empty()) r.headers.emplace_back("if-none-match", inm);
    return r;
  }
  fs::path root;
};

TEST_F(StaticFilesTest, ServesWithTypeEtagAndCaching) {
  StaticFiles files(root.string());
  auto r = files.asset("pay/app.js", get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.body, "export const x = 1;\n");
  std::string etag, cache;
  for (const auto& [k, v] : r.headers) {
    if (k == "ETag") etag = v;
    if (k == "Cache-Control") cache = v;
  }
  EXPECT_EQ(etag.size(), 66u) << etag;  // a quoted SHA-256
  EXPECT_EQ(cache, "public, max-age=300");
  EXPECT_EQ(files.asset("pay/app.js", get(etag)).status, 304);
  EXPECT_EQ(files.asset("pay/app.js", get("\"other\", " + etag)).status, 304);
  EXPECT_EQ(files.asset("pay/app.js", get("\"other\"")).status, 200);
  auto vendor = files.asset("vendor/lib.js", get());
  bool immutable = false;
  for (const auto& [k, v] : vendor.headers) immutable = immutable || (k == "Cache-Control" && v.find("immutable") != std::string::npos);
  EXPECT_TRUE(immutable);
}

TEST_F(StaticFilesTest, ANewVersionOfAFileGetsANewEtag) {
  StaticFiles files(root.string());
  auto etag_of = [&] {
    for (const auto& [k, v] : files.asset("pay/app.js", get()).headers)
      if (k == "ETag") return v;
    return std::string();
  };
  auto before = etag_of();
  std::ofstream(root / "pay/app.js") << "export const x = 2; // changed, and longer\n";
  EXPECT_NE(etag_of(), before);
}

TEST_F(StaticFilesTest, RefusesWhatIsNotAFileInsideTheRoot) {
  StaticFiles files(root.string());
  EXPECT_EQ(files.asset("pay/leak.txt", get()).status, 404) << "a symlink out of the root";
  EXPECT_EQ(files.asset("pay", get()).status, 404) << "a directory";
  EXPECT_EQ(files.asset("pay/missing.js", get()).status, 404);
  EXPECT_EQ(files.asset("../" + root.filename().string() + "-secret.txt", get()).status, 404);
  EXPECT_FALSE(files.page("pay/missing.html", 200));
}

}  // namespace
}  // namespace skybill::http
