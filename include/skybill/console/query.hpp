#pragma once
// The pure parts of the console's bookings list: what a search box text may be (reference, PNR,
// invoice number, INN, amount, a name), the list's query string read into filters, and the
// opaque keyset cursor. No SQL, no HTTP types: unit-tested on their own.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"

namespace skybill::console {

// What one search text can be; every key that fits is searched (OR).
struct SearchTerms {
  std::string exact;                    // trimmed: reference or invoice number, as typed
  std::string pnr;                      // upper case, when it looks like a PNR (5..8 letters/digits)
  std::optional<std::string> id;        // a booking id (UUID, lower case)
  std::optional<std::string> inn;       // 10 or 12 digits
  std::optional<std::int64_t> amount_minor;  // "11499.50", "11499,5", "11 499.50", "11499" in kopecks
  std::optional<std::string> like;      // ILIKE pattern '%text%' (escaped) for 3+ characters
  bool empty() const { return exact.empty(); }
};
SearchTerms classify(std::string_view q);
// '%' '_' '\' escaped for LIKE ... ESCAPE '\'.
std::string like_escape(std::string_view s);

enum class SortKey { created_at, ticketing_time_limit, amount };
std::string_view sort_name(SortKey k);

// A keyset position: the sort key's value (epoch microseconds or minor units) and the id.
struct Cursor {
  SortKey sort = SortKey::created_at;
  bool desc = true;
  std::int64_t value = 0;
  bool value_null = false;  // amount not known yet (a booking without a price version)
  std::string id;
};
std::string encode_cursor(const Cursor& c);
// nullopt for anything encode_cursor did not make.
std::optional<Cursor> decode_cursor(std::string_view text);

inline constexpr int kCsvMaxRows = 100'000;

struct ListQuery {
  SearchTerms terms;
  std::string q;
  std::vector<std::string> statuses;  // empty: any
  std::string merchant;               // a gateway staff member's ?merchant=; empty: every airline
  std::optional<std::string> created_from, created_to, tl_from, tl_to;  // YYYY-MM-DD, inclusive
  std::string tz = "Europe/Moscow";   // of the dates above and of the CSV's times
  SortKey sort = SortKey::created_at;
  bool desc = true;
  int limit = 50;
  std::optional<Cursor> cursor;
  bool csv = false;
};
// Reads ?q, status (comma separated or repeated), merchant, created_from, created_to, tl_from,
// tl_to, tz, sort (created_at | -created_at | ticketing_time_limit | amount, '-' for descending;
// default -created_at), limit (1..100), cursor, format (json | csv). Throws core::Problem 422 with
// every field error.
ListQuery parse_list_query(const std::multimap<std::string, std::string>& query);

// Replaces every "<name>_minor": integer in `j` (objects in arrays too) by "<name>": "decimal"
// in `cur`; a "currency" field of an object takes over for that object and its children.
void decimalize(nlohmann::json& j, const core::Currency& cur);

}  // namespace skybill::console
