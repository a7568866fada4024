// Decimal strings of the API ("11499.50", "125") as integer minor units and back: the console
// adds and compares money without floating point. The exponent is read from the text.
export function scaleOf(text) {
  const s = String(text ?? '');
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

// "11499.50" → 1149950 at exponent 2 (or the exponent given); null when it is not a decimal.
export function toMinor(text, exponent = scaleOf(text)) {
  const s = String(text ?? '').trim().replace(/\s/g, '').replace(',', '.');
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const frac = m[3] || '';
  if (frac.length > exponent) return null;
  const n = Number(m[2] + frac.padEnd(exponent, '0'));
  return m[1] ? -n : n;
}

export function fromMinor(minor, exponent = 2) {
  const neg = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const text = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits;
  return neg ? `-${text}` : text;
}
