// The audit trail: every change by whom, filtered by entity and id, actor, action, airline and
// period (the filters stay in the address), newest first, paged on the server, downloadable as
// CSV with the same filters. Airline staff see their airline's rows only.
import { useEffect, useState } from '../../vendor/hooks.module.js';
import { get, queryString } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { DataTable, When, html, useLoad } from '../lib/ui.js';

const t = makeT({
  ru: {
    title: 'Журнал изменений', entity: 'Объект', id: 'Идентификатор', actor: 'Кто', action: 'Действие', caption: 'Журнал изменений',
    at: 'Когда', subject: 'Объект', changes: 'Изменения', any: 'Любой', actor_hint: 'staff:<id>, api_key:<id>, cli…',
    action_hint: 'support_case.closed', from_to_hint: 'Дни по московскому времени',
  },
  en: {
    title: 'Audit trail', entity: 'Entity', id: 'Id', actor: 'Actor', action: 'Action', caption: 'Audit trail',
    at: 'When', subject: 'Object', changes: 'Changes', any: 'Any', actor_hint: 'staff:<id>, api_key:<id>, cli…',
    action_hint: 'support_case.closed', from_to_hint: 'Days in Moscow time',
  },
});

const ENTITIES = ['api_key', 'booking', 'client', 'event', 'invoice', 'merchant', 'payment', 'payout', 'refund', 'staff',
  'support_case', 'webhook_endpoint', 'document', 'bank_statement', 'credit_line', 'deposit'];
const KEYS = ['entity', 'id', 'actor', 'action', 'airline', 'from', 'to'];

function changesText(c) {
  return Object.entries(c || {}).map(([k, v]) => `${k}: ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`).join('; ');
}

export default function Audit({ lang, me, query, go }) {
  const own = me.staff.merchant_id;
  const applied = Object.fromEntries(KEYS.map((k) => [k, query[k] || '']));
  if (own) applied.airline = '';
  const [draft, setDraft] = useState(applied);
  const appliedKey = JSON.stringify(applied);
  useEffect(() => setDraft(JSON.parse(appliedKey)), [appliedKey]);  // a link changed the filters
  const airlines = useLoad(() => (own ? Promise.resolve({ ok: true, data: { data: [] } }) : get('/admin/api/merchants')), [own]);
  const submit = (e) => {
    e.preventDefault();
    go('audit', draft);
  };
  const reset = () => {
    const empty = Object.fromEntries(KEYS.map((k) => [k, '']));
    setDraft(empty);
    go('audit', {});
  };
  const text = (k, label, type = 'text', hint) => html`
    <label for=${`a-${k}`}>${label}
      <input id=${`a-${k}`} type=${type} value=${draft[k]} placeholder=${hint || ''} onInput=${(e) => setDraft({ ...draft, [k]: e.currentTarget.value })} data-testid=${`audit-${k}`} /></label>`;
  const columns = [
    { key: 'at', label: t(lang, 'at'), render: (r) => html`<${When} at=${r.at} lang=${lang} />` },
    { key: 'actor', label: t(lang, 'actor'), render: (r) => html`${r.actor_name ? html`<span>${r.actor_name}</span><br />` : null}<span class="mono small">${r.actor}</span>` },
    { key: 'action', label: t(lang, 'action'), render: (r) => html`<span class="mono">${r.action}</span>` },
    { key: 'subject', label: t(lang, 'subject'), render: (r) => html`<a class="mono small" href=${`#/audit${queryString({ entity: r.entity, id: r.subject })}`}>${r.subject}</a>` },
    ...(own ? [] : [{ key: 'airline', label: t(lang, 'airline'), render: (r) => r.airline || html`<span class="muted">—</span>` }]),
    { key: 'changes', label: t(lang, 'changes'), render: (r) => html`<span class="small">${changesText(r.changes)}</span>` },
  ];
  const params = { ...applied };
  return html`
    <div class="screen-head"><h1>${t(lang, 'title')}</h1></div>
    <form class="filters" onSubmit=${submit} aria-label=${t(lang, 'title')} data-testid="audit-filters">
      <label for="a-entity">${t(lang, 'entity')}
        <select id="a-entity" value=${draft.entity} onChange=${(e) => setDraft({ ...draft, entity: e.currentTarget.value })} data-testid="audit-entity">
          <option value="">${t(lang, 'any')}</option>${ENTITIES.map((x) => html`<option value=${x}>${x}</option>`)}</select></label>
      ${text('id', t(lang, 'id'))}
      ${text('actor', t(lang, 'actor'), 'text', t(lang, 'actor_hint'))}
      ${text('action', t(lang, 'action'), 'text', t(lang, 'action_hint'))}
      ${own ? null : html`<label for="a-airline">${t(lang, 'airline')}
        <select id="a-airline" value=${draft.airline} onChange=${(e) => setDraft({ ...draft, airline: e.currentTarget.value })} data-testid="audit-airline">
          <option value="">${t(lang, 'all')}</option>${(airlines.data?.data || []).map((m) => html`<option value=${m.id}>${m.name}</option>`)}</select></label>`}
      <label for="a-from">${t(lang, 'from')}<input id="a-from" type="date" value=${draft.from} aria-describedby="a-days" onInput=${(e) => setDraft({ ...draft, from: e.currentTarget.value })} /></label>
      <label for="a-to">${t(lang, 'to')}<input id="a-to" type="date" value=${draft.to} aria-describedby="a-days" onInput=${(e) => setDraft({ ...draft, to: e.currentTarget.value })} /></label>
      <button type="submit" class="button" data-testid="audit-apply">${t(lang, 'apply')}</button>
      <button type="button" class="button secondary" onClick=${reset}>${t(lang, 'reset')}</button>
      <span id="a-days" class="small muted">${t(lang, 'from_to_hint')}</span>
    </form>
    <${DataTable} lang=${lang} caption=${t(lang, 'caption')} columns=${columns} filters=${params} testid="audit"
      csvHref=${`/admin/api/audit${queryString({ ...params, format: 'csv' })}`}
      load=${(p) => get('/admin/api/audit', { ...params, limit: p.limit, cursor: p.cursor })} />`;
}
