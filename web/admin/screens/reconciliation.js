// Reconciliation: upload a bank statement (1C or camt.053) with a progress bar, then work the
// queue of payments the matcher was not sure about. The queue pages on the server; the selected
// payment shows its ranked candidates with the reasons in words; match, split, mark unrelated
// and return to payer take one key each and show their effect before they are done. After an
// action the selection stays where it was (the next payment moves into its place).
import { useEffect, useRef, useState } from '../../vendor/hooks.module.js';
import { get, send, upload, newKey } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { fromMinor, scaleOf, toMinor } from '../lib/money.js';
import { Badge, ConfirmDialog, Failure, Loading, Money, failureText, html, useHotkeys } from '../lib/ui.js';

const t = makeT({
  ru: {
    title: 'Сверка', upload_h: 'Загрузить выписку', upload_hint: 'Файл 1С (1CClientBankExchange) или camt.053 (XML).',
    file: 'Файл выписки', upload: 'Загрузить', uploading: 'Загружаем… {pct}%', upload_progress: 'Ход загрузки',
    result: 'Выписка загружена: документов {documents}, сопоставлено {matched}, на депозиты {deposits}, в очередь {reconciliation}.',
    duplicate: 'Этот файл уже загружали: показаны итоги первой загрузки.',
    queue_h: 'Очередь', queue_total: 'Ждут решения: {n}', queue_empty: 'Очередь пуста — все платежи разобраны.',
    col_date: 'Дата', col_payer: 'Плательщик', col_purpose: 'Назначение', col_amount: 'Сумма', col_best: 'Лучший кандидат',
    payment_h: 'Платёж № {number} от {date}', payer: 'Плательщик', inn: 'ИНН', account: 'Счёт', purpose: 'Назначение',
    candidates_h: 'Кандидаты', no_candidates: 'Подходящих счетов не нашлось: отметьте платёж как посторонний или верните плательщику.',
    score: '{n} баллов', invoice: 'Счёт', due: 'к оплате', client: 'Клиент', closed: 'закрыт — не выбирается',
    paid_already: 'уже оплачен', best: 'лучший',
    s_open: 'открыт', s_partially_paid: 'оплачен частично', s_paid: 'оплачен', s_overdue: 'просрочен', s_void: 'аннулирован',
    match: 'Сопоставить', split: 'Разнести', unrelated: 'Посторонний', ret: 'Вернуть плательщику', keys: 'Клавиши',
    read_only: 'Ваша роль только просматривает очередь.',
    r_number_exact: 'номер счёта {number} в назначении платежа',
    r_number_sequence_only: 'номер {number} в назначении без префикса',
    r_number_prefix_differs: 'в назначении номер, похожий на {number}, но с другим префиксом',
    r_number_year_differs: 'в назначении номер, похожий на {number}, но за другой год',
    r_currency_differs: 'валюта платежа другая',
    r_amount_equal: 'сумма точная: {due}',
    r_amount_less: 'недоплата: {amount} из {due}',
    r_amount_more: 'переплата: {amount} при долге {due}',
    r_inn_equal: 'ИНН плательщика {inn} — ИНН клиента',
    r_inn_differs: 'ИНН плательщика не совпадает с ИНН клиента',
    r_inn_unknown: 'ИНН плательщика не указан',
    r_date_before_issue: 'платёж раньше выставления счёта',
    r_invoice_closed: 'счёт аннулирован или бронирование истекло',
    r_deposit_reference: 'в назначении код пополнения депозита',
    d_same: 'оплачен в день выставления счёта', d_after: 'оплачен через {n} дн. после счёта', d_before: 'платёж на {n} дн. раньше счёта',
    match_h: 'Сопоставить платёж со счётом', split_h: 'Разнести платёж по счетам', unrelated_h: 'Отметить как посторонний',
    return_h: 'Вернуть плательщику',
    e_paid: 'Счёт {number} станет оплаченным; остаток {left}.',
    e_paid_over: 'Счёт {number} станет оплаченным; {excess} сверх долга уйдёт на депозит клиента {client}.',
    e_partial: 'Счёт {number} станет частично оплаченным: останется доплатить {left}.',
    e_unrelated: 'Платёж {amount} останется на счёте нераспределённых средств шлюза, пока его не вернут.',
    e_return: 'Будет создано платёжное поручение на возврат {amount} плательщику {payer} (счёт {account}); оно попадёт в ближайшую выгрузку.',
    split_sum: 'Разнесено {sum} из {amount}', split_mismatch: 'Сумма по счетам должна быть ровно {amount}.',
    note: 'Примечание', reason: 'Причина возврата', reason_default: 'Платёж не относится к счетам клиента',
    note_default: 'не платёж клиента', e_reason: 'Укажите причину.',
    done_match: 'Платёж сопоставлен со счётом {number}.', done_split: 'Платёж разнесён по {n} счетам.',
    done_unrelated: 'Платёж отмечен как посторонний.', done_return: 'Возврат плательщику создан.',
    k_next: 'следующий платёж', k_prev: 'предыдущий платёж', k_match: 'сопоставить с лучшим кандидатом',
    k_split: 'разнести по нескольким счетам', k_unrelated: 'посторонний платёж', k_return: 'вернуть плательщику',
    k_help: 'эта подсказка', k_confirm: 'в окне: Enter подтверждает, Esc отменяет',
  },
  en: {
    title: 'Reconciliation', upload_h: 'Upload a statement', upload_hint: 'A 1C file (1CClientBankExchange) or camt.053 (XML).',
    file: 'Statement file', upload: 'Upload', uploading: 'Uploading… {pct}%', upload_progress: 'Upload progress',
    result: 'Statement imported: {documents} documents, {matched} matched, {deposits} to deposits, {reconciliation} queued.',
    duplicate: 'This file was imported before: the first import’s totals are shown.',
    queue_h: 'Queue', queue_total: 'Waiting for a decision: {n}', queue_empty: 'The queue is empty: every payment is settled.',
    col_date: 'Date', col_payer: 'Payer', col_purpose: 'Purpose', col_amount: 'Amount', col_best: 'Best candidate',
    payment_h: 'Payment no. {number} of {date}', payer: 'Payer', inn: 'INN', account: 'Account', purpose: 'Purpose',
    candidates_h: 'Candidates', no_candidates: 'No invoice fits: mark the payment unrelated or return it to the payer.',
    score: '{n} points', invoice: 'Invoice', due: 'due', client: 'Client', closed: 'closed — not selectable',
    paid_already: 'already paid', best: 'best',
    s_open: 'open', s_partially_paid: 'partially paid', s_paid: 'paid', s_overdue: 'overdue', s_void: 'void',
    match: 'Match', split: 'Split', unrelated: 'Unrelated', ret: 'Return to payer', keys: 'Keys',
    read_only: 'Your role may look at the queue only.',
    d_same: 'paid the day the invoice was issued', d_after: 'paid {n} days after the invoice', d_before: 'paid {n} days before the invoice',
    match_h: 'Match the payment to an invoice', split_h: 'Split the payment across invoices', unrelated_h: 'Mark as unrelated',
    return_h: 'Return to the payer',
    e_paid: 'Invoice {number} becomes paid; {left} left.',
    e_paid_over: 'Invoice {number} becomes paid; {excess} over what is due goes to the deposit of {client}.',
    e_partial: 'Invoice {number} becomes partially paid: {left} still due.',
    e_unrelated: 'The payment of {amount} stays on the gateway’s unallocated account until it is returned.',
    e_return: 'A payment order returning {amount} to {payer} (account {account}) is made for the next export.',
    split_sum: '{sum} of {amount} allocated', split_mismatch: 'The invoices must add up to exactly {amount}.',
    note: 'Note', reason: 'Reason for the return', reason_default: 'The payment is not for the client’s invoices',
    note_default: 'not a client payment', e_reason: 'Give a reason.',
    done_match: 'Payment matched to invoice {number}.', done_split: 'Payment split across {n} invoices.',
    done_unrelated: 'Payment marked unrelated.', done_return: 'Return to the payer created.',
    k_next: 'next payment', k_prev: 'previous payment', k_match: 'match to the best candidate',
    k_split: 'split across invoices', k_unrelated: 'unrelated payment', k_return: 'return to the payer',
    k_help: 'this list', k_confirm: 'in a dialog: Enter confirms, Escape cancels',
  },
});

const PAGE = 20;

// The reason in words: the server's English sentence, or ours from its code and the invoice.
function reasonText(lang, r, doc, inv) {
  if (lang === 'en' || !inv) return r.text;
  const p = { number: inv.number, due: `${inv.due} ${inv.currency}`, amount: `${doc.amount} ${doc.currency}`, inn: doc.payer.inn };
  const s = t(lang, `r_${r.code}`, p);
  return s === `r_${r.code}` ? r.text : s;
}

function dateDistance(lang, inv) {
  const n = inv?.days_after_issue;
  if (n == null) return null;
  if (n === 0) return t(lang, 'd_same');
  return n > 0 ? t(lang, 'd_after', { n }) : t(lang, 'd_before', { n: -n });
}

// What matching `minor` of the payment to the invoice does to it, in a sentence.
function effectOf(lang, inv, minor, exp, doc) {
  const due = toMinor(inv.due, exp);
  const cur = inv.currency;
  if (minor >= due) {
    const excess = minor - due;
    if (excess > 0)
      return t(lang, 'e_paid_over', { number: inv.number, excess: `${fromMinor(excess, exp)} ${cur}`, client: inv.client?.name || doc.payer.name });
    return t(lang, 'e_paid', { number: inv.number, left: `${fromMinor(0, exp)} ${cur}` });
  }
  return t(lang, 'e_partial', { number: inv.number, left: `${fromMinor(due - minor, exp)} ${cur}` });
}

function UploadCard({ lang, onDone }) {
  const [file, setFile] = useState(null);
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    setProgress(0);
    const xml = /\.xml$/i.test(file.name) || file.type.includes('xml');
    const r = await upload('/v1/statements', file, {
      contentType: xml ? 'application/xml' : 'text/plain', onProgress: setProgress,
    });
    setProgress(null);
    if (!r.ok) return setError(failureText(lang, r));
    setResult(r.data);
    onDone();
  };
  const pct = progress == null ? 0 : Math.round(progress * 100);
  return html`
    <section class="card recon-upload" aria-labelledby="upload-h">
      <h2 id="upload-h">${t(lang, 'upload_h')}</h2>
      <form onSubmit=${submit} class="filters">
        <label>${t(lang, 'file')}
          <input type="file" data-testid="statement-file" accept=".txt,.xml,text/plain,application/xml"
            onChange=${(e) => setFile(e.currentTarget.files[0] || null)} aria-describedby="upload-hint" />
        </label>
        <button type="submit" class="button" data-testid="statement-upload" disabled=${!file || progress != null}>
          ${progress != null ? t(lang, 'uploading', { pct }) : t(lang, 'upload')}</button>
      </form>
      <p class="small muted" id="upload-hint">${t(lang, 'upload_hint')}</p>
      ${progress != null ? html`<progress class="progress" max="100" value=${pct} aria-label=${t(lang, 'upload_progress')}
        data-testid="upload-progress">${pct}%</progress>` : null}
      <div role="status" aria-live="polite">
        ${result ? html`<p class="note ok" data-testid="import-result">
          ${result.duplicate_file ? html`${t(lang, 'duplicate')} ` : null}${t(lang, 'result', result)}</p>` : null}
      </div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    </section>`;
}

function Candidates({ lang, doc, canWrite, onMatch }) {
  if (!doc.candidates.length) return html`<p class="muted" data-testid="no-candidates">${t(lang, 'no_candidates')}</p>`;
  const best = doc.candidates.find((c) => c.invoice?.payable);
  return html`
    <ol class="recon-candidates" data-testid="candidates">
      ${doc.candidates.map((c) => {
        const inv = c.invoice;
        const distance = dateDistance(lang, inv);
        return html`
        <li key=${c.invoice_id} class=${c === best ? 'best' : ''} data-testid="candidate" data-invoice=${inv?.number || c.number}>
          <div class="recon-cand-head">
            <strong>${t(lang, 'invoice')} ${inv?.number || c.number}</strong>
            ${inv ? html` <${Badge} status=${inv.closed ? 'void' : inv.status} label=${t(lang, `s_${inv.closed ? 'void' : inv.status}`)} />` : null}
            ${c === best ? html` <span class="badge info">${t(lang, 'best')}</span>` : null}
            <span class="muted"> · ${t(lang, 'score', { n: c.score })}</span>
          </div>
          ${inv ? html`<div class="small">${t(lang, 'client')}: ${inv.client.name} (${t(lang, 'inn')} ${inv.client.inn}) ·
            ${t(lang, 'due')} <${Money} amount=${inv.due} currency=${inv.currency} lang=${lang} /></div>` : null}
          <ul class="recon-reasons">
            ${c.reasons.map((r) => html`<li class=${r.points > 0 ? 'plus' : r.points < 0 ? 'minus' : ''}>${reasonText(lang, r, doc, inv)}</li>`)}
            ${distance ? html`<li>${distance}</li>` : null}
          </ul>
          ${inv && !inv.payable ? html`<p class="small muted">${inv.closed ? t(lang, 'closed') : t(lang, 'paid_already')}</p>` : null}
          ${canWrite && inv?.payable ? html`<button type="button" class="button secondary small-button" data-testid="match-candidate"
            onClick=${() => onMatch(c)}>${t(lang, 'match')}</button>` : null}
        </li>`;
      })}
    </ol>`;
}

function MatchDialog({ lang, doc, cand, onDone, onCancel }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const key = useRef(newKey());
  const exp = scaleOf(doc.amount);
  const confirm = async () => {
    setBusy(true);
    const r = await send('POST', `/v1/reconciliation/${doc.id}/match`, { invoice_id: cand.invoice_id }, { key: key.current });
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    onDone(t(lang, 'done_match', { number: cand.invoice.number }));
  };
  return html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'match_h')} confirmLabel=${t(lang, 'match')} busy=${busy} error=${error}
    onConfirm=${confirm} onCancel=${onCancel} testid="match-dialog">
    <p data-testid="effect">${effectOf(lang, cand.invoice, toMinor(doc.amount, exp), exp, doc)}</p>
  <//>`;
}

function SplitDialog({ lang, doc, onDone, onCancel }) {
  const exp = scaleOf(doc.amount);
  const total = toMinor(doc.amount, exp);
  const payable = doc.candidates.filter((c) => c.invoice?.payable);
  // Pre-filled: each invoice its due, in rank order, until the payment is used up.
  const [amounts, setAmounts] = useState(() => {
    let left = total;
    return payable.map((c) => {
      const take = Math.max(0, Math.min(left, toMinor(c.invoice.due, exp)));
      left -= take;
      return take ? fromMinor(take, exp) : '';
    });
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const key = useRef(newKey());
  const minors = amounts.map((a) => (a === '' ? 0 : toMinor(a, exp)));
  const valid = minors.every((m) => m != null && m >= 0);
  const sum = valid ? minors.reduce((a, b) => a + b, 0) : null;
  const confirm = async () => {
    if (sum !== total) return setError(t(lang, 'split_mismatch', { amount: `${doc.amount} ${doc.currency}` }));
    setBusy(true);
    const allocations = payable.map((c, i) => ({ invoice_id: c.invoice_id, amount: fromMinor(minors[i], exp) })).filter((a, i) => minors[i] > 0);
    const r = await send('POST', `/v1/reconciliation/${doc.id}/split`, { allocations }, { key: key.current });
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    onDone(t(lang, 'done_split', { n: allocations.length }));
  };
  return html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'split_h')} confirmLabel=${t(lang, 'split')} busy=${busy} error=${error}
    onConfirm=${confirm} onCancel=${onCancel} testid="split-dialog">
    ${payable.map((c, i) => html`
      <div class="field" key=${c.invoice_id}>
        <label for=${`split-${i}`}>${t(lang, 'invoice')} ${c.invoice.number} · ${t(lang, 'due')} ${c.invoice.due} ${c.invoice.currency}</label>
        <input id=${`split-${i}`} inputmode="decimal" value=${amounts[i]} data-testid="split-amount"
          onInput=${(e) => { const next = [...amounts]; next[i] = e.currentTarget.value; setAmounts(next); }} />
        ${minors[i] > 0 ? html`<p class="small" data-testid="effect">${effectOf(lang, c.invoice, minors[i], exp, doc)}</p>` : null}
      </div>`)}
    <p class=${sum === total ? 'note ok' : 'note'} role="status">${t(lang, 'split_sum', { sum: `${sum == null ? '—' : fromMinor(sum, exp)} ${doc.currency}`, amount: `${doc.amount} ${doc.currency}` })}</p>
  <//>`;
}

function TextActionDialog({ lang, doc, kind, onDone, onCancel }) {
  const unrelated = kind === 'unrelated';
  const [text, setText] = useState(t(lang, unrelated ? 'note_default' : 'reason_default'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const key = useRef(newKey());
  const confirm = async () => {
    if (!text.trim()) return setError(t(lang, 'e_reason'));
    setBusy(true);
    const r = unrelated
      ? await send('POST', `/v1/reconciliation/${doc.id}/unrelated`, { note: text.trim() }, { key: key.current })
      : await send('POST', `/v1/reconciliation/${doc.id}/return`, { reason: text.trim() }, { key: key.current });
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    onDone(t(lang, unrelated ? 'done_unrelated' : 'done_return'));
  };
  const amount = `${doc.amount} ${doc.currency}`;
  return html`<${ConfirmDialog} lang=${lang} title=${t(lang, unrelated ? 'unrelated_h' : 'return_h')}
    confirmLabel=${t(lang, unrelated ? 'unrelated' : 'ret')} busy=${busy} error=${error}
    onConfirm=${confirm} onCancel=${onCancel} testid=${`${kind}-dialog`}>
    <p data-testid="effect">${unrelated ? t(lang, 'e_unrelated', { amount })
      : t(lang, 'e_return', { amount, payer: doc.payer.name, account: doc.payer.account })}</p>
    <div class="field">
      <label for="action-text">${t(lang, unrelated ? 'note' : 'reason')}</label>
      <input id="action-text" value=${text} maxlength="500" onInput=${(e) => setText(e.currentTarget.value)} />
    </div>
  <//>`;
}

function KeysDialog({ lang, onClose }) {
  const keys = [['j', 'k_next'], ['k', 'k_prev'], ['Enter / m', 'k_match'], ['s', 'k_split'], ['u', 'k_unrelated'],
    ['r', 'k_return'], ['?', 'k_help']];
  return html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'shortcuts')} confirmLabel=${t(lang, 'close')}
    onConfirm=${onClose} onCancel=${onClose} testid="keys-dialog">
    <dl class="recon-keys">${keys.map(([k, d]) => html`<dt><kbd>${k}</kbd></dt><dd>${t(lang, d)}</dd>`)}</dl>
    <p class="small muted">${t(lang, 'k_confirm')}</p>
  <//>`;
}

export default function Reconciliation({ lang, me }) {
  const canWrite = (me.staff.permissions || me.permissions || []).includes('reconciliation.write');
  const [cursors, setCursors] = useState(['']);
  const [page, setPage] = useState({ state: 'loading' });
  const [index, setIndex] = useState(0);
  const [detail, setDetail] = useState({ state: 'idle' });
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  const [gen, setGen] = useState(0);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let live = true;
    setPage((p) => ({ ...p, state: 'loading' }));
    get('/admin/api/reconciliation', { limit: PAGE, cursor }).then((r) => {
      if (!live) return;
      if (!r.ok) return setPage({ state: 'failed', r });
      // The place is kept: the same index, or the last row when the page got shorter.
      if (!r.data.data.length && cursors.length > 1) return setCursors(cursors.slice(0, -1));
      setIndex((i) => Math.max(0, Math.min(i, r.data.data.length - 1)));
      setPage({ state: 'ok', data: r.data });
    });
    return () => { live = false; };
  }, [cursor, gen]);

  const rows = page.data?.data || [];
  const current = rows[index];
  useEffect(() => {
    if (!current) return setDetail({ state: 'idle' });
    let live = true;
    setDetail({ state: 'loading' });
    get(`/admin/api/reconciliation/${current.id}`).then((r) => live && setDetail(r.ok ? { state: 'ok', doc: r.data } : { state: 'failed', r }));
    return () => { live = false; };
  }, [current?.id, gen]);

  useEffect(() => {
    document.querySelector(`[data-testid="queue"] tr[data-id="${current?.id}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [current?.id]);

  const doc = detail.state === 'ok' && detail.doc.id === current?.id ? detail.doc : null;
  const best = doc?.candidates.find((c) => c.invoice?.payable);
  const open = (kind, cand) => {
    if (!canWrite || !doc || doc.status !== 'reconciliation') return;
    if (kind === 'match' && !(cand || best)) return;
    if (kind === 'split' && !doc.candidates.some((c) => c.invoice?.payable)) return;
    setNotice(null);
    setDialog({ kind, cand: cand || best });
  };
  const done = (message) => {
    setDialog(null);
    setNotice(message);
    setGen((g) => g + 1);  // reload this page; the index stays, so the next payment is selected
  };
  const move = (d) => {
    const next = index + d;
    if (next >= 0 && next < rows.length) return setIndex(next);
    if (d > 0 && page.data?.next_cursor) {
      setIndex(0);
      setCursors([...cursors, page.data.next_cursor]);
    } else if (d < 0 && cursors.length > 1) {
      setIndex(PAGE - 1);
      setCursors(cursors.slice(0, -1));
    }
  };
  useHotkeys({
    j: () => move(1), k: () => move(-1), ArrowDown: () => move(1), ArrowUp: () => move(-1),
    m: () => open('match'), Enter: () => open('match'), s: () => open('split'), u: () => open('unrelated'),
    r: () => open('return'), '?': () => setDialog({ kind: 'keys' }),
  }, [index, rows, doc, canWrite, cursors, page]);

  return html`
    <div class="recon">
      <div class="screen-head">
        <h1>${t(lang, 'title')}</h1>
        <button type="button" class="button secondary small-button" onClick=${() => setDialog({ kind: 'keys' })}
          aria-keyshortcuts="?">${t(lang, 'keys')} <kbd>?</kbd></button>
      </div>
      ${canWrite ? html`<${UploadCard} lang=${lang} onDone=${() => setGen((g) => g + 1)} />`
        : html`<p class="note" data-testid="read-only">${t(lang, 'read_only')}</p>`}
      <div role="status" aria-live="polite" class="recon-notice">${notice ? html`<p class="note ok" data-testid="notice">${notice}</p>` : null}</div>
      <div class="recon-grid">
        <section aria-labelledby="queue-h" class="recon-queue">
          <h2 id="queue-h">${t(lang, 'queue_h')} ${page.data ? html`<span class="muted small" data-testid="queue-total">${t(lang, 'queue_total', { n: page.data.total })}</span>` : null}</h2>
          ${page.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, page.r)} onRetry=${() => setGen((g) => g + 1)} />` : null}
          ${page.state === 'loading' && !rows.length ? html`<${Loading} lang=${lang} />` : null}
          ${page.state === 'ok' && !rows.length ? html`<p class="muted" data-testid="queue-empty">${t(lang, 'queue_empty')}</p>` : null}
          ${rows.length ? html`
          <div class="table-wrap" data-testid="queue">
            <table class="data">
              <caption class="sr-only">${t(lang, 'queue_h')}</caption>
              <thead><tr><th scope="col">${t(lang, 'col_date')}</th><th scope="col">${t(lang, 'col_payer')}</th>
                <th scope="col">${t(lang, 'col_purpose')}</th><th scope="col" class="num">${t(lang, 'col_amount')}</th></tr></thead>
              <tbody aria-busy=${page.state === 'loading' ? 'true' : 'false'}>
                ${rows.map((row, i) => html`
                  <tr key=${row.id} data-id=${row.id} class=${`clickable ${i === index ? 'selected' : ''}`}
                    aria-selected=${i === index ? 'true' : 'false'} onClick=${() => setIndex(i)}>
                    <td>${row.date}</td>
                    <td>${row.payer.name}<div class="small muted">${t(lang, 'inn')} ${row.payer.inn || '—'}</div></td>
                    <td class="recon-purpose">${row.purpose}</td>
                    <td class="num"><${Money} amount=${row.amount} currency=${row.currency} lang=${lang} /></td>
                  </tr>`)}
              </tbody>
            </table>
            <nav class="pager" aria-label=${t(lang, 'queue_h')}>
              <button type="button" class="button secondary" disabled=${cursors.length < 2}
                onClick=${() => { setIndex(0); setCursors(cursors.slice(0, -1)); }}>${t(lang, 'prev_page')}</button>
              <button type="button" class="button secondary" data-testid="queue-next" disabled=${!page.data?.next_cursor}
                onClick=${() => { setIndex(0); setCursors([...cursors, page.data.next_cursor]); }}>${t(lang, 'next_page')}</button>
            </nav>
          </div>` : null}
        </section>
        <section aria-labelledby="payment-h" class="recon-detail card" data-testid="payment">
          ${!current ? null : detail.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, detail.r)} />`
            : !doc ? html`<${Loading} lang=${lang} />` : html`
            <h2 id="payment-h">${t(lang, 'payment_h', { number: doc.number, date: doc.date })}</h2>
            <p class="recon-amount"><${Money} amount=${doc.amount} currency=${doc.currency} lang=${lang} /></p>
            <dl class="facts">
              <dt>${t(lang, 'payer')}</dt><dd>${doc.payer.name}</dd>
              <dt>${t(lang, 'inn')}</dt><dd>${doc.payer.inn || '—'}</dd>
              <dt>${t(lang, 'account')}</dt><dd>${doc.payer.account}</dd>
              <dt>${t(lang, 'purpose')}</dt><dd data-testid="purpose">${doc.purpose}</dd>
            </dl>
            <h3>${t(lang, 'candidates_h')}</h3>
            <${Candidates} lang=${lang} doc=${doc} canWrite=${canWrite} onMatch=${(c) => open('match', c)} />
            ${canWrite ? html`
            <div class="actions recon-actions">
              <button type="button" class="button" data-testid="action-match" disabled=${!best} aria-keyshortcuts="m Enter"
                onClick=${() => open('match')}>${t(lang, 'match')} <kbd>m</kbd></button>
              <button type="button" class="button secondary" data-testid="action-split" aria-keyshortcuts="s"
                disabled=${!best} onClick=${() => open('split')}>${t(lang, 'split')} <kbd>s</kbd></button>
              <button type="button" class="button secondary" data-testid="action-unrelated" aria-keyshortcuts="u"
                onClick=${() => open('unrelated')}>${t(lang, 'unrelated')} <kbd>u</kbd></button>
              <button type="button" class="button secondary" data-testid="action-return" aria-keyshortcuts="r"
                onClick=${() => open('return')}>${t(lang, 'ret')} <kbd>r</kbd></button>
            </div>` : null}`}
        </section>
      </div>
      ${dialog?.kind === 'match' && doc ? html`<${MatchDialog} lang=${lang} doc=${doc} cand=${dialog.cand} onDone=${done} onCancel=${() => setDialog(null)} />` : null}
      ${dialog?.kind === 'split' && doc ? html`<${SplitDialog} lang=${lang} doc=${doc} onDone=${done} onCancel=${() => setDialog(null)} />` : null}
      ${(dialog?.kind === 'unrelated' || dialog?.kind === 'return') && doc
        ? html`<${TextActionDialog} lang=${lang} doc=${doc} kind=${dialog.kind} onDone=${done} onCancel=${() => setDialog(null)} />` : null}
      ${dialog?.kind === 'keys' ? html`<${KeysDialog} lang=${lang} onClose=${() => setDialog(null)} />` : null}
    </div>`;
}
