// Payouts and payment orders: the day's payouts to airlines (filter by day, status, airline),
// export the waiting payment orders as a 1C or CSV file, mark an export sent to the bank, mark a
// payout failed; the settlement report of an airline for a period as a chart (uPlot) with the
// table beside it.
import { useEffect, useMemo, useRef, useState } from '../../vendor/hooks.module.js';
import uPlot from '../../vendor/uplot.module.js';
import { get, send, newKey, queryString } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { Badge, ConfirmDialog, DataTable, Failure, Loading, Money, failureText, html, useLoad } from '../lib/ui.js';

const t = makeT({
  ru: {
    title: 'Выплаты и платёжные поручения', payouts_h: 'Выплаты авиакомпаниям', day: 'День', all_airlines: 'Все авиакомпании',
    s_created: 'создана', s_exported: 'выгружена', s_sent: 'отправлена', s_confirmed: 'подтверждена', s_failed: 'не прошла',
    col_day: 'Опердень', col_airline: 'Авиакомпания', col_payments: 'Оплаты', col_refunds: 'Возвраты', col_fees: 'Комиссия',
    col_net: 'К выплате', col_order: 'Поручение',
    export_h: 'Платёжные поручения', export_hint: 'Все ожидающие выплаты, возвраты переводом и возвраты плательщикам попадут в один файл.',
    export: 'Выгрузить поручения', exporting: 'Выгружаем…', exported: 'Выгружено поручений: {n}.', download_1c: 'Файл для 1С',
    download_csv: 'CSV', mark_sent: 'Отметить отправленной в банк', sent_h: 'Выгрузка отправлена в банк?',
    sent_effect: 'Поручения выгрузки ({n}) станут отправленными; выплаты подтвердятся, когда банк спишет их по выписке.',
    sent_done: 'Выгрузка отмечена отправленной.', skipped: 'Не выгружено (нужно исправить): {n}',
    fail: 'Не прошла', fail_h: 'Выплата не прошла', reason: 'Причина', fail_default: 'Банк отклонил платёжное поручение',
    fail_effect: 'Выплата {net} авиакомпании {airline} станет непрошедшей; деньги вернутся к выплате, обращение откроется в поддержке.',
    fail_done: 'Выплата отмечена непрошедшей.', e_reason: 'Укажите причину.',
    report_h: 'Отчёт о расчётах', show: 'Показать', chart_caption: 'К выплате по дням, {airline}, {from} — {to}',
    pick_airline: 'Выберите авиакомпанию и период.', totals: 'Итого', payouts_n: 'выплат: {n}', no_payouts: 'За период выплат нет.',
    download_report: 'Скачать CSV',
  },
  en: {
    title: 'Payouts and payment orders', payouts_h: 'Payouts to airlines', day: 'Day', all_airlines: 'All airlines',
    s_created: 'created', s_exported: 'exported', s_sent: 'sent', s_confirmed: 'confirmed', s_failed: 'failed',
    col_day: 'Business day', col_airline: 'Airline', col_payments: 'Payments', col_refunds: 'Refunds', col_fees: 'Fees',
    col_net: 'Net', col_order: 'Order',
    export_h: 'Payment orders', export_hint: 'Every waiting payout, refund by transfer and return to a payer goes into one file.',
    export: 'Export payment orders', exporting: 'Exporting…', exported: '{n} payment orders exported.', download_1c: '1C file',
    download_csv: 'CSV', mark_sent: 'Mark sent to the bank', sent_h: 'Was the export sent to the bank?',
    sent_effect: 'The export’s {n} orders become sent; the payouts are confirmed when the bank statement shows them leaving.',
    sent_done: 'Export marked sent.', skipped: 'Not exported (to be fixed): {n}',
    fail: 'Failed', fail_h: 'The payout failed', reason: 'Reason', fail_default: 'The bank rejected the payment order',
    fail_effect: 'The payout of {net} to {airline} becomes failed; the money waits for a payout again and a support case opens.',
    fail_done: 'Payout marked failed.', e_reason: 'Give a reason.',
    report_h: 'Settlement report', show: 'Show', chart_caption: 'Net paid out per day, {airline}, {from} to {to}',
    pick_airline: 'Choose an airline and a period.', totals: 'Total', payouts_n: '{n} payouts', no_payouts: 'No payouts in the period.',
    download_report: 'Download CSV',
  },
});

const STATUSES = ['created', 'exported', 'sent', 'confirmed', 'failed'];

// uPlot's stylesheet, once, from the vendored copy (no inline styles under the CSP).
function useUplotCss() {
  useEffect(() => {
    if (document.querySelector('link[data-uplot]')) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = '/assets/vendor/uplot.min.css';
    link.dataset.uplot = '1';
    document.head.append(link);
  }, []);
}

function ExportCard({ lang, canWrite, onChange, exp, setExp }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(null);
  const key = useRef(newKey());
  const run = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await send('POST', '/v1/payment-orders/exports', {}, { key: key.current });
    setBusy(false);
    key.current = newKey();
    if (!r.ok) return setError(failureText(lang, r));
    setExp(r.data);
    onChange();
  };
  const markSent = async () => {
    setBusy(true);
    const r = await send('POST', `/v1/payment-orders/exports/${exp.id}/sent`, {}, { key: `sent-${exp.id}` });
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setConfirming(false);
    setExp(r.data);
    setDone(t(lang, 'sent_done'));
    onChange();
  };
  return html`
    <section class="card" aria-labelledby="export-h" data-testid="export-card">
      <h2 id="export-h">${t(lang, 'export_h')}</h2>
      <p class="small muted">${t(lang, 'export_hint')}</p>
      ${canWrite ? html`<button type="button" class="button" data-testid="export" disabled=${busy} onClick=${run}>
        ${busy && !confirming ? t(lang, 'exporting') : t(lang, 'export')}</button>` : null}
      <div role="status" aria-live="polite">
        ${exp ? html`<div class="payout-export" data-testid="export-result">
          <p class="note ok">${t(lang, 'exported', { n: exp.count })}</p>
          ${exp.skipped?.length ? html`<p class="note">${t(lang, 'skipped', { n: exp.skipped.length })}</p>` : null}
          <ul class="payout-orders">${(exp.orders || []).map((o) => html`<li key=${o.id}>№ ${o.number} · ${o.payee?.name} ·
            <${Money} amount=${o.amount} currency=${o.currency} lang=${lang} /></li>`)}</ul>
          <p class="actions">
            <a class="button secondary" href=${exp.files['1c']} download data-testid="download-1c">${t(lang, 'download_1c')}</a>
            <a class="button secondary" href=${exp.files.csv} download data-testid="download-csv">${t(lang, 'download_csv')}</a>
            ${canWrite && !exp.sent_at ? html`<button type="button" class="button" data-testid="mark-sent"
              onClick=${() => setConfirming(true)}>${t(lang, 'mark_sent')}</button>` : null}
            ${exp.sent_at ? html`<${Badge} status="sent" label=${t(lang, 's_sent')} />` : null}
          </p>
        </div>` : null}
        ${done ? html`<p class="note ok" data-testid="export-notice">${done}</p>` : null}
      </div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      ${confirming ? html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'sent_h')} confirmLabel=${t(lang, 'mark_sent')} busy=${busy}
        error=${error} onConfirm=${markSent} onCancel=${() => setConfirming(false)} testid="sent-dialog">
        <p data-testid="effect">${t(lang, 'sent_effect', { n: exp.count })}</p><//>` : null}
    </section>`;
}

function FailDialog({ lang, payout, airline, onDone, onCancel }) {
  const [reason, setReason] = useState(t(lang, 'fail_default'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const key = useRef(newKey());
  const confirm = async () => {
    if (!reason.trim()) return setError(t(lang, 'e_reason'));
    setBusy(true);
    const r = await send('POST', `/v1/payouts/${payout.id}/failed`, { reason: reason.trim() }, { key: key.current });
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    onDone();
  };
  return html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'fail_h')} confirmLabel=${t(lang, 'fail')} busy=${busy} error=${error}
    onConfirm=${confirm} onCancel=${onCancel} testid="fail-dialog">
    <p data-testid="effect">${t(lang, 'fail_effect', { net: `${payout.net} ${payout.currency}`, airline })}</p>
    <div class="field"><label for="fail-reason">${t(lang, 'reason')}</label>
      <input id="fail-reason" value=${reason} maxlength="500" onInput=${(e) => setReason(e.currentTarget.value)} /></div>
  <//>`;
}

function Chart({ lang, report }) {
  const box = useRef(null);
  const currency = report.totals[0]?.currency || 'RUB';
  const points = useMemo(() => {
    const byDay = new Map();
    for (const p of report.payouts) {
      if (p.currency !== currency) continue;
      byDay.set(p.business_day, (byDay.get(p.business_day) || 0) + Number(p.net));
    }
    return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  }, [report]);
  useEffect(() => {
    if (!box.current || !points.length) return undefined;
    // Display only: the figures themselves are in the table, exact.
    const xs = points.map(([d]) => Date.parse(`${d}T12:00:00Z`) / 1000);
    const ys = points.map(([, v]) => v);
    const width = Math.max(280, Math.min(640, box.current.clientWidth || 560));
    const plot = new uPlot({
      width, height: 240, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
      legend: { show: false }, cursor: { show: true, points: { show: false } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [Math.min(0, min), Math.max(0, max) * 1.1 || 1] } },
      axes: [{}, { size: 80, values: (u, vals) => vals.map((v) => new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { notation: 'compact' }).format(v)) }],
      series: [{}, { label: currency, stroke: '#1d5fa8', fill: 'rgba(29,95,168,0.35)', paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false } }],
    }, [xs, ys], box.current);
    return () => plot.destroy();
  }, [points, lang]);
  if (!points.length) return null;
  return html`<figure class="payout-chart" data-testid="report-chart">
    <div ref=${box} aria-hidden="true"></div>
    <figcaption class="small muted">${t(lang, 'chart_caption', { airline: report.merchant_name, from: report.from, to: report.to })}</figcaption>
  </figure>`;
}

function Report({ lang, merchants, initial }) {
  const [form, setForm] = useState(initial);
  const [shown, setShown] = useState(null);
  useEffect(() => {
    if (!shown && initial.merchant_id && initial.from && initial.to) {
      setForm(initial);
      setShown(initial);
    }
  }, [initial.merchant_id, initial.from, initial.to]);
  const report = useLoad(() => (shown ? get('/v1/settlement-report', shown) : Promise.resolve({ ok: true, data: null })), [JSON.stringify(shown)]);
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const r = report.data;
  return html`
    <section class="card" aria-labelledby="report-h" data-testid="report">
      <h2 id="report-h">${t(lang, 'report_h')}</h2>
      <form class="filters" onSubmit=${(e) => { e.preventDefault(); setShown({ ...form }); }}>
        <label>${t(lang, 'airline')}<select value=${form.merchant_id} onChange=${set('merchant_id')} data-testid="report-airline">
          <option value="">—</option>${merchants.map((m) => html`<option value=${m.id}>${m.name}</option>`)}</select></label>
        <label>${t(lang, 'from')}<input type="date" value=${form.from} onInput=${set('from')} data-testid="report-from" /></label>
        <label>${t(lang, 'to')}<input type="date" value=${form.to} onInput=${set('to')} data-testid="report-to" /></label>
        <button type="submit" class="button secondary" disabled=${!form.merchant_id || !form.from || !form.to}>${t(lang, 'show')}</button>
      </form>
      ${!shown ? html`<p class="muted">${t(lang, 'pick_airline')}</p>`
        : report.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, report.r)} onRetry=${report.reload} />`
        : !r ? html`<${Loading} lang=${lang} />` : html`
        <div class="payout-report">
          ${r.payouts.length ? html`<${Chart} lang=${lang} report=${r} />` : html`<p class="muted">${t(lang, 'no_payouts')}</p>`}
          <div class="table-wrap">
            <table class="data" data-testid="report-table">
              <caption class="sr-only">${t(lang, 'report_h')}: ${r.merchant_name}, ${r.from} — ${r.to}</caption>
              <thead><tr><th scope="col">${t(lang, 'col_day')}</th><th scope="col" class="num">${t(lang, 'col_payments')}</th>
                <th scope="col" class="num">${t(lang, 'col_refunds')}</th><th scope="col" class="num">${t(lang, 'col_fees')}</th>
                <th scope="col" class="num">${t(lang, 'col_net')}</th><th scope="col">${t(lang, 'status')}</th></tr></thead>
              <tbody>${r.payouts.map((p) => html`<tr key=${p.id}><td>${p.business_day}</td>
                <td class="num"><${Money} amount=${p.payments} currency=${p.currency} lang=${lang} /></td>
                <td class="num"><${Money} amount=${p.refunds} currency=${p.currency} lang=${lang} /></td>
                <td class="num"><${Money} amount=${p.fees} currency=${p.currency} lang=${lang} /></td>
                <td class="num"><${Money} amount=${p.net} currency=${p.currency} lang=${lang} /></td>
                <td><${Badge} status=${p.status} label=${t(lang, `s_${p.status}`)} /></td></tr>`)}</tbody>
              <tfoot>${r.totals.map((x) => html`<tr key=${x.currency}><th scope="row">${t(lang, 'totals')} (${t(lang, 'payouts_n', { n: x.payouts })})</th>
                <td class="num"><${Money} amount=${x.payments} currency=${x.currency} lang=${lang} /></td>
                <td class="num"><${Money} amount=${x.refunds} currency=${x.currency} lang=${lang} /></td>
                <td class="num"><${Money} amount=${x.fees} currency=${x.currency} lang=${lang} /></td>
                <td class="num" data-testid="report-net"><${Money} amount=${x.net} currency=${x.currency} lang=${lang} /></td><td></td></tr>`)}</tfoot>
            </table>
            <nav class="pager"><a class="button secondary" download data-testid="report-csv"
              href=${`/v1/settlement-report${queryString({ ...shown, format: 'csv' })}`}>${t(lang, 'download_report')}</a></nav>
          </div>
        </div>`}
    </section>`;
}

export default function Payouts({ lang, me, query, go }) {
  useUplotCss();
  const permissions = me.staff.permissions || [];
  const canWrite = permissions.includes('payouts.write');
  const merchants = useLoad(() => (permissions.includes('merchants.read') ? get('/admin/api/merchants') : Promise.resolve({ ok: true, data: { data: [] } })), []);
  const list = merchants.data?.data || [];
  const nameOf = (id) => list.find((m) => m.id === id)?.name || id.slice(0, 8);
  const filters = { business_day: query.day || '', status: query.status || '', merchant_id: query.airline || '' };
  const [gen, setGen] = useState(0);
  const [failing, setFailing] = useState(null);
  const [exp, setExp] = useState(null);
  const [notice, setNotice] = useState(null);
  const [span, setSpan] = useState({ merchant_id: '', from: '', to: '' });
  const setFilter = (k, v) => go('payouts', { day: query.day, status: query.status, airline: query.airline, [k]: v });
  const load = async (p) => {
    const r = await get('/v1/payouts', { status: p.status, merchant_id: p.merchant_id, from: p.business_day, to: p.business_day, limit: p.limit, cursor: p.cursor });
    // The report starts on the airline and the days of the newest payouts shown.
    if (r.ok && r.data.data.length && !span.merchant_id) {
      const days = r.data.data.map((x) => x.business_day).sort();
      setSpan({ merchant_id: p.merchant_id || r.data.data[0].merchant_id, from: days[0], to: days[days.length - 1] });
    }
    return r;
  };
  const openExport = async (id) => {
    const r = await get(`/v1/payment-orders/exports/${id}`);
    if (r.ok) setExp(r.data);
  };
  const columns = [
    { key: 'business_day', label: t(lang, 'col_day') },
    { key: 'merchant_id', label: t(lang, 'col_airline'), render: (p) => nameOf(p.merchant_id) },
    { key: 'payments', label: t(lang, 'col_payments'), num: true, render: (p) => html`<${Money} amount=${p.payments} currency=${p.currency} lang=${lang} />` },
    { key: 'refunds', label: t(lang, 'col_refunds'), num: true, render: (p) => html`<${Money} amount=${p.refunds} currency=${p.currency} lang=${lang} />` },
    { key: 'fees', label: t(lang, 'col_fees'), num: true, render: (p) => html`<${Money} amount=${p.fees} currency=${p.currency} lang=${lang} />` },
    { key: 'net', label: t(lang, 'col_net'), num: true, render: (p) => html`<${Money} amount=${p.net} currency=${p.currency} lang=${lang} />` },
    { key: 'status', label: t(lang, 'status'), render: (p) => html`<${Badge} status=${p.status} label=${t(lang, `s_${p.status}`)} />` },
    { key: 'order_number', label: t(lang, 'col_order'), render: (p) => (p.export_id
      ? html`<button type="button" class="button secondary small-button" onClick=${() => openExport(p.export_id)}>№ ${p.order_number || '—'}</button>`
      : html`<span class="muted">—</span>`) },
    ...(canWrite ? [{ key: 'actions', label: t(lang, 'actions'), render: (p) => (['exported', 'sent'].includes(p.status)
      ? html`<button type="button" class="button secondary small-button" data-testid="payout-fail" onClick=${() => setFailing(p)}>${t(lang, 'fail')}</button>` : null) }] : []),
  ];
  return html`
    <div class="payouts">
      <h1>${t(lang, 'title')}</h1>
      <${ExportCard} lang=${lang} canWrite=${canWrite} exp=${exp} setExp=${setExp} onChange=${() => setGen((g) => g + 1)} />
      <section aria-labelledby="payouts-h">
        <h2 id="payouts-h">${t(lang, 'payouts_h')}</h2>
        <form class="filters" onSubmit=${(e) => e.preventDefault()}>
          <label>${t(lang, 'day')}<input type="date" value=${filters.business_day} data-testid="filter-day"
            onChange=${(e) => setFilter('day', e.currentTarget.value)} /></label>
          <label>${t(lang, 'status')}<select value=${filters.status} onChange=${(e) => setFilter('status', e.currentTarget.value)}>
            <option value="">${t(lang, 'all')}</option>${STATUSES.map((s) => html`<option value=${s}>${t(lang, `s_${s}`)}</option>`)}</select></label>
          <label>${t(lang, 'airline')}<select value=${filters.merchant_id} onChange=${(e) => setFilter('airline', e.currentTarget.value)}>
            <option value="">${t(lang, 'all_airlines')}</option>${list.map((m) => html`<option value=${m.id}>${m.name}</option>`)}</select></label>
        </form>
        <div role="status" aria-live="polite">${notice ? html`<p class="note ok">${notice}</p>` : null}</div>
        <${DataTable} key=${gen} lang=${lang} caption=${t(lang, 'payouts_h')} columns=${columns} load=${load} filters=${filters} testid="payouts" />
      </section>
      <${Report} lang=${lang} merchants=${list} initial=${span} />
      ${failing ? html`<${FailDialog} lang=${lang} payout=${failing} airline=${nameOf(failing.merchant_id)}
        onCancel=${() => setFailing(null)} onDone=${() => { setFailing(null); setNotice(t(lang, 'fail_done')); setGen((g) => g + 1); }} />` : null}
    </div>`;
}
