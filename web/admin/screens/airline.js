// One airline: its settings (an admin changes them), its API keys (made with the secret shown
// once, revoked after a confirmation) and its webhook endpoints with their deliveries
// (redeliver an event, enable a disabled endpoint). Only what the role may press is shown.
import { useState } from '../../vendor/hooks.module.js';
import { get, newKey, send } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { Badge, ConfirmDialog, DataTable, Failure, Loading, When, failureText, html, useLoad } from '../lib/ui.js';

const t = makeT({
  ru: {
    back: '← Все авиакомпании', settings: 'Настройки', edit: 'Изменить', name: 'Название', inn: 'ИНН', kpp: 'КПП',
    email: 'Почта для связи', tz: 'Часовой пояс', prefix: 'Префикс счетов', settlement: 'Расчёты', saved: 'Сохранено.',
    keys: 'API-ключи', key: 'Ключ', mode: 'Режим', m_test: 'тестовый', m_live: 'боевой', revoked: 'Отозван', active: 'действует',
    new_test: 'Новый тестовый ключ', new_live: 'Новый боевой ключ', revoke: 'Отозвать',
    revoke_q: 'Отозвать ключ …{last4}?', revoke_effect: 'Запросы с этим ключом сразу получат 401. Вернуть ключ нельзя — только выпустить новый.',
    secret_h: 'Новый ключ', secret_warn: 'Скопируйте ключ сейчас: он показан один раз и больше нигде не хранится.',
    copy: 'Скопировать', copied: 'Скопировано', created_key: 'Ключ …{last4} создан.', revoked_key: 'Ключ …{last4} отозван.',
    hooks: 'Вебхуки', url: 'Адрес', events: 'События', health: 'За сутки', delivered: 'доставлено', dead: 'не доставлено',
    pending: 'в очереди', last: 'Последняя', deliveries: 'Доставки', hide: 'Скрыть', enable: 'Включить',
    enable_q: 'Включить вебхук?', enable_effect: 'Адрес {url} снова будет получать события. Пропущенные события можно отправить повторно.',
    enabled: 'Вебхук включён.', event: 'Событие', attempts: 'Попыток', answer: 'Ответ', redeliver: 'Отправить снова',
    redelivered: 'Событие поставлено в очередь на повторную отправку.', no_hooks: 'Вебхуков нет.',
    s_enabled: 'включён', s_disabled: 'отключён', s_delivered: 'доставлено', s_dead: 'не доставлено', s_pending: 'в очереди',
    failing: 'ошибки с {at}',
  },
  en: {
    back: '← All airlines', settings: 'Settings', edit: 'Edit', name: 'Name', inn: 'INN', kpp: 'KPP',
    email: 'Contact e-mail', tz: 'Time zone', prefix: 'Invoice prefix', settlement: 'Settlement', saved: 'Saved.',
    keys: 'API keys', key: 'Key', mode: 'Mode', m_test: 'test', m_live: 'live', revoked: 'Revoked', active: 'active',
    new_test: 'New test key', new_live: 'New live key', revoke: 'Revoke',
    revoke_q: 'Revoke key …{last4}?', revoke_effect: 'Requests with this key get 401 at once. A revoked key cannot come back: issue a new one.',
    secret_h: 'New key', secret_warn: 'Copy the key now: it is shown once and stored nowhere.',
    copy: 'Copy', copied: 'Copied', created_key: 'Key …{last4} created.', revoked_key: 'Key …{last4} revoked.',
    hooks: 'Webhooks', url: 'URL', events: 'Events', health: 'Last 24 h', delivered: 'delivered', dead: 'failed',
    pending: 'queued', last: 'Last', deliveries: 'Deliveries', hide: 'Hide', enable: 'Enable',
    enable_q: 'Enable the webhook?', enable_effect: '{url} will receive events again. Events missed meanwhile can be redelivered.',
    enabled: 'Webhook enabled.', event: 'Event', attempts: 'Attempts', answer: 'Answer', redeliver: 'Redeliver',
    redelivered: 'The event is queued to be delivered again.', no_hooks: 'No webhooks.',
    s_enabled: 'enabled', s_disabled: 'disabled', s_delivered: 'delivered', s_dead: 'failed', s_pending: 'queued',
    failing: 'failing since {at}',
  },
});

function Settings({ lang, id, may, airline, onSaved }) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const start = () => {
    setForm({ name: airline.name, contact_email: airline.contact_email || '', timezone: airline.timezone });
    setEditing(true);
    setDone(false);
  };
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: form.name, timezone: form.timezone, contact_email: form.contact_email.trim() || null };
    const r = await send('PATCH', `/v1/merchants/${id}`, body);
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setEditing(false);
    setDone(true);
    onSaved();
  };
  const field = (k, label, type = 'text') => html`
    <label class="field" for=${`set-${k}`}><span>${label}</span>
      <input id=${`set-${k}`} type=${type} value=${form[k]} onInput=${(e) => setForm({ ...form, [k]: e.currentTarget.value })} /></label>`;
  const settlement = airline.settings?.settlement || airline.settlement || null;
  return html`
    <section class="card" aria-labelledby="set-h" data-testid="airline-settings">
      <div class="screen-head"><h2 id="set-h">${t(lang, 'settings')}</h2>
        ${may('merchants.write') && !editing ? html`<button type="button" class="button secondary small-button" onClick=${start} data-testid="edit-settings">${t(lang, 'edit')}</button>` : null}</div>
      ${editing ? html`
        <form onSubmit=${save} class="grid-2">
          ${field('name', t(lang, 'name'))}${field('contact_email', t(lang, 'email'), 'email')}${field('timezone', t(lang, 'tz'))}
          ${error ? html`<p class="error" role="alert">${error}</p>` : null}
          <div class="actions"><button type="submit" class="button" disabled=${busy} data-testid="save-settings">${busy ? t(lang, 'saving') : t(lang, 'save')}</button>
            <button type="button" class="button secondary" onClick=${() => setEditing(false)}>${t(lang, 'cancel')}</button></div>
        </form>` : html`
        <dl class="facts">
          <div><dt>${t(lang, 'name')}</dt><dd data-testid="airline-name">${airline.name}</dd></div>
          <div><dt>${t(lang, 'inn')}</dt><dd class="mono">${airline.inn}${airline.kpp ? ` / ${airline.kpp}` : ''}</dd></div>
          <div><dt>${t(lang, 'email')}</dt><dd>${airline.contact_email || '—'}</dd></div>
          <div><dt>${t(lang, 'tz')}</dt><dd>${airline.timezone}</dd></div>
          <div><dt>${t(lang, 'prefix')}</dt><dd class="mono">${airline.invoice_prefix}</dd></div>
          ${settlement ? html`<div><dt>${t(lang, 'settlement')}</dt><dd class="mono small">${Object.entries(settlement).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('; ')}</dd></div>` : null}
        </dl>`}
      <div role="status" aria-live="polite">${done ? html`<p class="note ok">${t(lang, 'saved')}</p>` : null}</div>
    </section>`;
}

function Keys({ lang, id, may }) {
  const keys = useLoad(() => get(`/admin/api/merchants/${id}/keys`), [id]);
  const [secret, setSecret] = useState(null);
  const [revoking, setRevoking] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  const [copied, setCopied] = useState(false);
  const create = async (mode) => {
    setBusy(true);
    setError(null);
    setNote('');
    const r = await send('POST', `/admin/api/merchants/${id}/keys`, { mode }, { key: newKey() });
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setCopied(false);
    setSecret(r.data);
    setNote(t(lang, 'created_key', { last4: r.data.last4 }));
    keys.reload();
  };
  const revoke = async () => {
    setBusy(true);
    setError(null);
    const r = await send('POST', `/admin/api/merchants/${id}/keys/${revoking.id}/revoke`);
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setNote(t(lang, 'revoked_key', { last4: revoking.last4 }));
    setRevoking(null);
    keys.reload();
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied(true);
    } catch {
      document.getElementById('new-secret')?.select();
    }
  };
  return html`
    <section class="card" aria-labelledby="keys-h" data-testid="airline-keys">
      <div class="screen-head"><h2 id="keys-h">${t(lang, 'keys')}</h2>
        ${may('keys.write') ? html`<div class="actions">
          <button type="button" class="button secondary small-button" disabled=${busy} onClick=${() => create('test')} data-testid="new-test-key">${t(lang, 'new_test')}</button>
          <button type="button" class="button secondary small-button" disabled=${busy} onClick=${() => create('live')} data-testid="new-live-key">${t(lang, 'new_live')}</button></div>` : null}</div>
      <div role="status" aria-live="polite">${note ? html`<p class="note ok">${note}</p>` : null}</div>
      ${error && !revoking ? html`<p class="error" role="alert">${error}</p>` : null}
      ${keys.state === 'loading' && !keys.data ? html`<${Loading} lang=${lang} />` : null}
      ${keys.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, keys.r)} onRetry=${keys.reload} />` : null}
      ${keys.data ? html`
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">${t(lang, 'keys')}</caption>
          <thead><tr><th scope="col">${t(lang, 'key')}</th><th scope="col">${t(lang, 'mode')}</th><th scope="col">${t(lang, 'created')}</th>
            <th scope="col">${t(lang, 'status')}</th>${may('keys.write') ? html`<th scope="col">${t(lang, 'actions')}</th>` : null}</tr></thead>
          <tbody>${keys.data.data.map((k) => html`
            <tr key=${k.id} data-id=${k.id} data-last4=${k.last4}>
              <td class="mono">…${k.last4}</td><td>${t(lang, `m_${k.mode}`)}</td><td><${When} at=${k.created} lang=${lang} /></td>
              <td>${k.revoked ? html`<${Badge} status="revoked" label=${t(lang, 'revoked')} /> <${When} at=${k.revoked} lang=${lang} />` : html`<${Badge} status="active" label=${t(lang, 'active')} />`}</td>
              ${may('keys.write') ? html`<td>${k.revoked ? null : html`<button type="button" class="button secondary small-button" data-testid="revoke-key"
                aria-label=${`${t(lang, 'revoke')} …${k.last4}`} onClick=${() => { setError(null); setRevoking(k); }}>${t(lang, 'revoke')}</button>`}</td>` : null}
            </tr>`)}</tbody>
        </table></div>` : null}
      ${secret ? html`
        <${ConfirmDialog} lang=${lang} title=${t(lang, 'secret_h')} confirmLabel=${t(lang, 'done')} testid="secret"
          onConfirm=${() => setSecret(null)} onCancel=${() => setSecret(null)}>
          <p class="note warn" role="note">${t(lang, 'secret_warn')}</p>
          <label class="field" for="new-secret"><span>${t(lang, 'key')} (${t(lang, `m_${secret.mode}`)})</span>
            <input id="new-secret" class="mono" readonly value=${secret.secret} data-testid="new-secret" onFocus=${(e) => e.currentTarget.select()} /></label>
          <button type="button" class="button secondary small-button" onClick=${copy} data-testid="copy-secret">${copied ? t(lang, 'copied') : t(lang, 'copy')}</button>
        </${ConfirmDialog}>` : null}
      ${revoking ? html`
        <${ConfirmDialog} lang=${lang} title=${t(lang, 'revoke_q', { last4: revoking.last4 })} confirmLabel=${t(lang, 'revoke')}
          busy=${busy} error=${error} onConfirm=${revoke} onCancel=${() => setRevoking(null)} testid="revoke">
          <p>${t(lang, 'revoke_effect')}</p>
        </${ConfirmDialog}>` : null}
    </section>`;
}

const hookStatus = (lang, s) => html`<${Badge} status=${s} label=${t(lang, `s_${s}`)} />`;

function Deliveries({ lang, id, endpoint, may, onNote }) {
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const redeliver = async (d) => {
    setBusy(d.id);
    setError(null);
    const r = await send('POST', `/admin/api/merchants/${id}/events/${d.event_id}/redeliver`, { endpoint_id: endpoint.id }, { key: newKey() });
    setBusy(null);
    if (!r.ok) return setError(failureText(lang, r));
    onNote(t(lang, 'redelivered'));
    setTick(tick + 1);
  };
  const columns = [
    { key: 'event_type', label: t(lang, 'event'), render: (d) => html`<span class="mono">${d.event_type}</span>` },
    { key: 'created_at', label: t(lang, 'created'), render: (d) => html`<${When} at=${d.created_at} lang=${lang} />` },
    { key: 'status', label: t(lang, 'status'), render: (d) => hookStatus(lang, d.status) },
    { key: 'attempts', label: t(lang, 'attempts'), num: true },
    { key: 'last_http_status', label: t(lang, 'answer'), render: (d) => d.last_http_status ?? d.last_error ?? '—' },
  ];
  if (may('webhooks.write'))
    columns.push({ key: 'act', label: t(lang, 'actions'), render: (d) => html`<button type="button" class="button secondary small-button"
      data-testid="redeliver" disabled=${busy === d.id || endpoint.status !== 'enabled'} onClick=${() => redeliver(d)}>${t(lang, 'redeliver')}</button>` });
  return html`
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    <${DataTable} lang=${lang} caption=${`${t(lang, 'deliveries')}: ${endpoint.url}`} columns=${columns} limit=${20}
      filters=${{ tick }} testid="deliveries"
      load=${(p) => get(`/admin/api/merchants/${id}/webhook-endpoints/${endpoint.id}/deliveries`, { limit: p.limit, cursor: p.cursor })} />`;
}

function Webhooks({ lang, id, may }) {
  const hooks = useLoad(() => get(`/admin/api/merchants/${id}/webhook-endpoints`), [id]);
  const [open, setOpen] = useState(null);
  const [enabling, setEnabling] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  const enable = async () => {
    setBusy(true);
    setError(null);
    const r = await send('POST', `/admin/api/merchants/${id}/webhook-endpoints/${enabling.id}/enable`);
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setEnabling(null);
    setNote(t(lang, 'enabled'));
    hooks.reload();
  };
  return html`
    <section class="card" aria-labelledby="hooks-h" data-testid="airline-webhooks">
      <h2 id="hooks-h">${t(lang, 'hooks')}</h2>
      <div role="status" aria-live="polite">${note ? html`<p class="note ok">${note}</p>` : null}</div>
      ${hooks.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, hooks.r)} onRetry=${hooks.reload} />` : null}
      ${hooks.state === 'loading' && !hooks.data ? html`<${Loading} lang=${lang} />` : null}
      ${hooks.data && !hooks.data.data.length ? html`<p class="muted">${t(lang, 'no_hooks')}</p>` : null}
      ${hooks.data?.data.map((e) => html`
        <article class="endpoint" key=${e.id} data-id=${e.id} aria-labelledby=${`ep-${e.id}`}>
          <div class="screen-head">
            <h3 id=${`ep-${e.id}`} class="mono endpoint-url">${e.url}</h3>
            <div class="actions">${hookStatus(lang, e.status)}
              ${e.status === 'disabled' && may('webhooks.write') ? html`<button type="button" class="button small-button" data-testid="enable-endpoint"
                onClick=${() => { setError(null); setEnabling(e); }}>${t(lang, 'enable')}</button>` : null}
              <button type="button" class="button secondary small-button" aria-expanded=${open === e.id ? 'true' : 'false'} data-testid="show-deliveries"
                onClick=${() => setOpen(open === e.id ? null : e.id)}>${open === e.id ? t(lang, 'hide') : t(lang, 'deliveries')}</button></div>
          </div>
          <p class="small">${t(lang, 'events')}: <span class="mono">${e.events.join(', ')}</span>
            ${e.failing_since ? html` · <span class="bad-text">${t(lang, 'failing', { at: '' })}<${When} at=${e.failing_since} lang=${lang} /></span>` : null}</p>
          <p class="small" data-testid="endpoint-health">${t(lang, 'health')}: ${e.health.delivered_24h} ${t(lang, 'delivered')} · ${e.health.dead_24h} ${t(lang, 'dead')} · ${e.health.pending_24h} ${t(lang, 'pending')}
            ${e.health.last_delivery_at ? html` · ${t(lang, 'last')}: <${When} at=${e.health.last_delivery_at} lang=${lang} /> ${hookStatus(lang, e.health.last_status)}` : null}</p>
          ${open === e.id ? html`<${Deliveries} lang=${lang} id=${id} endpoint=${e} may=${may} onNote=${setNote} />` : null}
        </article>`)}
      ${enabling ? html`
        <${ConfirmDialog} lang=${lang} title=${t(lang, 'enable_q')} confirmLabel=${t(lang, 'enable')} busy=${busy} error=${error}
          onConfirm=${enable} onCancel=${() => setEnabling(null)} testid="enable">
          <p>${t(lang, 'enable_effect', { url: enabling.url })}</p>
        </${ConfirmDialog}>` : null}
    </section>`;
}

export default function Airline({ lang, me, params }) {
  const [id] = params;
  const may = (p) => me.staff.permissions.includes(p);
  const airline = useLoad(() => get(`/admin/api/merchants/${id}`), [id]);
  if (airline.state === 'failed') return html`<${Failure} lang=${lang} text=${failureText(lang, airline.r)} onRetry=${airline.reload} />`;
  if (!airline.data) return html`<${Loading} lang=${lang} />`;
  return html`
    ${me.staff.merchant_id ? null : html`<p><a href="#/airlines">${t(lang, 'back')}</a></p>`}
    <h1 data-testid="airline-title">${airline.data.name}</h1>
    <${Settings} lang=${lang} id=${id} may=${may} airline=${airline.data} onSaved=${airline.reload} />
    <${Keys} lang=${lang} id=${id} may=${may} />
    ${may('webhooks.read') ? html`<${Webhooks} lang=${lang} id=${id} may=${may} />` : null}`;
}
