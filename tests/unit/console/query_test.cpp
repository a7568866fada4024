#include "skybill/console/query.hpp"

#include <gtest/gtest.h>

using namespace skybill::console;
using skybill::core::Problem;

namespace {

std::multimap<std::string, std::string> Q(std::initializer_list<std::pair<const std::string, std::string>> l) { return l; }

std::vector<std::string> fields_of(const std::multimap<std::string, std::string>& q) {
  try {
    parse_list_query(q);
  } catch (const Problem& p) {
    std::vector<std::string> out;
    for (const auto& e : p.errors) out.push_back(e.field);
    return out;
  }
  return {};
}

}  // namespace

TEST(ConsoleSearch, ClassifiesAPnr) {
  auto t = classify("  ab12cd ");
  EXPECT_EQ(t.exact, "ab12cd");
  EXPECT_EQ(t.pnr, "AB12CD");
  EXPECT_FALSE(t.inn);
  EXPECT_FALSE(t.amount_minor);
  EXPECT_EQ(t.like, "%ab12cd%");
}

TEST(ConsoleSearch, ClassifiesAnInnAlsoAsAnAmount) {
  auto t = classify("7707083893");
  EXPECT_EQ(t.inn, "7707083893");
  EXPECT_EQ(t.amount_minor, 770708389300);
  EXPECT_TRUE(classify("770708389312").inn);
  EXPECT_FALSE(classify("77070838931").inn);
}

TEST(ConsoleSearch, ClassifiesAmountsAsPeopleTypeThem) {
  EXPECT_EQ(classify("11499.50").amount_minor, 1149950);
  EXPECT_EQ(classify("11499,5").amount_minor, 1149950);
  EXPECT_EQ(classify("11 499.50").amount_minor, 1149950);
  EXPECT_EQ(classify("11\u00a0499,50").amount_minor, 1149950);
  EXPECT_EQ(classify("11499").amount_minor, 1149900);
  EXPECT_FALSE(classify("11499.505").amount_minor);
  EXPECT_FALSE(classify("11499.").amount_minor);
  EXPECT_FALSE(classify(".50").amount_minor);
  EXPECT_FALSE(classify("0").amount_minor);
  EXPECT_FALSE(classify("1e5").amount_minor);
}

TEST(ConsoleSearch, ClassifiesAnIdAndNames) {
  auto t = classify("0B8F2C1E-1111-4222-8333-944444444444");
  ASSERT_TRUE(t.id);
  EXPECT_EQ(*t.id, "0b8f2c1e-1111-4222-8333-944444444444");
  EXPECT_TRUE(t.pnr.empty());
  auto n = classify("Иванов");
  EXPECT_EQ(n.like, "%Иванов%");
  EXPECT_TRUE(n.pnr.empty());  // not ASCII letters and digits
  EXPECT_FALSE(classify("Ив").like);  // two characters: too short for a substring search
  EXPECT_TRUE(classify("   ").empty());
}

TEST(ConsoleSearch, EscapesLikePatterns) {
  EXPECT_EQ(like_escape("50%_off\\"), "50\\%\\_off\\\\");
  EXPECT_EQ(classify("10%").like, "%10\\%%");
}

TEST(ConsoleCursor, RoundTrips) {
  Cursor c{.sort = SortKey::ticketing_time_limit, .desc = false, .value = 1796000000123456, .value_null = false,
           .id = "0b8f2c1e-1111-4222-8333-944444444444"};
  auto text = encode_cursor(c);
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  auto back = decode_cursor(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sort, SortKey::ticketing_time_limit);
  EXPECT_FALSE(back->desc);
  EXPECT_EQ(back->value, 1796000000123456);
  EXPECT_EQ(back->id, c.id);
  c.sort = SortKey::amount;
  c.value = -5;
  EXPECT_EQ(decode_cursor(encode_cursor(c))->value, -5);
}

TEST(ConsoleCursor, RefusesWhatItDidNotMake) {
  EXPECT_FALSE(decode_cursor(""));
  EXPECT_FALSE(decode_cursor("0b8f2c1e-1111-4222-8333-944444444444"));
  EXPECT_FALSE(decode_cursor("!!!"));
  EXPECT_FALSE(decode_cursor(std::string(300, 'A')));
  Cursor c{.sort = SortKey::created_at, .desc = true, .value = 1, .value_null = false, .id = "not-a-uuid"};
  EXPECT_FALSE(decode_cursor(encode_cursor(c)));
}

TEST(ConsoleListQuery, Defaults) {
  auto q = parse_list_query({});
  EXPECT_EQ(q.sort, SortKey::created_at);
  EXPECT_TRUE(q.desc);
  EXPECT_EQ(q.limit, 50);
  EXPECT_EQ(q.tz, "Europe/Moscow");
  EXPECT_FALSE(q.csv);
  EXPECT_TRUE(q.terms.empty());
}

TEST(ConsoleListQuery, ReadsEveryFilter) {
  auto q = parse_list_query(Q({{"q", " AB12CD "}, {"status", "paid,ticketed"}, {"status", "paid"},
                               {"merchant", "0b8f2c1e-1111-4222-8333-944444444444"}, {"created_from", "2026-12-01"},
                               {"created_to", "2026-12-31"}, {"tl_from", "2026-12-02"}, {"tz", "Asia/Yekaterinburg"},
                               {"sort", "amount"}, {"limit", "100"}, {"format", "csv"}}));
  EXPECT_EQ(q.q, "AB12CD");
  EXPECT_EQ(q.statuses, (std::vector<std::string>{"paid", "ticketed"}));
  EXPECT_EQ(q.created_from, "2026-12-01");
  EXPECT_EQ(q.tl_from, "2026-12-02");
  EXPECT_FALSE(q.tl_to);
  EXPECT_EQ(q.tz, "Asia/Yekaterinburg");
  EXPECT_EQ(q.sort, SortKey::amount);
  EXPECT_FALSE(q.desc);
  EXPECT_EQ(q.limit, 100);
  EXPECT_TRUE(q.csv);
}

TEST(ConsoleListQuery, NamesEveryBadField) {
  EXPECT_EQ(fields_of(Q({{"status", "paid,flying"}})), std::vector<std::string>{"status"});
  EXPECT_EQ(fields_of(Q({{"limit", "0"}})), std::vector<std::string>{"limit"});
  EXPECT_EQ(fields_of(Q({{"limit", "101"}})), std::vector<std::string>{"limit"});
  EXPECT_EQ(fields_of(Q({{"sort", "reference"}})), std::vector<std::string>{"sort"});
  EXPECT_EQ(fields_of(Q({{"created_from", "01.12.2026"}})), std::vector<std::string>{"created_from"});
  EXPECT_EQ(fields_of(Q({{"created_from", "2026-12-05"}, {"created_to", "2026-12-01"}})), std::vector<std::string>{"created_to"});
  EXPECT_EQ(fields_of(Q({{"merchant", "x"}})), std::vector<std::string>{"merchant"});
  EXPECT_EQ(fields_of(Q({{"tz", "Europe/Moscow; DROP"}})), std::vector<std::string>{"tz"});
  EXPECT_EQ(fields_of(Q({{"format", "xlsx"}})), std::vector<std::string>{"format"});
  EXPECT_EQ(fields_of(Q({{"cursor", "garbage"}})), std::vector<std::string>{"cursor"});
  EXPECT_EQ(fields_of(Q({{"whatever", "1"}})), std::vector<std::string>{"whatever"});
}

TEST(ConsoleListQuery, ACursorBelongsToItsSort) {
  Cursor c{.sort = SortKey::created_at, .desc = true, .value = 1, .value_null = false, .id = "0b8f2c1e-1111-4222-8333-944444444444"};
  auto text = encode_cursor(c);
  EXPECT_TRUE(parse_list_query(Q({{"cursor", text}})).cursor);
  EXPECT_EQ(fields_of(Q({{"cursor", text}, {"sort", "created_at"}})), std::vector<std::string>{"cursor"});
}

TEST(ConsoleDecimalize, TurnsMinorUnitsIntoDecimalStrings) {
  nlohmann::json j = {{"amount_minor", 1149950},
                      {"vat_minor", nullptr},
                      {"lines", {{{"amount_minor", 100}}, {{"amount_minor", 5}, {"currency", "JPY"}}}},
                      {"name", "x"}};
  decimalize(j, skybill::core::currency("RUB"));
  EXPECT_EQ(j["amount"], "11499.50");
  EXPECT_TRUE(j["vat"].is_null());
  EXPECT_FALSE(j.contains("amount_minor"));
  EXPECT_EQ(j["lines"][0]["amount"], "1.00");
  EXPECT_EQ(j["lines"][1]["amount"], "5");
  EXPECT_EQ(j["name"], "x");
}
