#include "skybill/http/metrics.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace skybill::http {
namespace {

// One sample of the text exposition format, labels unescaped.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
};

// A strict reader of the Prometheus text format 0.0.4, enough to check what render() emits:
// every sample belongs to a family whose TYPE came first, TYPE and HELP appear once per family,
// label values are properly quoted and escaped, values are numbers. Reports problems with
// ADD_FAILURE and returns the samples read.
std::vector<Sample> parse_exposition(const std::string& text) {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family -> type
  std::set<std::string> helps;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the exposition must end with a newline";
  std::istringstream in(text);
  std::string line;
  auto family_of = [&](const std::string& name) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string s = suffix;
      if (name.size() > s.size() && name.ends_with(s)) {
        auto base = name.substr(0, name.size() - s.size());
        if (types.count(base) && types[base] == "histogram") return base;
      }
    }
    return name;
  };
  auto valid_name = [](const std::string& n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    for (unsigned char c : n)
      if (!(std::isalnum(c) || c == '_' || c == ':')) return false;
    return true;
  };
  while (std::getline(in, line)) {
    SCOPED_TRACE(line);
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string name, rest;
      words >> name;
      std::getline(words, rest);
      EXPECT_TRUE(valid_name(name));
      if (line[2] == 'H') {
        EXPECT_TRUE(helps.insert(name).second) << "HELP given twice for " << name;
      } else {
        EXPECT_FALSE(types.count(name)) << "TYPE given twice for " << name;
        rest.erase(0, rest.find_first_not_of(' '));
        EXPECT_TRUE(rest == "counter" || rest == "gauge" || rest == "histogram") << rest;
        types[name] = rest;
      }
      continue;
    }
    EXPECT_FALSE(line.empty() || line[0] == '#') << "unexpected line";
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
    EXPECT_TRUE(valid_name(s.name)) << s.name;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string label;
        while (i < line.size() && line[i] != '=') label += line[i++];
        EXPECT_TRUE(valid_name(label)) << label;
        EXPECT_TRUE(i + 1 < line.size() && line[i + 1] == '"') << "label value must be quoted";
        i += 2;
        std::string value;
        bool closed = false;
        while (i < line.size()) {
          char c = line[i++];
          if (c == '"') { closed = true; break; }
          if (c == '\\') {
            if (i >= line.size()) { ADD_FAILURE() << "dangling backslash"; break; }
            char e = line[i++];
            if (e == 'n') value += '\n';
            else if (e == '\\' || e == '"') value += e;
            else ADD_FAILURE() << "bad escape \\" << e;
          } else {
            value += c;
          }
        }
        EXPECT_TRUE(closed) << "unterminated label value";
        EXPECT_FALSE(s.labels.count(label)) << "label given twice: " << label;
        s.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // '}'
    }
    EXPECT_TRUE(i < line.size() && line[i] == ' ') << "expected a space before the value";
    s.value = line.substr(i + 1);
    char* end = nullptr;
    std::strtod(s.value.c_str(), &end);
    EXPECT_TRUE(!s.value.empty() && *end == '\0') << "not a number: " << s.value;
    EXPECT_TRUE(types.count(family_of(s.name))) << "sample before its TYPE: " << s.name;
    samples.push_back(std::move(s));
  }
  return samples;
}

std::vector<Sample> samples_named(const std::vector<Sample>& all, const std::string& name,
                                  const std::map<std::string, std::string>& with = {}) {
  std::vector<Sample> out;
  for (const auto& s : all) {
    if (s.name != name) continue;
    bool ok = true;
    for (const auto& [k, v] : with) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) ok = false;
    }
    if (ok) out.push_back(s);
  }
  return out;
}

std::optional<std::string> value_of(const std::vector<Sample>& all, const std::string& name,
                                    const std::map<std::string, std::string>& labels) {
  for (const auto& s : all)
    if (s.name == name && s.labels == labels) return s.value;
  return std::nullopt;
}

TEST(Metrics, EmptyRegistryRendersValidTextWithBuildInfo) {
  Metrics m;
  auto samples = parse_exposition(m.render());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].name, "skybill_build_info");
  EXPECT_EQ(samples[0].value, "1");
  EXPECT_EQ(samples[0].labels, (std::map<std::string, std::string>{{"version", ""}, {"commit", ""}}));
}

TEST(Metrics, BuildInfoCarriesVersionAndCommit) {
  Metrics m;
  m.set_build_info("0.1.0", "abc1234");
  auto samples = parse_exposition(m.render());
  EXPECT_EQ(value_of(samples, "skybill_build_info", {{"version", "0.1.0"}, {"commit", "abc1234"}}), "1");
}

TEST(Metrics, DeclaresTypesOfEveryFamily) {
  Metrics m;
  m.observe_request("GET", "/x", 200, 0.01);
  auto text = m.render();
  EXPECT_NE(text.find("# TYPE skybill_build_info gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE skybill_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE skybill_http_request_duration_seconds histogram\n"), std::string::npos);
}

TEST(Metrics, CountsRequestsPerMethodRouteAndStatus) {
  Metrics m;
  m.observe_request("GET", "/v1/clients/{id}", 200, 0.01);
  m.observe_request("GET", "/v1/clients/{id}", 200, 0.02);
  m.observe_request("GET", "/v1/clients/{id}", 404, 0.01);
  m.observe_request("POST", "/v1/clients", 201, 0.03);
  auto samples = parse_exposition(m.render());
  const std::string total = "skybill_http_requests_total";
  EXPECT_EQ(samples_named(samples, total).size(), 3u);
  EXPECT_EQ(value_of(samples, total, {{"method", "GET"}, {"route", "/v1/clients/{id}"}, {"status", "200"}}), "2");
  EXPECT_EQ(value_of(samples, total, {{"method", "GET"}, {"route", "/v1/clients/{id}"}, {"status", "404"}}), "1");
  EXPECT_EQ(value_of(samples, total, {{"method", "POST"}, {"route", "/v1/clients"}, {"status", "201"}}), "1");
}

TEST(Metrics, HistogramBucketsAreCumulativeAndEndWithInfEqualToCount) {
  Metrics m;
  for (double s : {0.0005, 0.001, 0.003, 0.2, 0.2, 4.0, 7.5})
    m.observe_request("GET", "/r", 200, s);
  m.observe_request("GET", "/r", 500, 0.02);  // same histogram: latency is by method and route
  auto samples = parse_exposition(m.render());
  const std::map<std::string, std::string> labels = {{"method", "GET"}, {"route", "/r"}};
  auto buckets = samples_named(samples, "skybill_http_request_duration_seconds_bucket", labels);

  const std::vector<std::pair<std::string, std::string>> expected = {
      {"0.001", "2"}, {"0.0025", "2"}, {"0.005", "3"}, {"0.01", "3"}, {"0.025", "4"},
      {"0.05", "4"},  {"0.1", "4"},    {"0.25", "6"},  {"0.5", "6"},  {"1", "6"},
      {"2.5", "6"},   {"5", "7"},      {"+Inf", "8"}};
  ASSERT_EQ(buckets.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].first);
    EXPECT_EQ(buckets[i].labels.at("le"), expected[i].first);
    EXPECT_EQ(buckets[i].value, expected[i].second);
  }
  EXPECT_EQ(value_of(samples, "skybill_http_request_duration_seconds_count", labels), "8");
  auto sum = value_of(samples, "skybill_http_request_duration_seconds_sum", labels);
  ASSERT_TRUE(sum.has_value());
  EXPECT_NEAR(std::stod(*sum), 0.0005 + 0.001 + 0.003 + 0.2 + 0.2 + 4.0 + 7.5 + 0.02, 1e-9);
}

TEST(Metrics, BucketBoundaryIsInclusive) {
  Metrics m;
  m.observe_request("GET", "/r", 200, 0.25);
  auto samples = parse_exposition(m.render());
  const std::string bucket = "skybill_http_request_duration_seconds_bucket";
  EXPECT_EQ(value_of(samples, bucket, {{"method", "GET"}, {"route", "/r"}, {"le", "0.1"}}), "0");
  EXPECT_EQ(value_of(samples, bucket, {{"method", "GET"}, {"route", "/r"}, {"le", "0.25"}}), "1");
}

TEST(Metrics, BucketsNeverDecreaseAndInfEqualsCountForEveryHistogram) {
  Metrics m;
  for (int i = 0; i < 200; ++i)
    m.observe_request(i % 2 ? "GET" : "POST", "/r" + std::to_string(i % 3), 200, i * 0.004);
  auto samples = parse_exposition(m.render());
  int histograms = 0;
  for (const auto& count : samples_named(samples, "skybill_http_request_duration_seconds_count")) {
    ++histograms;
    auto buckets = samples_named(samples, "skybill_http_request_duration_seconds_bucket", count.labels);
    ASSERT_FALSE(buckets.empty());
    long long previous = 0;
    for (const auto& b : buckets) {
      EXPECT_GE(std::stoll(b.value), previous) << b.labels.at("le");
      previous = std::stoll(b.value);
    }
    EXPECT_EQ(buckets.back().labels.at("le"), "+Inf");
    EXPECT_EQ(buckets.back().value, count.value);
  }
  EXPECT_EQ(histograms, 6);
}

TEST(Metrics, GaugeIsReadAtScrapeTime) {
  Metrics m;
  double pool_in_use = 1;
  int reads = 0;
  m.add_gauge("skybill_db_pool_in_use", "Connections in use.", [&] {
    ++reads;
    return pool_in_use;
  });
  EXPECT_EQ(reads, 0);
  EXPECT_EQ(value_of(parse_exposition(m.render()), "skybill_db_pool_in_use", {}), "1");
  pool_in_use = 2.5;
  EXPECT_EQ(value_of(parse_exposition(m.render()), "skybill_db_pool_in_use", {}), "2.5");
  EXPECT_EQ(reads, 2);
}

TEST(Metrics, GaugeHasHelpAndType) {
  Metrics m;
  m.add_gauge("skybill_up", "Whether the service is up.", [] { return 1.0; });
  auto text = m.render();
  EXPECT_NE(text.find("# HELP skybill_up Whether the service is up.\n# TYPE skybill_up gauge\nskybill_up 1\n"),
            std::string::npos)
      << text;
}

TEST(Metrics, SeveralGaugesRenderInOrderOfRegistration) {
  Metrics m;
  m.add_gauge("skybill_b", "B.", [] { return 2.0; });
  m.add_gauge("skybill_a", "A.", [] { return 1.0; });
  auto text = m.render();
  EXPECT_LT(text.find("skybill_b 2"), text.find("skybill_a 1"));
  auto samples = parse_exposition(text);
  EXPECT_EQ(value_of(samples, "skybill_a", {}), "1");
  EXPECT_EQ(value_of(samples, "skybill_b", {}), "2");
}

TEST(Metrics, NumbersUseShortestExactForm) {
  Metrics m;
  m.add_gauge("skybill_big", "Big.", [] { return 1e21; });
  m.add_gauge("skybill_small", "Small.", [] { return 0.0025; });
  m.add_gauge("skybill_negative", "Negative.", [] { return -3.0; });
  auto samples = parse_exposition(m.render());
  EXPECT_EQ(value_of(samples, "skybill_small", {}), "0.0025");
  EXPECT_EQ(value_of(samples, "skybill_negative", {}), "-3");
  EXPECT_EQ(std::stod(*value_of(samples, "skybill_big", {})), 1e21);
}

TEST(Metrics, LabelValuesEscapeQuotesBackslashesAndNewlines) {
  Metrics m;
  const std::string route = "/a\"b\\c\nd";
  m.observe_request("GET", route, 200, 0.001);
  m.set_build_info("1.0 \"beta\"", "x\\y\nz");
  auto text = m.render();
  EXPECT_NE(text.find(R"(route="/a\"b\\c\nd")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(version="1.0 \"beta\"",commit="x\\y\nz")"), std::string::npos) << text;

  auto samples = parse_exposition(text);  // also: no raw newline splits a sample
  EXPECT_EQ(value_of(samples, "skybill_http_requests_total",
                     {{"method", "GET"}, {"route", route}, {"status", "200"}}),
            "1");
  EXPECT_EQ(value_of(samples, "skybill_build_info", {{"version", "1.0 \"beta\""}, {"commit", "x\\y\nz"}}), "1");
}

TEST(Metrics, LabelValuesKeepUtf8) {
  Metrics m;
  m.observe_request("GET", "/v1/клиенты", 200, 0.001);
  auto samples = parse_exposition(m.render());
  EXPECT_EQ(value_of(samples, "skybill_http_requests_total",
                     {{"method", "GET"}, {"route", "/v1/клиенты"}, {"status", "200"}}),
            "1");
}

}  // namespace
}  // namespace skybill::http
