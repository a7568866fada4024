#pragma once
// Prometheus metrics: request counts and latency by route, plus gauges read when scraped.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace skybill::http {

class Metrics {
 public:
  Metrics();
  void observe_request(const std::string& method, const std::string& route, int status,
                       double seconds);
  // A gauge whose value is read at scrape time.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  void set_build_info(std::string version, std::string commit);
  // The text exposition format, version 0.0.4.
  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> buckets;  // cumulative at render time, per bucket here
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
  std::vector<Gauge> gauges_;
  std::string version_, commit_;
};

}  // namespace skybill::http
