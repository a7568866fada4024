#pragma once
// A booking as an airline's booking engine posts it, checked field by field, and its totals.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "skybill/core/clock.hpp"
#include "skybill/core/money.hpp"
#include "skybill/core/vat.hpp"

namespace skybill::booking {

enum class LineKind { fare, tax, fee, service, penalty };
std::string_view to_string(LineKind k) noexcept;

struct Line {
  LineKind kind;
  std::string description;
  std::optional<int> passenger;  // index into passengers
  std::int64_t amount_minor;     // VAT included, > 0
  core::VatRate vat_rate;
  std::int64_t vat_minor;        // rounded half-up per line
  std::optional<std::string> emd;  // an EMD number for a `service` line
};

struct ClientRef {
  std::optional<std::string> id;  // an existing client
  std::string inn, kpp, name;     // or one to create or link
};

struct BookingInput {
  std::string reference;
  std::string pnr;
  ClientRef client;
  std::string contact_email;
  std::string language = "ru";  // of the e-mails the client gets: ru or en
  nlohmann::json passengers;  // validated array of objects
  nlohmann::json segments;    // validated array of objects
  std::vector<Line> lines;
  std::string currency;
  core::TimePoint ticketing_time_limit;
  nlohmann::json metadata;  // object
};

struct VatBucket {
  core::VatRate rate;
  std::int64_t amount_minor = 0;  // lines at this rate, VAT included
  std::int64_t vat_minor = 0;     // sum of the lines' rounded VAT
};

struct Totals {
  std::int64_t amount_minor = 0;
  std::int64_t vat_minor = 0;
  std::vector<VatBucket> by_rate;  // in the order 22, 20, 10, 0, none; only rates present
};

// Every problem is collected and thrown as one 422 validation-failed naming each field
// ("lines[2].amount"). `now` decides whether the time limit is far enough ahead.
BookingInput parse_booking(const nlohmann::json& body, core::TimePoint now);
// The lines alone, as PUT /v1/bookings/{id}/lines takes them ({"lines": [...]}).
std::vector<Line> parse_lines(const nlohmann::json& body, const std::string& currency, std::size_t passengers);
// Overflow-checked; throws core::Problem 422 if the total does not fit.
Totals totals(const std::vector<Line>& lines);
nlohmann::json totals_json(const Totals& t, const core::Currency& currency);

}  // namespace skybill::booking
