// Clients: the gateway's corporate clients, searched by INN (digits) or a part of the name,
// paged on the server; a row opens the client's credit lines and deposits.
import { useState } from '../../vendor/hooks.module.js';
import { get } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { DataTable, html } from '../lib/ui.js';

const t = makeT({
  ru: {
    title: 'Клиенты', q: 'ИНН или название', q_hint: 'Цифры ищут по началу ИНН, слова — по части названия.',
    col_name: 'Клиент', col_inn: 'ИНН', col_kpp: 'КПП', col_airlines: 'Авиакомпании', col_credit: 'Кредитная линия',
    credit_yes: 'одобрена', credit_no: '—',
  },
  en: {
    title: 'Clients', q: 'INN or name', q_hint: 'Digits search the start of the INN, words a part of the name.',
    col_name: 'Client', col_inn: 'INN', col_kpp: 'KPP', col_airlines: 'Airlines', col_credit: 'Credit line',
    credit_yes: 'approved', credit_no: '—',
  },
});

export default function Clients({ lang, query, go }) {
  const [q, setQ] = useState(query.q || '');
  const columns = [
    { key: 'name', label: t(lang, 'col_name'), render: (c) => html`<a href=${`#/clients/${c.id}`} data-testid="client-link">${c.name}</a>` },
    { key: 'inn', label: t(lang, 'col_inn') },
    { key: 'kpp', label: t(lang, 'col_kpp'), render: (c) => c.kpp || '—' },
    { key: 'airlines', label: t(lang, 'col_airlines'), render: (c) => c.airlines.join(', ') || '—' },
    { key: 'has_credit_line', label: t(lang, 'col_credit'), render: (c) => (c.has_credit_line
      ? html`<span class="badge ok">${t(lang, 'credit_yes')}</span>` : t(lang, 'credit_no')) },
  ];
  return html`
    <div>
      <h1>${t(lang, 'title')}</h1>
      <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); go('clients', { q: q.trim() }); }}>
        <label>${t(lang, 'q')}
          <input type="search" value=${q} data-testid="clients-q" aria-describedby="clients-q-hint"
            onInput=${(e) => setQ(e.currentTarget.value)} /></label>
        <button type="submit" class="button secondary">${t(lang, 'search')}</button>
      </form>
      <p class="small muted" id="clients-q-hint">${t(lang, 'q_hint')}</p>
      <${DataTable} lang=${lang} caption=${t(lang, 'title')} columns=${columns} testid="clients"
        filters=${{ q: query.q || '' }} load=${(p) => get('/admin/api/clients', p)} onRow=${(c) => go(`clients/${c.id}`)} />
    </div>`;
}
