// The hosted invoice page (/pay/{token}): the booking, its time limit, the ways to pay, the
// invoice with its bank details and QR code, card payment with 3-D Secure in a dialog, the
// closing documents; the status live through server-sent events.
import { h, render } from '../vendor/preact.module.js';
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';
import { countdown, date, dateTime, localAsGiven, money, viewerZone } from '../common/format.js';
import { applyLang, pickLang, rememberLang, storedLang } from '../common/lang.js';
import { LangSwitch } from '../common/ui.js';
import { choose, getView, newKey, startCard, tokenFromPath } from './api.js';
import { methodName, problemText, reason, t, vatRate } from './i18n.js';
import { InvalidLink, whyInvalid } from './invalid.js';

const html = htm.bind(h);
const TRANSFER_METHODS = ['invoice', 'credit_line', 'guarantee_letter'];
const UNPAID = ['open', 'overdue', 'partially_paid'];
const FINAL = ['paid', 'ticketed', 'cancelled', 'expired', 'ticketing_failed'];
const positive = (amount) => Number(amount) > 0;

// --- small pieces ---

function Announcer({ message }) {
  // Polite: copy feedback, a choice saved, a payment returned.
  return html`<div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">${message}</div>`;
}

function CopyButton({ value, what, lang, announce }) {
  const [state, setState] = useState('idle');
  const timer = useRef(0);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      ok = fallbackCopy(value);
    }
    setState(ok ? 'done' : 'failed');
    announce(ok ? t(lang, 'copied_long', { what }) : t(lang, 'copy_failed'));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2500);
  };
  return html`
    <button type="button" class=${`copy ${state}`} onClick=${copy} data-copy=${value}>
      ${state === 'done'
        ? html`<span aria-hidden="true">✓ </span>${t(lang, 'copied')}`
        : html`${t(lang, 'copy')}<span class="sr-only">: ${what}</span>`}
    </button>`;
}

function fallbackCopy(value) {
  const area = document.createElement('textarea');
  area.value = value;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

// A native modal <dialog>: focus kept inside, Esc closes, focus returns to the opener.
function Dialog({ open, onClose, labelledBy, className = '', children }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class=${`dialog ${className}`} aria-labelledby=${labelledBy}
    onClose=${() => open && onClose()}>${open ? children : null}</dialog>`;
}

// --- the header and the status ---

function Header({ view, lang, onLang }) {
  const b = view.booking;
  const total = b.totals?.amount;
  return html`
    <header class="top">
      <div class="brand">
        <p class="merchant" data-testid="merchant">${view.merchant?.name}</p>
        <p class="via">${t(lang, 'via')}</p>
      </div>
      <${LangSwitch} lang=${lang} onLang=${onLang} label=${t(lang, 'lang_switch')} />
    </header>
    <div class="hero">
      <h1>${t(lang, 'title', { ref: b.pnr || b.reference })}</h1>
      <p class="total" data-testid="total">${money(total, b.currency, lang)}</p>
      ${positive(b.totals?.vat)
        ? html`<p class="muted">${t(lang, 'vat_included', { vat: `${t(lang, 'vat')} ${money(b.totals.vat, b.currency, lang)}` })}</p>`
        : html`<p class="muted">${t(lang, 'vat_none')}</p>`}
    </div>`;
}

function statusMessage(view, lang) {
  const b = view.booking;
  const inv = view.invoice;
  const cur = inv?.currency || b.currency;
  if (inv && inv.status === 'partially_paid' && !FINAL.includes(b.status))
    return ['warn', t(lang, 's_partially', { paid: money(inv.paid, cur, lang), outstanding: money(inv.outstanding, cur, lang) })];
  if (inv?.method === 'card_hold' && view.card?.can_pay && !FINAL.includes(b.status))
    return ['info', t(lang, 's_hold_needed', { due: dateTime(inv.due_at, lang) })];
  switch (b.status) {
    case 'pending': return ['info', t(lang, 's_pending')];
    case 'awaiting_payment':
      if (inv?.method === 'card') return ['info', t(lang, 's_awaiting_card')];
      if (inv?.method === 'guarantee_letter') return ['info', t(lang, 's_awaiting_letter')];
      if (inv) return ['info', t(lang, 's_awaiting_invoice', { number: inv.number, due: dateTime(inv.due_at, lang) })];
      return ['info', t(lang, 's_awaiting')];
    case 'ticketing_authorized': return ['ok', t(lang, 's_ticketing_authorized')];
    case 'paid': return ['ok', t(lang, 's_paid')];
    case 'ticketed': return ['ok', t(lang, 's_ticketed')];
    case 'ticketing_failed': return ['bad', t(lang, 's_ticketing_failed')];
    case 'cancelled': return ['bad', t(lang, 's_cancelled')];
    case 'expired': return ['bad', t(lang, 's_expired')];
    default: return ['info', b.status];
  }
}

function StatusBanner({ view, lang, live }) {
  const [tone, text] = statusMessage(view, lang);
  return html`
    <section class="status-wrap" aria-label=${t(lang, 'status_label')}>
      <div class=${`status ${tone}`} role="status" aria-live="polite" aria-atomic="true"
        data-testid="status" data-status=${view.booking.status}>
        <span class="status-icon" aria-hidden="true">${tone === 'ok' ? '✓' : tone === 'bad' ? '!' : 'i'}</span>
        <span>${text}</span>
      </div>
      ${live ? null : html`<p class="live-lost" data-testid="live-lost">${t(lang, 'live_lost')}</p>`}
    </section>`;
}

// --- the time limit ---

function TimeLimit({ iso, status, offset, lang, onPassed }) {
  const limit = Date.parse(iso);
  const serverNow = () => Date.now() + offset;
  const [now, setNow] = useState(serverNow);
  const passedSent = useRef(false);
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(id);
  }, [offset]);
  const left = limit - now;
  const passed = left <= 0 || status === 'expired';
  useEffect(() => {
    if (passed && !passedSent.current && !FINAL.includes(status)) {
      passedSent.current = true;
      onPassed();
    }
  }, [passed, status]);
  if (['paid', 'ticketed', 'cancelled', 'ticketing_failed', 'ticketing_authorized'].includes(status)) return null;
  const urgent = !passed && left < 2 * 3600 * 1000;
  return html`
    <section class=${`card tl ${passed ? 'passed' : urgent ? 'urgent' : ''}`} aria-labelledby="tl-h" data-testid="tl">
      <h2 id="tl-h">${t(lang, 'tl')}</h2>
      <p class="tl-when" data-testid="tl-when">${dateTime(iso, lang, { zoneName: true, weekday: true })}</p>
      <p class="muted small" data-testid="tl-zone">${t(lang, 'tl_zone', { zone: viewerZone() })}</p>
      ${passed
        ? html`<p class="tl-left expired" data-testid="countdown" data-left="0">${t(lang, 'tl_expired')}</p>`
        : html`<p class="tl-left"><span class="tl-label">${t(lang, 'tl_left')}</span>
            <span role="timer" class="clock" data-testid="countdown" data-left=${Math.floor(left / 1000)}>${countdown(left, lang)}</span></p>
            <p class="muted small">${t(lang, 'tl_note')}</p>`}
    </section>`;
}

// --- the ways to pay ---

function Options({ view, lang, onChoose }) {
  // The ways open now first, in the server's order; the others after, each saying why not.
  const opts = [...(view.options || [])].sort((a, b) => Number(!!b.available) - Number(!!a.available));
  if (!opts.length) return null;
  const chosen = view.booking.payment_method || view.invoice?.method || null;
  const list = html`
      <ul class="options" data-testid="options">
        ${opts.map((o) => {
          const isChosen = o.method === chosen;
          const id = `opt-${o.method}`;
          return html`
            <li class=${`option ${isChosen ? 'chosen' : ''} ${o.available ? '' : 'unavailable'}`}
              data-method=${o.method} data-available=${String(!!o.available)}>
              <div class="option-head">
                <h3 id=${`${id}-name`}>${methodName(lang, o.method)}</h3>
                ${isChosen ? html`<span class="badge ok">${t(lang, 'option_chosen')}</span>`
                  : o.available ? null : html`<span class="badge">${t(lang, 'option_unavailable')}</span>`}
              </div>
              <p id=${`${id}-why`} class="reason">${reason(lang, o.reason)}</p>
              ${o.available && o.due_at
                ? html`<p class="due small">${
                    Math.abs(Date.parse(o.due_at) - Date.parse(view.server_time)) < 120000
                      ? t(lang, 'option_due_now') : t(lang, 'option_due', { due: dateTime(o.due_at, lang) })}</p>`
                : null}
              ${o.available && !isChosen
                ? html`<button type="button" class="button secondary" aria-describedby=${`${id}-why`}
                    onClick=${() => onChoose(o)}>
                    ${t(lang, 'option_choose')}<span class="sr-only">: ${methodName(lang, o.method)}</span></button>`
                : null}
            </li>`;
        })}
      </ul>`;
  // Chosen already: the choice is shown above; changing it is one tap away, not in the way.
  if (chosen)
    return html`
      <details class="card options-more" data-testid="options-more">
        <summary><h2 id="opt-h">${t(lang, 'options_chosen', { method: methodName(lang, chosen) })}</h2>
          <span class="change">${t(lang, 'options_change')}</span></summary>
        ${list}
      </details>`;
  return html`
    <section class="card" aria-labelledby="opt-h">
      <h2 id="opt-h">${t(lang, 'options')}</h2>
      <p class="muted">${t(lang, 'options_hint')}</p>
      ${list}
    </section>`;
}

function ConfirmChoice({ pending, view, lang, busy, error, onConfirm, onCancel }) {
  const o = pending;
  const current = view.booking.payment_method || view.invoice?.method;
  return html`
    <${Dialog} open=${!!o} onClose=${onCancel} labelledBy="confirm-h" className="confirm">
      ${o && html`
        <h2 id="confirm-h">${t(lang, 'confirm_title', { method: methodName(lang, o.method) })}</h2>
        <p>${t(lang, 'confirm_text', { amount: money(view.booking.totals?.amount, view.booking.currency, lang), reason: reason(lang, o.reason) + '.' })}</p>
        ${o.due_at ? html`<p>${t(lang, 'option_due', { due: dateTime(o.due_at, lang) })}</p>` : null}
        ${current && current !== o.method ? html`<p class="muted">${t(lang, 'confirm_change', { current: methodName(lang, current) })}</p>` : null}
        ${error ? html`<p class="error" role="alert" data-testid="choice-error">${error}</p>` : null}
        <div class="actions">
          <button type="button" class="button" onClick=${onConfirm} disabled=${busy} data-testid="confirm">
            ${busy ? t(lang, 'choosing') : t(lang, 'confirm_yes')}</button>
          <button type="button" class="button secondary" onClick=${onCancel}>${t(lang, 'cancel')}</button>
        </div>`}
    <//>`;
}

// --- the invoice: amounts, bank details, QR, PDF ---

function Field({ label, value, copy = value, mono = false, lang, announce, testid }) {
  if (!value) return null;
  return html`
    <div class="field" data-testid=${testid}>
      <dt>${label}</dt>
      <dd><span class=${mono ? 'value mono' : 'value'}>${value}</span>
        <${CopyButton} value=${copy} what=${label} lang=${lang} announce=${announce} /></dd>
    </div>`;
}

function InvoicePanel({ view, lang, announce }) {
  const inv = view.invoice;
  if (!inv || inv.status === 'void') return null;
  const cur = inv.currency || view.booking.currency;
  const amount = inv.amount ?? inv.totals?.amount;
  const byTransfer = TRANSFER_METHODS.includes(inv.method) && UNPAID.includes(inv.status) && positive(inv.outstanding);
  const p = inv.payee || {};
  return html`
    <section class="card invoice" aria-labelledby="inv-h" data-testid="invoice" data-invoice-status=${inv.status}>
      <div class="invoice-head">
        <h2 id="inv-h">${t(lang, 'invoice', { number: inv.number })}</h2>
        <p class="muted small">${t(lang, 'invoice_from', { date: date(inv.issued_at, lang) })}</p>
      </div>
      <dl class="amounts">
        <div><dt>${t(lang, 'invoice_amount')}</dt><dd>${money(amount, cur, lang)}</dd></div>
        ${positive(inv.paid) ? html`<div><dt>${t(lang, 'invoice_paid')}</dt><dd>${money(inv.paid, cur, lang)}</dd></div>` : null}
        ${UNPAID.includes(inv.status)
          ? html`<div class="strong"><dt>${t(lang, 'invoice_outstanding')}</dt><dd data-testid="outstanding">${money(inv.outstanding, cur, lang)}</dd></div>`
          : null}
      </dl>
      ${UNPAID.includes(inv.status) && inv.due_at && inv.method !== 'card'
        ? html`<p class="due">${t(lang, 'invoice_due', { due: dateTime(inv.due_at, lang, { zoneName: true }) })}</p>` : null}
      ${byTransfer ? html`
        <div class="pay-grid">
          <div class="qr-box">
            <h3>${t(lang, 'pay_by_qr')}</h3>
            <img class="qr" src=${inv.qr_svg_url} alt=${inv.purpose} width="240" height="240" data-testid="qr" />
            <p class="small muted">${t(lang, 'qr_hint')}</p>
          </div>
          <div class="details">
            <h3>${t(lang, 'pay_by_transfer')}</h3>
            <dl class="fields">
              <${Field} label=${t(lang, 'payee')} value=${p.name} lang=${lang} announce=${announce} testid="f-payee" />
              <${Field} label=${t(lang, 'inn')} value=${p.inn} mono lang=${lang} announce=${announce} testid="f-inn" />
              <${Field} label=${t(lang, 'kpp')} value=${p.kpp} mono lang=${lang} announce=${announce} testid="f-kpp" />
              <${Field} label=${t(lang, 'account')} value=${p.account} mono lang=${lang} announce=${announce} testid="f-account" />
              <${Field} label=${t(lang, 'bank')} value=${p.bank} lang=${lang} announce=${announce} testid="f-bank" />
              <${Field} label=${t(lang, 'bic')} value=${p.bic} mono lang=${lang} announce=${announce} testid="f-bic" />
              <${Field} label=${t(lang, 'corr_account')} value=${p.correspondent_account} mono lang=${lang} announce=${announce} testid="f-corr" />
              <${Field} label=${t(lang, 'amount')} value=${money(inv.outstanding, cur, lang)} copy=${inv.outstanding} lang=${lang} announce=${announce} testid="f-amount" />
              <${Field} label=${t(lang, 'purpose')} value=${inv.purpose} lang=${lang} announce=${announce} testid="f-purpose" />
            </dl>
            <p class="small muted">${t(lang, 'purpose_hint')}</p>
          </div>
        </div>` : null}
      ${inv.pdf_url
        ? html`<p><a class="button secondary download" href=${inv.pdf_url} download=${`${inv.number}.pdf`} data-testid="invoice-pdf">
            <span aria-hidden="true">⤓ </span>${t(lang, 'pdf')}</a></p>` : null}
    </section>`;
}

// --- card and card hold ---

function CardPanel({ view, lang, onPay, busy, error }) {
  const card = view.card;
  const inv = view.invoice;
  if (!card || !inv || inv.status === 'void') return null;
  const cur = inv.currency || view.booking.currency;
  const amount = money(card.amount ?? inv.outstanding, cur, lang);
  const last = card.last_attempt;
  const due = dateTime(last?.capture_at || inv.due_at, lang);
  let note = null;
  if (last) {
    const last4 = last.card_last4 || '••••';
    if (last.status === 'authorized' || last.status === 'capturing')
      note = ['ok', t(lang, 'card_held', { amount: money(last.amount ?? card.amount, cur, lang), last4, due })];
    else if (last.status === 'captured') note = ['ok', t(lang, 'card_captured', { last4 })];
    else if (last.status === 'declined' || last.status === 'failed')
      note = ['bad', t(lang, 'card_declined', { reason: last.failure_reason || last.status })];
    else if (last.status === 'created' || last.status === 'challenge') note = ['info', t(lang, 'card_processing')];
  }
  return html`
    <section class="card card-pay" aria-labelledby="card-h" data-testid="card">
      <h2 id="card-h">${card.hold ? t(lang, 'card_hold_title') : t(lang, 'card_title')}</h2>
      ${card.hold && card.can_pay ? html`<p>${t(lang, 'card_hold_text', { amount, due })}</p>` : null}
      ${note ? html`<p class=${`note ${note[0]}`} data-testid="card-note">${note[1]}</p>` : null}
      ${card.can_pay ? html`
        <p class="muted small">${t(lang, 'card_text')}</p>
        ${error ? html`<p class="error" role="alert" data-testid="card-error">${error}</p>` : null}
        <button type="button" class="button wide" onClick=${onPay} disabled=${busy} data-testid="pay-card">
          ${busy ? t(lang, 'card_starting') : t(lang, card.hold ? 'card_hold_button' : 'card_pay', { amount })}</button>` : null}
    </section>`;
}

function CardDialog({ url, lang, onClose }) {
  return html`
    <${Dialog} open=${!!url} onClose=${onClose} labelledBy="card-dialog-h" className="card-dialog">
      <div class="dialog-bar">
        <h2 id="card-dialog-h">${t(lang, 'card_dialog')}</h2>
        <button type="button" class="icon-button" onClick=${onClose}>
          <span aria-hidden="true">×</span><span class="sr-only">${t(lang, 'close')}</span></button>
      </div>
      <iframe src=${url} title=${t(lang, 'card_dialog')} data-testid="card-frame"></iframe>
    <//>`;
}

// --- the booking ---

function passengerName(p) {
  if (!p) return '';
  return [p.last_name, p.first_name, p.middle_name].filter(Boolean).join(' ');
}

function BookingDetails({ view, lang }) {
  const b = view.booking;
  const client = b.client;
  return html`
    <section class="card" aria-labelledby="bk-h" data-testid="booking">
      <h2 id="bk-h">${t(lang, 'booking')}</h2>
      <dl class="facts">
        <div><dt>${t(lang, 'pnr')}</dt><dd class="mono" data-testid="pnr">${b.pnr}</dd></div>
        <div><dt>${t(lang, 'reference')}</dt><dd class="mono">${b.reference}</dd></div>
        ${client ? html`<div><dt>${t(lang, 'payer')}</dt><dd>${client.name}
          <span class="muted small"> ${t(lang, 'inn')} ${client.inn}${client.kpp ? `, ${t(lang, 'kpp')} ${client.kpp}` : ''}</span></dd></div>` : null}
      </dl>
      <h3>${t(lang, 'route')}</h3>
      <ol class="segments">
        ${(b.segments || []).map((s) => {
          const dep = localAsGiven(s.departure, lang);
          const arr = s.arrival ? localAsGiven(s.arrival, lang) : null;
          return html`
            <li class="segment">
              <p class="route"><span class="iata">${s.from}</span><span aria-hidden="true"> → </span><span class="sr-only"> — </span><span class="iata">${s.to}</span>
                <span class="flight mono">${s.flight}</span></p>
              <p class="small">${t(lang, 'departs')}: <time datetime=${s.departure}>${dep.text}</time>
                ${dep.offset ? html` <span class="muted" title=${t(lang, 'local_time')}>(${dep.offset})</span>` : null}
                ${arr ? html`<br />${t(lang, 'arrives')}: <time datetime=${s.arrival}>${arr.text}</time>
                  ${arr.offset ? html` <span class="muted">(${arr.offset})</span>` : null}` : null}</p>
            </li>`;
        })}
      </ol>
      <h3>${t(lang, 'passengers')}</h3>
      <ul class="passengers" data-testid="passengers">
        ${(b.passengers || []).map((p) => html`<li>${passengerName(p)}</li>`)}
      </ul>
    </section>`;
}

function Lines({ view, lang }) {
  const b = view.booking;
  const cur = b.currency;
  const rates = b.totals?.by_vat_rate || [];
  return html`
    <section class="card" aria-labelledby="ln-h">
      <h2 id="ln-h">${t(lang, 'lines')}</h2>
      <table class="lines" data-testid="lines">
        <thead><tr><th scope="col">${t(lang, 'line')}</th><th scope="col">${t(lang, 'vat')}</th><th scope="col" class="num">${t(lang, 'amount')}</th></tr></thead>
        <tbody>
          ${(b.lines || []).map((l) => html`
            <tr>
              <td>${l.description}
                <span class="sub">${t(lang, `kind_${l.kind}`)}${Number.isInteger(l.passenger) && b.passengers?.[l.passenger] ? ` · ${passengerName(b.passengers[l.passenger])}` : ''}</span></td>
              <td>${vatRate(lang, l.vat_rate)}${l.vat_rate !== 'none' ? html`<span class="sub">${money(l.vat, cur, lang)}</span>` : null}</td>
              <td class="num">${money(l.amount, cur, lang)}</td>
            </tr>`)}
        </tbody>
        <tfoot>
          ${rates.map((r) => html`
            <tr class="rate" data-rate=${r.vat_rate}>
              <th scope="row" colspan="2">${vatRate(lang, r.vat_rate)}<span class="sub">${t(lang, 'rate_base', { amount: money(r.amount, cur, lang) })}</span></th>
              <td class="num">${r.vat_rate === 'none' ? '—' : money(r.vat, cur, lang)}</td>
            </tr>`)}
          <tr class="vat-total"><th scope="row" colspan="2">${t(lang, 'vat_total')}</th><td class="num">${money(b.totals?.vat, cur, lang)}</td></tr>
          <tr class="grand"><th scope="row" colspan="2">${t(lang, 'total')}</th><td class="num" data-testid="lines-total">${money(b.totals?.amount, cur, lang)}</td></tr>
        </tfoot>
      </table>
    </section>`;
}

function Documents({ view, lang }) {
  // An invoice replaced by another choice was voided: only the current one is shown.
  const docs = (view.documents || []).filter((d) => d.kind !== 'invoice' || d.number === view.invoice?.number);
  return html`
    <section class="card" aria-labelledby="doc-h">
      <h2 id="doc-h">${t(lang, 'documents')}</h2>
      ${docs.length ? html`
        <ul class="documents" data-testid="documents">
          ${docs.map((d) => {
            const title = t(lang, 'doc_line', { kind: t(lang, `doc_${d.kind}`), number: d.number, date: date(d.issued_at, lang) });
            return html`
              <li data-kind=${d.kind}>
                <span class="doc-title">${title}</span>
                <span class="doc-links">
                  ${d.pdf_url ? html`<a href=${d.pdf_url} download=${`${d.number}.pdf`} aria-label=${t(lang, 'doc_download', { what: `${title}, PDF` })}>${t(lang, 'doc_pdf')}</a>` : null}
                  ${d.xml_url ? html`<a href=${d.xml_url} download=${`${d.number}.xml`} aria-label=${t(lang, 'doc_download', { what: `${title}, ${t(lang, 'doc_xml')}` })}>${t(lang, 'doc_xml')}</a>` : null}
                </span>
              </li>`;
          })}
        </ul>` : html`<p class="muted" data-testid="documents-none">${t(lang, 'documents_none')}</p>`}
    </section>`;
}

export function Skeleton() {
  return html`
    <div class="skeleton" aria-hidden="true">
      <div class="top"><div class="sk sk-line w40"></div><div class="sk sk-switch"></div></div>
      <div class="hero"><div class="sk sk-title"></div><div class="sk sk-amount"></div></div>
      <div class="sk sk-banner"></div>
      <div class="sk sk-card"></div>
      <div class="sk sk-card tall"></div>
    </div>`;
}

// --- the page ---

function App({ token }) {
  const [view, setView] = useState(null);
  const [gone, setGone] = useState(null); // {why, lang}
  const [loadError, setLoadError] = useState(null);
  const [lang, setLangState] = useState(storedLang());
  const [offset, setOffset] = useState(0);
  const [live, setLive] = useState(true);
  const [message, setMessage] = useState('');
  const [pending, setPending] = useState(null);
  const [choiceBusy, setChoiceBusy] = useState(false);
  const [choiceError, setChoiceError] = useState(null);
  const [cardUrl, setCardUrl] = useState(null);
  const [cardBusy, setCardBusy] = useState(false);
  const [cardError, setCardError] = useState(null);
  const loading = useRef(null);
  const again = useRef(false);
  const langRef = useRef(lang);
  langRef.current = lang;
  const L = lang || 'ru';

  const announce = useCallback((text) => {
    setMessage('');
    setTimeout(() => setMessage(text), 50);
  }, []);

  const accept = useCallback((data, sentAt) => {
    const receivedAt = Date.now();
    if (data.server_time) setOffset(Date.parse(data.server_time) - (sentAt + receivedAt) / 2);
    setView(data);
    setLoadError(null);
    if (!langRef.current) setLangState(pickLang(data.booking?.language));
  }, []);

  // One fetch at a time; a push that arrives meanwhile fetches once more afterwards.
  const load = useCallback(async () => {
    if (loading.current) {
      again.current = true;
      return loading.current;
    }
    const run = (async () => {
      do {
        again.current = false;
        const sentAt = Date.now();
        const r = await getView(token);
        if (r.ok) accept(r.data, sentAt);
        else if (r.status === 404 || r.status === 410) {
          setGone({ why: whyInvalid(r.status, r.problem), lang: r.problem?.language });
          return;
        } else setLoadError(r.problem);
      } while (again.current);
    })();
    loading.current = run;
    try {
      await run;
    } finally {
      loading.current = null;
    }
  }, [token]);

  useEffect(() => {
    load();
  }, [load]);

  // A failed load is retried by itself, gently.
  useEffect(() => {
    if (!loadError) return;
    const id = setTimeout(load, 5000);
    return () => clearTimeout(id);
  }, [loadError]);

  // The live status: each push re-reads the view; a reconnect reads it too (pushes missed).
  const eventsUrl = view?.events_url;
  useEffect(() => {
    if (!eventsUrl || gone || typeof EventSource === 'undefined') return;
    let source = null;
    let lostTimer = 0;
    let retry = 0;
    let lost = false;
    const open = () => {
      source = new EventSource(eventsUrl);
      source.addEventListener('status', () => load());
      // The link stopped working (revoked, expired): the view says how, as a 410.
      source.addEventListener('gone', () => {
        source.close();
        load();
      });
      source.onopen = () => {
        clearTimeout(lostTimer);
        setLive(true);
        if (lost) load();
        lost = false;
      };
      source.onerror = () => {
        lost = true;
        clearTimeout(lostTimer);
        lostTimer = setTimeout(() => setLive(false), 4000);
        // A closed stream (an error answer) is not retried by the browser: we do it.
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(open, 5000);
        }
      };
    };
    open();
    return () => {
      clearTimeout(lostTimer);
      clearTimeout(retry);
      source?.close();
    };
  }, [eventsUrl, gone]);

  // The 3-D Secure frame comes back to /pay/{token}?attempt=…&framed=1, which tells us.
  useEffect(() => {
    const onMessage = (e) => {
      if (e.origin !== location.origin || e.data?.type !== 'skybill:card-returned') return;
      setCardUrl(null);
      announce(t(langRef.current || 'ru', 'card_returned'));
      load();
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [load]);

  useEffect(() => {
    if (lang) applyLang(lang);
    if (view && lang) document.title = `${t(lang, 'title', { ref: view.booking.pnr || view.booking.reference })} — ${view.merchant?.name || 'skybill'}`;
  }, [lang, view]);

  const onLang = (l) => {
    rememberLang(l);
    setLangState(l);
  };

  const confirmChoice = async () => {
    setChoiceBusy(true);
    setChoiceError(null);
    const r = await choose(token, pending.method, pending.key);
    setChoiceBusy(false);
    if (r.ok) {
      const method = pending.method;
      setPending(null);
      if (r.data?.booking) accept(r.data, Date.now());
      else load();
      announce(t(L, 'chosen_done', { method: methodName(L, method) }));
    } else {
      setChoiceError(problemText(L, r.problem));
      load();
    }
  };

  const payByCard = async () => {
    setCardBusy(true);
    setCardError(null);
    const r = await startCard(token, view.card?.action);
    setCardBusy(false);
    if (r.ok && r.data?.redirect_url) setCardUrl(r.data.redirect_url);
    else {
      setCardError(problemText(L, r.problem || {}));
      load();
    }
  };

  const closeCard = () => {
    setCardUrl(null);
    announce(t(L, 'card_cancelled'));
    load();
  };

  if (gone) {
    const gl = lang || pickLang(gone.lang);
    return html`<${InvalidLink} lang=${gl} why=${gone.why} merchant=${view?.merchant?.name} onLang=${onLang} />`;
  }
  if (!view) {
    return html`
      <${Skeleton} />
      <p class="sr-only" role="status">${t(L, 'loading')}</p>
      ${loadError ? html`<div class="load-error" role="alert">
        <p>${problemText(L, loadError)}</p><p>${t(L, 'load_failed')}</p>
        <button type="button" class="button" onClick=${load}>${t(L, 'retry')}</button></div>` : null}`;
  }
  // Paid or ticketed: the documents are what the client came back for, so they come first.
  const settled = ['paid', 'ticketed', 'ticketing_authorized'].includes(view.booking.status);
  return html`
    <${Header} view=${view} lang=${L} onLang=${onLang} />
    <main id="main" data-testid="page" data-version=${view.version ?? ''}>
      <${StatusBanner} view=${view} lang=${L} live=${live} />
      <${TimeLimit} iso=${view.booking.ticketing_time_limit} status=${view.booking.status} offset=${offset} lang=${L} onPassed=${load} />
      <${CardPanel} view=${view} lang=${L} onPay=${payByCard} busy=${cardBusy} error=${cardError} />
      <${InvoicePanel} view=${view} lang=${L} announce=${announce} />
      ${settled ? html`<${Documents} view=${view} lang=${L} />` : null}
      <${Options} view=${view} lang=${L} onChoose=${(o) => { setChoiceError(null); setPending({ ...o, key: newKey() }); }} />
      <${BookingDetails} view=${view} lang=${L} />
      <${Lines} view=${view} lang=${L} />
      ${settled ? null : html`<${Documents} view=${view} lang=${L} />`}
    </main>
    <footer class="foot"><p class="muted small">skybill · ${view.merchant?.name}</p></footer>
    <${ConfirmChoice} pending=${pending} view=${view} lang=${L} busy=${choiceBusy} error=${choiceError}
      onConfirm=${confirmChoice} onCancel=${() => setPending(null)} />
    <${CardDialog} url=${cardUrl} lang=${L} onClose=${closeCard} />
    <${Announcer} message=${message} />`;
}

function main() {
  const root = document.getElementById('app');
  const params = new URLSearchParams(location.search);
  // Inside the 3-D Secure frame, back from the acquirer: tell the page around us and stop.
  if (window.top !== window && params.has('attempt')) {
    try {
      window.parent.postMessage({ type: 'skybill:card-returned', attempt: params.get('attempt') }, location.origin);
    } catch {
      /* a foreign parent: nothing to tell */
    }
    const l = storedLang() || 'ru';
    applyLang(l);
    root.replaceChildren();
    render(html`<p class="returning" role="status">${t(l, 'card_returned')}</p>`, root);
    return;
  }
  // Back from the acquirer in the whole window (no frame): the page itself shows the result.
  if (params.has('attempt')) history.replaceState(null, '', location.pathname);
  const token = tokenFromPath();
  root.replaceChildren();
  if (!token) {
    const l = pickLang(null);
    applyLang(l);
    render(html`<${InvalidLink} lang=${l} why="unknown" onLang=${(x) => { rememberLang(x); location.reload(); }} />`, root);
    return;
  }
  render(html`<${App} token=${token} />`, root);
}

main();
