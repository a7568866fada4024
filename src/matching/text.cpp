#include "text.hpp"

namespace skybill::matching::detail {
namespace {

constexpr char32_t kInvalid = 0xFFFD;

// Decodes one code point at s[i], advancing i; invalid sequences yield kInvalid for one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kInvalid;
  }
  if (i + len > s.size()) {
    ++i;
    return kInvalid;
  }
  for (int k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += len;
  return cp;
}

// Upper-case Cyrillic А..Я, Ё (U+0401).
bool is_cyrillic_upper(char32_t c) { return (c >= 0x0410 && c <= 0x042F) || c == 0x0401; }
bool is_cyrillic_lower(char32_t c) { return (c >= 0x0430 && c <= 0x044F) || c == 0x0451; }

char32_t cyrillic_upper(char32_t c) {
  if (c >= 0x0430 && c <= 0x044F) return c - 0x20;
  if (c == 0x0451) return 0x0401;
  return c;
}

// Upper-case Cyrillic look-alikes of Latin letters: А В С Е Н К М О Р Т Х У.
char latin_twin_of_upper(char32_t c) {
  switch (c) {
    case 0x0410: return 'A';
    case 0x0412: return 'B';
    case 0x0421: return 'C';
    case 0x0415: return 'E';
    case 0x041D: return 'H';
    case 0x041A: return 'K';
    case 0x041C: return 'M';
    case 0x041E: return 'O';
    case 0x0420: return 'P';
    case 0x0422: return 'T';
    case 0x0425: return 'X';
    case 0x0423: return 'Y';
    default: return 0;
  }
}

// Lower-case Cyrillic look-alikes of lower-case Latin letters: а с е о р х у.
char latin_twin_of_lower(char32_t c) {
  switch (c) {
    case 0x0430: return 'A';
    case 0x0441: return 'C';
    case 0x0435: return 'E';
    case 0x043E: return 'O';
    case 0x0440: return 'P';
    case 0x0445: return 'X';
    case 0x0443: return 'Y';
    default: return 0;
  }
}

Cell cell_of(char32_t c) {
  Cell cell;
  if (c < 0x80) {
    char a = static_cast<char>(c);
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    cell.ascii = a;
    cell.key = static_cast<char32_t>(a);
    if (a >= 'A' && a <= 'Z') {
      cell.letter = cell.latin = true;
      cell.alnum = a;
    } else if (a >= '0' && a <= '9') {
      cell.digit = true;
      cell.alnum = a;
    } else if (a == ' ' || a == '\t' || a == '\n' || a == '\r') {
      cell.sep = ' ';
      cell.ascii = ' ';
      cell.key = U' ';
    } else if (a == '-' || a == '_' || a == '/' || a == '.') {
      cell.sep = a;
    }
    return cell;
  }
  if (is_cyrillic_upper(c) || is_cyrillic_lower(c)) {
    cell.letter = cell.cyrillic = true;
    char32_t up = cyrillic_upper(c);
    if (up == 0x0401) up = 0x0415;  // Ё → Е
    char twin = latin_twin_of_upper(up);
    cell.key = twin ? static_cast<char32_t>(twin) : up;
    cell.alnum = is_cyrillic_upper(c) ? latin_twin_of_upper(c) : latin_twin_of_lower(c);
    return cell;
  }
  cell.key = c;
  switch (c) {
    case 0x00A0:  // no-break space
    case 0x202F:  // narrow no-break space
    case 0x2007:  // figure space
      cell.sep = ' ';
      cell.ascii = ' ';
      cell.key = U' ';
      break;
    case 0x2010:  // hyphen
    case 0x2011:  // non-breaking hyphen
    case 0x2012:  // figure dash
    case 0x2013:  // en dash
    case 0x2014:  // em dash
    case 0x2212:  // minus sign
      cell.sep = '-';
      cell.ascii = '-';
      cell.key = U'-';
      break;
    case 0x2116:  // №
      cell.numero = true;
      break;
    default:
      break;
  }
  return cell;
}

}  // namespace

Text decode(std::string_view utf8) {
  Text t;
  t.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) t.push_back(cell_of(next_code_point(utf8, i)));
  return t;
}

std::u32string keys(std::string_view utf8) {
  std::u32string out;
  for (std::size_t i = 0; i < utf8.size();) out.push_back(cell_of(next_code_point(utf8, i)).key);
  return out;
}

std::u32string keys(const Text& t, std::size_t from, std::size_t to) {
  std::u32string out;
  for (std::size_t i = from; i < to && i < t.size(); ++i) out.push_back(t[i].key);
  return out;
}

bool fold_alnum(std::string_view utf8, std::string& out) {
  out.clear();
  for (const Cell& c : decode(utf8)) {
    if (!c.alnum) return false;
    out.push_back(c.alnum);
  }
  return true;
}

}  // namespace skybill::matching::detail
