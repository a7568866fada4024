#include "skybill/issuing/edo.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace skybill::issuing {
namespace fs = std::filesystem;

namespace {

// Written beside, then renamed: the operator never picks up half a file.
void write_atomically(const fs::path& path, const std::string& bytes) {
  auto tmp = path;
  tmp += ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw EdoError("cannot write " + tmp.string(), true);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw EdoError("cannot rename " + tmp.string() + ": " + ec.message(), true);
}

bool safe_name(const std::string& name) {
  return !name.empty() && name.size() <= 200 &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

}  // namespace

FileDropOperator::FileDropOperator(fs::path dir) : dir_(std::move(dir)) {
  fs::create_directories(dir_ / "outgoing");
  fs::create_directories(dir_ / "statuses" / "done");
}

std::string FileDropOperator::send(const EdoParcel& parcel) {
  if (!safe_name(parcel.file_name)) throw EdoError("not a file name an operator takes: " + parcel.file_name, false);
  if (parcel.recipient_edo_id.empty()) throw EdoError("the buyer has no EDO id", false);
  std::error_code ec;
  fs::create_directories(dir_ / "outgoing", ec);
  if (ec) throw EdoError("cannot create " + (dir_ / "outgoing").string() + ": " + ec.message(), true);
  if (!parcel.pdf.empty()) write_atomically(dir_ / "outgoing" / (parcel.file_name + ".pdf"), parcel.pdf);
  // The XML last: its arrival is what tells the operator the parcel is complete.
  write_atomically(dir_ / "outgoing" / (parcel.file_name + ".xml"), parcel.xml);
  return parcel.file_name;
}

std::vector<EdoStatus> FileDropOperator::poll() {
  std::vector<EdoStatus> out;
  std::error_code ec;
  auto dir = dir_ / "statuses";
  if (!fs::is_directory(dir, ec)) return out;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    std::error_code e1, e2;
    auto ta = fs::last_write_time(a, e1), tb = fs::last_write_time(b, e2);
    return ta != tb ? ta < tb : a < b;
  });
  for (const auto& path : files) {
    auto name = path.filename().string();
    if (name.ends_with(".txt")) name.resize(name.size() - 4);
    auto dot = name.rfind('.');
    if (dot == std::string::npos) continue;
    auto status = name.substr(dot + 1);
    if (status != "delivered" && status != "signed" && status != "refused") continue;
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto note = text.str();
    while (!note.empty() && (note.back() == '\n' || note.back() == '\r' || note.back() == ' ')) note.pop_back();
    out.push_back({name.substr(0, dot), status, note, path.filename().string()});
  }
  return out;
}

void FileDropOperator::acknowledge(const EdoStatus& status) {
  if (status.token.empty() || status.token.find('/') != std::string::npos) return;
  std::error_code ec;
  fs::create_directories(dir_ / "statuses" / "done", ec);
  fs::rename(dir_ / "statuses" / status.token, dir_ / "statuses" / "done" / status.token, ec);
}

}  // namespace skybill::issuing
