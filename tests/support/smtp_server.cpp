#include "smtp_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace skybill::test {
namespace fs = std::filesystem;

namespace {

// The handler aiosmtpd loads (-c): its Mailbox handler, with recipients to refuse on demand.
constexpr const char* kHandler = R"(from aiosmtpd.handlers import Mailbox


class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@')[0]
        if local.startswith('reject'):
            return '550 5.1.1 Mailbox unavailable'
        if local.startswith('busy'):
            return '450 4.2.1 Mailbox busy, try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'
)";

// A self-signed certificate for localhost / 127.0.0.1 (EC P-256, valid to 2126), for tests only:
// no client trusts it, which is the point.
constexpr const char* kKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMjMSsqhRjJdEYkYb
UeKEjBFNKZxHdJPCaXIxF1vuYnihRANCAASg7ffbpWRXLuYbTsjfIIe7tkzKRbz+
Z0YriXtXnmS7J0oMDIzvXz9j+LVHY0tjCap+azKLmsZLwoMt4Wx2YoM8
-----END PRIVATE KEY-----
)";
constexpr const char* kCert = R"(-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUJeO4xhvRUCyorPLO94cSgBQIaHYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMzEzNDYyMloYDzIxMjYxMDMw
MTM0NjIyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASg7ffbpWRXLuYbTsjfIIe7tkzKRbz+Z0YriXtXnmS7J0oMDIzvXz9j
+LVHY0tjCap+azKLmsZLwoMt4Wx2YoM8o28wbTAdBgNVHQ4EFgQUzT8TtoRm2dz2
X71mnJvRE5PNsoMwHwYDVR0jBBgwFoAUzT8TtoRm2dz2X71mnJvRE5PNsoMwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIhALTXLbXT/4+9lZIgyjkvN1B7ZCdKi2KiX0N/4wm4o7svAiA5
+ZTR/zx3W9LLUPetB3LGgKY00R11RS4gjaqWm9jEMQ==
-----END CERTIFICATE-----
)";

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool accepts_connections(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// fork + execve with this process's environment plus `extra`, output to `log_path`.
pid_t spawn(const std::vector<std::string>& args, const std::string& extra, const std::string& log_path) {
  std::vector<std::string> envs = {extra};
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(log);
  return pid;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string decode_base64(std::string_view in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    auto v = alphabet.find(c);
    if (v == std::string::npos) continue;  // padding and line breaks
    buf = (buf << 6 | static_cast<unsigned>(v)) & 0xFFFFFF;
    if ((bits += 6) >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

// Quoted-printable (RFC 2045); in_header: RFC 2047's Q encoding, where '_' is a space.
std::string decode_qp(std::string_view in, bool in_header) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '_' && in_header) {
      out += ' ';
    } else if (in[i] == '=' && i + 1 < in.size() && in[i + 1] == '\n') {
      ++i;  // soft line break
    } else if (in[i] == '=' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

// RFC 2047 encoded-words (any charset taken as UTF-8); whitespace between two of them goes.
std::string decode_words(const std::string& value) {
  std::string out, pending_space;
  bool after_word = false;
  std::size_t pos = 0;
  while (pos < value.size()) {
    auto start = value.find("=?", pos);
    std::size_t q1 = 0, q2 = 0, end = std::string::npos;
    if (start != std::string::npos) {
      q1 = value.find('?', start + 2);
      q2 = q1 == std::string::npos ? q1 : value.find('?', q1 + 1);
      end = q2 == std::string::npos || q2 != q1 + 2 ? std::string::npos : value.find("?=", q2 + 1);
    }
    if (end == std::string::npos) {
      out += value.substr(pos);
      break;
    }
    std::string between = value.substr(pos, start - pos);
    if (!(after_word && between.find_first_not_of(" \t") == std::string::npos)) out += between;
    std::string text = value.substr(q2 + 1, end - q2 - 1);
    char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(value[q1 + 1])));
    out += encoding == 'B' ? decode_base64(text) : decode_qp(text, true);
    pos = end + 2;
    after_word = true;
  }
  return out;
}

std::string without_cr(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
  return s;
}

ReceivedMail parse_mail(std::string raw) {
  std::string text = without_cr(raw);
  auto split = text.find("\n\n");
  std::string head = text.substr(0, split == std::string::npos ? text.size() : split + 1);
  std::string body = split == std::string::npos ? "" : text.substr(split + 2);
  std::map<std::string, std::string> headers;  // lower-case name → unfolded value (first one)
  std::string name;
  std::istringstream lines(head);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!name.empty()) headers[name] += line;
    } else if (auto colon = line.find(':'); colon != std::string::npos) {
      name = lower(line.substr(0, colon));
      if (headers.count(name)) name = "";  // keep the first
      else headers[name] = trim(line.substr(colon + 1));
    }
  }
  auto cte = lower(trim(headers["content-transfer-encoding"]));
  std::string decoded = cte == "base64"             ? decode_base64(body)
                        : cte == "quoted-printable" ? decode_qp(body, false)
                                                    : body;
  return {decode_words(headers["from"]),    decode_words(headers["to"]),    decode_words(headers["subject"]),
          without_cr(decoded),              trim(headers["message-id"]), std::move(raw)};
}

std::vector<fs::path> stored_files(const std::string& dir) {
  std::vector<fs::path> files;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(dir) / "Maildir" / sub, ec))
      if (e.is_regular_file()) files.push_back(e.path());
  }
  return files;
}

}  // namespace

SmtpServer::SmtpServer(Tls tls) {
  char tmpl[] = "/tmp/skybill-smtp-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  write_file(fs::path(dir_) / "skybill_smtp_handler.py", kHandler);
  write_file(fs::path(dir_) / "key.pem", kKey);
  write_file(fs::path(dir_) / "cert.pem", kCert);
  port_ = free_port();
  std::vector<std::string> args = {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                   "127.0.0.1:" + std::to_string(port_), "-c", "skybill_smtp_handler.Handler"};
  if (tls == Tls::starttls) args.insert(args.end(), {"--tlscert", dir_ + "/cert.pem", "--tlskey", dir_ + "/key.pem"});
  if (tls == Tls::smtps) args.insert(args.end(), {"--smtpscert", dir_ + "/cert.pem", "--smtpskey", dir_ + "/key.pem"});
  args.push_back(dir_ + "/Maildir");  // the handler's argument
  pid_ = spawn(args, "PYTHONPATH=" + dir_, dir_ + "/server.log");

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    if (accepts_connections(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string log = read_file(dir_ + "/server.log");
  stop();  // the constructor throws, so the destructor will not run
  throw std::runtime_error("aiosmtpd did not start listening on port " + std::to_string(port_) + ":\n" + log);
}

SmtpServer::~SmtpServer() { stop(); }

void SmtpServer::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
  dir_.clear();
}

std::size_t SmtpServer::stored_count() const { return stored_files(dir_).size(); }

std::vector<ReceivedMail> SmtpServer::messages() const {
  auto files = stored_files(dir_);
  std::vector<std::pair<fs::file_time_type, fs::path>> ordered;
  for (const auto& f : files) ordered.emplace_back(fs::last_write_time(f), f);
  std::sort(ordered.begin(), ordered.end());
  std::vector<ReceivedMail> out;
  for (const auto& [time, path] : ordered) out.push_back(parse_mail(read_file(path)));
  return out;
}

bool SmtpServer::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (stored_count() >= count) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace skybill::test
