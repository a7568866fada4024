#include "skybill/settlement/rules.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "skybill/core/money.hpp"
#include "skybill/core/problem.hpp"

namespace skybill::settlement {
namespace {

using std::chrono::minutes;
constexpr std::int64_t kMillion = 1'000'000;

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

void check_payee(const nlohmann::json& p, std::vector<core::FieldError>& errors) {
  if (!p.is_object()) {
    errors.push_back({"payee", "must be an object"});
    return;
  }
  auto text = [&](const char* key) -> std::string {
    auto it = p.find(key);
    if (it == p.end() || it->is_null()) return {};
    if (!it->is_string()) {
      errors.push_back({std::string("payee.") + key, "must be a string"});
      return {};
    }
    return it->get<std::string>();
  };
  for (const auto& [k, v] : p.items())
    if (k != "name" && k != "inn" && k != "kpp" && k != "account" && k != "bank" && k != "bic" &&
        k != "correspondent_account")
      errors.push_back({"payee." + k, "is not a known field"});
  if (auto a = text("account"); !(a.size() == 20 && all_digits(a)))
    errors.push_back({"payee.account", "must be 20 digits"});
  if (auto b = text("bic"); !(b.size() == 9 && all_digits(b))) errors.push_back({"payee.bic", "must be 9 digits"});
  if (auto c = text("correspondent_account"); !c.empty() && !(c.size() == 20 && all_digits(c)))
    errors.push_back({"payee.correspondent_account", "must be 20 digits"});
  if (auto i = text("inn"); !i.empty() && !((i.size() == 10 || i.size() == 12) && all_digits(i)))
    errors.push_back({"payee.inn", "must be 10 or 12 digits"});
  text("name");
  text("kpp");
  text("bank");
}

std::int64_t fee(const Commission& c, std::int64_t amount_minor, const std::string& currency) {
  if (amount_minor <= 0) return 0;
  // amount * millionths can overflow int64 for huge amounts: split the amount.
  const std::int64_t whole = amount_minor / kMillion, rest = amount_minor % kMillion;
  std::int64_t percent = whole * c.percent_millionths + (rest * c.percent_millionths + kMillion / 2) / kMillion;
  std::int64_t fixed = 0;
  if (auto it = c.fixed_minor.find(currency); it != c.fixed_minor.end()) fixed = it->second;
  return std::min(amount_minor, percent + fixed);
}

std::chrono::minutes parse_cutoff(const std::string& text) {
  bool shape = text.size() == 5 && text[2] == ':' && all_digits(text.substr(0, 2)) && all_digits(text.substr(3));
  if (shape) {
    int h = std::stoi(text.substr(0, 2)), m = std::stoi(text.substr(3));
    if (h < 24 && m < 60) return minutes(h * 60 + m);
  }
  throw core::validation_failed({{"cutoff", "must be a local time HH:MM, such as 18:00"}});
}

std::string cutoff_text(std::chrono::minutes cutoff) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(cutoff.count() / 60), static_cast<int>(cutoff.count() % 60));
  return buf;
}

std::int64_t parse_percent(const std::string& text) {
  auto dot = text.find('.');
  std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  bool ok = all_digits(whole) && whole.size() <= 2 && (dot == std::string::npos || (all_digits(frac) && frac.size() <= 4));
  if (!ok)
    throw core::validation_failed(
        {{"commission_percent", "must be a decimal from 0 to 99.9999 with at most 4 decimals, such as 1.5"}});
  frac.resize(4, '0');
  return std::stoll(whole) * 10'000 + std::stoll(frac);  // 1 % = 10 000 millionths
}

std::string percent_text(std::int64_t millionths) {
  std::string out = std::to_string(millionths / 10'000);
  auto frac = millionths % 10'000;
  if (frac == 0) return out;
  auto digits = std::to_string(10'000 + frac).substr(1);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

Settings settings_from_json(const nlohmann::json& s, std::chrono::minutes default_cutoff) {
  Settings out;
  out.cutoff = default_cutoff;
  out.payee = nlohmann::json::object();
  if (s.is_null()) return out;
  std::vector<core::FieldError> errors;
  if (!s.is_object()) throw core::validation_failed({{"settlement", "must be an object"}});
  for (const auto& [k, v] : s.items()) {
    try {
      if (k == "commission_percent") {
        if (!v.is_string()) throw core::validation_failed({{k, "must be a decimal string such as \"1.5\""}});
        out.commission.percent_millionths = parse_percent(v.get<std::string>());
      } else if (k == "commission_fixed") {
        if (!v.is_object()) throw core::validation_failed({{k, "must map currencies to amounts: {\"RUB\": \"30.00\"}"}});
        for (const auto& [code, amount] : v.items()) {
          const auto* cur = core::find_currency(code);
          if (!cur) {
            errors.push_back({k + "." + code, "is not a known ISO 4217 currency"});
            continue;
          }
          try {
            if (!amount.is_string()) throw core::MoneyError("");
            auto m = core::Money::parse(amount.get<std::string>(), *cur);
            if (m.minor() < 0) throw core::MoneyError("");
            out.commission.fixed_minor[code] = m.minor();
          } catch (const core::MoneyError&) {
            errors.push_back({k + "." + code, "must be a non-negative amount in the currency's exponent"});
          }
        }
      } else if (k == "cutoff") {
        if (!v.is_string()) throw core::validation_failed({{k, "must be a local time HH:MM"}});
        out.cutoff = parse_cutoff(v.get<std::string>());
      } else if (k == "payee") {
        check_payee(v, errors);
        out.payee = v;
      } else {
        errors.push_back({k, "is not a known field"});
      }
    } catch (const core::Problem& p) {
      for (const auto& e : p.errors) errors.push_back(e);
    }
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

core::Date settlement_day(const core::BusinessCalendar& cal, core::Date day, std::chrono::minutes time,
                          std::chrono::minutes cutoff) {
  if (cal.is_business_day(day) && time < cutoff) return day;
  return cal.next_business_day(day);
}

core::Date payout_day(const core::BusinessCalendar& cal, core::Date business_day) {
  return cal.next_business_day(business_day);
}

core::Date last_closed_day(const core::BusinessCalendar& cal, core::Date day, std::chrono::minutes time,
                           std::chrono::minutes cutoff) {
  if (cal.is_business_day(day) && time >= cutoff) return day;
  return cal.previous_business_day(day);
}

core::Date refund_deadline_day(const core::BusinessCalendar& cal, core::Date accepted) {
  return cal.next_business_day(accepted, 2);
}

std::vector<Leg> allocate(std::int64_t amount_minor, std::int64_t unpaid_minor, const std::string& unpaid_route,
                          const std::vector<Source>& sources_oldest_first) {
  if (amount_minor <= 0)
    throw core::Problem(422, "invalid-amount", "Invalid amount", "a refund must be more than zero");
  std::vector<Leg> legs;
  std::int64_t left = amount_minor;
  if (unpaid_minor > 0) {
    auto take = std::min(left, unpaid_minor);
    legs.push_back({unpaid_route, {}, take});
    left -= take;
  }
  for (auto it = sources_oldest_first.rbegin(); it != sources_oldest_first.rend() && left > 0; ++it) {
    if (it->available_minor <= 0) continue;
    auto take = std::min(left, it->available_minor);
    legs.push_back({it->route, it->payment_id, take});
    left -= take;
  }
  if (left > 0)
    throw core::Problem(422, "refund-too-large", "Refund too large",
                        "the refund is " + std::to_string(left) +
                            " minor units more than what was paid or guaranteed and not yet refunded");
  return legs;
}

}  // namespace skybill::settlement
