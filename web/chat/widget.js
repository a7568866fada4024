// The customer's chat inside the airline's site (an iframe of /chat/w/{merchant}, docs/chat.md):
// a customer made on the first message (its token kept in this origin's localStorage, so the
// dialog survives page loads), the socket with resume, the operators' messages, bills with a Pay
// button that turn green when paid, typing and read marks. Text is always rendered as text.
import { h, render } from '../vendor/preact.module.js';
import { useEffect, useMemo, useRef, useState } from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';
import { LANGS, load, localeOf, pick, translator } from './i18n/index.js';
import { ChatSocket, acknowledge, billsOf, mergeMessage, newId, socketUrl } from './protocol.js';

const html = htm.bind(h);
const merchant = decodeURIComponent((/^\/chat\/w\/([^/?#]+)/.exec(location.pathname) || [])[1] || '');
const query = new URLSearchParams(location.search);
const given = new URLSearchParams(location.hash.slice(1));  // from the loader: name, email, xid, sig, t
// Read once, then out of the address (the kept token among it).
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
const embedded = window.parent !== window;
const STORE = `skybill.chat.${merchant}`;

// Where the customer's token lives: this origin's localStorage when the browser allows it in a
// frame; many refuse third-party storage (Safari, Chromium blocking third-party cookies), so the
// loader keeps a copy in the airline site's own storage and hands it back in the address (#t=).
function stored() {
  try {
    const own = JSON.parse(localStorage.getItem(STORE) || 'null');
    if (own) return own;
  } catch {
    /* storage refused in this frame */
  }
  try {
    return JSON.parse(given.get('t') || 'null');
  } catch {
    return null;
  }
}
function store(v) {
  try {
    if (v) localStorage.setItem(STORE, JSON.stringify(v));
    else localStorage.removeItem(STORE);
  } catch {
    /* refused: the loader's copy is the one that lasts */
  }
  tell({ type: 'store', value: v ? JSON.stringify(v) : null });
}

// To the airline's page only (Chromium and Safari name it; elsewhere the frame-ancestors CSP
// already keeps the widget on the airline's sites).
const parentOrigin = (embedded && location.ancestorOrigins?.length && location.ancestorOrigins[0]) || '*';
const tell = (msg) => embedded && window.parent.postMessage({ skybill: 'chat', ...msg }, parentOrigin);

async function call(url, body) {
  try {
    const r = await fetch(url, {
      method: body ? 'POST' : 'GET', credentials: 'omit', cache: 'no-store',
      headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': newId() } : { Accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = (r.headers.get('Content-Type') || '').includes('json') ? await r.json().catch(() => null) : null;
    return { ok: r.ok, status: r.status, data };
  } catch {
    return { ok: false, status: 0, data: null };
  }
}

function money(amount, currency, lang) {
  try {
    return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(String(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}
const time = (iso, lang) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Intl.DateTimeFormat(localeOf(lang), { hour: '2-digit', minute: '2-digit' }).format(d);
};

function Bill({ bill, t, lang }) {
  const paid = bill.status === 'paid';
  return html`
    <div class=${`bill ${bill.status}`} data-testid="bill" data-status=${bill.status} data-bill=${bill.id}>
      <p class="bill-title">${t('bill_title', { number: bill.number || '' })}</p>
      ${bill.description ? html`<p class="bill-desc">${bill.description}</p>` : null}
      ${bill.booking?.pnr ? html`<p class="bill-desc">${t('bill_booking', { pnr: bill.booking.pnr })}</p>` : null}
      <p class="bill-amount">${money(bill.amount, bill.currency, lang)}</p>
      ${paid ? html`<p class="bill-status paid" data-testid="bill-paid" role="status"><span aria-hidden="true">✓ </span>${t('bill_paid')}</p>`
        : bill.status === 'open' ? html`<a class="pay" href=${bill.pay_url} target="_blank" rel="noopener" data-testid="pay">${t('pay', { amount: money(bill.amount, bill.currency, lang) })}</a>`
        : html`<p class="bill-status">${t(`bill_${bill.status}`)}</p>`}
    </div>`;
}

function eventText(m, t) {
  const e = m.data?.event || '';
  const name = m.data?.to?.name || m.data?.staff?.name || m.author?.name || '';
  const number = m.data?.bill?.number || '';
  const key = { 'dialog.taken': 'ev_taken', 'dialog.transferred': 'ev_transferred', 'dialog.joined': 'ev_joined',
    'dialog.left': 'ev_left', 'dialog.closed': 'ev_closed', 'support.invited': 'ev_support', 'bill.paid': 'ev_bill_paid',
    'bill.cancelled': 'ev_bill_cancelled', 'bill.expired': 'ev_bill_expired', 'bill.refunded': 'ev_bill_refunded' }[e];
  return key ? t(key, { name, number }) : m.text || e;
}

function Message({ m, bills, t, lang, readSeq }) {
  if (m.kind === 'event') return html`<li class="event" data-seq=${m.seq}><span>${eventText(m, t)}</span></li>`;
  const mine = m.author?.kind === 'visitor';
  if (m.kind === 'bill' && m.data?.bill) {
    const bill = bills.get(m.data.bill.id) || m.data.bill;
    return html`<li class="msg theirs" data-seq=${m.seq} data-kind="bill"><${Bill} bill=${bill} t=${t} lang=${lang} /></li>`;
  }
  const mark = m.pending ? t('sending') : mine ? (readSeq >= m.seq ? t('read') : t('sent')) : '';
  return html`
    <li class=${`msg ${mine ? 'mine' : 'theirs'}`} data-seq=${m.seq ?? ''} data-testid="message" data-pending=${m.pending ? '1' : undefined}>
      ${!mine && m.author?.name ? html`<p class="who">${m.author.name}</p>` : null}
      <p class="text">${m.text}</p>
      <p class="meta">${m.at ? html`<time datetime=${m.at}>${time(m.at, lang)}</time>` : null}
        ${mark ? html` · <span data-testid="mark">${mark}</span>` : null}</p>
    </li>`;
}

function Widget() {
  const [lang] = useState(() => pick(query.get('lang'), ...(navigator.languages || [])));
  const [texts, setTexts] = useState(null);
  const [settings, setSettings] = useState(null);
  const [messages, setMessages] = useState([]);
  const [dialogs, setDialogs] = useState({});
  const [typing, setTyping] = useState(null);
  const [staffRead, setStaffRead] = useState({});
  const [conn, setConn] = useState({ state: 'idle', trouble: false });
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const [open, setOpen] = useState(!embedded);
  const [unread, setUnread] = useState(0);
  const sock = useRef(null);
  const me = useRef(stored());
  const typingSent = useRef(0);
  const typingTimer = useRef(null);
  const theirTyping = useRef(null);
  const logRef = useRef(null);
  const input = useRef(null);
  const readSent = useRef({});
  const t = useMemo(() => (texts ? translator(texts, 'widget') : () => ''), [texts]);

  useEffect(() => {
    document.documentElement.lang = lang;
    load(lang).then(setTexts);
    call(`/chat/api/settings/${encodeURIComponent(merchant)}`).then((r) => setSettings(r.ok ? r.data || {} : { unavailable: r.status === 404 }));
    const onMsg = (e) => {
      if (e.source !== window.parent || e.data?.skybill !== 'chat') return;
      if (e.data.type === 'open') {
        setOpen(true);
        setTimeout(() => input.current?.focus(), 50);
      } else if (e.data.type === 'close') setOpen(false);
    };
    addEventListener('message', onMsg);
    // A signed identity the stored customer does not carry: ask for that customer's token.
    const xid = given.get('xid');
    if (xid && given.get('sig') && me.current?.external_id !== xid) visitor().then((ok) => ok && connect());
    else if (me.current?.token) connect();
    return () => {
      removeEventListener('message', onMsg);
      sock.current?.stop();
    };
  }, []);

  useEffect(() => {
    if (texts) tell({ type: 'ready', label: t('open_chat'), closeLabel: t('close'), lang });
  }, [texts]);

  async function visitor() {
    const body = { merchant, language: lang };
    for (const [k, f] of [['name', 'name'], ['email', 'email'], ['external_id', 'xid'], ['signature', 'sig']]) if (given.get(f)) body[k] = given.get(f);
    const r = await call('/chat/api/visitors', body);
    if (!r.ok || !r.data?.token) {
      setProblem(r.status === 0 ? 'e_network' : 'e_unavailable');
      return false;
    }
    me.current = { token: r.data.token, visitor: r.data.visitor, external_id: body.external_id || null };
    store(me.current);
    return true;
  }

  function connect() {
    if (sock.current) return;
    setConn({ state: 'connecting', trouble: false });
    sock.current = new ChatSocket({
      url: socketUrl('/chat/socket'),
      hello: () => ({ token: me.current?.token }),
      on: {
        state: (state, trouble) => setConn({ state, trouble }),
        welcome: (f) => {
          const ds = {};
          for (const d of f.dialogs || []) ds[d.id] = d;
          setDialogs((old) => ({ ...old, ...ds }));
          setProblem('');
        },
        message: (m) => setMessages((list) => mergeMessage(list, m)),
        ack: (a) => setMessages((list) => acknowledge(list, a)),
        dialog: (f) => f.dialog?.id && setDialogs((old) => ({ ...old, [f.dialog.id]: { ...old[f.dialog.id], ...f.dialog } })),
        typing: (f) => {
          if (f.who?.kind === 'visitor') return;
          setTyping(f.on ? f.who?.name || '…' : null);
          // An "on" that is not refreshed ends by itself (a lost "off" leaves nobody typing forever).
          clearTimeout(theirTyping.current);
          if (f.on) theirTyping.current = setTimeout(() => setTyping(null), 6000);
        },
        read: (f) => f.who?.kind !== 'visitor' && setStaffRead((r) => ({ ...r, [f.dialog]: Math.max(r[f.dialog] || 0, f.seq) })),
        error: (f) => {
          if (f.id) setMessages((list) => list.map((x) => (x.client_id === f.id && x.pending ? { ...x, failed: f.code } : x)));
          setProblem(f.code === 'too-large' ? 'e_too_large' : f.code === 'rate-limited' ? 'e_rate' : '');
        },
        refused: () => {
          // The token is unknown here (a wiped customer): start afresh on the next message.
          store(null);
          me.current = null;
          sock.current?.stop();
          sock.current = null;
          setConn({ state: 'idle', trouble: false });
        },
      },
    });
    window.__skybillChat = sock.current;  // for the tests: drop() a connection
  }

  // Stored messages keep the author's typing off; a new one from staff stops their indicator.
  useEffect(() => {
    const last = messages[messages.length - 1];
    if (last && last.author?.kind === 'staff') setTyping(null);
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  // Read marks: while the chat is shown, everything from staff counts as read.
  const visible = open && typeof document !== 'undefined';
  useEffect(() => {
    const theirs = messages.filter((m) => !m.pending && m.author?.kind !== 'visitor' && !m.private);
    const byDialog = {};
    for (const m of theirs) byDialog[m.dialog] = Math.max(byDialog[m.dialog] || 0, m.seq);
    if (visible && document.visibilityState === 'visible') {
      for (const [d, seq] of Object.entries(byDialog)) {
        if ((readSent.current[d] || 0) < seq && sock.current?.frame({ type: 'read', dialog: d, seq })) readSent.current[d] = seq;
      }
      setUnread(0);
    } else {
      const n = theirs.filter((m) => m.seq > (readSent.current[m.dialog] || 0) && m.kind !== 'event').length;
      setUnread(n);
    }
  }, [messages, visible, conn.state]);
  useEffect(() => tell({ type: 'unread', count: unread }), [unread]);

  async function send(e) {
    e?.preventDefault();
    const text = draft.trim();
    if (!text) return;
    if (text.length > 10000) {
      setProblem('e_too_large');
      return;
    }
    if (!me.current?.token) {
      if (!(await visitor())) return;
    }
    connect();
    const id = newId();
    setMessages((list) => [...list, { pending: true, client_id: id, kind: 'text', text, author: { kind: 'visitor' }, dialog: null, at: sock.current.now() }]);
    sock.current.sendMessage({ id, text });
    setDraft('');
    setProblem('');
    stopTyping();
  }

  function currentDialog() {
    const live = Object.values(dialogs).filter((d) => d.status !== 'closed');
    return live[0]?.id || null;
  }

  function onInput(e) {
    setDraft(e.currentTarget.value);
    const d = currentDialog();
    if (!d || !sock.current) return;
    const now = Date.now();
    if (now - typingSent.current > 2500) {
      sock.current.frame({ type: 'typing', dialog: d, on: true });
      typingSent.current = now;
    }
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, 4000);
  }
  function stopTyping() {
    clearTimeout(typingTimer.current);
    const d = currentDialog();
    if (typingSent.current && d) sock.current?.frame({ type: 'typing', dialog: d, on: false });
    typingSent.current = 0;
  }

  if (!texts || !settings) return html`<p class="loading" role="status">…</p>`;
  if (settings.unavailable) return html`<main class="chat"><p class="note" role="alert">${t('e_unavailable')}</p></main>`;
  const bills = billsOf(messages);
  const greeting = typeof settings.greeting === 'string' ? settings.greeting : settings.greeting?.[lang] || '';
  const live = Object.values(dialogs).find((d) => d.status !== 'closed');
  const anyDialog = Object.keys(dialogs).length > 0;
  const assignee = live?.assignee?.name || live?.assignee_name || '';
  const ownSent = messages.filter((m) => !m.pending && m.author?.kind === 'visitor');
  const lastOwnDialog = ownSent[ownSent.length - 1]?.dialog;
  const closed = anyDialog && !live;

  return html`
    <main class="chat" data-testid="chat" data-state=${conn.state}>
      <header class="head">
        <div>
          <h1>${settings.airline || settings.name || t('title')}</h1>
          <p class="sub" data-testid="chat-status">${assignee ? t('with_operator', { name: assignee }) : live ? t('waiting') : t('subtitle')}</p>
        </div>
        ${embedded ? html`<button type="button" class="close" onClick=${() => { setOpen(false); tell({ type: 'close' }); }}
          aria-label=${t('close')} data-testid="close-chat"><span aria-hidden="true">×</span></button>` : null}
      </header>
      ${conn.trouble ? html`<p class="banner" role="status" data-testid="reconnecting">${t('reconnecting')}</p>` : null}
      <div class="log" ref=${logRef} role="log" aria-live="polite" aria-label=${t('log')} data-testid="log" tabindex="0"><ol>
        ${greeting ? html`<li class="msg theirs greeting"><p class="text">${greeting}</p></li>` : null}
        ${messages.filter((m) => !m.private).map((m) => html`<${Message} key=${m.client_id && m.pending ? m.client_id : `${m.dialog}/${m.seq}`}
          m=${m} bills=${bills} t=${t} lang=${lang} readSeq=${staffRead[m.dialog] || 0} />`)}
      </ol></div>
      ${typing ? html`<p class="typing" data-testid="typing" aria-live="polite">${t('typing', { name: typing })}</p>` : null}
      ${closed ? html`<p class="note" data-testid="closed">${t('closed')}</p>` : null}
      ${problem ? html`<p class="problem" role="alert">${t(problem)}</p>` : null}
      <form class="composer" onSubmit=${send}>
        <label for="chat-text" class="sr-only">${t('message')}</label>
        <textarea id="chat-text" ref=${input} rows="2" maxlength="10000" value=${draft} onInput=${onInput} onBlur=${stopTyping}
          placeholder=${t('placeholder')} data-testid="chat-input"
          onKeyDown=${(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
            if (e.key === 'Escape' && embedded) { setOpen(false); tell({ type: 'close' }); }
          }}></textarea>
        <button type="submit" class="send" data-testid="chat-send" disabled=${!draft.trim()}>${t('send')}</button>
      </form>
      <p class="fine">${lastOwnDialog ? '' : t('privacy')}</p>
    </main>`;
}

const root = document.getElementById('chat');
root.replaceChildren();
render(html`<${Widget} />`, root);
export { LANGS };
