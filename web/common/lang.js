// The page's language: the one the reader chose (remembered in localStorage), else the
// booking's (or the browser's on pages without a booking), else Russian.
export const LANGS = ['ru', 'en'];
const KEY = 'skybill.lang';

export function storedLang() {
  try {
    const v = localStorage.getItem(KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null;
  }
}

export function rememberLang(lang) {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* private mode: the switch still works for this page */
  }
}

export function browserLang() {
  for (const l of navigator.languages || [navigator.language || '']) {
    const short = String(l).slice(0, 2).toLowerCase();
    if (LANGS.includes(short)) return short;
  }
  return 'ru';
}

export function pickLang(preferred) {
  return storedLang() || (LANGS.includes(preferred) ? preferred : null) || browserLang();
}

// <html lang> follows the text, so screen readers pronounce it right.
export function applyLang(lang) {
  document.documentElement.lang = lang;
}
