#pragma once
// Running the Debian tools the tests read documents with (pdftotext, pdftoppm, zbarimg, iconv)
// on bytes held in memory. Header-only: unit and integration tests both use it.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace skybill::test {

// A new file under /tmp holding `bytes`, its name ending in `suffix` (".pdf").
inline std::string temp_file(const std::string& suffix, const std::string& bytes) {
  std::string path = "/tmp/skybill-test-XXXXXX" + suffix;
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("mkstemps failed");
  close(fd);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// What a shell command prints on its standard output.
inline std::string run(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// What a person reads on the PDF: poppler's pdftotext -layout.
inline std::string pdf_text(const std::string& pdf) {
  auto path = temp_file(".pdf", pdf);
  auto text = run("pdftotext -layout '" + path + "' - 2>&1");
  std::remove(path.c_str());
  return text;
}

}  // namespace skybill::test
