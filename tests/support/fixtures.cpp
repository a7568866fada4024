#include "fixtures.hpp"

#include "server_clock.hpp"

namespace skybill::test {

using namespace std::chrono;

std::string rfc3339_in(seconds ahead) { return rfc3339(server_now(ahead)); }

nlohmann::json booking_body(const std::string& reference, seconds tl_ahead) {
  // The flight leaves a week after the time limit, whatever day the servers think it is.
  auto departure = rfc3339(server_now(tl_ahead + days(7)));
  return {{"reference", reference},
          {"pnr", "ABC123"},
          {"client", {{"inn", "7728168971"}, {"kpp", "772801001"}, {"name", "Romashka LLC"}}},
          {"contact_email", "booker@romashka.example"},
          {"passengers", {{{"first_name", "Ivan"}, {"last_name", "Petrov"}}}},
          {"segments", {{{"flight", "SU1234"}, {"from", "SVO"}, {"to", "LED"}, {"departure", departure}}}},
          {"lines",
           {{{"kind", "fare"}, {"description", "Fare Y"}, {"passenger", 0}, {"amount", "10000.00"}, {"vat_rate", "10"}},
            {{"kind", "tax"}, {"description", "Airport tax"}, {"amount", "499.50"}, {"vat_rate", "22"}},
            {{"kind", "fee"}, {"description", "Service fee"}, {"amount", "1000.00"}, {"vat_rate", "none"}}}},
          {"currency", "RUB"},
          {"ticketing_time_limit", rfc3339_in(tl_ahead)}};
}

}  // namespace skybill::test
