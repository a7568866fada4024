// The chat archive (#/chat/archive): every dialog, searched by words (Russian and English stems,
// on the server), client, operator, dates and bill status; filters kept in the address; the
// chosen dialog's transcript beside the list, exported without private notes unless asked.
import { useEffect, useState } from '../../vendor/hooks.module.js';
import { get, queryString } from '../lib/api.js';
import { DataTable, Failure, Loading, When, html, failureText, useLoad } from '../lib/ui.js';
import { StaffMessage, listOf, useChatT } from './chat_shared.js';
import { billsOf } from '../../chat/protocol.js';

const FIELDS = ['q', 'client', 'operator', 'from', 'to', 'bill_status'];

// The server's snippet marks the words found with «…»: drawn as <mark> around text; nothing in
// it is markup.
function Snippet({ text }) {
  if (!text) return null;
  const parts = String(text).split(/[«»]/);
  return html`<span class="chat-snippet">${parts.map((p, i) => (i % 2 ? html`<mark>${p}</mark>` : p))}</span>`;
}

export default function ChatArchive({ lang, me, query, go }) {
  const t = useChatT(lang);
  // Operators by name (an airline's staff); gateway staff, who span airlines, give an id.
  const ops = useLoad(() => (me.staff.merchant_id ? get('/admin/api/chat/operators') : Promise.resolve({ ok: false })), []);
  const [form, setForm] = useState(() => Object.fromEntries(FIELDS.map((k) => [k, query[k] || ''])));
  const filters = Object.fromEntries(FIELDS.map((k) => [k, query[k] || '']));
  const [selected, setSelected] = useState(query.dialog || null);
  useEffect(() => setForm(Object.fromEntries(FIELDS.map((k) => [k, query[k] || '']))), [JSON.stringify(filters)]);
  if (!t) return html`<${Loading} lang=${lang} />`;
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    go('chat/archive', form);
  };
  const columns = [
    { key: 'created_at', label: t('when'), render: (d) => html`<${When} at=${d.created_at} lang=${lang} />` },
    { key: 'visitor', label: t('client'), render: (d) => d.visitor?.name || d.visitor?.email || t('customer_anon', { id: String(d.visitor?.id || d.id).slice(0, 6) }) },
    { key: 'assignee', label: t('operator'), render: (d) => d.assignee?.name || '—' },
    { key: 'status', label: t('status'), render: (d) => t(`st_${d.status}`) },
    { key: 'bills', label: t('bills'), render: (d) => (d.bills || []).map((b) => html`<span class=${`badge ${b.status === 'paid' ? 'ok' : b.status === 'open' ? 'warn' : 'bad'}`}>${b.number || ''} ${t(`bill_${b.status}`)}</span> `) },
    { key: 'snippet', label: t('found'), render: (d) => html`<${Snippet} text=${d.snippet || d.preview || ''} />` },
  ];
  return html`
    <div class="screen-head"><h1>${t('archive')}</h1><a href="#/chat">${t('workspace')}</a></div>
    <form class="filters" role="search" onSubmit=${submit} data-testid="archive-filters">
      <label class="grow">${t('words')}<input type="search" value=${form.q} onInput=${set('q')} data-testid="archive-q" /></label>
      <label>${t('client')}<input value=${form.client} onInput=${set('client')} data-testid="archive-client" /></label>
      <label>${t('operator')}${ops.state === 'ok' ? html`<select value=${form.operator} onChange=${set('operator')} data-testid="archive-operator">
          <option value="">${t('any')}</option>${listOf(ops.data, 'operators').map((o) => html`<option value=${o.id}>${o.name}</option>`)}</select>`
        : html`<input value=${form.operator} onInput=${set('operator')} data-testid="archive-operator" placeholder="id" />`}</label>
      <label>${t('date_from')}<input type="date" value=${form.from} onInput=${set('from')} data-testid="archive-from" /></label>
      <label>${t('date_to')}<input type="date" value=${form.to} onInput=${set('to')} data-testid="archive-to" /></label>
      <label>${t('bill_status')}<select value=${form.bill_status} onChange=${set('bill_status')} data-testid="archive-bill-status">
        <option value="">${t('any')}</option>
        ${['open', 'paid', 'cancelled', 'expired', 'refunded'].map((s) => html`<option value=${s}>${t(`bill_${s}`)}</option>`)}
      </select></label>
      <button type="submit" class="button" data-testid="archive-search">${t('search')}</button>
    </form>
    <div class=${`chat-archive ${selected ? '' : 'one'}`}>
      <${DataTable} lang=${lang} caption=${t('archive')} columns=${columns} filters=${filters} testid="archive" selected=${selected}
        load=${(p) => get('/admin/api/chat/archive', p)} onRow=${(d) => setSelected(d.id)} limit=${25} />
      ${selected ? html`<${Transcript} key=${selected} id=${selected} t=${t} lang=${lang} />` : null}
    </div>`;
}

function Transcript({ id, t, lang }) {
  const [withPrivate, setWithPrivate] = useState(false);
  const view = useLoad(() => get(`/admin/api/chat/dialogs/${id}`, { after: 0 }), [id]);
  if (view.state === 'loading') return html`<${Loading} lang=${lang} />`;
  if (view.state === 'failed') return html`<${Failure} lang=${lang} text=${failureText(lang, view.r)} onRetry=${view.reload} />`;
  const d = view.data.dialog || view.data;
  const messages = (view.data.messages || []).map((m) => ({ ...m, dialog: m.dialog || id }));
  const bills = billsOf(messages);
  for (const b of view.data.bills || d.bills || []) bills.set(b.id, { ...b, ...(bills.get(b.id) || {}) });
  return html`
    <section class="card chat-transcript" aria-labelledby="transcript-h" data-testid="archive-dialog" data-id=${id}>
      <h2 id="transcript-h">${d.visitor?.name || d.visitor?.email || t('customer')}</h2>
      <p class="small muted">${t('operator')}: ${d.assignee?.name || '—'} · <${When} at=${d.created_at} lang=${lang} /></p>
      <div class="actions">
        <label class="chat-private"><input type="checkbox" checked=${withPrivate} onChange=${(e) => setWithPrivate(e.currentTarget.checked)} data-testid="with-private" />
          ${t('with_private')}</label>
        <a class="button secondary small-button" download data-testid="export"
          href=${`/admin/api/chat/dialogs/${id}/transcript${queryString({ private: withPrivate ? 1 : 0 })}`}>${t('export')}</a>
      </div>
      <div class="chat-log" role="region" aria-label=${t('transcript')} tabindex="0"><ol>
        ${messages.map((m) => html`<${StaffMessage} key=${m.seq} m=${m} t=${t} lang=${lang} bills=${bills} />`)}
      </ol></div>
    </section>`;
}
export { listOf };
