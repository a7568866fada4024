// Every console screen: where it lives after '#', the permission it needs (identity/permissions
// on the server), its place in the menu, and the module that draws it (loaded when first shown).
// A screen module's default export is a component ({lang, me, params, query, go, setTitle}).
export const SCREENS = [
  { id: 'today', pattern: /^today$/, permission: 'console', nav: { ru: 'Сегодня', en: 'Today' }, module: './screens/today.js' },
  { id: 'bookings', pattern: /^bookings$/, permission: 'bookings.read', nav: { ru: 'Бронирования', en: 'Bookings' }, module: './screens/bookings.js' },
  { id: 'booking', pattern: /^bookings\/([0-9a-f-]{36})$/, permission: 'bookings.read', module: './screens/booking.js' },
  { id: 'reconciliation', pattern: /^reconciliation$/, permission: 'reconciliation.read', nav: { ru: 'Сверка', en: 'Reconciliation' }, module: './screens/reconciliation.js' },
  { id: 'payouts', pattern: /^payouts$/, permission: 'payouts.read', nav: { ru: 'Выплаты', en: 'Payouts' }, module: './screens/payouts.js' },
  { id: 'clients', pattern: /^clients$/, permission: 'clients.read', nav: { ru: 'Клиенты', en: 'Clients' }, module: './screens/clients.js' },
  { id: 'client', pattern: /^clients\/([0-9a-f-]{36})$/, permission: 'clients.read', module: './screens/client.js' },
  { id: 'airlines', pattern: /^airlines$/, permission: 'merchants.read', nav: { ru: 'Авиакомпании', en: 'Airlines' }, module: './screens/airlines.js' },
  { id: 'airline', pattern: /^airlines\/([0-9a-f-]{36})$/, permission: 'merchants.read', module: './screens/airline.js' },
  { id: 'cases', pattern: /^cases$/, permission: 'cases.read', nav: { ru: 'Обращения', en: 'Support cases' }, module: './screens/cases.js' },
  { id: 'staff', pattern: /^staff$/, permission: 'staff.manage', nav: { ru: 'Сотрудники', en: 'Staff' }, module: './screens/staff.js' },
  { id: 'audit', pattern: /^audit$/, permission: 'audit.read', nav: { ru: 'Журнал', en: 'Audit trail' }, module: './screens/audit.js' },
  { id: 'chat', pattern: /^chat$/, permission: 'chat.operate', nav: { ru: 'Чат', en: 'Chat' }, module: './screens/chat.js' },
  { id: 'chat-archive', href: '#/chat/archive', pattern: /^chat\/archive$/, permission: 'chat.operate', nav: { ru: 'Архив чата', en: 'Chat archive' }, module: './screens/chat_archive.js' },
  { id: 'chat-canned', href: '#/chat/canned', pattern: /^chat\/canned$/, permission: 'chat.operate', nav: { ru: 'Шаблоны ответов', en: 'Canned replies' }, module: './screens/chat_canned.js' },
  { id: 'chat-settings', href: '#/chat/settings', pattern: /^chat\/settings$/, permission: 'chat.settings', nav: { ru: 'Настройки чата', en: 'Chat settings' }, module: './screens/chat_settings.js' },
  { id: 'account', pattern: /^account$/, permission: 'console', module: './screens/account.js' },
];

// '#/bookings/…?q=x' → {screen, params: [...], query: {q: 'x'}}; unknown → null screen.
export function resolve(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs));
  for (const s of SCREENS) {
    const m = s.pattern.exec(path || 'today');
    if (m) return { screen: s, params: m.slice(1), query };
  }
  return { screen: null, params: [], query };
}

// '#/bookings?q=x' from a path and a query object (empty values left out).
export function href(path, query = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== '' && v != null) q.set(k, String(v));
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
}
