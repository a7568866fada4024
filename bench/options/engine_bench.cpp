// The engine's cost per call, printed beside the allocation floor: building the six options
// with a short reason each, which any implementation returning std::vector<Option> must pay.
#include <benchmark/benchmark.h>

#include "skybill/options/engine.hpp"

namespace skybill::options {
namespace {

using namespace std::chrono_literals;

// TL in 48 h with an approved line and a deposit: every method is weighed and available.
Input typical_input() {
  const TimePoint now{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2} + 9h};
  return Input{.now = now,
               .ticketing_time_limit = now + 48h,
               .amount = core::Money(1'234'500, core::currency("RUB")),
               .credit = CreditProfile{.approved = true,
                                       .blocked_by_overdue = false,
                                       .limit_minor = 10'000'000,
                                       .used_minor = 2'500'000,
                                       .deferral_days = 14},
               .deposit_balance_minor = 5'000'000,
               .settings = {}};
}

void BM_Evaluate(benchmark::State& state) {
  const Input in = typical_input();
  for (auto _ : state) {
    auto options = evaluate(in);
    benchmark::DoNotOptimize(options);
  }
}
BENCHMARK(BM_Evaluate);

// Within 24 h: invoice and a credit shortfall take the "unavailable" paths.
void BM_EvaluateWithin24h(benchmark::State& state) {
  Input in = typical_input();
  in.ticketing_time_limit = in.now + 20min;
  in.credit->used_minor = 9'000'000;
  for (auto _ : state) {
    auto options = evaluate(in);
    benchmark::DoNotOptimize(options);
  }
}
BENCHMARK(BM_EvaluateWithin24h);

void BM_EvaluateOneMethod(benchmark::State& state) {
  const Input in = typical_input();
  for (auto _ : state) {
    auto option = evaluate(in, Method::invoice);
    benchmark::DoNotOptimize(option);
  }
}
BENCHMARK(BM_EvaluateOneMethod);

void BM_BaselineSixOptionsAllocation(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<Option> options;
    options.reserve(std::size(kAllMethods));
    for (Method m : kAllMethods) {
      // Beyond the 15-byte small-string buffer, as the engine's reasons are.
      options.push_back(Option{m, true, std::string("paid by card now, short reason"), {}, true});
    }
    benchmark::DoNotOptimize(options);
  }
}
BENCHMARK(BM_BaselineSixOptionsAllocation);

}  // namespace
}  // namespace skybill::options
