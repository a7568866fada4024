// Invoice-series prefixes: what makes one valid, and the one a new airline gets by default.
#include <array>
#include <string_view>

#include "skybill/identity/model.hpp"

namespace skybill::identity {
namespace {

constexpr std::size_t kMaxPrefix = 8;

// Words the payment matcher (src/matching/scan.cpp) reads as markers, never as a prefix.
constexpr std::array<std::string_view, 16> kMarkerWords{"N",    "NO",   "NR",   "NUM",   "INV", "INVOICE",
                                                        "INN",  "KPP",  "BIK",  "BIC",   "OGRN", "OKPO",
                                                        "OKTMO", "KBK", "TEL",  "DEP"};

bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string> latin_words(const std::string& name) {
  std::vector<std::string> words(1);
  for (char c : name) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (upper(c) || digit(c))
      words.back() += c;
    else if (!words.back().empty())
      words.emplace_back();
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

std::string base_of(const std::string& name) {
  auto words = latin_words(name);
  std::string base;
  if (words.size() >= 2)
    for (std::size_t i = 0; i < words.size() && base.size() < 4; ++i) base += words[i][0];
  else if (words.size() == 1)
    base = words[0].substr(0, 3);
  while (!base.empty() && digit(base.front())) base.erase(0, 1);
  return base.size() >= 2 ? base : "AL";
}

}  // namespace

std::optional<std::string> invoice_prefix_error(const std::string& p) {
  bool shape = p.size() >= 2 && p.size() <= kMaxPrefix && upper(p[0]);
  for (char c : p) shape = shape && (upper(c) || digit(c));
  if (!shape) return "must be 2 to 8 capital Latin letters and digits, starting with a letter";
  for (auto w : kMarkerWords)
    if (p == w) return "is a word bank payments use as a label (" + p + "); choose another";
  if (p == "SB") return "is reserved: SB numbered the invoices issued before airlines had series of their own";
  return std::nullopt;
}

std::string derive_invoice_prefix(const std::string& name, const std::function<bool(const std::string&)>& taken) {
  auto base = base_of(name);
  for (int n = 1;; ++n) {
    std::string candidate = base;
    if (n > 1) {
      auto suffix = std::to_string(n);
      candidate = base.substr(0, kMaxPrefix - suffix.size()) + suffix;
    }
    if (!invoice_prefix_error(candidate) && !taken(candidate)) return candidate;
  }
}

}  // namespace skybill::identity
