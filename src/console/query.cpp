#include "skybill/console/query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "skybill/core/identifiers.hpp"

namespace skybill::console {

namespace {

constexpr std::string_view kStatuses[] = {"pending",   "awaiting_payment", "ticketing_authorized", "paid",
                                          "ticketed",  "cancelled",        "expired",              "ticketing_failed"};

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "11 499,50" → 1149950; nullopt unless digits with at most two decimals (spaces, also U+00A0 and
// U+202F as people paste them, only between digits).
std::optional<std::int64_t> amount_of(std::string_view s) {
  std::string digits, frac;
  bool dot = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      (dot ? frac : digits) += c;
    } else if ((c == '.' || c == ',') && !dot && !digits.empty()) {
      dot = true;
    } else if (c == ' ' && !dot && !digits.empty()) {
    } else if (!dot && !digits.empty() && i + 1 < s.size() && static_cast<unsigned char>(c) == 0xC2 &&
               static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ++i;
    } else if (!dot && !digits.empty() && i + 2 < s.size() && static_cast<unsigned char>(c) == 0xE2 &&
               static_cast<unsigned char>(s[i + 1]) == 0x80 && static_cast<unsigned char>(s[i + 2]) == 0xAF) {
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 13 || frac.size() > 2 || (dot && frac.empty())) return std::nullopt;
  while (frac.size() < 2) frac += '0';
  std::int64_t v = 0;
  auto text = digits + frac;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool is_zone(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
  });
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(std::string_view in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(buf >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kB64[(buf << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> unb64url(std::string_view in) {
  std::string out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::find(std::begin(kB64), std::end(kB64) - 1, c);
    if (p == std::end(kB64) - 1) return std::nullopt;
    buf = (buf << 6) | static_cast<std::uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string like_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

SearchTerms classify(std::string_view q) {
  SearchTerms t;
  t.exact = trim(q);
  if (t.exact.empty()) return t;
  const auto& s = t.exact;
  if (core::is_uuid(s)) {
    std::string id = s;
    std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    t.id = id;
  }
  if (s.size() >= 5 && s.size() <= 8 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c); })) {
    t.pnr = s;
    std::transform(t.pnr.begin(), t.pnr.end(), t.pnr.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }
  if (all_digits(s) && (s.size() == 10 || s.size() == 12)) t.inn = s;
  t.amount_minor = amount_of(s);
  if (code_points(s) >= 3) {
    // Appended, not "literal" + std::string (GCC 12 -O3 warns -Wrestrict on that).
    std::string like = "%";
    like += like_escape(s);
    like += '%';
    t.like = std::move(like);
  }
  return t;
}

std::string_view sort_name(SortKey k) {
  switch (k) {
    case SortKey::created_at: return "created_at";
    case SortKey::ticketing_time_limit: return "ticketing_time_limit";
    case SortKey::amount: return "amount";
  }
  return "created_at";
}

std::string encode_cursor(const Cursor& c) {
  std::string raw = "1|";
  raw += sort_name(c.sort);
  raw += c.desc ? "|d|" : "|a|";
  raw += c.value_null ? std::string("n") : std::to_string(c.value);
  raw += '|';
  raw += c.id;
  return b64url(raw);
}

std::optional<Cursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 200) return std::nullopt;
  auto raw = unb64url(text);
  if (!raw) return std::nullopt;
  std::vector<std::string> parts;
  std::string cur;
  for (char c : *raw) {
    if (c == '|') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  if (parts.size() != 5 || parts[0] != "1") return std::nullopt;
  Cursor c;
  if (parts[1] == "created_at") c.sort = SortKey::created_at;
  else if (parts[1] == "ticketing_time_limit") c.sort = SortKey::ticketing_time_limit;
  else if (parts[1] == "amount") c.sort = SortKey::amount;
  else return std::nullopt;
  if (parts[2] != "a" && parts[2] != "d") return std::nullopt;
  c.desc = parts[2] == "d";
  if (parts[3] == "n") {
    c.value_null = true;
  } else {
    const auto& v = parts[3];
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), c.value);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  }
  if (!core::is_uuid(parts[4])) return std::nullopt;
  c.id = parts[4];
  return c;
}

ListQuery parse_list_query(const std::multimap<std::string, std::string>& query) {
  static const std::vector<std::string_view> known = {"q",     "status", "merchant", "created_from", "created_to", "tl_from",
                                                      "tl_to", "tz",     "sort",     "limit",        "cursor",     "format"};
  ListQuery out;
  std::vector<core::FieldError> errors;
  auto one = [&](const char* name) -> std::optional<std::string> {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  };
  for (const auto& [k, v] : query)
    if (std::find(known.begin(), known.end(), k) == known.end()) errors.push_back({k, "is not a known parameter"});
  if (auto q = one("q")) {
    if (q->size() > 200) errors.push_back({"q", "must be at most 200 characters"});
    else out.q = trim(*q), out.terms = classify(*q);
  }
  auto [sb, se] = query.equal_range("status");
  for (auto it = sb; it != se; ++it) {
    std::string list = it->second;
    std::size_t start = 0;
    while (start <= list.size()) {
      auto comma = list.find(',', start);
      auto s = trim(std::string_view(list).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!s.empty()) {
        if (std::find(std::begin(kStatuses), std::end(kStatuses), s) == std::end(kStatuses))
          errors.push_back({"status", "'" + s + "' is not a booking status"});
        else if (std::find(out.statuses.begin(), out.statuses.end(), s) == out.statuses.end())
          out.statuses.push_back(s);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (auto m = one("merchant"); m && !m->empty()) {
    if (!core::is_uuid(*m)) errors.push_back({"merchant", "must be an airline's id"});
    else out.merchant = *m;
  }
  for (auto [name, slot] : {std::pair{"created_from", &out.created_from}, std::pair{"created_to", &out.created_to},
                            std::pair{"tl_from", &out.tl_from}, std::pair{"tl_to", &out.tl_to}})
    if (auto v = one(name); v && !v->empty()) {
      if (!is_date(*v)) errors.push_back({name, "must be a date YYYY-MM-DD"});
      else *slot = *v;
    }
  if (out.created_from && out.created_to && *out.created_to < *out.created_from)
    errors.push_back({"created_to", "must not be before created_from"});
  if (out.tl_from && out.tl_to && *out.tl_to < *out.tl_from) errors.push_back({"tl_to", "must not be before tl_from"});
  if (auto z = one("tz"); z && !z->empty()) {
    if (!is_zone(*z)) errors.push_back({"tz", "must be an IANA time zone such as Europe/Moscow"});
    else out.tz = *z;
  }
  if (auto s = one("sort"); s && !s->empty()) {
    std::string_view name = *s;
    out.desc = name.starts_with('-');
    if (out.desc) name.remove_prefix(1);
    if (name == "created_at") out.sort = SortKey::created_at;
    else if (name == "ticketing_time_limit") out.sort = SortKey::ticketing_time_limit;
    else if (name == "amount") out.sort = SortKey::amount;
    else errors.push_back({"sort", "must be created_at, ticketing_time_limit or amount, '-' before it for descending"});
  }
  if (auto f = one("format"); f && !f->empty()) {
    if (*f == "csv") out.csv = true;
    else if (*f != "json") errors.push_back({"format", "must be json or csv"});
  }
  if (auto l = one("limit"); l && !l->empty()) {
    int v = 0;
    auto [p, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
    if (ec != std::errc() || p != l->data() + l->size() || v < 1 || v > 100)
      errors.push_back({"limit", "must be an integer from 1 to 100"});
    else out.limit = v;
  }
  if (auto c = one("cursor"); c && !c->empty()) {
    auto cursor = decode_cursor(*c);
    if (!cursor) errors.push_back({"cursor", "must be the next_cursor of a previous page"});
    else if (cursor->sort != out.sort || cursor->desc != out.desc)
      errors.push_back({"cursor", "was made for another sort: start again from the first page"});
    else out.cursor = cursor;
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

void decimalize(nlohmann::json& j, const core::Currency& cur) {
  if (j.is_array()) {
    for (auto& e : j) decimalize(e, cur);
    return;
  }
  if (!j.is_object()) return;
  const core::Currency* mine = &cur;
  if (auto it = j.find("currency"); it != j.end() && it->is_string())
    if (const auto* c = core::find_currency(it->get<std::string>())) mine = c;
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  for (const auto& k : keys) {
    auto& v = j[k];
    if (k.size() > 6 && k.ends_with("_minor") && (v.is_number_integer() || v.is_null())) {
      auto name = k.substr(0, k.size() - 6);
      nlohmann::json d = v.is_null() ? nlohmann::json(nullptr) : nlohmann::json(core::Money(v.get<std::int64_t>(), *mine).to_string());
      j.erase(k);
      j[name] = std::move(d);
    } else {
      decimalize(v, *mine);
    }
  }
}

}  // namespace skybill::console
