// Canned replies' variables (the console's composer and its canned-replies screen): pure
// functions, tested without a browser (tests/browser/chat_units.test.mjs).
export const VARIABLES = ['visitor.name', 'operator.name', 'booking.pnr', 'bill.amount'];

// "{{visitor.name|there}}" filled from ctx ({'visitor.name': 'Ivan', ...}): {text, unknown, empty}.
// An unknown variable stays as it was and is named in `unknown`; a known one without a value takes
// its fallback, or nothing (named in `empty`).
export function expand(body, ctx) {
  const unknown = new Set();
  const empty = new Set();
  const text = String(body).replace(/\{\{\s*([\w.]+)\s*(?:\|([^}]*))?\}\}/g, (whole, name, fallback) => {
    if (!VARIABLES.includes(name)) {
      unknown.add(name);
      return whole;
    }
    const v = ctx[name];
    if (v != null && v !== '') return String(v);
    if (fallback != null) return fallback.trim();
    empty.add(name);
    return '';
  });
  return { text, unknown: [...unknown], empty: [...empty] };
}

// The variables a body uses that the console does not know (warned about when it is saved).
export function unknownVariables(body) {
  return expand(body, Object.fromEntries(VARIABLES.map((v) => [v, 'x']))).unknown;
}
