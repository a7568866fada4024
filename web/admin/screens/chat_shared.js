// What the console's chat screens share: their texts (web/chat/i18n, one file per language),
// one socket per page (web/chat/protocol.js) that outlives a screen, canned replies' variables,
// and how a message and a bill are drawn. Text from messages is always rendered as text.
import { useEffect, useState } from '../../vendor/hooks.module.js';
import { load, translator } from '../../chat/i18n/index.js';
import { ChatSocket, socketUrl } from '../../chat/protocol.js';
import { get } from '../lib/api.js';
import { html, When } from '../lib/ui.js';
import { dateTime, money } from '../../common/format.js';

// The chat screens' stylesheet, once per page.
if (!document.querySelector('link[data-chat-css]')) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('../../chat/console.css', import.meta.url).href;
  link.dataset.chatCss = '';
  document.head.appendChild(link);
}

// t(key, params) of the console's chat texts in `lang`; null while they load.
export function useChatT(lang) {
  const [t, setT] = useState(null);
  useEffect(() => {
    let live = true;
    load(lang).then((texts) => live && setT(() => translator(texts, 'console')));
    return () => { live = false; };
  }, [lang]);
  return t;
}

// --- the page's one socket, with listeners that come and go with the screens ---

let socket = null;
const listeners = new Set();
let lastWelcome = null;
let connState = { state: 'connecting', trouble: false };

export function chatSocket() {
  if (socket) return socket;
  const fan = (name) => (...args) => { for (const l of [...listeners]) l[name]?.(...args); };
  socket = new ChatSocket({
    url: socketUrl('/admin/chat/socket'),
    on: {
      welcome: (f) => { lastWelcome = f; fan('welcome')(f); },
      state: (state, trouble) => { connState = { state, trouble }; fan('state')(state, trouble); },
      message: fan('message'), ack: fan('ack'), dialog: fan('dialog'), typing: fan('typing'), read: fan('read'),
      error: fan('error'), refused: fan('refused'),
    },
  });
  window.__skybillChat = socket;  // for the tests: drop() a connection
  return socket;
}

// Subscribe a screen to the socket's frames while it is shown; returns {socket, welcome, conn}.
export function useChatSocket(handlers, deps = []) {
  const [conn, setConn] = useState(connState);
  useEffect(() => {
    const s = chatSocket();
    const mine = { ...handlers, state: (state, trouble) => { setConn({ state, trouble }); handlers.state?.(state, trouble); } };
    listeners.add(mine);
    if (lastWelcome) handlers.welcome?.(lastWelcome);
    setConn(connState);
    return () => listeners.delete(mine);
  }, deps);
  return { socket: chatSocket(), conn };
}

export { VARIABLES, expand, unknownVariables } from '../../chat/canned.js';

// --- how things look ---

export function BillCard({ bill, t, lang, onCancel, busy }) {
  const paid = bill.status === 'paid';
  return html`
    <div class=${`chat-bill ${bill.status}`} data-testid="bill" data-status=${bill.status} data-bill=${bill.id}>
      <div class="chat-bill-head">
        <strong>${t('bill_title', { number: bill.number || '…' })}</strong>
        ${paid ? html`<span class="badge ok" data-testid="bill-paid">✓ ${t('bill_paid')}</span>`
          : html`<span class=${`badge ${bill.status === 'open' ? 'warn' : 'bad'}`}>${t(`bill_${bill.status}`)}</span>`}
      </div>
      <p class="chat-bill-amount num">${money(bill.amount, bill.currency, lang)}</p>
      ${bill.description ? html`<p class="muted">${bill.description}</p>` : null}
      ${bill.booking ? html`<p class="small">${t('bill_booking')}: ${bill.booking.id
        ? html`<a href=${`#/bookings/${bill.booking.id}`}>${bill.booking.reference || bill.booking.pnr}</a>` : bill.booking.reference}
        ${bill.booking.pnr ? html` · PNR <span class="mono">${bill.booking.pnr}</span>` : null}</p>` : null}
      ${paid && bill.paid_at ? html`<p class="small muted">${t('paid_at')} <${When} at=${bill.paid_at} lang=${lang} /></p>` : null}
      ${bill.status === 'open' && onCancel ? html`
        <button type="button" class="button secondary small-button" disabled=${busy} onClick=${() => onCancel(bill)} data-testid="cancel-bill">${t('cancel_bill')}</button>` : null}
    </div>`;
}

export function eventText(m, t) {
  const e = m.data?.event || '';
  const name = m.data?.to?.name || m.data?.staff?.name || m.author?.name || '';
  const number = m.data?.bill?.number || '';
  const key = {
    'dialog.taken': 'ev_taken', 'dialog.transferred': 'ev_transferred', 'dialog.joined': 'ev_joined', 'dialog.left': 'ev_left',
    'dialog.closed': 'ev_closed', 'support.invited': 'ev_support', 'bill.paid': 'ev_bill_paid', 'bill.cancelled': 'ev_bill_cancelled',
    'bill.expired': 'ev_bill_expired', 'bill.refunded': 'ev_bill_refunded',
  }[e];
  return key ? t(key, { name, number, from: m.data?.from?.name || '' }) : m.text || e;
}

// One message of a dialog as staff see it: private notes marked, bills as cards (their latest
// state from `bills`), events as a line, the customer's read mark on staff messages.
export function StaffMessage({ m, t, lang, bills, visitorRead, onCancelBill }) {
  if (m.kind === 'event') {
    return html`<li class="chat-event" data-seq=${m.seq} data-event=${m.data?.event}><span>${eventText(m, t)}</span>
      <span class="muted small"> · <${When} at=${m.at} lang=${lang} /></span></li>`;
  }
  if (m.kind === 'bill' && m.data?.bill) {
    const bill = bills?.get(m.data.bill.id) || m.data.bill;
    return html`<li class="chat-msg staff" data-seq=${m.seq} data-kind="bill">
      <p class="chat-who">${m.author?.name || ''}</p><${BillCard} bill=${bill} t=${t} lang=${lang} onCancel=${onCancelBill} /></li>`;
  }
  const visitor = m.author?.kind === 'visitor';
  const cls = ['chat-msg', visitor ? 'visitor' : 'staff', m.private ? 'private' : '', m.pending ? 'pending' : ''].join(' ');
  return html`
    <li class=${cls} data-seq=${m.seq ?? ''} data-private=${m.private ? '1' : '0'} data-testid="message">
      <p class="chat-who">${m.author?.name || (visitor ? t('customer') : '')}
        ${m.private ? html` <span class="private-mark" data-testid="private-mark">${t('private_mark')}</span>` : null}</p>
      <p class="chat-text">${m.text}</p>
      <p class="chat-meta">${m.at ? html`<time datetime=${m.at}>${dateTime(m.at, lang)}</time>` : null}
        ${m.pending ? html` · ${t('sending')}` : !visitor && !m.private && visitorRead >= m.seq ? html` · <span data-testid="read-mark">${t('read_by_customer')}</span>` : null}</p>
    </li>`;
}

// GET a list whichever way the server wraps it ({data: [...]}, {dialogs: [...]} or [...]).
export const listOf = (data, key) => (Array.isArray(data) ? data : data?.data || data?.[key] || []);

export const dialogsOf = (params) => get('/admin/api/chat/dialogs', params);
