// Airlines: every airline the gateway serves (airline staff: only their own), a row opens its page.
import { useEffect } from '../../vendor/hooks.module.js';
import { get } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { Failure, Loading, html, failureText, useLoad } from '../lib/ui.js';

const t = makeT({
  ru: { title: 'Авиакомпании', name: 'Название', inn: 'ИНН', prefix: 'Префикс счетов', email: 'Почта для связи', tz: 'Часовой пояс', caption: 'Авиакомпании шлюза' },
  en: { title: 'Airlines', name: 'Name', inn: 'INN', prefix: 'Invoice prefix', email: 'Contact e-mail', tz: 'Time zone', caption: "The gateway's airlines" },
});

export default function Airlines({ lang, me, go }) {
  const own = me.staff.merchant_id;
  // Airline staff have one airline: its page is the list.
  useEffect(() => { if (own) go(`airlines/${own}`); }, [own]);
  const list = useLoad(() => (own ? Promise.resolve({ ok: true, data: { data: [] } }) : get('/admin/api/merchants')), [own]);
  if (own) return html`<${Loading} lang=${lang} />`;
  return html`
    <div class="screen-head"><h1>${t(lang, 'title')}</h1></div>
    ${list.state === 'loading' ? html`<${Loading} lang=${lang} />` : null}
    ${list.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, list.r)} onRetry=${list.reload} />` : null}
    ${list.state === 'ok' ? html`
      <div class="table-wrap" data-testid="airlines">
        <table class="data">
          <caption class="sr-only">${t(lang, 'caption')}</caption>
          <thead><tr><th scope="col">${t(lang, 'name')}</th><th scope="col">${t(lang, 'inn')}</th>
            <th scope="col">${t(lang, 'prefix')}</th><th scope="col">${t(lang, 'email')}</th><th scope="col">${t(lang, 'tz')}</th></tr></thead>
          <tbody>${list.data.data.map((m) => html`
            <tr key=${m.id} data-id=${m.id}>
              <td><a href=${`#/airlines/${m.id}`}>${m.name}</a></td><td class="mono">${m.inn}</td>
              <td class="mono">${m.invoice_prefix}</td><td>${m.contact_email || '—'}</td><td>${m.timezone}</td>
            </tr>`)}</tbody>
        </table>
        ${!list.data.data.length ? html`<p class="muted empty">${t(lang, 'none')}</p>` : null}
      </div>` : null}`;
}
