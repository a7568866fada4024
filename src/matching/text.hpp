#pragma once
// Internal: a purpose decoded from UTF-8 into one Cell per code point, each carrying the folded
// views the scanners need. No ICU: only the Latin and Cyrillic letters matter here.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace skybill::matching::detail {

struct Cell {
  // For comparing words: upper case, Ё→Е, and every Cyrillic look-alike (either case) as its
  // Latin twin, so "счёт", "СЧЕТ" and "cчет" (Latin c) compare equal.
  char32_t key = 0;
  // 'A'-'Z' or '0'-'9' when the character may be part of an invoice prefix or a deposit
  // reference: Latin letters (upper-cased), digits, Cyrillic look-alikes (upper case
  // А В С Е Н К М О Р Т Х У, lower case а с е о р х у). 0 otherwise.
  char alnum = 0;
  // ' ', '-', '_', '/', '.' when the character separates parts of a number (no-break space and
  // tabs/newlines count as ' ', the Unicode dashes as '-'). 0 otherwise.
  char sep = 0;
  char ascii = 0;  // the character itself when ASCII (after the folds above), else 0
  bool letter = false;    // Latin or Cyrillic letter
  bool digit = false;     // '0'-'9'
  bool latin = false;     // ASCII letter
  bool cyrillic = false;  // Cyrillic letter
  bool numero = false;    // '№'
};

using Text = std::vector<Cell>;

// Invalid UTF-8 bytes become one non-letter cell each.
Text decode(std::string_view utf8);

// The keys of `utf8` (see Cell::key): for comparing words with constants.
std::u32string keys(std::string_view utf8);
std::u32string keys(const Text& t, std::size_t from, std::size_t to);

// Letters/digits of a prefix or reference as alnum folds them; false when one has no fold.
bool fold_alnum(std::string_view utf8, std::string& out);

}  // namespace skybill::matching::detail
