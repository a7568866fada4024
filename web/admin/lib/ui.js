// Pieces every console screen uses: money and time, a status badge, loading and failure
// states, a confirm dialog that shows the effect before it is done, a server-paged table, and
// keyboard shortcuts.
import { h } from '../../vendor/preact.module.js';
import { useCallback, useEffect, useRef, useState } from '../../vendor/hooks.module.js';
import htm from '../../vendor/htm.module.js';
import { dateTime, money } from '../../common/format.js';
import { failure as failureText, makeT } from './i18n.js';
import { statusLabel } from './labels.js';

export { failureText };

export const html = htm.bind(h);
const t = makeT({});

export const Money = ({ amount, currency, lang }) =>
  html`<span class="num">${money(amount, currency || 'RUB', lang)}</span>`;

export const When = ({ at, lang }) => (at ? html`<time datetime=${at}>${dateTime(at, lang)}</time>` : html`<span class="muted">—</span>`);

// A status word on a colour that says good, bad, waiting or neutral.
const TONES = {
  ok: ['paid', 'ticketed', 'matched', 'succeeded', 'sent', 'confirmed', 'closed', 'signed', 'delivered', 'enabled', 'active'],
  bad: ['failed', 'expired', 'cancelled', 'ticketing_failed', 'refused', 'void', 'disabled', 'revoked', 'returned'],
  warn: ['pending', 'awaiting_payment', 'reconciliation', 'partially_paid', 'overdue', 'open', 'queued', 'retrying', 'ticketing_authorized'],
};
// Without a label the status is named in the page's language (lib/labels.js).
export function Badge({ status, label, lang }) {
  const tone = Object.keys(TONES).find((k) => TONES[k].includes(status)) || 'info';
  const shown = label || statusLabel(lang || document.documentElement.lang || 'ru', status);
  return html`<span class=${`badge ${tone}`} data-status=${status}>${shown}</span>`;
}

export const Loading = ({ lang }) => html`<p role="status" class="muted">${t(lang, 'loading')}</p>`;

export function Failure({ lang, text, onRetry }) {
  return html`<div class="error" role="alert"><span>${text}</span>
    ${onRetry ? html` <button type="button" class="button secondary small-button" onClick=${onRetry}>${t(lang, 'retry')}</button>` : null}</div>`;
}

// Loads once per `deps` change: {state: 'loading'|'ok'|'failed', data, r, reload}. New deps (another
// id, another page) drop what was shown, so nothing of the last object lingers while the next one
// loads; reload() keeps it on screen until the fresh answer replaces it.
export function useLoad(load, deps) {
  const [state, setState] = useState({ state: 'loading' });
  const gen = useRef(0);
  const run = useCallback((keep) => {
    const mine = ++gen.current;
    setState((s) => (keep ? { ...s, state: 'loading' } : { state: 'loading' }));
    Promise.resolve(load()).then((r) => {
      if (mine !== gen.current) return;  // a newer load started: this answer is stale
      setState(r.ok ? { state: 'ok', data: r.data, r } : { state: 'failed', r });
    });
  }, deps);
  useEffect(() => run(false), [run]);
  return { ...state, reload: () => run(true) };
}

// A modal dialog: what will happen (children), Confirm and Cancel. Enter confirms, Escape
// cancels; the focus returns where it was.
export function ConfirmDialog({ lang, title, confirmLabel, busy, error, onConfirm, onCancel, children, testid = 'confirm' }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    const before = document.activeElement;
    d.showModal();
    d.querySelector('[data-autofocus]')?.focus();
    return () => {
      if (d.open) d.close();
      before?.focus?.();
    };
  }, []);
  return html`
    <dialog class="dialog" ref=${ref} aria-labelledby=${`${testid}-h`} data-testid=${testid}
      onCancel=${(e) => { e.preventDefault(); onCancel(); }}>
      <form method="dialog" onSubmit=${(e) => { e.preventDefault(); if (!busy) onConfirm(); }}>
        <h2 id=${`${testid}-h`}>${title}</h2>
        <div class="dialog-body">${children}</div>
        ${error ? html`<p class="error" role="alert">${error}</p>` : null}
        <div class="actions">
          <button type="submit" class="button" data-autofocus data-testid=${`${testid}-ok`} disabled=${busy}>
            ${busy ? t(lang, 'saving') : confirmLabel || t(lang, 'confirm')}</button>
          <button type="button" class="button secondary" onClick=${onCancel}>${t(lang, 'cancel')}</button>
        </div>
      </form>
    </dialog>`;
}

// Keys for a screen while it is shown: {'j': fn, 'k': fn, '?': fn}. Ignored while typing in a
// field or when a modifier is held, so the browser's own shortcuts stay.
export function useHotkeys(map, deps) {
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const tag = e.target?.tagName;
      if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.target?.isContentEditable) return;
      if (document.querySelector('dialog[open]')) return;
      const fn = map[e.key];
      if (fn) {
        e.preventDefault();
        fn(e);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, deps);
}

// A table whose rows the server pages: `load({limit, cursor, sort})` answers {data, next_cursor}.
// columns: [{key, label, sort: 'field' (optional), render: (row) => vnode, num: bool}].
// The page position is kept while `filters` stay the same; a new filter starts at page one.
export function DataTable({ lang, caption, columns, load, filters = {}, sort, onSort, rowKey = 'id', onRow, csvHref, limit = 50, testid = 'table', selected }) {
  const [cursors, setCursors] = useState(['']);
  const key = JSON.stringify([filters, sort]);
  useEffect(() => setCursors(['']), [key]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => load({ ...filters, sort, limit, cursor }), [key, cursor]);
  const rows = page.data?.data || [];
  const header = (c) => {
    if (!c.sort || !onSort) return html`<th scope="col" class=${c.num ? 'num' : ''}>${c.label}</th>`;
    const dir = sort === c.sort ? 'ascending' : sort === `-${c.sort}` ? 'descending' : 'none';
    const nextSort = sort === `-${c.sort}` ? c.sort : `-${c.sort}`;
    return html`<th scope="col" aria-sort=${dir} class=${c.num ? 'num' : ''}>
      <button type="button" class="sort" onClick=${() => onSort(nextSort)}>${c.label}
        <span aria-hidden="true">${dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</span></button></th>`;
  };
  return html`
    <div class="table-wrap" data-testid=${testid}>
      ${page.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, page.r)} onRetry=${page.reload} />` : null}
      <table class="data">
        ${caption ? html`<caption class="sr-only">${caption}</caption>` : null}
        <thead><tr>${columns.map(header)}</tr></thead>
        <tbody aria-busy=${page.state === 'loading' ? 'true' : 'false'}>
          ${rows.map((row) => html`
            <tr key=${row[rowKey]} class=${[onRow ? 'clickable' : '', selected === row[rowKey] ? 'selected' : ''].join(' ')}
              data-id=${row[rowKey]} onClick=${onRow ? (e) => { if (!e.target.closest('a,button')) onRow(row); } : undefined}>
              ${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.render ? c.render(row) : row[c.key]}</td>`)}
            </tr>`)}
        </tbody>
      </table>
      ${page.state === 'ok' && !rows.length ? html`<p class="muted empty">${t(lang, 'none')}</p>` : null}
      ${page.state === 'loading' && !rows.length ? html`<${Loading} lang=${lang} />` : null}
      <nav class="pager" aria-label=${caption || ''}>
        <button type="button" class="button secondary" disabled=${cursors.length < 2}
          onClick=${() => setCursors(cursors.slice(0, -1))}>${t(lang, 'prev_page')}</button>
        <button type="button" class="button secondary" data-testid=${`${testid}-next`} disabled=${!page.data?.next_cursor}
          onClick=${() => setCursors([...cursors, page.data.next_cursor])}>${t(lang, 'next_page')}</button>
        ${csvHref ? html`<a class="button secondary" href=${csvHref} download data-testid=${`${testid}-csv`}>${t(lang, 'export_csv')}</a>` : null}
      </nav>
    </div>`;
}

