#pragma once
// Shared by the statements unit tests: fixtures, our accounts, field-by-field comparison.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "skybill/statements/statements.hpp"

namespace statements_test {

using namespace skybill::statements;

// Our company, ООО "СКАЙБИЛЛ", and its three accounts (see data/README.md).
inline const std::string kSber = "40702810238000001234";
inline const std::string kTbank = "40702810610000012345";
inline const std::string kAlfa = "40702810116540009876";
inline const std::vector<std::string> kOwn = {kSber, kTbank, kAlfa};

// Counterparties.
inline const std::string kRomashkaAcc = "40702810300000054321";
inline const std::string kVektorAcc = "40702810338000098765";
inline const std::string kVeterAcc = "40702810810000055555";
inline const std::string kAirlineAcc = "40702810401300077777";
inline const std::string kSberIncomeAcc = "70601810138002620101";

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SKYBILL_STATEMENTS_DATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open fixture " << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `text` with the first occurrence of `from` replaced; fails the test when it is absent.
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "not in the text: " << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

inline std::string replaced_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

// The ParseError `f` throws; a test failure when it throws none.
inline std::optional<ParseError> parse_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ParseError";
  return std::nullopt;
}

inline const char* name(Direction d) { return d == Direction::incoming ? "incoming" : "outgoing"; }

inline void expect_party(const Party& actual, const Party& expected, const char* which) {
  SCOPED_TRACE(which);
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.inn, expected.inn);
  EXPECT_EQ(actual.kpp, expected.kpp);
  EXPECT_EQ(actual.account, expected.account);
  EXPECT_EQ(actual.bic, expected.bic);
  EXPECT_EQ(actual.bank, expected.bank);
}

inline void expect_document(const Document& actual, const Document& expected) {
  SCOPED_TRACE("document " + expected.number);
  EXPECT_EQ(actual.number, expected.number);
  EXPECT_EQ(actual.date, expected.date);
  EXPECT_EQ(actual.amount_minor, expected.amount_minor);
  EXPECT_EQ(actual.currency, expected.currency);
  EXPECT_STREQ(name(actual.direction), name(expected.direction));
  EXPECT_EQ(actual.value_date, expected.value_date);
  expect_party(actual.payer, expected.payer, "payer");
  expect_party(actual.payee, expected.payee, "payee");
  EXPECT_EQ(actual.purpose, expected.purpose);
  EXPECT_EQ(actual.kind, expected.kind);
  EXPECT_EQ(actual.line, expected.line);
  EXPECT_EQ(actual.element, expected.element);
}

inline void expect_documents(const std::vector<Document>& actual, const std::vector<Document>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) expect_document(actual[i], expected[i]);
}

}  // namespace statements_test
