// The chat's socket client (docs/chat.md), shared by the widget and the console: `hello` with the
// last seq seen per dialog, messages deduplicated by (dialog, seq), the client's message ids as
// idempotency keys (unacknowledged ones are sent again after a reconnect), `ping` every 20 s and
// a reconnect when no `pong` comes within 10 s, a silent reconnect with back-off 0.5 s → 15 s;
// `trouble` (show "reconnecting") only after 5 s without a connection.
const PING_EVERY = 20000;
const PONG_WITHIN = 10000;
const TROUBLE_AFTER = 5000;
const BACKOFF_MIN = 500;
const BACKOFF_MAX = 15000;

export const newId = () =>
  (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`);

export function socketUrl(path) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

// new ChatSocket({url, hello: () => ({token}), on: {welcome, message, ack, dialog, typing, read, error, state}})
export class ChatSocket {
  constructor({ url, hello = () => ({}), on = {} }) {
    this.url = url;
    this.helloExtra = hello;
    this.on = on;
    this.last = new Map();      // dialog → the highest seq seen
    this.seen = new Map();      // dialog → Set of seqs seen (dedupe)
    this.floor = new Map();     // dialog → seq up to which the page has everything (loaded over REST)
    this.watched = new Map();   // dialog → true: staff asked to watch it (resumed after a reconnect)
    this.pending = new Map();   // client id → the `send` frame, until acknowledged
    this.offset = 0;            // the server's clock − this device's, ms (from welcome)
    this.ws = null;
    this.state = 'connecting';  // connecting | open | closed (refused: no retry)
    this.trouble = false;
    this.attempt = 0;
    this.stopped = false;
    this.timers = {};
    this.onOnline = () => this.reconnectNow();
    this.onVisible = () => { if (document.visibilityState === 'visible' && this.state !== 'open') this.reconnectNow(); };
    addEventListener('online', this.onOnline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.connect();
  }

  emit(name, ...args) {
    try {
      this.on[name]?.(...args);
    } catch (e) {
      setTimeout(() => { throw e; });
    }
  }

  setState(state) {
    this.state = state;
    if (state === 'open') {
      clearTimeout(this.timers.trouble);
      this.timers.trouble = null;
      this.trouble = false;
    } else if (!this.timers.trouble && !this.trouble && !this.stopped) {
      this.timers.trouble = setTimeout(() => {
        this.timers.trouble = null;
        if (this.state !== 'open') {
          this.trouble = true;
          this.emit('state', this.state, true);
        }
      }, TROUBLE_AFTER);
    }
    this.emit('state', state, this.trouble);
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timers.retry);
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.setState('connecting');
    ws.onopen = () => {
      const resume = {};
      for (const [d, s] of this.last) resume[d] = s;
      for (const d of this.watched.keys()) if (!(d in resume)) resume[d] = 0;
      this.raw({ type: 'hello', ...this.helloExtra(), resume });
    };
    ws.onmessage = (e) => {
      let f;
      try {
        f = JSON.parse(e.data);
      } catch {
        return;
      }
      this.receive(f);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      if (e.code === 4001) {
        this.setState('closed');
        this.emit('refused', e.code);
        return;
      }
      this.setState('connecting');
      this.scheduleRetry();
    };
    ws.onerror = () => {};
  }

  scheduleRetry() {
    if (this.stopped) return;
    const delay = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** this.attempt);
    this.attempt += 1;
    clearTimeout(this.timers.retry);
    this.timers.retry = setTimeout(() => this.connect(), delay);
  }

  // The network came back or the tab woke up: try now, not at the end of the back-off.
  reconnectNow() {
    if (this.stopped || this.state === 'open' || this.state === 'closed') return;
    if (this.ws && this.ws.readyState === WebSocket.CONNECTING) return;
    this.attempt = 0;
    this.connect();
  }

  // Drop the connection (a test, or a missed pong): it reconnects and resumes by itself.
  drop() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.stopHeartbeat();
    try {
      ws.close();
    } catch {
      /* already closing */
    }
    this.setState('connecting');
    this.scheduleRetry();
  }

  stop() {
    this.stopped = true;
    removeEventListener('online', this.onOnline);
    document.removeEventListener('visibilitychange', this.onVisible);
    for (const k of Object.keys(this.timers)) clearTimeout(this.timers[k]);
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    try {
      ws?.close(1000);
    } catch {
      /* closing */
    }
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.timers.ping = setInterval(() => {
      const t = Date.now();
      this.raw({ type: 'ping', t });
      clearTimeout(this.timers.pong);
      this.timers.pong = setTimeout(() => this.drop(), PONG_WITHIN);
    }, PING_EVERY);
  }

  stopHeartbeat() {
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.pong);
  }

  raw(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  // A frame that matters only now (typing, read, watch): sent if connected.
  frame(frame) {
    return this.state === 'open' && this.raw(frame);
  }

  // A message: kept until the server acknowledges it; sent again (same id) after a reconnect.
  sendMessage({ dialog, text, private: priv = false, id = newId() }) {
    const f = { type: 'send', id, text };
    if (dialog) f.dialog = dialog;
    if (priv) f.private = true;
    this.pending.set(id, f);
    if (this.state === 'open') this.raw(f);
    return id;
  }

  // Now by the server's clock (the device's may be days off), as an RFC 3339 string.
  now() {
    return new Date(Date.now() + this.offset).toISOString();
  }

  forget(id) {
    this.pending.delete(id);
  }

  watch(dialog, after) {
    this.watched.set(dialog, true);
    if (after != null && !this.last.has(dialog)) this.last.set(dialog, after);
    this.frame({ type: 'watch', dialog, after: this.last.get(dialog) ?? after ?? 0 });
  }

  unwatch(dialog) {
    this.watched.delete(dialog);
    this.last.delete(dialog);
    this.seen.delete(dialog);
    this.floor.delete(dialog);
    this.frame({ type: 'unwatch', dialog });
  }

  // What the page already has of a dialog (loaded over REST): resumed from there.
  known(dialog, seq) {
    if (seq > (this.last.get(dialog) || 0)) this.last.set(dialog, seq);
    if (seq > (this.floor.get(dialog) || 0)) this.floor.set(dialog, seq);
  }

  // True the first time (dialog, seq) is seen.
  fresh(dialog, seq) {
    let s = this.seen.get(dialog);
    if (!s) this.seen.set(dialog, (s = new Set()));
    if (s.has(seq) || seq <= (this.floor.get(dialog) || 0)) return false;
    s.add(seq);
    if (seq > (this.last.get(dialog) || 0)) this.last.set(dialog, seq);
    return true;
  }

  receive(f) {
    switch (f.type) {
      case 'welcome':
        if (f.server_time) this.offset = Date.parse(f.server_time) - Date.now();
        this.attempt = 0;
        this.setState('open');
        this.startHeartbeat();
        this.emit('welcome', f);
        // Unacknowledged messages again, same ids: the server stores each once.
        for (const p of this.pending.values()) this.raw(p);
        break;
      case 'pong':
        clearTimeout(this.timers.pong);
        break;
      case 'message':
        if (typeof f.seq === 'number' && f.dialog) {
          if (!this.fresh(f.dialog, f.seq)) return;
        }
        if (f.client_id && this.pending.has(f.client_id)) this.pending.delete(f.client_id);
        this.emit('message', f);
        break;
      case 'ack':
        this.pending.delete(f.id);
        this.emit('ack', f);
        break;
      case 'error':
        if (f.id && f.code === 'rate-limited' && this.pending.has(f.id)) {
          const p = this.pending.get(f.id);
          setTimeout(() => this.pending.get(f.id) === p && this.raw(p), Math.max(200, f.retry_after_ms || 1000));
        } else if (f.id) {
          this.pending.delete(f.id);
        }
        this.emit('error', f);
        break;
      default:
        this.emit(f.type, f);
    }
  }
}

// Messages of one dialog kept in order of seq, with the sender's own unacknowledged ones after
// them (matched by client_id when the stored message arrives).
export function mergeMessage(list, m) {
  const i = m.client_id ? list.findIndex((x) => x.pending && x.client_id === m.client_id) : -1;
  let rest = i >= 0 ? [...list.slice(0, i), ...list.slice(i + 1)] : list;
  const same = rest.findIndex((x) => !x.pending && x.dialog === m.dialog && x.seq === m.seq);
  if (same >= 0) {
    // Known from its ack only: the stored message itself (the server's time) replaces it.
    if (!rest[same].acked || m.acked) return rest;
    rest = [...rest.slice(0, same), ...rest.slice(same + 1)];
  }
  const stored = rest.filter((x) => !x.pending);
  const pending = rest.filter((x) => x.pending);
  let at = stored.length;
  while (at > 0 && stored[at - 1].dialog === m.dialog && stored[at - 1].seq > m.seq) at -= 1;
  return [...stored.slice(0, at), m, ...stored.slice(at), ...pending];
}

// The latest state of each bill (by id) from the messages that carry one, in order.
// The sender's own message once acknowledged: stored under its (dialog, seq).
export function acknowledge(list, a) {
  const p = list.find((x) => x.pending && x.client_id === a.id);
  if (!p) return list;
  return mergeMessage(list, { ...p, pending: false, acked: true, dialog: a.dialog, seq: a.seq });
}

export function billsOf(messages) {
  const bills = new Map();
  for (const m of messages) {
    const b = m.data?.bill;
    if (b?.id) bills.set(b.id, { ...(bills.get(b.id) || {}), ...b });
  }
  return bills;
}
