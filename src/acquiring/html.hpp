#pragma once
// Server-rendered pages of the sandbox acquirer (it stands for a third party), minimal:
// escaping, one layout, form bodies, redirects.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "skybill/http/message.hpp"

namespace skybill::acquiring::html {

std::string escape(std::string_view text);
// A whole document: <title> and <h1> are `title` (escaped), `body` is HTML as given.
std::string page(std::string_view title, std::string_view body);
// A page as a response: no caching, framed by same-origin pages only, inline styles allowed.
http::Response respond(int status, std::string_view title, std::string_view body);
// 303 See Other to `location`.
http::Response see_other(const std::string& location);
// application/x-www-form-urlencoded; the last value of a repeated name wins.
std::map<std::string, std::string> parse_form(std::string_view body);
std::string url_encode(std::string_view text);
// "11499.50 RUB"
std::string money(std::int64_t amount_minor, const std::string& currency);

}  // namespace skybill::acquiring::html
