#include "skybill/documents/payment_qr.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "skybill/core/problem.hpp"

namespace skybill::documents {
namespace {

constexpr std::string_view kHeader = "ST00012";
constexpr std::string_view kSeparators = "|#;:^_~{}!$%&()*+,/@";
constexpr std::size_t kRequiredBlockBytes = 300;

// Characters, not bytes: Cyrillic takes two bytes in UTF-8 and counts once.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

bool kpp_shape(std::string_view s) {
  if (s.size() != 9) return false;
  for (std::size_t i = 0; i < 9; ++i) {
    char c = s[i];
    bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z';
    if ((i == 4 || i == 5) ? !(digit || upper) : !digit) return false;
  }
  return true;
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F) return true;
  return false;
}

}  // namespace

std::string payment_qr_string(const PaymentDetails& d) {
  std::vector<core::FieldError> errors;
  auto text = [&](const char* field, const std::string& v, std::size_t max, bool required) {
    if (v.empty()) {
      if (required) errors.push_back({field, "is required"});
    } else if (characters(v) > max) {
      errors.push_back({field, "must have at most " + std::to_string(max) + " characters"});
    } else if (has_control(v)) {
      errors.push_back({field, "must not hold control characters (line breaks, tabs)"});
    }
  };
  auto digits = [&](const char* field, const std::string& v, std::size_t len, bool required) {
    if (v.empty()) {
      if (required) errors.push_back({field, "is required"});
    } else if (v.size() != len || !all_digits(v)) {
      errors.push_back({field, "must be " + std::to_string(len) + " digits"});
    }
  };
  text("name", d.name, 160, true);
  digits("personal_acc", d.personal_acc, 20, true);
  text("bank_name", d.bank_name, 45, true);
  digits("bic", d.bic, 9, true);
  digits("corresp_acc", d.corresp_acc, 20, true);
  if (d.sum_kopecks && (*d.sum_kopecks < 0 || *d.sum_kopecks > 999'999'999'999'999'999))
    errors.push_back({"sum_kopecks", "must be 0 to 18 digits of kopecks"});
  text("purpose", d.purpose, 160, false);
  for (auto [field, v] : {std::pair{"payee_inn", &d.payee_inn}, std::pair{"payer_inn", &d.payer_inn}})
    if (!v->empty() && !((v->size() == 10 || v->size() == 12) && all_digits(*v)))
      errors.push_back({field, "must be 10 or 12 digits"});
  if (!d.kpp.empty() && !kpp_shape(d.kpp)) errors.push_back({"kpp", "must be 9 characters: NNNNXXNNN"});

  std::vector<std::pair<std::string_view, std::string>> fields = {{"Name", d.name},
                                                                   {"PersonalAcc", d.personal_acc},
                                                                   {"BankName", d.bank_name},
                                                                   {"BIC", d.bic},
                                                                   {"CorrespAcc", d.corresp_acc}};
  const std::size_t required = fields.size();
  if (d.sum_kopecks) fields.emplace_back("Sum", std::to_string(*d.sum_kopecks));
  if (!d.purpose.empty()) fields.emplace_back("Purpose", d.purpose);
  if (!d.payee_inn.empty()) fields.emplace_back("PayeeINN", d.payee_inn);
  if (!d.kpp.empty()) fields.emplace_back("KPP", d.kpp);
  if (!d.payer_inn.empty()) fields.emplace_back("PayerINN", d.payer_inn);

  char separator = 0;
  for (char c : kSeparators) {
    bool used = false;
    for (const auto& [key, value] : fields) used = used || value.find(c) != std::string::npos;
    if (!used) {
      separator = c;
      break;
    }
  }
  if (!separator) errors.push_back({"", "every separator the standard allows appears in some value"});
  if (!errors.empty()) throw core::validation_failed(std::move(errors));

  std::string out(kHeader);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += separator;
    out += fields[i].first;
    out += '=';
    out += fields[i].second;
    if (i + 1 == required && out.size() > kRequiredBlockBytes)
      throw core::validation_failed({{"", "the required block (name, accounts, bank) must fit in 300 bytes"}});
  }
  return out;
}

}  // namespace skybill::documents
