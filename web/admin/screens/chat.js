// The operators' chat workspace (#/chat): the airline's waiting queue and my dialogs on the left,
// several dialogs open at once as tabs; in a dialog: take, join, transfer, invite the gateway's
// support, close; typing and read marks; private notes (marked, never sent to the customer: the
// server keeps them from the customer's socket); canned replies by "/shortcode" with variables;
// a bill issued in the conversation that turns green when paid. Live over /admin/chat/socket.
import { useEffect, useMemo, useRef, useState } from '../../vendor/hooks.module.js';
import { acknowledge, billsOf, mergeMessage, newId } from '../../chat/protocol.js';
import { money } from '../../common/format.js';
import { get, newKey, send } from '../lib/api.js';
import { ConfirmDialog, Failure, Loading, html, failureText } from '../lib/ui.js';
import { BillCard, StaffMessage, dialogsOf, expand, listOf, useChatSocket, useChatT } from './chat_shared.js';

const TABS_KEY = 'skybill.chat.tabs';
const CURRENCIES = ['RUB', 'EUR', 'USD', 'KZT', 'UZS', 'AMD', 'GEL', 'AZN', 'BYN', 'KGS', 'TJS', 'TRY', 'AED', 'CNY', 'GBP', 'CHF', 'THB', 'INR'];

function savedTabs() {
  try {
    const v = JSON.parse(localStorage.getItem(TABS_KEY) || '[]');
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string').slice(0, 12) : [];
  } catch {
    return [];
  }
}
function saveTabs(tabs) {
  try {
    localStorage.setItem(TABS_KEY, JSON.stringify(tabs));
  } catch {
    /* kept for this page only */
  }
}

const visitorName = (d, t) => d?.visitor?.name || d?.visitor?.email || t('customer_anon', { id: String(d?.visitor?.id || d?.id || '').slice(0, 6) });

// "3 min" since `at`, by the server's clock (the device's may be off).
function waited(at, offset, t) {
  const s = Math.max(0, Math.round((Date.now() + offset - Date.parse(at)) / 1000));
  if (s < 60) return t('ago_s', { n: s });
  if (s < 3600) return t('ago_m', { n: Math.floor(s / 60) });
  return t('ago_h', { n: Math.floor(s / 3600) });
}

export default function Chat({ lang, me }) {
  const t = useChatT(lang);
  const staff = me.staff;
  const [dialogs, setDialogs] = useState({});       // id → dialog
  const [tabs, setTabs] = useState(savedTabs);
  const [active, setActive] = useState(() => savedTabs()[0] || null);
  const [messages, setMessages] = useState({});     // dialog → [message]
  const [loaded, setLoaded] = useState({});         // dialog → 'loading' | 'ok' | r (failed)
  const [unread, setUnread] = useState({});         // dialog → count of messages not yet seen
  const [typing, setTyping] = useState({});         // dialog → {name, until}
  const [reads, setReads] = useState({});           // dialog → the customer's read seq
  const [offset, setOffset] = useState(0);          // server clock − device clock, ms
  const [notice, setNotice] = useState('');
  const [, tick] = useState(0);
  const activeRef = useRef(active);
  activeRef.current = active;
  const tabsRef = useRef(tabs);
  tabsRef.current = tabs;

  const upsert = (list) => setDialogs((old) => {
    const next = { ...old };
    for (const d of list) if (d?.id) next[d.id] = { ...old[d.id], ...d };
    return next;
  });

  const { socket, conn } = useChatSocket({
    welcome: (f) => {
      if (f.server_time) setOffset(Date.parse(f.server_time) - Date.now());
      upsert(f.dialogs || []);
    },
    dialog: (f) => f.dialog && upsert([f.dialog]),
    message: (m) => {
      // Kept for an open tab even while its history is still loading (the load merges it in).
      setMessages((all) => (all[m.dialog] || tabsRef.current.includes(m.dialog) ? { ...all, [m.dialog]: mergeMessage(all[m.dialog] || [], m) } : all));
      const seen = m.dialog === activeRef.current && document.visibilityState === 'visible';
      if (!seen && m.author?.id !== staff.id && m.kind !== 'event') setUnread((u) => ({ ...u, [m.dialog]: (u[m.dialog] || 0) + 1 }));
      if (m.author?.kind === 'visitor') setTyping((ty) => ({ ...ty, [m.dialog]: null }));
      setDialogs((old) => (old[m.dialog] ? { ...old, [m.dialog]: { ...old[m.dialog], last_seq: Math.max(old[m.dialog].last_seq || 0, m.seq) } } : old));
    },
    ack: (a) => setMessages((all) => {
      for (const [d, list] of Object.entries(all)) if (list.some((x) => x.pending && x.client_id === a.id)) return { ...all, [d]: acknowledge(list, a) };
      return all;
    }),
    typing: (f) => {
      if (f.who?.id === staff.id) return;
      setTyping((ty) => ({ ...ty, [f.dialog]: f.on ? { name: f.who?.name || '', kind: f.who?.kind, until: Date.now() + 6000 } : null }));
      if (f.on) setTimeout(() => tick((n) => n + 1), 6100);  // drawn again when it runs out
    },
    read: (f) => {
      if (f.who?.kind === 'visitor') setReads((r) => ({ ...r, [f.dialog]: Math.max(r[f.dialog] || 0, f.seq) }));
    },
    error: (f) => {
      if (f.id) {
        setMessages((all) => {
          const next = { ...all };
          for (const [d, list] of Object.entries(all)) next[d] = list.map((x) => (x.pending && x.client_id === f.id ? { ...x, failed: f.code } : x));
          return next;
        });
      }
      setNotice(f.code === 'rate-limited' ? 'e_rate' : f.code === 'too-large' ? 'e_too_large' : f.code === 'forbidden' ? 'e_forbidden_frame' : 'e_frame');
    },
  }, [staff.id]);

  // The queue and my dialogs over REST too (the socket's welcome has them; this is for a page
  // opened while the socket is still connecting).
  const refresh = () => {
    dialogsOf({ status: 'waiting' }).then((r) => r.ok && upsert(listOf(r.data, 'dialogs')));
    dialogsOf({ mine: 1 }).then((r) => r.ok && upsert(listOf(r.data, 'dialogs')));
  };
  useEffect(() => {
    refresh();
    const timer = setInterval(() => tick((n) => n + 1), 15000);
    return () => clearInterval(timer);
  }, []);

  // Open tabs: loaded once over REST, then watched on the socket from their last seq.
  const loadDialog = async (id) => {
    setLoaded((l) => ({ ...l, [id]: 'loading' }));
    const r = await get(`/admin/api/chat/dialogs/${id}`, { after: 0 });
    if (!r.ok) {
      setLoaded((l) => ({ ...l, [id]: r }));
      return;
    }
    const d = r.data.dialog || r.data;
    const list = (r.data.messages || []).map((m) => ({ ...m, dialog: m.dialog || id }));
    upsert([{ ...d, id, bills: r.data.bills || d.bills, participants: r.data.participants || d.participants }]);
    const maxSeq = list.reduce((a, m) => Math.max(a, m.seq || 0), 0);
    setMessages((all) => {
      let merged = all[id] ? all[id].filter((m) => m.pending || m.seq > maxSeq) : [];
      for (const m of list) merged = mergeMessage(merged, m);
      return { ...all, [id]: merged };
    });
    const vr = d.visitor?.read_seq ?? d.visitor_read_seq;
    if (vr != null) setReads((rd) => ({ ...rd, [id]: Math.max(rd[id] || 0, vr) }));
    socket.known(id, maxSeq);
    socket.watch(id, maxSeq);
    setLoaded((l) => ({ ...l, [id]: 'ok' }));
  };
  useEffect(() => {
    saveTabs(tabs);
    for (const id of tabs) if (!loaded[id]) loadDialog(id);
  }, [tabs]);

  const openTab = (id) => {
    if (!tabsRef.current.includes(id)) setTabs((ts) => [...ts, id]);
    setActive(id);
    setUnread((u) => ({ ...u, [id]: 0 }));
  };
  const closeTab = (id) => {
    socket.unwatch(id);
    const rest = tabs.filter((x) => x !== id);
    setTabs(rest);
    setLoaded((l) => ({ ...l, [id]: undefined }));
    setMessages((all) => {
      const next = { ...all };
      delete next[id];
      return next;
    });
    if (active === id) setActive(rest[rest.length - 1] || null);
  };

  // Read marks: what the active tab shows while the page is visible is read.
  useEffect(() => {
    if (!active || !messages[active] || document.visibilityState !== 'visible') return;
    const last = messages[active].reduce((a, m) => (m.pending ? a : Math.max(a, m.seq || 0)), 0);
    if (last) socket.frame({ type: 'read', dialog: active, seq: last });
    setUnread((u) => (u[active] ? { ...u, [active]: 0 } : u));
  }, [active, messages[active]?.length, conn.state]);

  // The tab's title counts who waits, so a busy queue shows from another tab.
  const waitingCount = Object.values(dialogs).filter((d) => d.status === 'waiting').length;
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, '');
    document.title = waitingCount ? `(${waitingCount}) ${base}` : base;
  }, [waitingCount, t]);
  useEffect(() => () => { document.title = document.title.replace(/^\(\d+\) /, ''); }, []);

  if (!t) return html`<${Loading} lang=${lang} />`;
  const all = Object.values(dialogs);
  const waiting = all.filter((d) => d.status === 'waiting').sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  const mine = all.filter((d) => d.status === 'open' && (d.assignee?.id === staff.id || (d.participants || []).some((p) => p.id === staff.id)));
  const others = all.filter((d) => d.status === 'open' && !mine.includes(d));
  const row = (d) => html`
    <li key=${d.id} class=${active === d.id ? 'current' : ''}>
      <button type="button" class="chat-row" onClick=${() => openTab(d.id)} data-testid="queue-row" data-id=${d.id} data-status=${d.status}>
        <span class="chat-row-name">${visitorName(d, t)}</span>
        <span class="muted small">${d.status === 'waiting' ? t('waits', { time: waited(d.created_at, offset, t) })
          : d.assignee?.name ? d.assignee.name : ''}${d.support_requested ? ` · ${t('support_asked')}` : ''}</span>
        ${d.preview ? html`<span class="chat-row-preview small">${d.preview}</span>` : null}
        ${unread[d.id] ? html`<span class="chat-unread" aria-label=${t('unread_n', { n: unread[d.id] })}>${unread[d.id]}</span>` : null}
      </button>
    </li>`;
  return html`
    <div class="screen-head"><h1>${t('workspace')}</h1>
      <nav class="chat-links" aria-label=${t('chat_sections')}>
        <a href="#/chat/archive">${t('archive')}</a> · <a href="#/chat/canned">${t('canned')}</a>
        ${me.permissions?.includes('chat.settings') || me.staff.permissions?.includes('chat.settings') ? html` · <a href="#/chat/settings">${t('settings')}</a>` : null}
      </nav></div>
    ${conn.trouble ? html`<p class="note warn-note" role="status" data-testid="reconnecting">${t('reconnecting')}</p>` : null}
    ${notice ? html`<p class="error" role="alert">${t(notice)} <button type="button" class="button secondary small-button" onClick=${() => setNotice('')}>${t('dismiss')}</button></p>` : null}
    <div class="chat-layout">
      <aside class="chat-side" aria-label=${t('queues')}>
        <section aria-labelledby="q-waiting">
          <h2 id="q-waiting">${t('queue')} <span class="count" data-testid="waiting-count">${waiting.length}</span></h2>
          ${waiting.length ? html`<ul class="chat-list" data-testid="queue">${waiting.map(row)}</ul>` : html`<p class="muted small">${t('queue_empty')}</p>`}
        </section>
        <section aria-labelledby="q-mine">
          <h2 id="q-mine">${t('mine')} <span class="count">${mine.length}</span></h2>
          ${mine.length ? html`<ul class="chat-list" data-testid="mine">${mine.map(row)}</ul>` : html`<p class="muted small">${t('mine_empty')}</p>`}
        </section>
        ${others.length ? html`<section aria-labelledby="q-others">
          <h2 id="q-others">${t('others')} <span class="count">${others.length}</span></h2>
          <ul class="chat-list" data-testid="others">${others.map(row)}</ul></section>` : null}
      </aside>
      <section class="chat-main" aria-label=${t('open_dialogs')}>
        ${tabs.length ? html`
          <ul class="chat-tabs" aria-label=${t('open_dialogs')} data-testid="tabs">
            ${tabs.map((id) => html`
              <li class=${`chat-tab ${id === active ? 'current' : ''}`} key=${id}>
                <button type="button" id=${`tab-${id}`} aria-current=${id === active ? 'true' : undefined} aria-controls=${`panel-${id}`}
                  data-testid="tab" data-id=${id} onClick=${() => openTab(id)}>
                  ${visitorName(dialogs[id], t)}
                  ${unread[id] && id !== active ? html` <span class="chat-unread" aria-label=${t('unread_n', { n: unread[id] })}>${unread[id]}</span>` : null}
                </button>
                <button type="button" class="chat-tab-x" aria-label=${t('close_tab', { name: visitorName(dialogs[id], t) })}
                  onClick=${() => closeTab(id)} data-testid="close-tab"><span aria-hidden="true">×</span></button>
              </li>`)}
          </ul>
          ${tabs.filter((id) => id === active).map((id) => html`
            <${DialogPanel} key=${id} id=${id} t=${t} lang=${lang} me=${me} dialog=${dialogs[id]} state=${loaded[id]}
              messages=${messages[id] || []} typing=${typing[id]} visitorRead=${reads[id] || 0} socket=${socket}
              onReload=${() => loadDialog(id)} onDialog=${(d) => upsert([d])}
              onPending=${(m) => setMessages((all) => ({ ...all, [id]: [...(all[id] || []), m] }))} />`)}`
          : html`<p class="muted chat-empty">${t('pick_dialog')}</p>`}
      </section>
    </div>`;
}

function DialogPanel({ id, t, lang, me, dialog, state, messages, typing, visitorRead, socket, onReload, onDialog, onPending }) {
  const staff = me.staff;
  const [busy, setBusy] = useState('');
  const [problem, setProblem] = useState('');
  const [confirm, setConfirm] = useState(null);   // 'close' | 'transfer'
  const [billOpen, setBillOpen] = useState(false);
  const logRef = useRef(null);
  const bills = useMemo(() => {
    const m = billsOf(messages);
    for (const b of dialog?.bills || []) m.set(b.id, { ...b, ...(m.get(b.id) || {}) });
    return m;
  }, [messages, dialog?.bills]);

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, state]);

  if (state === 'loading' || !state) return html`<div class="chat-panel" id=${`panel-${id}`}><${Loading} lang=${lang} /></div>`;
  if (state !== 'ok') return html`<div class="chat-panel" id=${`panel-${id}`}>
    <${Failure} lang=${lang} text=${failureText(lang, state)} onRetry=${onReload} /></div>`;

  const d = dialog || { id };
  const isAssignee = d.assignee?.id === staff.id;
  const isParticipant = isAssignee || (d.participants || []).some((p) => p.id === staff.id && !p.left_at);
  const act = async (what, body) => {
    setBusy(what);
    setProblem('');
    const r = await send('POST', `/admin/api/chat/dialogs/${id}/${what}`, body);
    setBusy('');
    if (!r.ok) {
      setProblem(r.status === 409 ? t('e_taken') : failureText(lang, r));
      return false;
    }
    if (r.data && (r.data.id || r.data.dialog)) onDialog({ ...(r.data.dialog || r.data), id });
    else onReload();
    return true;
  };
  const cancelBill = async (bill) => {
    setBusy('cancel-bill');
    const r = await send('POST', `/admin/api/chat/bills/${bill.id}/cancel`, {});
    setBusy('');
    if (!r.ok) setProblem(failureText(lang, r));
  };
  const latestBill = [...bills.values()].pop();
  const booking = [...bills.values()].reverse().find((b) => b.booking)?.booking;
  const ctx = {
    'visitor.name': d.visitor?.name || '',
    'operator.name': staff.name,
    'booking.pnr': booking?.pnr || '',
    'bill.amount': latestBill ? money(latestBill.amount, latestBill.currency, lang) : '',
  };
  const status = { waiting: t('st_waiting'), open: t('st_open'), closed: t('st_closed') }[d.status] || d.status;

  return html`
    <section class="chat-panel" id=${`panel-${id}`} aria-labelledby=${`head-${id}`} data-testid="dialog" data-id=${id} data-status=${d.status}>
      <header class="chat-panel-head">
        <div>
          <h2 id=${`head-${id}`} data-testid="dialog-visitor">${visitorName(d, t)}</h2>
          <p class="small muted">${d.visitor?.email ? html`<span>${d.visitor.email}</span> · ` : null}
            <span class=${`badge ${d.status === 'waiting' ? 'warn' : d.status === 'open' ? 'info' : 'ok'}`} data-testid="dialog-status">${status}</span>
            ${d.assignee?.name ? html` · ${t('assignee')}: <strong data-testid="dialog-assignee">${d.assignee.name}</strong>` : null}
            ${(d.participants || []).filter((p) => p.id !== d.assignee?.id && !p.left_at).length ? html` · ${t('participants')}: ${(d.participants || [])
              .filter((p) => p.id !== d.assignee?.id && !p.left_at).map((p) => `${p.name}${p.role === 'support' ? ` (${t('role_support')})` : ''}`).join(', ')}` : null}
            ${d.support_requested ? html` · <span class="badge info">${t('support_asked')}</span>` : null}</p>
        </div>
        <div class="chat-actions">
          ${d.status === 'waiting' ? html`<button type="button" class="button small-button" disabled=${!!busy} onClick=${() => act('take')} data-testid="take">${t('take')}</button>` : null}
          ${d.status === 'open' && !isParticipant ? html`<button type="button" class="button secondary small-button" disabled=${!!busy} onClick=${() => act('join')} data-testid="join">${t('join')}</button>` : null}
          ${d.status === 'open' && isParticipant && !isAssignee ? html`<button type="button" class="button secondary small-button" disabled=${!!busy} onClick=${() => act('leave')} data-testid="leave">${t('leave')}</button>` : null}
          ${d.status !== 'closed' && (isParticipant || d.status === 'waiting') ? html`
            <button type="button" class="button secondary small-button" disabled=${!!busy} onClick=${() => setConfirm('transfer')} data-testid="transfer">${t('transfer')}</button>
            ${!d.support_requested ? html`<button type="button" class="button secondary small-button" disabled=${!!busy} onClick=${() => act('invite-support')} data-testid="invite-support">${t('invite_support')}</button>` : null}
            <button type="button" class="button secondary small-button" disabled=${!!busy} onClick=${() => setConfirm('close')} data-testid="close-dialog">${t('close_dialog')}</button>` : null}
          <a class="button secondary small-button" href=${`/admin/api/chat/dialogs/${id}/transcript?private=0`} download data-testid="transcript">${t('transcript')}</a>
        </div>
      </header>
      ${problem ? html`<p class="error" role="alert" data-testid="dialog-problem">${problem}</p>` : null}
      <div class="chat-log" ref=${logRef} role="log" aria-live="polite" aria-label=${t('messages_of', { name: visitorName(d, t) })} data-testid="log" tabindex="0"><ol>
        ${messages.map((m) => html`<${StaffMessage} key=${m.pending ? m.client_id : `${m.seq}`} m=${m} t=${t} lang=${lang} bills=${bills}
          visitorRead=${visitorRead} onCancelBill=${isParticipant ? cancelBill : null} />`)}
      </ol></div>
      ${typing && typing.until > Date.now() ? html`<p class="chat-typing muted small" data-testid="typing">${t(typing.kind === 'visitor' ? 'typing_customer' : 'typing', { name: typing.name })}</p>` : null}
      ${d.status === 'closed' ? html`<p class="muted">${t('closed_note')}</p>`
        : !isParticipant ? html`<p class="muted" data-testid="take-to-write">${t('take_to_write')}</p>`
        : html`<${Composer} id=${id} t=${t} lang=${lang} me=${me} socket=${socket} ctx=${ctx} merchant=${d.merchant || d.merchant_id} onPending=${onPending} />
          ${isParticipant ? html`<details class="chat-bill-form" open=${billOpen} onToggle=${(e) => setBillOpen(e.currentTarget.open)}>
            <summary data-testid="bill-open">${t('issue_bill')}</summary>
            ${billOpen ? html`<${BillForm} id=${id} t=${t} lang=${lang} onDone=${() => setBillOpen(false)} />` : null}
          </details>` : null}`}
      ${confirm === 'close' ? html`
        <${ConfirmDialog} lang=${lang} title=${t('close_q')} confirmLabel=${t('close_dialog')} busy=${busy === 'close'} testid="close-confirm"
          onCancel=${() => setConfirm(null)} onConfirm=${async () => { if (await act('close')) setConfirm(null); }}>
          <p>${t('close_effect')}</p></${ConfirmDialog}>` : null}
      ${confirm === 'transfer' ? html`<${TransferDialog} t=${t} lang=${lang} dialog=${d} staff=${staff} busy=${busy === 'transfer'}
          onCancel=${() => setConfirm(null)} onTransfer=${async (to) => { if (await act('transfer', { to })) setConfirm(null); }} />` : null}
    </section>`;
}

// The composer: Enter sends, Shift+Enter breaks the line; "/" opens the canned replies; a private
// note is marked before it is sent and goes to staff only.
function Composer({ id, t, lang, me, socket, ctx, merchant, onPending }) {
  const [text, setText] = useState('');
  const [priv, setPriv] = useState(false);
  const [canned, setCanned] = useState(null);
  const [pick, setPick] = useState(0);
  const [warn, setWarn] = useState(null);
  const typingAt = useRef(0);
  const typingTimer = useRef(null);
  const area = useRef(null);
  useEffect(() => {
    get('/admin/api/chat/canned', !me.staff.merchant_id && merchant ? { merchant } : {}).then((r) => setCanned(r.ok ? listOf(r.data, 'canned') : []));
  }, []);
  useEffect(() => () => clearTimeout(typingTimer.current), []);
  const slash = /^\/([\w-]*)$/.exec(text);
  const matches = slash && canned ? canned.filter((c) => c.shortcode.startsWith(slash[1].toLowerCase())).slice(0, 8) : [];
  const listId = `canned-${id}`;

  const stopTyping = () => {
    clearTimeout(typingTimer.current);
    if (typingAt.current) socket.frame({ type: 'typing', dialog: id, on: false });
    typingAt.current = 0;
  };
  const onInput = (e) => {
    setText(e.currentTarget.value);
    setPick(0);
    if (priv) return;  // a private note is not "the operator is typing" for the customer
    const now = Date.now();
    if (now - typingAt.current > 2500) {
      socket.frame({ type: 'typing', dialog: id, on: true });
      typingAt.current = now;
    }
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, 4000);
  };
  const insert = (c) => {
    const x = expand(c.body, ctx);
    setText(x.text);
    setWarn(x.unknown.length || x.empty.length ? x : null);
    setTimeout(() => area.current?.focus(), 0);
  };
  const submit = (e) => {
    e?.preventDefault();
    if (matches.length) {
      insert(matches[Math.min(pick, matches.length - 1)]);
      return;
    }
    const body = text.trim();
    if (!body) return;
    if (body.length > 10000) {
      setWarn({ tooLong: true });
      return;
    }
    const mid = newId();
    socket.sendMessage({ dialog: id, text: body, private: priv, id: mid });
    onPending({ pending: true, dialog: id, client_id: mid, kind: 'text', text: body, private: priv, at: socket.now(),
      author: { kind: 'staff', id: me.staff.id, name: me.staff.name } });
    setText('');
    setWarn(null);
    stopTyping();
  };
  const onKey = (e) => {
    if (matches.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setPick((p) => (p + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
    } else if (matches.length && e.key === 'Tab') {
      e.preventDefault();
      insert(matches[pick]);
    } else if (e.key === 'Escape' && matches.length) {
      setText('');
    } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      submit(e);
    }
  };
  return html`
    <form class=${`chat-composer ${priv ? 'private' : ''}`} onSubmit=${submit} data-testid="composer">
      <label for=${`text-${id}`} class="sr-only">${priv ? t('note_label') : t('message_label')}</label>
      <textarea id=${`text-${id}`} ref=${area} rows="3" value=${text} onInput=${onInput} onKeyDown=${onKey} onBlur=${stopTyping}
        placeholder=${priv ? t('note_placeholder') : t('placeholder')} data-testid="composer-text"
        role="combobox" aria-expanded=${String(matches.length > 0)} aria-controls=${listId} aria-autocomplete="list"
        aria-activedescendant=${matches.length ? `${listId}-${Math.min(pick, matches.length - 1)}` : undefined}></textarea>
      ${matches.length ? html`<ul class="chat-canned" role="listbox" id=${listId} aria-label=${t('canned')} data-testid="canned-list">
        ${matches.map((c, i) => html`<li role="option" id=${`${listId}-${i}`} aria-selected=${String(i === pick)} onMouseDown=${(e) => { e.preventDefault(); insert(c); }}>
          <span class="mono">/${c.shortcode}</span> — ${c.title}</li>`)}</ul>` : null}
      ${warn?.unknown?.length ? html`<p class="warn-note" role="alert" data-testid="canned-warning">${t('unknown_vars', { vars: warn.unknown.map((v) => `{{${v}}}`).join(', ') })}</p>` : null}
      ${warn?.empty?.length ? html`<p class="warn-note" role="status" data-testid="canned-empty">${t('empty_vars', { vars: warn.empty.map((v) => `{{${v}}}`).join(', ') })}</p>` : null}
      ${warn?.tooLong ? html`<p class="error" role="alert">${t('e_too_large')}</p>` : null}
      <div class="chat-composer-row">
        <label class="chat-private"><input type="checkbox" checked=${priv} onChange=${(e) => setPriv(e.currentTarget.checked)} data-testid="private" />
          ${t('private_toggle')}</label>
        <span class="muted small">${t('canned_hint')}</span>
        <button type="submit" class="button" data-testid="send" disabled=${!text.trim()}>${priv ? t('send_note') : t('send')}</button>
      </div>
    </form>`;
}

// "1500" → "1500.00" in a currency of two decimals ("1500" in yen): the server takes the amount
// written in the currency's own exponent.
function inExponent(amount, currency) {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    /* unknown to this browser: the server says */
  }
  const [whole, frac = ''] = amount.split('.');
  if (frac.length > digits) return amount;
  return digits ? `${whole}.${frac.padEnd(digits, '0')}` : whole;
}

// A bill in the conversation: amount in its own currency (never converted), description, an
// optional booking (its id, reference or PNR); one idempotency key per form.
function BillForm({ id, t, lang, onDone }) {
  const [f, setF] = useState({ amount: '', currency: 'RUB', description: '', booking: '' });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const key = useRef(newKey());
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    const amount = f.amount.replace(/\s/g, '').replace(',', '.');
    if (!/^\d+(\.\d{1,3})?$/.test(amount) || Number(amount) <= 0) return setProblem(t('e_amount'));
    if (!/^[A-Z]{3}$/.test(f.currency.trim().toUpperCase())) return setProblem(t('e_currency'));
    if (!f.description.trim()) return setProblem(t('e_description'));
    setBusy(true);
    setProblem('');
    let booking_id;
    const b = f.booking.trim();
    if (b) {
      if (/^[0-9a-f-]{36}$/i.test(b)) booking_id = b;
      else {
        const r = await get('/admin/api/bookings', { q: b, limit: 2 });
        const hit = r.ok ? listOf(r.data, 'bookings').find((x) => [x.reference, x.pnr].includes(b) || [x.reference, x.pnr].includes(b.toUpperCase())) : null;
        if (!hit) {
          setBusy(false);
          return setProblem(t('e_booking'));
        }
        booking_id = hit.id;
      }
    }
    const currency = f.currency.trim().toUpperCase();
    const body = { amount: inExponent(amount, currency), currency, description: f.description.trim() };
    if (booking_id) body.booking_id = booking_id;
    const r = await send('POST', `/admin/api/chat/dialogs/${id}/bills`, body, { key: key.current });
    setBusy(false);
    if (!r.ok) return setProblem(failureText(lang, r));
    key.current = newKey();
    onDone();
  };
  return html`
    <form class="chat-bill-fields" onSubmit=${submit} data-testid="bill-form" noValidate>
      <div class="grid-2">
        <label class="field"><span>${t('bill_amount')}</span><input inputmode="decimal" value=${f.amount} onInput=${set('amount')} data-testid="bill-amount" required /></label>
        <label class="field"><span>${t('bill_currency')}</span>
          <input value=${f.currency} onInput=${set('currency')} list=${`cur-${id}`} maxlength="3" data-testid="bill-currency" autocomplete="off" />
          <datalist id=${`cur-${id}`}>${CURRENCIES.map((c) => html`<option value=${c} />`)}</datalist></label>
      </div>
      <label class="field"><span>${t('bill_description')}</span><input value=${f.description} onInput=${set('description')} maxlength="500" data-testid="bill-description" required /></label>
      <label class="field"><span>${t('bill_booking_field')}</span><input value=${f.booking} onInput=${set('booking')} data-testid="bill-booking" /></label>
      <p class="muted small">${t('bill_note')}</p>
      ${problem ? html`<p class="error" role="alert" data-testid="bill-problem">${problem}</p>` : null}
      <button type="submit" class="button" disabled=${busy} data-testid="bill-issue">${busy ? t('issuing') : t('issue')}</button>
    </form>`;
}

// Give the dialog to another operator of the airline.
function TransferDialog({ t, lang, dialog, staff, busy, onCancel, onTransfer }) {
  const [ops, setOps] = useState(null);
  const [to, setTo] = useState('');
  useEffect(() => {
    get('/admin/api/chat/operators', staff.merchant_id ? {} : { merchant: dialog.merchant || dialog.merchant_id }).then((r) =>
      setOps(r.ok ? listOf(r.data, 'operators').filter((o) => o.id !== staff.id) : []));
  }, []);
  return html`
    <${ConfirmDialog} lang=${lang} title=${t('transfer_title')} confirmLabel=${t('transfer')} busy=${busy} testid="transfer-confirm"
      onCancel=${onCancel} onConfirm=${() => to && onTransfer(to)}>
      ${ops === null ? html`<${Loading} lang=${lang} />` : ops.length ? html`
        <label class="field"><span>${t('transfer_to')}</span>
          <select value=${to} onChange=${(e) => setTo(e.currentTarget.value)} data-testid="transfer-to">
            <option value="">—</option>
            ${ops.map((o) => html`<option value=${o.id}>${o.name}${o.online ? ` · ${t('online')}` : ''}</option>`)}
          </select></label>` : html`
        <label class="field"><span>${t('transfer_to_id')}</span>
          <input value=${to} onInput=${(e) => setTo(e.currentTarget.value.trim())} data-testid="transfer-to" /></label>`}
    </${ConfirmDialog}>`;
}
