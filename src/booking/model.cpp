#include "skybill/core/identifiers.hpp"
#include "skybill/booking/model.hpp"

#include <regex>

#include "skybill/core/problem.hpp"
#include "skybill/core/time.hpp"
#include "skybill/identity/model.hpp"
#include "validator.hpp"

namespace skybill::booking {
namespace {

constexpr std::size_t kMaxPassengers = 99, kMaxSegments = 16, kMaxLines = 500;
constexpr std::size_t kMaxMetadataBytes = 8192;
constexpr auto kMinTimeLimitAhead = std::chrono::minutes(1);

const std::regex kEmail(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");
const std::regex kFlight(R"(^[A-Z0-9]{2}[0-9]{1,4}[A-Z]?$)");
const std::regex kAirport(R"(^[A-Z]{3}$)");
const std::regex kIsoDate(R"(^\d{4}-\d{2}-\d{2}$)");
const std::regex kEmd(R"(^\d{13}$)");

std::optional<LineKind> parse_kind(const std::string& s) {
  for (auto k : {LineKind::fare, LineKind::tax, LineKind::fee, LineKind::service, LineKind::penalty})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

// An array of 1..max objects at `field`; returns nullptr (with an error) otherwise.
const nlohmann::json* array_of_objects(Validator& v, const nlohmann::json& body, const char* field, std::size_t max) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    v.fail(field, "is required");
    return nullptr;
  }
  if (!it->is_array() || it->empty() || it->size() > max) {
    v.fail(field, "must be an array of 1 to " + std::to_string(max) + " objects");
    return nullptr;
  }
  bool ok = true;
  for (std::size_t i = 0; i < it->size(); ++i)
    if (!(*it)[i].is_object()) {
      v.fail(std::string(field) + "[" + std::to_string(i) + "]", "must be an object");
      ok = false;
    }
  return ok ? &*it : nullptr;
}

std::optional<core::TimePoint> timestamp(Validator& v, const nlohmann::json& obj, const std::string& path,
                                         const char* field, bool required) {
  auto s = v.text(obj, path, field, required, 64);
  if (!s) return std::nullopt;
  auto t = core::parse_rfc3339(*s);
  if (!t) v.fail(join(path, field), "must be an RFC 3339 time with its offset, e.g. 2026-11-23T18:30:00+03:00");
  return t;
}

ClientRef parse_client_ref(Validator& v, const nlohmann::json& body) {
  ClientRef ref;
  auto it = body.find("client");
  if (it == body.end() || it->is_null()) {
    v.fail("client", "is required: {\"id\": …} or {\"inn\", \"kpp\", \"name\"}");
    return ref;
  }
  if (!it->is_object()) {
    v.fail("client", "must be an object");
    return ref;
  }
  if (it->contains("id")) {
    v.only(*it, "client", {"id"});
    ref.id = v.text(*it, "client", "id", true, 36);
    if (ref.id && !core::is_uuid(*ref.id)) v.fail("client.id", "must be the id of a client");
    return ref;
  }
  try {
    auto c = identity::parse_client(*it);
    ref.inn = c.inn;
    ref.kpp = c.kpp;
    ref.name = c.name;
  } catch (const core::Problem& p) {
    for (const auto& e : p.errors) v.fail(join("client", e.field), e.message);
  }
  return ref;
}

nlohmann::json parse_passengers(Validator& v, const nlohmann::json& body) {
  const auto* list = array_of_objects(v, body, "passengers", kMaxPassengers);
  if (!list) return nlohmann::json::array();
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& p = (*list)[i];
    auto path = "passengers[" + std::to_string(i) + "]";
    v.only(p, path, {"first_name", "last_name", "middle_name", "birth_date", "document", "type"});
    nlohmann::json o = nlohmann::json::object();
    for (auto [field, required, max] : {std::tuple{"first_name", true, 100}, {"last_name", true, 100},
                                        {"middle_name", false, 100}, {"document", false, 30}})
      if (auto s = v.text(p, path, field, required, static_cast<std::size_t>(max))) o[field] = *s;
    if (auto d = v.text(p, path, "birth_date", false, 10)) {
      if (!std::regex_match(*d, kIsoDate)) v.fail(path + ".birth_date", "must be a date YYYY-MM-DD");
      else o["birth_date"] = *d;
    }
    if (auto t = v.text(p, path, "type", false, 10)) {
      if (*t != "adult" && *t != "child" && *t != "infant") v.fail(path + ".type", "must be adult, child or infant");
      else o["type"] = *t;
    }
    out.push_back(o);
  }
  return out;
}

nlohmann::json parse_segments(Validator& v, const nlohmann::json& body) {
  const auto* list = array_of_objects(v, body, "segments", kMaxSegments);
  if (!list) return nlohmann::json::array();
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& s = (*list)[i];
    auto path = "segments[" + std::to_string(i) + "]";
    v.only(s, path, {"flight", "from", "to", "departure", "arrival"});
    nlohmann::json o = nlohmann::json::object();
    if (auto f = v.text(s, path, "flight", true, 8)) {
      if (!std::regex_match(*f, kFlight)) v.fail(path + ".flight", "must be a flight number such as SU1234");
      else o["flight"] = *f;
    }
    for (const char* field : {"from", "to"})
      if (auto a = v.text(s, path, field, true, 3)) {
        if (!std::regex_match(*a, kAirport)) v.fail(join(path, field), "must be a 3-letter IATA airport code");
        else o[field] = *a;
      }
    if (o.contains("from") && o.contains("to") && o["from"] == o["to"]) v.fail(path + ".to", "must differ from from");
    auto dep = timestamp(v, s, path, "departure", true);
    auto arr = timestamp(v, s, path, "arrival", false);
    if (dep) o["departure"] = s["departure"].get<std::string>();
    if (arr) o["arrival"] = s["arrival"].get<std::string>();
    if (dep && arr && *arr <= *dep) v.fail(path + ".arrival", "must be after the departure");
    out.push_back(o);
  }
  return out;
}

std::optional<core::VatRate> vat_rate_of(const nlohmann::json& value) {
  if (value.is_string()) return core::parse_vat_rate(value.get<std::string>());
  if (value.is_number_integer()) return core::parse_vat_rate(std::to_string(value.get<long long>()));
  return std::nullopt;
}

std::vector<Line> parse_lines_into(Validator& v, const nlohmann::json& body, const core::Currency* currency,
                                   std::size_t passengers) {
  std::vector<Line> out;
  const auto* list = array_of_objects(v, body, "lines", kMaxLines);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& l = (*list)[i];
    auto path = "lines[" + std::to_string(i) + "]";
    v.only(l, path, {"kind", "description", "passenger", "amount", "vat_rate", "emd"});
    Line line{};
    bool ok = true;
    if (auto k = v.text(l, path, "kind", true, 10)) {
      if (auto kind = parse_kind(*k)) line.kind = *kind;
      else { v.fail(path + ".kind", "must be fare, tax, fee, service or penalty"); ok = false; }
    } else ok = false;
    if (auto d = v.text(l, path, "description", true, 200)) line.description = *d;
    else ok = false;
    if (auto p = l.find("passenger"); p != l.end() && !p->is_null()) {
      if (!p->is_number_integer() || p->get<long long>() < 0 || p->get<long long>() >= static_cast<long long>(passengers)) {
        v.fail(path + ".passenger", "must be the index of a passenger (0 to " + std::to_string(passengers - 1) + ")");
        ok = false;
      } else {
        line.passenger = p->get<int>();
      }
    }
    if (auto a = v.text(l, path, "amount", true, 32)) {
      if (currency) {
        try {
          auto m = core::Money::parse(*a, *currency);
          if (m.minor() <= 0) { v.fail(path + ".amount", "must be more than zero"); ok = false; }
          line.amount_minor = m.minor();
        } catch (const core::MoneyError& e) {
          v.fail(path + ".amount", e.message);
          ok = false;
        }
      }
    } else ok = false;
    if (auto r = l.find("vat_rate"); r == l.end() || r->is_null()) {
      v.fail(path + ".vat_rate", "is required: 22, 20, 10, 0 or none");
      ok = false;
    } else if (auto rate = vat_rate_of(*r)) {
      line.vat_rate = *rate;
    } else {
      v.fail(path + ".vat_rate", "must be 22, 20, 10, 0 or none");
      ok = false;
    }
    if (auto e = v.text(l, path, "emd", false, 13)) {
      if (!std::regex_match(*e, kEmd)) { v.fail(path + ".emd", "must be a 13-digit EMD number"); ok = false; }
      else if (line.kind != LineKind::service) { v.fail(path + ".emd", "only a service line carries an EMD"); ok = false; }
      else line.emd = *e;
    }
    if (ok && currency)
      line.vat_minor = core::vat_included(core::Money(line.amount_minor, *currency), line.vat_rate).minor();
    out.push_back(line);
  }
  return out;
}

const core::Currency* currency_of(Validator& v, const nlohmann::json& body, std::string& code) {
  auto c = v.text(body, "", "currency", true, 3);
  if (!c) return nullptr;
  const auto* cur = core::find_currency(*c);
  if (!cur) v.fail("currency", "must be an ISO 4217 code such as RUB");
  else code = *c;
  return cur;
}

}  // namespace

std::string_view to_string(LineKind k) noexcept {
  switch (k) {
    case LineKind::fare: return "fare";
    case LineKind::tax: return "tax";
    case LineKind::fee: return "fee";
    case LineKind::service: return "service";
    case LineKind::penalty: return "penalty";
  }
  return "fare";
}

BookingInput parse_booking(const nlohmann::json& body, core::TimePoint now) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  Validator v;
  v.only(body, "", {"reference", "pnr", "client", "contact_email", "passengers", "segments", "lines", "currency",
                    "ticketing_time_limit", "metadata", "language"});
  BookingInput in;
  if (auto r = v.text(body, "", "reference", true, 256)) in.reference = *r;
  if (auto p = v.text(body, "", "pnr", true, 20)) {
    if (p->find_first_of(" \t") != std::string::npos) v.fail("pnr", "must not contain spaces");
    in.pnr = *p;
  }
  in.client = parse_client_ref(v, body);
  if (auto e = v.text(body, "", "contact_email", true, 254)) {
    if (!std::regex_match(*e, kEmail)) v.fail("contact_email", "must be an e-mail address");
    in.contact_email = *e;
  }
  if (auto l = v.text(body, "", "language", false, 16)) {
    if (*l != "ru" && *l != "en") v.fail("language", "must be ru or en");
    in.language = *l;
  }
  in.passengers = parse_passengers(v, body);
  in.segments = parse_segments(v, body);
  const auto* currency = currency_of(v, body, in.currency);
  in.lines = parse_lines_into(v, body, currency, in.passengers.size());
  if (auto tl = timestamp(v, body, "", "ticketing_time_limit", true)) {
    if (*tl < now + kMinTimeLimitAhead) v.fail("ticketing_time_limit", "must be at least one minute ahead");
    in.ticketing_time_limit = *tl;
  }
  in.metadata = nlohmann::json::object();
  if (auto m = body.find("metadata"); m != body.end() && !m->is_null()) {
    if (!m->is_object()) v.fail("metadata", "must be an object");
    else if (m->dump().size() > kMaxMetadataBytes) v.fail("metadata", "must take at most 8192 bytes as JSON");
    else in.metadata = *m;
  }
  if (v.ok() && currency) totals(in.lines);  // a total that overflows is the caller's error too
  v.throw_if_failed();
  return in;
}

std::vector<Line> parse_lines(const nlohmann::json& body, const std::string& currency, std::size_t passengers) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  Validator v;
  v.only(body, "", {"lines"});
  auto lines = parse_lines_into(v, body, core::find_currency(currency), passengers);
  v.throw_if_failed();
  totals(lines);
  return lines;
}

Totals totals(const std::vector<Line>& lines) {
  Totals t;
  for (auto rate : {core::VatRate::vat22, core::VatRate::vat20, core::VatRate::vat10, core::VatRate::vat0,
                    core::VatRate::none}) {
    VatBucket b{rate};
    bool any = false;
    for (const auto& l : lines)
      if (l.vat_rate == rate) {
        any = true;
        if (__builtin_add_overflow(b.amount_minor, l.amount_minor, &b.amount_minor) ||
            __builtin_add_overflow(b.vat_minor, l.vat_minor, &b.vat_minor))
          throw core::validation_failed({{"lines", "the total is too large"}});
      }
    if (!any) continue;
    if (__builtin_add_overflow(t.amount_minor, b.amount_minor, &t.amount_minor) ||
        __builtin_add_overflow(t.vat_minor, b.vat_minor, &t.vat_minor))
      throw core::validation_failed({{"lines", "the total is too large"}});
    t.by_rate.push_back(b);
  }
  return t;
}

nlohmann::json totals_json(const Totals& t, const core::Currency& currency) {
  auto money = [&](std::int64_t minor) { return core::Money(minor, currency).to_string(); };
  nlohmann::json rates = nlohmann::json::array();
  for (const auto& b : t.by_rate)
    rates.push_back({{"vat_rate", std::string(core::to_string(b.rate))},
                     {"amount", money(b.amount_minor)},
                     {"vat", money(b.vat_minor)}});
  return {{"amount", money(t.amount_minor)}, {"vat", money(t.vat_minor)}, {"by_vat_rate", rates}};
}

}  // namespace skybill::booking
