#include "fixtures.hpp"

#include <cstdio>

namespace skybill::test {

using namespace std::chrono;

std::string rfc3339_in(seconds ahead) {
  auto t = floor<seconds>(system_clock::now() + ahead);
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
  return buf;
}

nlohmann::json booking_body(const std::string& reference, seconds tl_ahead) {
  return {{"reference", reference},
          {"pnr", "ABC123"},
          {"client", {{"inn", "7728168971"}, {"kpp", "772801001"}, {"name", "Romashka LLC"}}},
          {"contact_email", "booker@romashka.example"},
          {"passengers", {{{"first_name", "Ivan"}, {"last_name", "Petrov"}}}},
          {"segments",
           {{{"flight", "SU1234"}, {"from", "SVO"}, {"to", "LED"}, {"departure", "2026-12-20T10:00:00+03:00"}}}},
          {"lines",
           {{{"kind", "fare"}, {"description", "Fare Y"}, {"passenger", 0}, {"amount", "10000.00"}, {"vat_rate", "10"}},
            {{"kind", "tax"}, {"description", "Airport tax"}, {"amount", "499.50"}, {"vat_rate", "22"}},
            {{"kind", "fee"}, {"description", "Service fee"}, {"amount", "1000.00"}, {"vat_rate", "none"}}}},
          {"currency", "RUB"},
          {"ticketing_time_limit", rfc3339_in(tl_ahead)}};
}

}  // namespace skybill::test
