#include "message.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace skybill::mail {
namespace {

constexpr std::size_t kMaxLine = 78;
// 39 bytes → 52 base64 characters → a 64-character encoded-word: one fits on a line after
// "Subject: " and none exceeds RFC 2047's 75 characters.
constexpr std::size_t kWordBytes = 39;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void require_one_line(std::string_view what, std::string_view value) {
  if (value.find_first_of("\r\n") != std::string_view::npos)
    throw std::invalid_argument("mail: " + std::string(what) + " contains CR or LF");
}

bool is_printable_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// id-left "@" id-right, or local-part "@" domain: printable ASCII without spaces or brackets.
bool is_at_spec(std::string_view s) {
  auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == s.size() || s.find('@', at + 1) != std::string_view::npos)
    return false;
  for (char c : s)
    if (c <= 0x20 || c > 0x7e || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' || c == ';' ||
        c == ':' || c == '\\' || c == '"' || c == '[' || c == ']')
      return false;
  return true;
}

std::vector<std::string> encoded_words(std::string_view utf8) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  do {
    std::size_t end = std::min(pos + kWordBytes, utf8.size());
    // Back off to a character boundary (UTF-8 continuation bytes are 10xxxxxx).
    std::size_t cut = end;
    while (cut < utf8.size() && cut > pos && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80) --cut;
    if (cut > pos) end = cut;
    words.push_back("=?utf-8?B?" + base64(utf8.substr(pos, end - pos)) + "?=");
    pos = end;
  } while (pos < utf8.size());
  return words;
}

// Joins words after `line` ("Name: "), folding with CRLF SP when a line would grow too long.
std::string fold(std::string line, const std::vector<std::string>& words) {
  std::size_t line_start = 0;
  bool first = true;
  for (const auto& w : words) {
    if (!first && line.size() - line_start + 1 + w.size() > kMaxLine) {
      line += "\r\n";
      line_start = line.size();
    }
    if (!first) line += ' ';
    line += w;
    first = false;
  }
  return line;
}

// "Name: Display <addr>" with the display name quoted or encoded as needed.
std::string mailbox_field(std::string_view name, std::string_view mailbox) {
  auto addr = bare_address(mailbox);
  auto lt = mailbox.rfind('<');
  auto display = lt == std::string_view::npos ? std::string_view{} : trim(mailbox.substr(0, lt));
  if (display.size() >= 2 && display.front() == '"' && display.back() == '"')
    display = display.substr(1, display.size() - 2);
  std::string head = std::string(name) + ": ";
  if (display.empty()) return head + addr;
  std::vector<std::string> words;
  if (is_printable_ascii(display) && display.find("=?") == std::string_view::npos) {
    std::string quoted = "\"";
    for (char c : display) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    words.push_back(quoted + "\"");
  } else {
    words = encoded_words(display);
  }
  words.push_back("<" + addr + ">");
  return fold(head, words);
}

std::string normalized_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string bare_address(std::string_view mailbox) {
  auto s = trim(mailbox);
  if (auto lt = s.rfind('<'); lt != std::string_view::npos) {
    if (s.back() != '>') throw std::invalid_argument("mail: invalid address: " + std::string(mailbox));
    s = s.substr(lt + 1, s.size() - lt - 2);
  }
  if (!is_at_spec(s)) throw std::invalid_argument("mail: invalid address: " + std::string(mailbox));
  return std::string(s);
}

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16 | static_cast<unsigned char>(data[i + 1]) << 8 |
                 static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (std::size_t rest = data.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string header_field(std::string_view name, std::string_view value) {
  std::string head = std::string(name) + ": ";
  if (is_printable_ascii(value) && value.find("=?") == std::string_view::npos &&
      head.size() + value.size() <= kMaxLine)
    return head + std::string(value);
  return fold(head, encoded_words(value));
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> tod{floor<seconds>(t - day)};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%s, %u %s %d %02d:%02d:%02d +0000", kDays[weekday{day}.c_encoding()],
                        static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                        static_cast<int>(ymd.year()), static_cast<int>(tod.hours().count()),
                        static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string format_message(std::string_view from, const Message& m, std::chrono::system_clock::time_point date) {
  require_one_line("from", from);
  require_one_line("to", m.to);
  require_one_line("subject", m.subject);
  require_one_line("message_id", m.message_id);
  auto id = trim(m.message_id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  if (!is_at_spec(id)) throw std::invalid_argument("mail: message_id must look like <uuid@skybill>: " + m.message_id);

  std::string out;
  for (const auto& field : {"Date: " + rfc5322_date(date), mailbox_field("From", from), mailbox_field("To", m.to),
                            header_field("Subject", m.subject), "Message-ID: <" + std::string(id) + ">",
                            std::string("MIME-Version: 1.0"), std::string("Content-Type: text/plain; charset=utf-8"),
                            std::string("Content-Transfer-Encoding: base64")})
    out += field + "\r\n";
  out += "\r\n";
  auto encoded = base64(normalized_crlf(m.body));
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

}  // namespace skybill::mail
