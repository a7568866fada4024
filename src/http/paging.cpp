#include "skybill/http/paging.hpp"

#include <charconv>

#include "skybill/core/identifiers.hpp"

namespace skybill::http {

Page page_of(const Request& req, std::vector<core::FieldError>& errors) {
  Page p;
  if (auto v = req.query_param("limit")) {
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), p.limit);
    if (ec != std::errc() || end != v->data() + v->size() || p.limit < 1 || p.limit > kMaxPageSize) {
      errors.push_back({"limit", "must be a whole number from 1 to " + std::to_string(kMaxPageSize)});
      p.limit = kDefaultPageSize;
    }
  }
  p.cursor = req.query_param("cursor");
  if (p.cursor && !core::is_uuid(*p.cursor)) errors.push_back({"cursor", "must be the next_cursor of a previous page"});
  return p;
}

nlohmann::json page_json(nlohmann::json items, const Page& page) {
  nlohmann::json next = nullptr;
  if (items.size() > static_cast<std::size_t>(page.limit)) {
    items.erase(items.begin() + page.limit, items.end());
    next = items.back()["id"];
  }
  return {{"data", std::move(items)}, {"next_cursor", std::move(next)}};
}

}  // namespace skybill::http
