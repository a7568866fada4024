#include "skybill/identity/model.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string_view>

#include "skybill/core/identifiers.hpp"

namespace skybill::identity {
namespace {

constexpr std::size_t kMaxName = 300;
constexpr std::size_t kMaxEmail = 254;
const std::regex kEmail(R"(^[^@\s]+@[^@\s]+\.[^@\s]+$)");  // as a booking's contact_email

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Characters, not bytes: the database checks length(name), which counts characters.
std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// GCC 12 has no std::chrono::tzdb: the system's zoneinfo (package tzdata) is the list.
bool known_timezone(const std::string& tz) {
  if (tz.empty() || tz.size() > 64 || tz.find("..") != std::string::npos || tz.find("//") != std::string::npos ||
      tz.front() == '/')
    return false;
  for (unsigned char c : tz)
    if (!(std::isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  auto path = std::filesystem::path("/usr/share/zoneinfo") / tz;
  if (!std::filesystem::is_regular_file(path)) return false;
  // zoneinfo also holds data files that are not zones ("leapseconds"): a zone starts with TZif.
  char magic[4] = {};
  std::ifstream in(path, std::ios::binary);
  return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

void check_inn_kpp(const std::string& inn, const std::string& kpp, bool kpp_required,
                   std::vector<core::FieldError>& errors) {
  if (!core::is_valid_inn(inn)) {
    errors.push_back({"inn", "must be a valid INN: 10 digits (organisation) or 12 (person), control digits checked"});
  } else if (core::is_legal_entity_inn(inn)) {
    if (kpp.empty() && kpp_required)
      errors.push_back({"kpp", "is required for an organisation (10-digit INN)"});
    else if (!kpp.empty() && !core::is_valid_kpp(kpp))
      errors.push_back({"kpp", "must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits"});
  } else if (!kpp.empty()) {
    errors.push_back({"kpp", "must be empty for a person or sole proprietor (12-digit INN)"});
  }
}

}  // namespace

MerchantInput validate_merchant(const MerchantInput& raw) {
  MerchantInput in = raw;
  in.name = trim(in.name);
  std::vector<core::FieldError> errors;
  if (in.name.empty() || utf8_length(in.name) > kMaxName) errors.push_back({"name", "must have 1 to 300 characters"});
  check_inn_kpp(in.inn, in.kpp, false, errors);
  if (!known_timezone(in.timezone)) errors.push_back({"timezone", "must be an IANA time zone such as Europe/Moscow"});
  if (!in.contact_email.empty() && !is_email_address(in.contact_email))
    errors.push_back({"email", "must be an e-mail address"});
  if (!in.invoice_prefix.empty())
    if (auto e = invoice_prefix_error(in.invoice_prefix)) errors.push_back({"invoice_prefix", *e});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return in;
}

MerchantPatch parse_merchant_patch(const nlohmann::json& body) {
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  std::vector<core::FieldError> errors;
  MerchantPatch out;
  auto text = [&](const std::string& k, const nlohmann::json& v) -> std::optional<std::string> {
    if (v.is_string()) return trim(v.get<std::string>());
    errors.push_back({k, "must be a string"});
    return std::nullopt;
  };
  for (const auto& [k, v] : body.items()) {
    if (k == "name") {
      out.name = text(k, v);
      if (out.name && (out.name->empty() || utf8_length(*out.name) > kMaxName))
        errors.push_back({k, "must have 1 to 300 characters"});
    } else if (k == "timezone") {
      out.timezone = text(k, v);
      if (out.timezone && !known_timezone(*out.timezone))
        errors.push_back({k, "must be an IANA time zone such as Europe/Moscow"});
    } else if (k == "invoice_prefix") {
      out.invoice_prefix = text(k, v);
      if (out.invoice_prefix)
        if (auto e = invoice_prefix_error(*out.invoice_prefix)) errors.push_back({k, *e});
    } else if (k == "contact_email") {
      if (v.is_null()) {
        out.contact_email = nullptr;
      } else if (auto email = text(k, v)) {
        out.contact_email = *email;
        if (!is_email_address(*email)) errors.push_back({k, "must be an e-mail address or null"});
      }
    } else {
      errors.push_back({k, "is not a known field"});
    }
  }
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return out;
}

bool is_email_address(const std::string& s) { return s.size() <= kMaxEmail && std::regex_match(s, kEmail); }

ClientInput parse_client(const nlohmann::json& body) {
  std::vector<core::FieldError> errors;
  if (!body.is_object()) throw core::validation_failed({{"", "the body must be a JSON object"}});
  ClientInput in;
  // Returns false when the field is present but not a string (already reported).
  auto text = [&](const char* field, std::string& out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_string()) {
      errors.push_back({field, "must be a string"});
      return false;
    }
    out = trim(it->get<std::string>());
    return true;
  };
  bool inn_ok = text("inn", in.inn);
  bool kpp_ok = text("kpp", in.kpp);
  if (text("name", in.name) && (in.name.empty() || utf8_length(in.name) > kMaxName))
    errors.push_back({"name", in.name.empty() ? "is required" : "must have at most 300 characters"});
  if (inn_ok && in.inn.empty()) errors.push_back({"inn", "is required"});
  // A non-string KPP is already reported: the INN is still checked, the KPP no further.
  else if (inn_ok) check_inn_kpp(in.inn, in.kpp, kpp_ok, errors);
  for (const auto& [k, v] : body.items())
    if (k != "inn" && k != "kpp" && k != "name") errors.push_back({k, "is not a known field"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));
  return in;
}


}  // namespace skybill::identity
