// A booking's whole story on one page: the booking, its price versions with lines, the options
// offered, invoices, payments, documents, refunds with their legs, tickets, webhook deliveries,
// support cases and the audit trail. A refund by lines with penalties (its effect shown before it
// is confirmed) and the retry of a failed refund leg, for the roles that may.
import { useMemo, useState } from '../../vendor/hooks.module.js';
import { Badge, ConfirmDialog, Failure, Loading, Money, When, failureText, html, useLoad } from '../lib/ui.js';
import { get, newKey, send } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { documentKindLabel } from '../lib/labels.js';
import { statusLabel } from './bookings.js';

const t = makeT({
  ru: {
    back: '← Бронирования', booking: 'Бронь', client: 'Клиент', inn: 'ИНН', tl: 'Тайм-лимит', total: 'Итого',
    passengers: 'Пассажиры', segments: 'Сегменты', versions: 'Версии цены', version: 'Версия {n}', current: 'текущая',
    options: 'Предложенные способы оплаты', invoices: 'Счета', payments: 'Платежи', documents: 'Документы',
    refunds: 'Возвраты', tickets: 'Билеты', events: 'События и вебхуки', cases: 'Обращения', audit: 'Журнал изменений',
    line: 'Строка', kind: 'Вид', vat: 'НДС', paid: 'Оплачено', refunded: 'Возвращено', due: 'Срок', method: 'Способ',
    payer: 'Плательщик', number: 'Номер', issued: 'Выставлен', deadline: 'Срок возврата', legs: 'Части возврата',
    route: 'Путь', attempts: 'Попыток', retry_leg: 'Повторить', retry_title: 'Повторить часть возврата?',
    retry_effect: 'Часть {route} на {amount} будет отправлена заново.', penalty: 'Штраф', reason: 'Причина',
    new_refund: 'Возврат по строкам', refund_lines: 'Что вернуть', already: 'уже возвращено',
    add_penalty: 'Добавить штраф', remove: 'Убрать', penalty_desc: 'За что штраф', penalty_amount: 'Сумма штрафа',
    effect_lines: 'Строки: {amount}', effect_penalties: 'Штрафы: {amount}', effect_total: 'Клиенту вернётся: {amount}',
    make_refund: 'Оформить возврат…', confirm_refund: 'Оформить возврат?', do_refund: 'Вернуть {amount}',
    refund_done: 'Возврат оформлен.', e_lines: 'Выберите хотя бы одну строку.', e_reason: 'Укажите причину.',
    e_penalty: 'Сумма штрафа — число вида 1500.00.', e_nothing: 'Штрафы не должны съедать всю сумму.',
    actor: 'Кто', action: 'Действие', when: 'Когда', topic: 'Событие', deliveries: 'Доставки', none_yet: 'Пока нет.',
    story: 'История брони', amount_back: 'К возврату',
  },
  en: {
    back: '← Bookings', booking: 'Booking', client: 'Client', inn: 'INN', tl: 'Time limit', total: 'Total',
    passengers: 'Passengers', segments: 'Segments', versions: 'Price versions', version: 'Version {n}', current: 'current',
    options: 'Payment options offered', invoices: 'Invoices', payments: 'Payments', documents: 'Documents',
    refunds: 'Refunds', tickets: 'Tickets', events: 'Events and webhooks', cases: 'Support cases', audit: 'Audit trail',
    line: 'Line', kind: 'Kind', vat: 'VAT', paid: 'Paid', refunded: 'Refunded', due: 'Due', method: 'Method',
    payer: 'Payer', number: 'Number', issued: 'Issued', deadline: 'Refund deadline', legs: 'Refund legs',
    route: 'Route', attempts: 'Attempts', retry_leg: 'Retry', retry_title: 'Retry the refund leg?',
    retry_effect: 'The {route} leg of {amount} will be sent again.', penalty: 'Penalty', reason: 'Reason',
    new_refund: 'Refund by lines', refund_lines: 'What to refund', already: 'refunded already',
    add_penalty: 'Add a penalty', remove: 'Remove', penalty_desc: 'Penalty for', penalty_amount: 'Penalty amount',
    effect_lines: 'Lines: {amount}', effect_penalties: 'Penalties: {amount}', effect_total: 'Back to the client: {amount}',
    make_refund: 'Make the refund…', confirm_refund: 'Make this refund?', do_refund: 'Refund {amount}',
    refund_done: 'The refund is made.', e_lines: 'Choose at least one line.', e_reason: 'Give a reason.',
    e_penalty: 'A penalty is an amount like 1500.00.', e_nothing: 'The penalties must not take the whole amount.',
    actor: 'Who', action: 'Action', when: 'When', topic: 'Event', deliveries: 'Deliveries', none_yet: 'None yet.',
    story: 'Booking story', amount_back: 'To refund',
  },
});

// Decimal strings to minor units and back, exactly (two decimals, as RUB has).
const toMinor = (s) => {
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(String(s ?? '').trim().replace(/[\s\u00a0]/g, ''));
  return m ? Number(m[1]) * 100 + Number((m[2] || '0').padEnd(2, '0')) : null;
};
const fromMinor = (n) => `${n < 0 ? '-' : ''}${Math.floor(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;

function Section({ id, title, count, children }) {
  return html`<section class="card story-section" aria-labelledby=${`s-${id}`} data-testid=${`section-${id}`}>
    <h2 id=${`s-${id}`}>${title}${count != null ? html` <span class="count">${count}</span>` : null}</h2>${children}</section>`;
}

const Empty = ({ lang }) => html`<p class="muted">${t(lang, 'none_yet')}</p>`;

function Table({ head, rows }) {
  return html`<div class="table-wrap"><table class="data"><thead><tr>${head.map((h) => html`<th scope="col" class=${h.num ? 'num' : ''}>${h.label}</th>`)}</tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function RefundForm({ lang, story, onDone }) {
  const b = story.booking;
  const version = story.price_versions.find((v) => v.current) || story.price_versions[story.price_versions.length - 1];
  const refunded = new Set(story.refunds.filter((r) => r.status !== 'failed').flatMap((r) => (r.lines || []).map((l) => l.position)));
  const lines = (version?.lines || []).filter((l) => l.kind !== 'penalty');
  const [chosen, setChosen] = useState(() => new Set());
  const [penalties, setPenalties] = useState([]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const [key, setKey] = useState(newKey);
  const linesMinor = lines.filter((l) => chosen.has(l.position)).reduce((n, l) => n + toMinor(l.amount), 0);
  const penaltyMinor = penalties.reduce((n, p) => n + (toMinor(p.amount) || 0), 0);
  const total = linesMinor - penaltyMinor;
  const m = (n) => html`<${Money} amount=${fromMinor(n)} currency=${b.currency} lang=${lang} />`;
  const toggle = (p) => {
    const next = new Set(chosen);
    if (next.has(p)) next.delete(p); else next.add(p);
    setChosen(next);
  };
  const check = (e) => {
    e.preventDefault();
    const errs = {};
    if (!chosen.size) errs.lines = t(lang, 'e_lines');
    if (!reason.trim()) errs.reason = t(lang, 'e_reason');
    penalties.forEach((p, i) => { if (!p.description.trim() || !(toMinor(p.amount) > 0)) errs[`p${i}`] = t(lang, 'e_penalty'); });
    if (chosen.size && total <= 0) errs.total = t(lang, 'e_nothing');
    setErrors(errs);
    if (!Object.keys(errs).length) { setFailure(null); setConfirming(true); }
  };
  const confirm = async () => {
    setBusy(true);
    const body = { lines: [...chosen].sort((a, c) => a - c), reason: reason.trim() };
    if (penalties.length) body.penalties = penalties.map((p) => ({ description: p.description.trim(), amount: fromMinor(toMinor(p.amount)) }));
    const r = await send('POST', `/admin/api/bookings/${b.id}/refunds`, body, { key });
    setBusy(false);
    if (!r.ok) return setFailure(failureText(lang, r));
    setConfirming(false);
    setChosen(new Set()); setPenalties([]); setReason(''); setKey(newKey());
    onDone();
  };
  const err = (k) => (errors[k] ? html`<p class="field-error" id=${`err-${k}`}>${errors[k]}</p>` : null);
  return html`
    <form class="refund-form" onSubmit=${check} novalidate data-testid="refund-form">
      <fieldset aria-describedby=${errors.lines ? 'err-lines' : undefined}>
        <legend>${t(lang, 'refund_lines')}</legend>
        ${lines.map((l) => html`<label class="check-row">
          <input type="checkbox" checked=${chosen.has(l.position)} disabled=${refunded.has(l.position)}
            onChange=${() => toggle(l.position)} data-testid=${`refund-line-${l.position}`} />
          <span>${l.description}</span> ${m(toMinor(l.amount))}
          ${refunded.has(l.position) ? html` <span class="small muted">(${t(lang, 'already')})</span>` : null}</label>`)}
        ${err('lines')}
      </fieldset>
      ${penalties.map((p, i) => html`<div class="penalty-row">
        <label class="field"><span>${t(lang, 'penalty_desc')}</span><input value=${p.description} data-testid=${`penalty-desc-${i}`}
          onInput=${(e) => setPenalties(penalties.map((x, j) => (j === i ? { ...x, description: e.currentTarget.value } : x)))} /></label>
        <label class="field"><span>${t(lang, 'penalty_amount')}</span><input inputmode="decimal" value=${p.amount} data-testid=${`penalty-amount-${i}`}
          aria-invalid=${errors[`p${i}`] ? 'true' : 'false'}
          onInput=${(e) => setPenalties(penalties.map((x, j) => (j === i ? { ...x, amount: e.currentTarget.value } : x)))} /></label>
        <button type="button" class="button secondary small-button" onClick=${() => setPenalties(penalties.filter((_, j) => j !== i))}>${t(lang, 'remove')}</button>
        ${err(`p${i}`)}</div>`)}
      <p><button type="button" class="button secondary small-button" data-testid="add-penalty"
        onClick=${() => setPenalties([...penalties, { description: '', amount: '' }])}>${t(lang, 'add_penalty')}</button></p>
      <label class="field"><span>${t(lang, 'reason')}</span>
        <textarea rows="2" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} data-testid="refund-reason"
          aria-invalid=${errors.reason ? 'true' : 'false'} aria-describedby=${errors.reason ? 'err-reason' : undefined}></textarea></label>
      ${err('reason')}
      <p class="refund-effect" role="status" data-testid="refund-effect">${t(lang, 'amount_back')}: <strong>${m(Math.max(total, 0))}</strong></p>
      ${err('total')}
      <button type="submit" class="button" data-testid="refund-submit">${t(lang, 'make_refund')}</button>
      ${confirming ? html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'confirm_refund')} busy=${busy} error=${failure} testid="refund-confirm"
          confirmLabel=${t(lang, 'do_refund', { amount: fromMinor(total) })} onConfirm=${confirm} onCancel=${() => setConfirming(false)}>
          <p>${t(lang, 'effect_lines', { amount: fromMinor(linesMinor) })}</p>
          <p>${t(lang, 'effect_penalties', { amount: fromMinor(penaltyMinor) })}</p>
          <p><strong data-testid="refund-confirm-total">${t(lang, 'effect_total', { amount: fromMinor(total) })} ${b.currency}</strong></p>
          <p class="small muted">${t(lang, 'reason')}: ${reason}</p>
        <//>` : null}
    </form>`;
}

function RetryLeg({ lang, refund, leg, currency, onDone }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const confirm = async () => {
    setBusy(true);
    const r = await send('POST', `/v1/refunds/${refund.id}/legs/${leg.id}/retry`, {}, { key: newKey() });
    setBusy(false);
    if (!r.ok) return setFailure(failureText(lang, r));
    setOpen(false);
    onDone();
  };
  return html`<button type="button" class="button secondary small-button" data-testid=${`retry-${leg.id}`} onClick=${() => { setFailure(null); setOpen(true); }}>${t(lang, 'retry_leg')}</button>
    ${open ? html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'retry_title')} busy=${busy} error=${failure} testid="retry-confirm"
      onConfirm=${confirm} onCancel=${() => setOpen(false)}><p>${t(lang, 'retry_effect', { route: leg.route, amount: `${leg.amount} ${currency}` })}</p><//>` : null}`;
}

export default function Booking({ lang, me, params }) {
  const [id] = params;
  const story = useLoad(() => get(`/admin/api/bookings/${id}`), [id]);
  const [done, setDone] = useState(false);
  const may = (p) => me.staff.permissions.includes(p);
  const gateway = !me.staff.merchant_id;
  const s = story.data;
  const timeline = useMemo(() => (s ? s.audit.slice().reverse() : []), [s]);
  if (story.state === 'failed') return html`<p><a href="#/bookings">${t(lang, 'back')}</a></p><${Failure} lang=${lang} text=${failureText(lang, story.r)} onRetry=${story.r.status === 404 ? null : story.reload} />`;
  if (!s) return html`<${Loading} lang=${lang} />`;
  const b = s.booking;
  const m = (amount, currency = b.currency) => html`<${Money} amount=${amount} currency=${currency} lang=${lang} />`;
  const refundable = may('refunds.write') && s.invoices.some((i) => i.status !== 'void' && (i.status === 'paid' || i.guaranteed));
  return html`
    <p><a href="#/bookings">${t(lang, 'back')}</a></p>
    <div class="screen-head">
      <h1>${t(lang, 'booking')} <span data-testid="booking-reference">${b.reference}</span> · <span class="mono">${b.pnr}</span></h1>
      <${Badge} status=${b.status} label=${statusLabel(lang, b.status)} />
    </div>
    ${done ? html`<p class="note ok" role="status" data-testid="refund-done">${t(lang, 'refund_done')}</p>` : null}
    <dl class="facts card">
      <div><dt>${t(lang, 'airline')}</dt><dd>${s.merchant.name}</dd></div>
      <div><dt>${t(lang, 'client')}</dt><dd>${b.client?.name} · ${t(lang, 'inn')} ${b.client?.inn}</dd></div>
      <div><dt>${t(lang, 'total')}</dt><dd>${m(b.totals?.amount)}</dd></div>
      <div><dt>${t(lang, 'tl')}</dt><dd><${When} at=${b.ticketing_time_limit} lang=${lang} /></dd></div>
      <div><dt>${t(lang, 'created')}</dt><dd><${When} at=${b.created_at} lang=${lang} /></dd></div>
    </dl>
    <div class="grid-2">
      <${Section} id="passengers" title=${t(lang, 'passengers')} count=${b.passengers.length}>
        <ul>${b.passengers.map((p) => html`<li>${[p.last_name, p.first_name, p.middle_name].filter(Boolean).join(' ')}</li>`)}</ul><//>
      <${Section} id="segments" title=${t(lang, 'segments')} count=${b.segments.length}>
        <ul>${b.segments.map((g) => html`<li class="mono">${[g.carrier, g.flight, g.from || g.origin, '→', g.to || g.destination, g.departure || g.departs_at].filter(Boolean).join(' ')}</li>`)}</ul><//>
    </div>
    <${Section} id="versions" title=${t(lang, 'versions')} count=${s.price_versions.length}>
      ${s.price_versions.map((v) => html`<h3>${t(lang, 'version', { n: v.version })} ${v.current ? html`<${Badge} status="active" label=${t(lang, 'current')} />` : null} · ${m(v.amount)} · <${When} at=${v.created_at} lang=${lang} /></h3>
        <${Table} head=${[{ label: t(lang, 'line') }, { label: t(lang, 'kind') }, { label: t(lang, 'amount'), num: true }, { label: t(lang, 'vat'), num: true }]}
          rows=${v.lines.map((l) => html`<tr><td>${l.description}</td><td>${l.kind}</td><td class="num">${m(l.amount)}</td><td class="num">${l.vat_rate === 'none' ? '—' : html`${l.vat_rate}% ${m(l.vat)}`}</td></tr>`)} />`)}
    <//>
    <${Section} id="options" title=${t(lang, 'options')} count=${(b.payment_options || []).length}>
      ${(b.payment_options || []).length ? html`<ul>${b.payment_options.map((o) => html`<li>${o.method || o.id || JSON.stringify(o)} ${o.available === false ? html`<span class="muted">(${o.reason || '—'})</span>` : null}</li>`)}</ul>` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="invoices" title=${t(lang, 'invoices')} count=${s.invoices.length}>
      ${s.invoices.length ? html`<${Table} head=${[{ label: t(lang, 'number') }, { label: t(lang, 'method') }, { label: t(lang, 'status') }, { label: t(lang, 'amount'), num: true }, { label: t(lang, 'paid'), num: true }, { label: t(lang, 'refunded'), num: true }, { label: t(lang, 'due') }]}
        rows=${s.invoices.map((i) => html`<tr><td>${i.number}</td><td>${i.method}</td><td><${Badge} status=${i.status} /></td><td class="num">${m(i.amount, i.currency)}</td><td class="num">${m(i.paid, i.currency)}</td><td class="num">${m(i.refunded, i.currency)}</td><td><${When} at=${i.due_at} lang=${lang} /></td></tr>`)} />` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="payments" title=${t(lang, 'payments')} count=${s.payments.length}>
      ${s.payments.length ? html`<${Table} head=${[{ label: t(lang, 'when') }, { label: t(lang, 'method') }, { label: t(lang, 'payer') }, { label: t(lang, 'status') }, { label: t(lang, 'amount'), num: true }]}
        rows=${s.payments.map((p) => html`<tr><td><${When} at=${p.created_at} lang=${lang} /></td><td>${p.method}${p.card_last4 ? ` •${p.card_last4}` : ''}</td>
          <td>${p.bank_document ? `${p.bank_document.payer_name} (№ ${p.bank_document.number})` : p.reference || '—'}</td>
          <td>${p.status ? html`<${Badge} status=${p.status} />` : html`<${Badge} status="succeeded" />`}</td><td class="num">${m(p.amount, p.currency)}</td></tr>`)} />` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="documents" title=${t(lang, 'documents')} count=${s.documents.length}>
      ${s.documents.length ? html`<ul>${s.documents.map((d) => html`<li>${documentKindLabel(lang, d.kind)} № ${d.number} · ${m(d.total, d.currency)} · <${When} at=${d.issued_at} lang=${lang} />
        ${d.dispatches.map((x) => html` <${Badge} status=${x.status} label=${`${x.channel}: ${x.status}`} />`)}</li>`)}</ul>` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="refunds" title=${t(lang, 'refunds')} count=${s.refunds.length}>
      ${s.refunds.map((r) => html`<div class="refund" data-testid=${`refund-${r.id}`}>
        <h3>${m(r.amount, r.currency)} <${Badge} status=${r.status} /> ${Number(r.penalty) > 0 ? html`<span class="small">${t(lang, 'penalty')}: ${m(r.penalty, r.currency)}</span>` : null}</h3>
        <p class="small">${t(lang, 'reason')}: ${r.reason} · ${t(lang, 'deadline')}: <${When} at=${r.deadline_at} lang=${lang} /></p>
        <${Table} head=${[{ label: t(lang, 'route') }, { label: t(lang, 'status') }, { label: t(lang, 'attempts'), num: true }, { label: t(lang, 'amount'), num: true }, { label: t(lang, 'actions') }]}
          rows=${r.legs.map((l) => html`<tr><td>${l.route}</td><td><${Badge} status=${l.status} />${l.failure_reason ? html` <span class="small muted">${l.failure_reason}</span>` : null}</td>
            <td class="num">${l.attempts}</td><td class="num">${m(l.amount, r.currency)}</td>
            <td>${l.status === 'failed' && !l.replaced_by && gateway && may('payouts.write') ? html`<${RetryLeg} lang=${lang} refund=${r} leg=${l} currency=${r.currency} onDone=${story.reload} />` : null}</td></tr>`)} />
      </div>`)}
      ${!s.refunds.length ? html`<${Empty} lang=${lang} />` : null}
      ${refundable ? html`<h3>${t(lang, 'new_refund')}</h3><${RefundForm} lang=${lang} story=${s} onDone=${() => { setDone(true); story.reload(); }} />` : null}
    <//>
    <${Section} id="tickets" title=${t(lang, 'tickets')} count=${(b.tickets || []).length}>
      ${(b.tickets || []).length ? html`<ul>${b.tickets.map((x) => html`<li class="mono">${x.number} ${x.passenger != null ? `· ${x.passenger}` : ''}</li>`)}</ul>` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="events" title=${t(lang, 'events')} count=${s.events.length}>
      ${s.events.length ? html`<${Table} head=${[{ label: t(lang, 'when') }, { label: t(lang, 'topic') }, { label: t(lang, 'deliveries') }]}
        rows=${s.events.map((e) => html`<tr><td><${When} at=${e.created_at} lang=${lang} /></td><td class="mono">${e.topic}</td>
          <td>${e.deliveries.map((d) => html`<div><${Badge} status=${d.status === 'dead' ? 'failed' : d.status} label=${d.status} /> <span class="small">${d.url} · ${d.attempts}${d.last_http_status ? ` · HTTP ${d.last_http_status}` : ''}</span></div>`)}</td></tr>`)} />` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="cases" title=${t(lang, 'cases')} count=${s.support_cases.length}>
      ${s.support_cases.length ? html`<ul>${s.support_cases.map((c) => html`<li><${Badge} status=${c.status} /> ${c.type} · <${When} at=${c.created_at} lang=${lang} />${c.notes ? html`<br /><span class="small">${c.notes}</span>` : null}</li>`)}</ul>` : html`<${Empty} lang=${lang} />`}
    <//>
    <${Section} id="audit" title=${t(lang, 'audit')} count=${s.audit.length}>
      <ol class="timeline">${timeline.map((a) => html`<li><${When} at=${a.at} lang=${lang} /> · <span class="mono">${a.action}</span> · <span class="small muted">${a.actor}</span></li>`)}</ol>
    <//>`;
}
