#include "args.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skybill::app {
namespace {

const std::set<std::string> kValued = {"email", "role", "merchant"};
const std::set<std::string> kFlags = {"live", "json"};

Options parse(const std::vector<std::string>& args) { return Options(args, kValued, kFlags); }

// The message of the UsageError thrown, or a failure when there is none.
std::string usage_error(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected UsageError";
  return {};
}

TEST(Options, NoArgumentsGiveNothing) {
  auto o = parse({});
  EXPECT_FALSE(o.optional("email").has_value());
  EXPECT_FALSE(o.flag("live"));
}

TEST(Options, ValueAsNextArgument) {
  auto o = parse({"--email", "a@b.c"});
  EXPECT_EQ(o.required("email"), "a@b.c");
  EXPECT_EQ(o.optional("email"), "a@b.c");
}

TEST(Options, ValueAfterEqualsSign) {
  auto o = parse({"--email=a@b.c"});
  EXPECT_EQ(o.required("email"), "a@b.c");
}

TEST(Options, OnlyTheFirstEqualsSignSplits) {
  EXPECT_EQ(parse({"--merchant=a=b"}).required("merchant"), "a=b");
}

TEST(Options, EmptyValuesAreKept) {
  EXPECT_EQ(parse({"--role="}).required("role"), "");
  EXPECT_EQ(parse({"--role", ""}).required("role"), "");
}

TEST(Options, NextArgumentIsTakenAsValueEvenWhenItLooksLikeAnOption) {
  // "--role --live": --live is the value of --role, not a flag.
  auto o = parse({"--role", "--live"});
  EXPECT_EQ(o.required("role"), "--live");
  EXPECT_FALSE(o.flag("live"));
}

TEST(Options, Flags) {
  auto o = parse({"--live"});
  EXPECT_TRUE(o.flag("live"));
  EXPECT_FALSE(o.flag("json"));
}

TEST(Options, FlagGivenTwiceIsAccepted) {
  EXPECT_TRUE(parse({"--live", "--live"}).flag("live"));
}

TEST(Options, MixedOptionsInAnyOrder) {
  auto o = parse({"--json", "--email", "a@b.c", "--role=admin", "--live"});
  EXPECT_TRUE(o.flag("json"));
  EXPECT_TRUE(o.flag("live"));
  EXPECT_EQ(o.required("email"), "a@b.c");
  EXPECT_EQ(o.required("role"), "admin");
  EXPECT_FALSE(o.optional("merchant").has_value());
}

TEST(Options, FlagIsNotAValueAndValueIsNotAFlag) {
  auto o = parse({"--live", "--email=x"});
  EXPECT_FALSE(o.optional("live").has_value());
  EXPECT_FALSE(o.flag("email"));
}

TEST(Options, UnknownOptionIsAnError) {
  EXPECT_EQ(usage_error({"--emial", "x"}), "unknown option --emial");
  EXPECT_EQ(usage_error({"--emial=x"}), "unknown option --emial");
  EXPECT_EQ(usage_error({"--"}), "unknown option --");
}

TEST(Options, OptionNamesAreCaseSensitive) {
  EXPECT_EQ(usage_error({"--Live"}), "unknown option --Live");
}

TEST(Options, PositionalArgumentIsAnError) {
  EXPECT_EQ(usage_error({"extra"}), "unexpected argument: extra");
  EXPECT_EQ(usage_error({"-e", "x"}), "unexpected argument: -e");
  EXPECT_EQ(usage_error({"--email", "a@b.c", "stray"}), "unexpected argument: stray");
}

TEST(Options, MissingValueIsAnError) {
  EXPECT_EQ(usage_error({"--email"}), "--email needs a value");
  EXPECT_EQ(usage_error({"--live", "--role"}), "--role needs a value");
}

TEST(Options, FlagWithValueIsAnError) {
  EXPECT_EQ(usage_error({"--live=yes"}), "--live takes no value");
  EXPECT_EQ(usage_error({"--live="}), "--live takes no value");
}

TEST(Options, ValueGivenTwiceIsAnError) {
  EXPECT_EQ(usage_error({"--email", "a", "--email", "b"}), "--email given twice");
  EXPECT_EQ(usage_error({"--email=a", "--email=a"}), "--email given twice");
}

TEST(Options, RequiredMissingIsAnError) {
  auto o = parse({"--email", "a@b.c"});
  try {
    o.required("role");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--role is required");
  }
}

TEST(Options, UsageErrorIsARuntimeError) {
  EXPECT_THROW(parse({"--nope"}), std::runtime_error);
}

}  // namespace
}  // namespace skybill::app
