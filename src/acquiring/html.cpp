#include "html.hpp"

#include "skybill/core/money.hpp"

namespace skybill::acquiring::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string page(std::string_view title, std::string_view body) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>";
  out += escape(title);
  out +=
      "</title><style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
      "label{display:block;margin:.6rem 0}input{display:block;width:100%;padding:.4rem;font-size:1rem}"
      "button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#b00020}.note{color:#555}"
      "dt{font-weight:bold}dd{margin:0 0 .5rem 0}</style></head><body>\n<h1>";
  out += escape(title);
  out += "</h1>\n";
  out += body;
  out += "\n</body></html>\n";
  return out;
}

http::Response respond(int status, std::string_view title, std::string_view body) {
  auto r = http::Response::text(status, page(title, body), "text/html; charset=utf-8");
  r.with_header("Cache-Control", "no-store");
  // The sandbox acquirer's pages: styled inline, and framed by the hosted page (same origin).
  r.with_header("X-Frame-Options", "SAMEORIGIN");
  r.with_header("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'self'; "
                "base-uri 'none'");
  r.with_header("Referrer-Policy", "no-referrer");
  return r;
}

http::Response see_other(const std::string& location) {
  auto r = http::Response::text(303, "", "text/plain; charset=utf-8");
  r.with_header("Location", location);
  r.with_header("Cache-Control", "no-store");
  return r;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_component(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = decode_component(pair.substr(0, eq));
    out[name] = eq == std::string_view::npos ? std::string() : decode_component(pair.substr(eq + 1));
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string money(std::int64_t amount_minor, const std::string& currency) {
  if (const auto* cur = core::find_currency(currency)) return core::Money(amount_minor, *cur).to_string() + " " + currency;
  return std::to_string(amount_minor) + " (minor units) " + currency;
}

}  // namespace skybill::acquiring::html
