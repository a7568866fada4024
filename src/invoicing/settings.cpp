#include "skybill/invoicing/invoicing.hpp"

namespace skybill::invoicing {
namespace {

template <class Duration>
void read_count(const nlohmann::json& s, const char* key, long long min, long long max, Duration& out) {
  auto it = s.find(key);
  if (it != s.end() && it->is_number_integer() && it->get<long long>() >= min && it->get<long long>() <= max)
    out = Duration(it->get<long long>());
}

}  // namespace

options::Settings settings_from_json(const nlohmann::json& s) {
  options::Settings out;
  if (!s.is_object()) return out;
  if (auto it = s.find("disabled_methods"); it != s.end() && it->is_array())
    for (const auto& m : *it)
      if (m.is_string())
        if (auto method = options::parse_method(m.get<std::string>())) out.disabled.insert(*method);
  read_count(s, "guarantee_letter_lead_minutes", 0, 24 * 60, out.guarantee_letter_lead);
  read_count(s, "invoice_due_hours", 1, 24 * 30, out.invoice_due_after);
  read_count(s, "invoice_safety_margin_minutes", 0, 24 * 60, out.invoice_safety_margin);
  if (auto it = s.find("max_deferral_days"); it != s.end() && it->is_number_integer())
    out.max_deferral_days = static_cast<int>(std::clamp<long long>(it->get<long long>(), 0, 30));
  return out;
}

}  // namespace skybill::invoicing
