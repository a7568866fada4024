#include "scan.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>

#include "text.hpp"

namespace skybill::matching::detail {
namespace {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2099;
constexpr std::size_t kMaxPrefix = 8;
constexpr std::size_t kMaxSeqDigits = 6;
constexpr std::size_t kMaxGap = 3;          // separators between the parts of a number
constexpr std::size_t kDepositLength = 8;
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

bool plausible_year(int y) { return y >= kMinYear && y <= kMaxYear; }

bool starts_with(const std::u32string& s, const std::u32string& p) {
  return s.size() >= p.size() && std::equal(p.begin(), p.end(), s.begin());
}

// A set of words compared by their keys (decoded once).
class Words {
 public:
  Words(std::initializer_list<const char*> words) {
    for (const char* w : words) keys_.push_back(keys(w));
  }
  bool has(const std::u32string& w) const { return std::find(keys_.begin(), keys_.end(), w) != keys_.end(); }
  bool starts(const std::u32string& w) const {
    return std::any_of(keys_.begin(), keys_.end(), [&](const std::u32string& k) { return starts_with(w, k); });
  }

 private:
  std::vector<std::u32string> keys_;
};

const Words kInvoiceWords{"сч",     "счет",    "счета",   "счету",  "счетом",  "счете",  "счетов",
                          "счетам", "счетами", "счетах",  "invoice", "invoices", "inv"};
const Words kPluralInvoiceWords{"счетов", "счетам", "счетами", "счетах", "invoices"};
const Words kMarkers{"n", "no", "nr", "num"};
const Words kAccountWords{"р", "к", "л"};
const Words kAccountStems{"расч", "лиц", "кор", "банк", "текущ", "валют", "депозит", "транзит", "спец"};
const Words kVatInvoice{"ф"};  // "счет-фактура", "сч.ф."
const Words kOffer{"оферт"};
const Words kOn{"на"};
const Words kPayment{"оплат"};
const Words kAnd{"и", "and"};
const Words kDateWords{"от", "from", "dated", "of", "dd"};
const Words kMonths{"янв", "фев", "мар", "апр", "май", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
                    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

// Words that mark or label a number and are never its prefix.
bool excluded_prefix(const std::string& p) {
  static constexpr std::array<const char*, 16> kWords = {"N",   "NO",  "NR",   "NUM",  "INV",   "INVOICE", "INN", "KPP",
                                                         "BIK", "BIC", "OGRN", "OKPO", "OKTMO", "KBK",     "TEL", "DEP"};
  return std::any_of(kWords.begin(), kWords.end(), [&](const char* w) { return p == w; });
}

bool valid_prefix(const std::string& p) {
  return !p.empty() && p.size() <= kMaxPrefix && p[0] >= 'A' && p[0] <= 'Z' && !excluded_prefix(p);
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) {  // at most 9 digits: no overflow
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

class Scanner {
 public:
  Scanner(const Text& t, int payment_year) : t_(t), n_(t.size()), payment_year_(payment_year) {}

  Scan run() {
    Scan out;
    std::size_t dep_from = kNone, dep_to = kNone;
    if (auto d = deposit()) {
      out.deposit = std::move(d->first);
      dep_from = d->second.first;
      dep_to = d->second.second;
    }
    std::vector<Number> found;
    for (std::size_t i = 0; i < n_; ++i) {
      if (dep_from != kNone && i >= dep_from && i < dep_to) continue;
      if (!valid_start(i)) continue;
      if (auto m = full_number(i)) {
        found.push_back(m->first);
        i = m->second - 1;
      }
    }
    for (std::size_t i = 0; i < n_; ++i)
      if (word_start(i) && t_[i].letter) bare_numbers_after_keyword(i, found);
    std::stable_sort(found.begin(), found.end(), [](const Number& a, const Number& b) { return a.at < b.at; });
    for (const Number& f : found) {
      if (f.prefix.empty() && std::any_of(found.begin(), found.end(), [&](const Number& g) {
            return !g.prefix.empty() && g.seq == f.seq && (!f.year_stated || g.year == f.year);
          }))
        continue;  // the full number says it better
      if (std::any_of(out.numbers.begin(), out.numbers.end(),
                      [&](const Number& g) { return normalised(g) == normalised(f); }))
        continue;
      out.numbers.push_back(f);
    }
    return out;
  }

 private:
  const Text& t_;
  std::size_t n_;
  int payment_year_;

  // --- cells -------------------------------------------------------------------------------
  bool word_char(std::size_t i) const { return i < n_ && (t_[i].letter || t_[i].digit); }
  bool word_start(std::size_t i) const { return i == 0 || !word_char(i - 1); }
  bool digit(std::size_t i) const { return i < n_ && t_[i].digit; }
  bool ascii(std::size_t i, char c) const { return i < n_ && t_[i].ascii == c; }

  std::size_t digits_end(std::size_t i) const {
    while (i < n_ && t_[i].digit) ++i;
    return i;
  }
  std::size_t letters_end(std::size_t i) const {
    while (i < n_ && t_[i].letter) ++i;
    return i;
  }
  std::size_t alnum_end(std::size_t i) const {
    while (i < n_ && t_[i].alnum) ++i;
    return i;
  }
  std::string alnum(std::size_t from, std::size_t to) const {
    std::string s;
    for (std::size_t i = from; i < to; ++i) s.push_back(t_[i].alnum);
    return s;
  }
  int value(std::size_t from, std::size_t to) const { return to_int(alnum(from, to)); }

  // 1-3 separators from i: the position after them, else kNone.
  std::size_t gap_end(std::size_t i) const {
    std::size_t k = i;
    while (k < n_ && t_[k].sep && k - i <= kMaxGap) ++k;
    return (k == i || k - i > kMaxGap) ? kNone : k;
  }
  std::size_t skip_spaces(std::size_t i) const {
    while (i < n_ && t_[i].sep == ' ') ++i;
    return i;
  }

  // --- deposit reference -------------------------------------------------------------------
  std::optional<std::pair<std::string, std::pair<std::size_t, std::size_t>>> deposit() const {
    for (std::size_t i = 0; i + 3 + kDepositLength <= n_; ++i) {
      if (!word_start(i) || t_[i].key != U'D' || t_[i + 1].key != U'E' || t_[i + 2].key != U'P') continue;
      std::size_t k = i + 3;
      while (k < n_ && k - (i + 3) < 2 && (t_[k].sep || t_[k].ascii == ':')) ++k;
      std::size_t gap = k - (i + 3);
      if (k + kDepositLength > n_) continue;
      std::string code;
      bool has_digit = false;
      for (std::size_t j = k; j < k + kDepositLength && t_[j].alnum; ++j) {
        char c = t_[j].alnum;
        has_digit = has_digit || t_[j].digit;
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        code.push_back(c);
      }
      if (code.size() != kDepositLength || word_char(k + kDepositLength)) continue;
      if (gap == 0 && !has_digit) continue;  // "DEPARTMENTS"
      return std::pair{"DEP-" + code, std::pair{i, k + kDepositLength}};
    }
    return std::nullopt;
  }

  // --- full numbers ------------------------------------------------------------------------
  // A prefix may start at a word start, or at a Latin letter glued to a Cyrillic word that
  // holds a letter without a Latin twin ("СЧЕТSB" starts at S, not at the look-alike Е).
  bool valid_start(std::size_t i) const {
    if (!t_[i].alnum || t_[i].digit) return false;
    if (word_start(i)) return true;
    if (!t_[i].latin || !t_[i - 1].cyrillic) return false;
    for (std::size_t j = i; j > 0 && t_[j - 1].cyrillic; --j)
      if (!t_[j - 1].alnum) return true;
    return false;
  }

  // After the last part: no Latin letter or digit glued on, not a decimal ("909.09"), not a
  // date ("2026-11-21" after a word) nor a longer code ("SB-2026-000123-01").
  bool number_ends_at(std::size_t k) const {
    if (k >= n_) return true;
    if (t_[k].latin || t_[k].digit) return false;
    bool punct = t_[k].ascii == '.' || t_[k].ascii == ',' || t_[k].ascii == '-' || t_[k].ascii == '/';
    return !(punct && digit(k + 1));
  }

  std::optional<std::pair<Number, std::size_t>> full_number(std::size_t i) const {
    auto make = [&](std::string prefix, int year, int seq, std::size_t end) {
      return std::optional{std::pair{Number{std::move(prefix), year, seq, true, i}, end}};
    };
    std::size_t r0e = alnum_end(i);
    std::string r0 = alnum(i, r0e);
    std::size_t g1 = gap_end(r0e);
    if (g1 != kNone && digit(g1)) {
      std::size_t r1e = digits_end(g1), len1 = r1e - g1;
      // PREFIX sep YYYY sep N{1,6}
      if (len1 == 4 && valid_prefix(r0) && plausible_year(value(g1, r1e))) {
        std::size_t g2 = gap_end(r1e);
        if (g2 != kNone && digit(g2)) {
          std::size_t r2e = digits_end(g2), len2 = r2e - g2;
          if (len2 <= kMaxSeqDigits && value(g2, r2e) > 0 && number_ends_at(r2e))
            return make(r0, value(g1, r1e), value(g2, r2e), r2e);
        }
      }
      // PREFIX sep YYYYNNNNNN
      if (len1 == 4 + kMaxSeqDigits && valid_prefix(r0) && plausible_year(value(g1, g1 + 4)) &&
          value(g1 + 4, r1e) > 0 && number_ends_at(r1e))
        return make(r0, value(g1, g1 + 4), value(g1 + 4, r1e), r1e);
      // PREFIXYYYY sep N{1,6}
      if (r0.size() > 4 && all_digits(std::string_view(r0).substr(r0.size() - 4))) {
        std::string p = r0.substr(0, r0.size() - 4);
        int year = to_int(std::string_view(r0).substr(r0.size() - 4));
        if (valid_prefix(p) && plausible_year(year) && len1 <= kMaxSeqDigits && value(g1, r1e) > 0 &&
            number_ends_at(r1e))
          return make(p, year, value(g1, r1e), r1e);
      }
    }
    // PREFIXYYYYNNNNNN
    constexpr std::size_t kTail = 4 + kMaxSeqDigits;
    if (r0.size() > kTail && all_digits(std::string_view(r0).substr(r0.size() - kTail))) {
      std::string p = r0.substr(0, r0.size() - kTail);
      std::string_view tail = std::string_view(r0).substr(r0.size() - kTail);
      int year = to_int(tail.substr(0, 4)), seq = to_int(tail.substr(4));
      if (valid_prefix(p) && plausible_year(year) && seq > 0 && number_ends_at(r0e)) return make(p, year, seq, r0e);
    }
    return std::nullopt;
  }

  // --- bare sequences after an invoice word ------------------------------------------------

  // The word before position i (across up to 3 of ' ', '/', '.').
  std::u32string word_before(std::size_t i) const {
    std::size_t k = i, skipped = 0;
    while (k > 0 && skipped < 3 && (t_[k - 1].sep == ' ' || t_[k - 1].sep == '/' || t_[k - 1].sep == '.'))
      --k, ++skipped;
    std::size_t end = k;
    while (k > 0 && t_[k - 1].letter) --k;
    return keys(t_, k, end);
  }

  // "р/сч", "расчетный счет", "лицевой счет": a bank account, not an invoice.
  bool account_word_before(std::size_t i) const {
    std::u32string w = word_before(i);
    if (w.empty()) return false;
    return kAccountWords.has(w) || kAccountStems.starts(w);
  }

  // A sequence ends cleanly: no Latin letter glued on, not a date, amount or phone number.
  bool sequence_ends_at(std::size_t k) const {
    if (k >= n_) return true;
    if (t_[k].latin) return false;
    bool punct = t_[k].ascii == '.' || t_[k].ascii == ',' || t_[k].ascii == '/' || t_[k].ascii == ':' ||
                 t_[k].ascii == '-';
    return !(punct && digit(k + 1));
  }

  // "123", "000123" or "2026-000123" at k.
  std::optional<std::pair<Number, std::size_t>> bare_item(std::size_t k) const {
    std::size_t e = digits_end(k), len = e - k;
    if (len == 4 && plausible_year(value(k, e))) {
      std::size_t g = gap_end(e);
      if (g != kNone && digit(g)) {
        std::size_t e2 = digits_end(g);
        if (e2 - g <= kMaxSeqDigits && value(g, e2) > 0 && sequence_ends_at(e2))
          return std::pair{Number{"", value(k, e), value(g, e2), true, k}, e2};
      }
    }
    if (len >= 1 && len <= kMaxSeqDigits && value(k, e) > 0 && sequence_ends_at(e))
      return std::pair{Number{"", 0, value(k, e), false, k}, e};
    return std::nullopt;
  }

  // Skips "№", "#", "N", "No", ":" and the like; the position after them.
  std::size_t skip_markers(std::size_t k) const {
    for (int guard = 0; guard < 12 && k < n_; ++guard) {
      const Cell& c = t_[k];
      bool gap = c.sep == ' ' || c.sep == '.' || c.sep == '-' || c.sep == '_';
      if (gap || c.ascii == ':' || c.ascii == '#' || c.numero) {
        ++k;
        continue;
      }
      if (c.letter) {
        std::size_t e = letters_end(k);
        if (kMarkers.has(keys(t_, k, e))) {
          k = e;
          continue;
        }
      }
      break;
    }
    return k;
  }

  void bare_numbers_after_keyword(std::size_t i, std::vector<Number>& out) const {
    std::size_t j = letters_end(i);
    std::u32string word = keys(t_, i, j);
    if (!kInvoiceWords.has(word) || account_word_before(i)) return;
    // Only a plural takes a list: "по счетам 123, 124", but "по счету 123, 2 билета".
    bool plural = kPluralInvoiceWords.has(word);
    std::size_t k = j;
    // "счет-оферта", "счет-договор"; "счет-фактура" is a VAT invoice.
    if (k < n_ && t_[k].sep == '-' && k + 1 < n_ && t_[k + 1].letter) {
      std::size_t e = letters_end(k + 1);
      if (kVatInvoice.starts(keys(t_, k + 1, e))) return;
      k = e;
    }
    for (int guard = 0; guard < 6; ++guard) {
      k = skip_markers(k);
      if (k >= n_ || !t_[k].letter) break;
      std::size_t e = letters_end(k);
      std::u32string w = keys(t_, k, e);
      if (kVatInvoice.starts(w)) return;  // "сч.ф.", "сч.-ф."
      if (kOffer.starts(w)) {
        k = e;
        continue;
      }
      if (kOn.has(w)) {  // "счет на оплату"
        std::size_t a = skip_spaces(e);
        std::size_t b = letters_end(a);
        if (b > a && kPayment.starts(keys(t_, a, b))) {
          k = b;
          continue;
        }
      }
      return;
    }
    if (!digit(k)) return;

    std::vector<Number> items;
    for (;;) {
      auto item = bare_item(k);
      if (!item) break;
      items.push_back(item->first);
      k = item->second;
      if (!plural) break;
      // ", 124", "; 124", " и 124", " and 124", " & 124"
      std::size_t m = skip_spaces(k);
      if (ascii(m, ',') || ascii(m, ';') || ascii(m, '&')) {
        ++m;
      } else if (m < n_ && t_[m].letter) {
        std::size_t e = letters_end(m);
        if (!kAnd.has(keys(t_, m, e))) break;
        m = e;
      } else {
        break;
      }
      m = skip_markers(skip_spaces(m));
      if (!digit(m)) break;
      k = m;
    }
    if (items.empty()) return;

    std::optional<int> year;
    {
      std::size_t m = k;
      while (m < n_ && (t_[m].sep == ' ' || t_[m].ascii == ',')) ++m;
      if (m < n_ && t_[m].letter) {
        std::size_t e = letters_end(m);
        if (kDateWords.has(keys(t_, m, e))) m = skip_spaces(e);
      }
      year = date_year(m);
    }
    for (Number& n : items) {
      if (!n.year_stated) {
        n.year = year ? *year : payment_year_;
        n.year_stated = year.has_value();
      }
      out.push_back(n);
    }
  }

  // The year of a date at k: "21.11.2026", "21/11/26", "21-11-2026", "2026-11-21",
  // "21 ноября 2026".
  std::optional<int> date_year(std::size_t k) const {
    auto is_date_sep = [&](std::size_t p) { return ascii(p, '.') || ascii(p, '/') || ascii(p, '-'); };
    std::size_t a = digits_end(k), la = a - k;
    if (la == 0) return std::nullopt;
    auto valid = [](int d, int m, int y) { return d >= 1 && d <= 31 && m >= 1 && m <= 12 && plausible_year(y); };
    if (la <= 2 && is_date_sep(a) && digit(a + 1)) {
      std::size_t b = digits_end(a + 1);
      if (b - (a + 1) > 2 || !is_date_sep(b) || !digit(b + 1)) return std::nullopt;
      std::size_t c = digits_end(b + 1), lc = c - (b + 1);
      if (lc != 2 && lc != 4) return std::nullopt;
      int y = value(b + 1, c) + (lc == 2 ? 2000 : 0);
      if (valid(value(k, a), value(a + 1, b), y)) return y;
      return std::nullopt;
    }
    if (la <= 2 && a < n_ && t_[a].sep == ' ') {
      std::size_t m = skip_spaces(a);
      std::size_t e = letters_end(m);
      if (e == m || !kMonths.starts(keys(t_, m, e))) return std::nullopt;
      std::size_t y0 = skip_spaces(e);
      std::size_t y1 = digits_end(y0);
      if (y1 - y0 != 4) return std::nullopt;
      int d = value(k, a), y = value(y0, y1);
      if (d >= 1 && d <= 31 && plausible_year(y)) return y;
      return std::nullopt;
    }
    if (la == 4 && is_date_sep(a) && digit(a + 1)) {
      std::size_t b = digits_end(a + 1);
      if (b - (a + 1) > 2 || !is_date_sep(b) || !digit(b + 1)) return std::nullopt;
      std::size_t c = digits_end(b + 1);
      if (c - (b + 1) > 2) return std::nullopt;
      if (valid(value(b + 1, c), value(a + 1, b), value(k, a))) return value(k, a);
    }
    return std::nullopt;
  }
};

}  // namespace

std::string normalised(const Number& n) {
  int year = n.year >= 0 && n.year <= 9999 ? n.year : 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "-%04d-%06d", year, n.seq);
  return (n.prefix.empty() ? std::string("*") : n.prefix) + buf;
}

Scan scan(std::string_view purpose, int payment_year) {
  Text t = decode(purpose);
  return Scanner(t, payment_year).run();
}

std::optional<Number> parse_invoice_number(std::string_view number) {
  while (!number.empty() && number.front() == ' ') number.remove_prefix(1);
  while (!number.empty() && number.back() == ' ') number.remove_suffix(1);
  auto last = number.rfind('-');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  auto mid = number.rfind('-', last - 1);
  if (mid == std::string_view::npos || mid == 0) return std::nullopt;
  std::string_view prefix = number.substr(0, mid), year = number.substr(mid + 1, last - mid - 1),
                   seq = number.substr(last + 1);
  if (year.size() != 4 || !all_digits(year) || seq.empty() || seq.size() > 9 || !all_digits(seq)) return std::nullopt;
  Number n;
  if (!fold_alnum(prefix, n.prefix)) n.prefix = std::string(prefix);
  n.year = to_int(year);
  n.seq = to_int(seq);
  return n;
}

}  // namespace skybill::matching::detail
