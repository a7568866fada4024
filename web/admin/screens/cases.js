// Support cases: the queue with filters that stay in the address, and the selected case beside
// it with its booking (reference, PNR, status, amount, TL, client), comments and history. Gateway
// staff who may work cases assign them (to themselves or someone), comment, close with a
// resolution and reopen; airline staff read their airline's cases only.
import { useState } from '../../vendor/hooks.module.js';
import { get, send } from '../lib/api.js';
import { caseTypeLabel } from '../lib/labels.js';
import { makeT } from '../lib/i18n.js';
import { Badge, ConfirmDialog, DataTable, Failure, Loading, Money, When, failureText, html, useLoad } from '../lib/ui.js';

const TYPES = ['ticketing_failed', 'price_change_after_guarantee', 'choice_after_expiry', 'underpayment', 'overpayment',
  'payment_for_closed_booking', 'refund_at_risk', 'refund_failed', 'payout_failed', 'document_blocked', 'document_refused',
  'document_undeliverable'];

const t = makeT({
  ru: {
    title: 'Обращения', type: 'Тип', assignee: 'Исполнитель', anyone: 'Любой', me: 'Мне', nobody: 'Не назначено',
    booking: 'Бронирование', opened: 'Открыто', s_open: 'открыто', s_closed: 'закрыто', caption: 'Очередь обращений',
    pick: 'Выберите обращение в очереди.', notes: 'Что случилось', reference: 'Номер', pnr: 'PNR', b_status: 'Статус брони',
    tl: 'Тайм-лимит', client: 'Клиент', open_booking: 'Открыть бронирование', assign_me: 'Взять себе', assign_to: 'Назначить',
    unassign: 'Снять', assign_btn: 'Назначить', comments: 'Комментарии', no_comments: 'Комментариев пока нет.',
    comment: 'Комментарий', add_comment: 'Добавить комментарий', close_case: 'Закрыть обращение', reopen: 'Открыть снова',
    resolution: 'Решение', close_q: 'Закрыть обращение?', close_effect: 'Обращение уйдёт из очереди открытых. Решение увидят коллеги и авиакомпания.',
    e_resolution: 'Опишите решение.', history: 'История', closed_by: 'Закрыл', no_booking: 'Обращение не связано с бронированием.',
    assigned: 'Назначено: {name}.', commented: 'Комментарий добавлен.', closed: 'Обращение закрыто.', reopened: 'Обращение открыто снова.',
  },
  en: {
    title: 'Support cases', type: 'Type', assignee: 'Assignee', anyone: 'Anyone', me: 'Me', nobody: 'Unassigned',
    booking: 'Booking', opened: 'Opened', s_open: 'open', s_closed: 'closed', caption: 'Case queue',
    pick: 'Pick a case in the queue.', notes: 'What happened', reference: 'Reference', pnr: 'PNR', b_status: 'Booking status',
    tl: 'Ticketing time limit', client: 'Client', open_booking: 'Open the booking', assign_me: 'Take it', assign_to: 'Assign to',
    unassign: 'Unassign', assign_btn: 'Assign', comments: 'Comments', no_comments: 'No comments yet.',
    comment: 'Comment', add_comment: 'Add comment', close_case: 'Close case', reopen: 'Reopen',
    resolution: 'Resolution', close_q: 'Close the case?', close_effect: 'The case leaves the open queue. Colleagues and the airline see the resolution.',
    e_resolution: 'Describe the resolution.', history: 'History', closed_by: 'Closed by', no_booking: 'The case has no booking.',
    assigned: 'Assigned: {name}.', commented: 'Comment added.', closed: 'Case closed.', reopened: 'Case reopened.',
  },
});

const major = (minor) => (minor == null ? null : `${minor < 0 ? '-' : ''}${Math.trunc(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`);
const typeLabel = caseTypeLabel;

function BookingBeside({ lang, b }) {
  if (!b) return html`<p class="muted">${t(lang, 'no_booking')}</p>`;
  return html`
    <section class="booking-beside" aria-labelledby="bb-h" data-testid="case-booking">
      <h3 id="bb-h">${t(lang, 'booking')}</h3>
      <dl class="facts">
        <div><dt>${t(lang, 'reference')}</dt><dd class="mono" data-testid="booking-reference">${b.reference}</dd></div>
        <div><dt>${t(lang, 'pnr')}</dt><dd class="mono">${b.pnr}</dd></div>
        <div><dt>${t(lang, 'b_status')}</dt><dd><${Badge} status=${b.status} /></dd></div>
        <div><dt>${t(lang, 'amount')}</dt><dd><${Money} amount=${major(b.amount_minor)} currency=${b.currency} lang=${lang} /></dd></div>
        <div><dt>${t(lang, 'tl')}</dt><dd><${When} at=${b.ticketing_time_limit} lang=${lang} /></dd></div>
        <div><dt>${t(lang, 'client')}</dt><dd>${b.client?.name || '—'}${b.client?.inn ? html` <span class="mono muted">${b.client.inn}</span>` : null}</dd></div>
      </dl>
      <p><a href=${`#/bookings/${b.id}`}>${t(lang, 'open_booking')}</a></p>
    </section>`;
}

function CaseView({ lang, me, id, onChanged }) {
  const may = (p) => me.staff.permissions.includes(p);
  const item = useLoad(() => get(`/admin/api/cases/${id}`), [id]);
  const people = useLoad(() => (may('cases.write') ? get('/admin/api/case-assignees') : Promise.resolve({ ok: true, data: { data: [] } })), []);
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const [closing, setClosing] = useState(false);
  const [resolution, setResolution] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [note, setNote] = useState('');
  if (item.state === 'failed') return html`<${Failure} lang=${lang} text=${failureText(lang, item.r)} onRetry=${item.reload} />`;
  if (!item.data) return html`<${Loading} lang=${lang} />`;
  const c = item.data;
  const act = async (path, body, done) => {
    setBusy(true);
    setError(null);
    setNote('');
    const r = await send('POST', `/admin/api/cases/${id}/${path}`, body);
    setBusy(false);
    if (!r.ok) {
      setError(failureText(lang, r));
      return false;
    }
    setNote(done(r.data));
    item.reload();
    onChanged();
    return true;
  };
  const assign = (staffId) => act('assign', { staff_id: staffId }, (d) => t(lang, 'assigned', { name: d.assignee?.name || t(lang, 'nobody') }));
  const comment = async (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    if (await act('comments', { text }, () => t(lang, 'commented'))) setText('');
  };
  const close = async () => {
    if (!resolution.trim()) return setError(t(lang, 'e_resolution'));
    if (await act('close', { resolution }, () => t(lang, 'closed'))) {
      setClosing(false);
      setResolution('');
    }
  };
  const write = may('cases.write');
  return html`
    <article class="card case-view" aria-labelledby="case-h" data-testid="case" data-status=${c.status}>
      <div class="screen-head">
        <h2 id="case-h">${typeLabel(lang, c.type)}</h2>
        <${Badge} status=${c.status} label=${t(lang, `s_${c.status}`)} />
      </div>
      <p class="small muted">${c.airline} · ${t(lang, 'opened')} <${When} at=${c.created_at} lang=${lang} /></p>
      ${c.notes ? html`<p><strong>${t(lang, 'notes')}:</strong> ${c.notes}</p>` : null}
      ${c.status === 'closed' ? html`<p data-testid="case-resolution"><strong>${t(lang, 'resolution')}:</strong> ${c.resolution}
        <span class="small muted"> — ${c.closed_by?.name || ''}, <${When} at=${c.closed_at} lang=${lang} /></span></p>` : null}
      <div class="case-grid">
        <div>
          <p><strong>${t(lang, 'assignee')}:</strong> <span data-testid="case-assignee">${c.assignee?.name || t(lang, 'nobody')}</span></p>
          ${write ? html`
            <div class="actions">
              ${c.assignee?.id !== me.staff.id ? html`<button type="button" class="button secondary small-button" disabled=${busy}
                onClick=${() => assign(me.staff.id)} data-testid="assign-me">${t(lang, 'assign_me')}</button>` : null}
              <label class="inline-field" for="assign-to"><span class="sr-only">${t(lang, 'assign_to')}</span>
                <select id="assign-to" value=${to} onChange=${(e) => setTo(e.currentTarget.value)} data-testid="assign-select">
                  <option value="">${t(lang, 'assign_to')}…</option>
                  ${(people.data?.data || []).map((p) => html`<option value=${p.id}>${p.name}</option>`)}
                </select></label>
              <button type="button" class="button secondary small-button" disabled=${busy || !to} onClick=${() => assign(to)}>${t(lang, 'assign_btn')}</button>
              ${c.assignee ? html`<button type="button" class="button secondary small-button" disabled=${busy} onClick=${() => assign(null)}>${t(lang, 'unassign')}</button>` : null}
            </div>` : null}
          <div role="status" aria-live="polite">${note ? html`<p class="note ok">${note}</p>` : null}</div>
          ${error && !closing ? html`<p class="error" role="alert">${error}</p>` : null}
          <h3>${t(lang, 'comments')}</h3>
          ${c.comments.length ? html`<ol class="timeline" data-testid="case-comments">${c.comments.map((k) => html`
            <li key=${k.id}><p class="small muted">${k.author.name}, <${When} at=${k.created_at} lang=${lang} /></p><p class="pre">${k.text}</p></li>`)}</ol>`
            : html`<p class="muted">${t(lang, 'no_comments')}</p>`}
          ${write ? html`
            <form onSubmit=${comment} class="comment-form">
              <label class="field" for="case-comment"><span>${t(lang, 'comment')}</span>
                <textarea id="case-comment" rows="3" value=${text} onInput=${(e) => setText(e.currentTarget.value)} data-testid="comment-text"></textarea></label>
              <div class="actions">
                <button type="submit" class="button secondary" disabled=${busy || !text.trim()} data-testid="add-comment">${t(lang, 'add_comment')}</button>
                ${c.status === 'open' ? html`<button type="button" class="button" disabled=${busy} onClick=${() => { setError(null); setClosing(true); }} data-testid="close-case">${t(lang, 'close_case')}</button>`
                  : html`<button type="button" class="button secondary" disabled=${busy} onClick=${() => act('reopen', {}, () => t(lang, 'reopened'))} data-testid="reopen-case">${t(lang, 'reopen')}</button>`}
              </div>
            </form>` : null}
          <details class="history"><summary>${t(lang, 'history')}</summary>
            <ol class="timeline">${c.history.map((h) => html`<li key=${h.id}><span class="mono small">${h.action}</span> — <${When} at=${h.at} lang=${lang} /> <span class="small muted">${h.actor}</span></li>`)}</ol>
          </details>
        </div>
        <${BookingBeside} lang=${lang} b=${c.booking} />
      </div>
      ${closing ? html`
        <${ConfirmDialog} lang=${lang} title=${t(lang, 'close_q')} confirmLabel=${t(lang, 'close_case')} busy=${busy} error=${error}
          onConfirm=${close} onCancel=${() => setClosing(false)} testid="close">
          <p>${t(lang, 'close_effect')}</p>
          <label class="field" for="case-resolution"><span>${t(lang, 'resolution')}</span>
            <textarea id="case-resolution" rows="3" value=${resolution} onInput=${(e) => setResolution(e.currentTarget.value)} data-testid="resolution"></textarea></label>
        </${ConfirmDialog}>` : null}
    </article>`;
}

export default function Cases({ lang, me, query, go }) {
  const own = me.staff.merchant_id;
  const filters = { status: query.status ?? 'open', type: query.type || '', assignee: query.assignee || '', airline: own ? '' : query.airline || '' };
  const selected = query.case || '';
  const [tick, setTick] = useState(0);
  const airlines = useLoad(() => (own ? Promise.resolve({ ok: true, data: { data: [] } }) : get('/admin/api/merchants')), [own]);
  const set = (k, v) => go('cases', { ...filters, case: selected, [k]: v });
  const select = (k, label, value, options) => html`
    <label for=${`f-${k}`}>${label}
      <select id=${`f-${k}`} value=${value} onChange=${(e) => set(k, e.currentTarget.value)} data-testid=${`filter-${k}`}>
        ${options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>`;
  const columns = [
    { key: 'type', label: t(lang, 'type'), render: (c) => html`<a href=${`#/cases?${new URLSearchParams({ ...filters, case: c.id })}`}>${typeLabel(lang, c.type)}</a>` },
    { key: 'booking', label: t(lang, 'booking'), render: (c) => (c.booking ? html`<span class="mono">${c.booking.reference}</span> <span class="mono muted">${c.booking.pnr}</span>` : '—') },
    { key: 'amount', label: t(lang, 'amount'), num: true, render: (c) => (c.booking ? html`<${Money} amount=${major(c.booking.amount_minor)} currency=${c.booking.currency} lang=${lang} />` : '—') },
    ...(own ? [] : [{ key: 'airline', label: t(lang, 'airline') }]),
    { key: 'assignee', label: t(lang, 'assignee'), render: (c) => c.assignee?.name || html`<span class="muted">—</span>` },
    { key: 'status', label: t(lang, 'status'), render: (c) => html`<${Badge} status=${c.status} label=${t(lang, `s_${c.status}`)} />` },
    { key: 'created_at', label: t(lang, 'opened'), render: (c) => html`<${When} at=${c.created_at} lang=${lang} />` },
  ];
  return html`
    <div class="screen-head"><h1>${t(lang, 'title')}</h1></div>
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label=${t(lang, 'title')}>
      ${select('status', t(lang, 'status'), filters.status, [['open', t(lang, 's_open')], ['closed', t(lang, 's_closed')], ['all', t(lang, 'all')]])}
      ${select('type', t(lang, 'type'), filters.type, [['', t(lang, 'all')], ...TYPES.map((x) => [x, typeLabel(lang, x)])])}
      ${own ? null : select('assignee', t(lang, 'assignee'), filters.assignee, [['', t(lang, 'anyone')], ['me', t(lang, 'me')], ['none', t(lang, 'nobody')]])}
      ${own ? null : select('airline', t(lang, 'airline'), filters.airline, [['', t(lang, 'all')], ...(airlines.data?.data || []).map((m) => [m.id, m.name])])}
    </form>
    <div class="cases-layout">
      <${DataTable} lang=${lang} caption=${t(lang, 'caption')} columns=${columns} filters=${{ ...filters, tick }} testid="cases"
        selected=${selected} onRow=${(c) => go('cases', { ...filters, case: c.id })}
        load=${(p) => get('/admin/api/cases', { status: p.status === 'all' ? '' : p.status, type: p.type, assignee: p.assignee, airline: p.airline, limit: p.limit, cursor: p.cursor })} />
      <div class="case-pane">
        ${selected ? html`<${CaseView} key=${selected} lang=${lang} me=${me} id=${selected} onChanged=${() => setTick(tick + 1)} />`
          : html`<p class="muted card">${t(lang, 'pick')}</p>`}
      </div>
    </div>`;
}
