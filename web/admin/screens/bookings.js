// Bookings: one search box (reference, PNR, invoice number, client INN or name, passenger,
// amount), filters that live in the address, a server-paged sortable table and its CSV.
import { useEffect, useState } from '../../vendor/hooks.module.js';
import { viewerZone } from '../../common/format.js';
import { Badge, DataTable, Money, When, html, useLoad } from '../lib/ui.js';
import { get, queryString } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';

const t = makeT({
  ru: {
    title: 'Бронирования', q_label: 'Бронь, PNR, счёт, ИНН, клиент, пассажир или сумма', find: 'Найти',
    reference: 'Бронь', pnr: 'PNR', client: 'Клиент', passengers: 'Пассажиры', invoice: 'Счёт', tl: 'Тайм-лимит',
    created_from: 'Создано с', created_to: 'Создано по', tl_from: 'ТЛ с', tl_to: 'ТЛ по', any_status: 'Любой',
    all_airlines: 'Все авиакомпании', caption: 'Бронирования по запросу', found_for: 'Результаты по «{q}»',
    s_pending: 'Ожидает выбора', s_awaiting_payment: 'Ждёт оплаты', s_ticketing_authorized: 'Выписка разрешена',
    s_paid: 'Оплачено', s_ticketed: 'Выписано', s_cancelled: 'Отменено', s_expired: 'Истекло', s_ticketing_failed: 'Выписка не удалась',
  },
  en: {
    title: 'Bookings', q_label: 'Booking, PNR, invoice, INN, client, passenger or amount', find: 'Search',
    reference: 'Booking', pnr: 'PNR', client: 'Client', passengers: 'Passengers', invoice: 'Invoice', tl: 'Time limit',
    created_from: 'Created from', created_to: 'Created to', tl_from: 'TL from', tl_to: 'TL to', any_status: 'Any',
    all_airlines: 'All airlines', caption: 'Bookings found', found_for: 'Results for “{q}”',
    s_pending: 'Awaiting choice', s_awaiting_payment: 'Awaiting payment', s_ticketing_authorized: 'Ticketing authorised',
    s_paid: 'Paid', s_ticketed: 'Ticketed', s_cancelled: 'Cancelled', s_expired: 'Expired', s_ticketing_failed: 'Ticketing failed',
  },
});

export const STATUSES = ['pending', 'awaiting_payment', 'ticketing_authorized', 'paid', 'ticketed', 'cancelled', 'expired', 'ticketing_failed'];
export const statusLabel = (lang, s) => t(lang, `s_${s}`);
const FILTERS = ['q', 'status', 'merchant', 'created_from', 'created_to', 'tl_from', 'tl_to'];

function Airlines({ lang, value, onChange }) {
  const list = useLoad(() => get('/admin/api/merchants'), []);
  return html`<label>${t(lang, 'airline')}
    <select value=${value} onChange=${(e) => onChange(e.currentTarget.value)} data-testid="filter-merchant">
      <option value="">${t(lang, 'all_airlines')}</option>
      ${(list.data?.data || []).map((m) => html`<option value=${m.id}>${m.name}</option>`)}
    </select></label>`;
}

export default function Bookings({ lang, me, query, go }) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query[k] || '']));
  const sort = query.sort || '-created_at';
  const [q, setQ] = useState(filters.q);
  useEffect(() => setQ(filters.q), [filters.q]);
  const gateway = !me.staff.merchant_id;
  const set = (changes) => go('bookings', { ...filters, sort: sort === '-created_at' ? '' : sort, ...changes });
  const tz = viewerZone();
  // Enter on a text that is exactly one booking's reference, PNR or invoice number opens it.
  const submit = async (e) => {
    e.preventDefault();
    const text = q.trim();
    if (text) {
      const r = await get('/admin/api/bookings', { ...filters, q: text, limit: 2 });
      const one = r.ok && r.data.data.length === 1 ? r.data.data[0] : null;
      const up = text.toUpperCase();
      if (one && [one.reference, one.pnr, one.invoice_number].some((x) => x && x.toUpperCase() === up)) return go(`bookings/${one.id}`);
    }
    set({ q: text });
  };
  const load = (params) => get('/admin/api/bookings', params);
  const columns = [
    { key: 'reference', label: t(lang, 'reference'), render: (r) => html`<a href=${`#/bookings/${r.id}`}>${r.reference}</a>` },
    { key: 'pnr', label: t(lang, 'pnr'), render: (r) => html`<span class="mono">${r.pnr}</span>` },
    { key: 'status', label: t(lang, 'status'), render: (r) => html`<${Badge} status=${r.status} label=${statusLabel(lang, r.status)} />` },
    ...(gateway ? [{ key: 'merchant', label: t(lang, 'airline'), render: (r) => r.merchant.name }] : []),
    { key: 'client', label: t(lang, 'client'), render: (r) => html`${r.client.name}<br /><span class="small muted">${r.client.inn}</span>` },
    { key: 'passengers', label: t(lang, 'passengers') },
    { key: 'invoice_number', label: t(lang, 'invoice'), render: (r) => r.invoice_number || html`<span class="muted">—</span>` },
    { key: 'amount', label: t(lang, 'amount'), num: true, sort: 'amount', render: (r) => html`<${Money} amount=${r.amount} currency=${r.currency} lang=${lang} />` },
    { key: 'tl', label: t(lang, 'tl'), sort: 'ticketing_time_limit', render: (r) => html`<${When} at=${r.ticketing_time_limit} lang=${lang} />` },
    { key: 'created', label: t(lang, 'created'), sort: 'created_at', render: (r) => html`<${When} at=${r.created_at} lang=${lang} />` },
  ];
  const params = { ...filters, tz };
  const csvHref = `/admin/api/bookings${queryString({ ...params, sort, format: 'csv' })}`;
  const dateField = (k) => html`<label>${t(lang, k)}<input type="date" value=${filters[k]} data-testid=${`filter-${k}`}
    onChange=${(e) => set({ [k]: e.currentTarget.value })} /></label>`;
  return html`
    <h1>${t(lang, 'title')}</h1>
    <form class="filters" onSubmit=${submit}>
      <label class="grow">${t(lang, 'q_label')}
        <input type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} data-testid="bookings-q" autocomplete="off" /></label>
      <button type="submit" class="button">${t(lang, 'find')}</button>
      <label>${t(lang, 'status')}
        <select value=${filters.status} onChange=${(e) => set({ status: e.currentTarget.value })} data-testid="filter-status">
          <option value="">${t(lang, 'any_status')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${statusLabel(lang, s)}</option>`)}
        </select></label>
      ${gateway && me.staff.permissions.includes('merchants.read') ? html`<${Airlines} lang=${lang} value=${filters.merchant} onChange=${(v) => set({ merchant: v })} />` : null}
      ${dateField('created_from')}${dateField('created_to')}${dateField('tl_from')}${dateField('tl_to')}
      ${FILTERS.some((k) => filters[k]) ? html`<button type="button" class="button secondary" onClick=${() => go('bookings', {})}>${t(lang, 'reset')}</button>` : null}
    </form>
    ${filters.q ? html`<p class="muted" role="status">${t(lang, 'found_for', { q: filters.q })}</p>` : null}
    <${DataTable} lang=${lang} caption=${t(lang, 'caption')} columns=${columns} load=${load} filters=${params}
      sort=${sort} onSort=${(s) => set({ sort: s === '-created_at' ? '' : s })} testid="bookings" csvHref=${csvHref}
      onRow=${(r) => go(`bookings/${r.id}`)} />`;
}
