// Money, dates and times for people, per language. Money arrives as decimal strings
// ("11499.50"): Intl formats the string exactly, no floating point on the way.
const LOCALES = { ru: 'ru-RU', en: 'en-GB' };
export const locale = (lang) => LOCALES[lang] || LOCALES.ru;

export function money(amount, currency, lang) {
  if (amount == null || amount === '') return '';
  try {
    return new Intl.NumberFormat(locale(lang), { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(String(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

// The viewer's own time zone, as the browser knows it ("Europe/Moscow").
export function viewerZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

// An instant in the viewer's time zone: "14 декабря 2026 г., 12:30".
export function dateTime(iso, lang, { zoneName = false, weekday = false } = {}) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts = { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' };
  if (weekday) opts.weekday = 'short';
  if (zoneName) opts.timeZoneName = 'short';
  return new Intl.DateTimeFormat(locale(lang), opts).format(d);
}

export function date(iso, lang) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

// A local time as the airline gave it ("2026-12-14T09:30:00+03:00"): the wall-clock time of the
// string itself, never moved into the viewer's zone (a departure is in its airport's time).
export function localAsGiven(text, lang) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text || '');
  if (!m) return { text: text || '', offset: '' };
  const [, y, mo, d, h, mi, off] = m;
  const wall = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi));
  const shown = new Intl.DateTimeFormat(locale(lang), {
    day: 'numeric', month: 'short', weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC',
  }).format(wall);
  let offset = '';
  if (off === 'Z') offset = 'UTC';
  else if (off) {
    const sign = off[0];
    const hh = +off.slice(1, 3);
    const mm = +off.slice(-2);
    offset = `UTC${sign}${hh}${mm ? ':' + String(mm).padStart(2, '0') : ''}`;
  }
  return { text: shown, offset };
}

// "2 д 03:14:15" / "03:14:15": what is left until a moment.
export function countdown(ms, lang) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(s / 86400);
  const pad = (n) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  if (!days) return hms;
  return `${days} ${lang === 'en' ? 'd' : 'д'} ${hms}`;
}
