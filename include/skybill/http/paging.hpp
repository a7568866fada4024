#pragma once
// Cursor pagination as every list endpoint takes it: ?limit=1..100 (default 50) and ?cursor=
// (the next_cursor of the previous page: the id of its last item).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/problem.hpp"
#include "skybill/http/message.hpp"

namespace skybill::http {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 100;

struct Page {
  int limit = kDefaultPageSize;
  std::optional<std::string> cursor;
  // Ask the store for this many: one more than the page tells whether another page follows.
  int fetch() const { return limit + 1; }
};

// Adds a field error for a bad limit or cursor (a cursor must be an id).
Page page_of(const Request& req, std::vector<core::FieldError>& errors);

// {"data": the first `limit` items, "next_cursor": the last one's "id" when more followed, else null}.
nlohmann::json page_json(nlohmann::json items, const Page& page);

}  // namespace skybill::http
