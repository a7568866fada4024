#include "skybill/http/metrics.hpp"

#include <array>
#include <charconv>

namespace skybill::http {
namespace {

constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

std::string label_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') { out += "\\n"; continue; }
    out.push_back(c);
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form: "0.0025"
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

}  // namespace

Metrics::Metrics() = default;

void Metrics::observe_request(const std::string& method, const std::string& route, int status,
                              double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  auto& h = latency_[{method, route}];
  if (h.buckets.empty()) h.buckets.assign(kBuckets.size(), 0);
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) { ++h.buckets[i]; break; }
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

void Metrics::set_build_info(std::string version, std::string commit) {
  std::lock_guard lock(mutex_);
  version_ = std::move(version);
  commit_ = std::move(commit);
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP skybill_build_info Version of the running binary.\n";
  out += "# TYPE skybill_build_info gauge\n";
  out += "skybill_build_info{version=\"" + label_escape(version_) + "\",commit=\"" +
         label_escape(commit_) + "\"} 1\n";

  out += "# HELP skybill_http_requests_total HTTP requests served, by route and status.\n";
  out += "# TYPE skybill_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [method, route, status] = key;
    out += "skybill_http_requests_total{method=\"" + label_escape(method) + "\",route=\"" +
           label_escape(route) + "\",status=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  }

  out += "# HELP skybill_http_request_duration_seconds Time from a fully received request to its response.\n";
  out += "# TYPE skybill_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    std::string labels = "method=\"" + label_escape(key.first) + "\",route=\"" + label_escape(key.second) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "skybill_http_request_duration_seconds_bucket{" + labels + ",le=\"" + number(kBuckets[i]) +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "skybill_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "skybill_http_request_duration_seconds_sum{" + labels + "} " + number(h.sum) + "\n";
    out += "skybill_http_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }

  for (const auto& g : gauges_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    out += g.name + " " + number(g.read()) + "\n";
  }
  return out;
}

}  // namespace skybill::http
