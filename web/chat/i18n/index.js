// The chat's languages: one file per language (ru.js, en.js) with the widget's and the console's
// texts. Adding a language is adding its file and its code here; a missing text falls back to
// English, then to the key.
export const LANGS = ['ru', 'en'];
export const FALLBACK = 'en';
const loaded = new Map();

export function pick(...wanted) {
  for (const w of wanted) {
    const short = String(w || '').slice(0, 2).toLowerCase();
    if (LANGS.includes(short)) return short;
  }
  return FALLBACK;
}

// The texts of `lang` (and the fallback's), loaded once.
export async function load(lang) {
  const get = async (l) => {
    if (!loaded.has(l)) loaded.set(l, import(`./${l}.js`).then((m) => m.default, () => ({})));
    return loaded.get(l);
  };
  const [own, fallback] = await Promise.all([get(lang), get(FALLBACK)]);
  return { own, fallback };
}

// t(key, params) over one section ('widget' or 'console') of the loaded texts.
export function translator({ own, fallback }, section) {
  return (key, params = {}) => {
    const s = own?.[section]?.[key] ?? fallback?.[section]?.[key] ?? key;
    return String(s).replace(/\{(\w+)\}/g, (_, k) => (params[k] ?? `{${k}}`));
  };
}

// The locale of Intl for a language code ("ru" → "ru-RU").
export const LOCALES = { ru: 'ru-RU', en: 'en-GB' };
export const localeOf = (lang) => LOCALES[lang] || lang;
