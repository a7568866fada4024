// A client's money: its credit lines (limit, deferral, approval; used and available), its deposit
// (top up with an amount, the reference a transfer may name) and the history of its ledger
// accounts, newest first. Changing anything takes clients.write and shows the effect first.
import { useRef, useState } from '../../vendor/hooks.module.js';
import { get, send, newKey } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { fromMinor, scaleOf, toMinor } from '../lib/money.js';
import { ConfirmDialog, Failure, Loading, Money, When, failureText, html, useLoad } from '../lib/ui.js';

const t = makeT({
  ru: {
    back: '← Все клиенты', inn: 'ИНН', kpp: 'КПП', airlines: 'Авиакомпании', dep_ref: 'Код пополнения депозита',
    dep_ref_hint: 'Перевод с этим кодом в назначении пополнит депозит сам.',
    lines_h: 'Кредитные линии и депозиты', currency: 'Валюта', limit: 'Лимит', used: 'Использовано', available: 'Доступно',
    deferral: 'Отсрочка, дней', approved: 'Одобрена', deposit: 'Депозит', no_line: 'нет линии', no_money: 'Ни кредитной линии, ни депозита пока нет.',
    set_line_h: 'Кредитная линия', set_line: 'Сохранить линию', line_effect_new: 'У клиента {client} появится кредитная линия {limit} с отсрочкой {days} дн.{approved}',
    line_effect: 'Кредитная линия клиента {client} в {currency}: лимит {from} → {limit}, отсрочка {days} дн.{approved}',
    approved_yes: ', одобрена: бронирования можно гарантировать в пределах лимита.', approved_no: ', не одобрена: доступно 0.',
    line_done: 'Кредитная линия сохранена.',
    top_up_h: 'Пополнить депозит', amount: 'Сумма', top_up: 'Пополнить', top_up_effect: 'Депозит клиента {client} вырастет на {amount}: {from} → {to}. Проводка: банк шлюза — депозит клиента.',
    top_up_done: 'Депозит пополнен на {amount}.', e_amount: 'Сумма — положительное число с не более чем {exp} знаками после запятой.',
    e_limit: 'Лимит — неотрицательное число с не более чем {exp} знаками после запятой.', e_days: 'Отсрочка — целое число дней от 0 до 365.',
    e_currency: 'Код валюты из трёх латинских букв, например RUB.',
    history_h: 'История', col_when: 'Когда', col_what: 'Операция', col_account: 'Счёт', col_amount: 'Сумма', more: 'Ещё',
    a_deposit: 'депозит', a_receivable: 'дебиторская задолженность', a_credit_receivable: 'кредит', no_history: 'Операций ещё не было.',
    k_deposit_top_up: 'пополнение депозита',
  },
  en: {
    back: '← All clients', inn: 'INN', kpp: 'KPP', airlines: 'Airlines', dep_ref: 'Deposit reference',
    dep_ref_hint: 'A transfer naming this reference in its purpose tops up the deposit by itself.',
    lines_h: 'Credit lines and deposits', currency: 'Currency', limit: 'Limit', used: 'Used', available: 'Available',
    deferral: 'Deferral, days', approved: 'Approved', deposit: 'Deposit', no_line: 'no line', no_money: 'No credit line or deposit yet.',
    set_line_h: 'Credit line', set_line: 'Save the line', line_effect_new: '{client} gets a credit line of {limit} with {days} days of deferral{approved}',
    line_effect: 'Credit line of {client} in {currency}: limit {from} → {limit}, deferral {days} days{approved}',
    approved_yes: ', approved: bookings may be guaranteed up to the limit.', approved_no: ', not approved: 0 available.',
    line_done: 'Credit line saved.',
    top_up_h: 'Top up the deposit', amount: 'Amount', top_up: 'Top up', top_up_effect: 'The deposit of {client} grows by {amount}: {from} → {to}. Posting: gateway bank to the client’s deposit.',
    top_up_done: 'Deposit topped up by {amount}.', e_amount: 'The amount is a positive number with at most {exp} decimals.',
    e_limit: 'The limit is a number of zero or more with at most {exp} decimals.', e_days: 'Deferral is a whole number of days from 0 to 365.',
    e_currency: 'A three-letter currency code such as RUB.',
    history_h: 'History', col_when: 'When', col_what: 'Entry', col_account: 'Account', col_amount: 'Amount', more: 'More',
    a_deposit: 'deposit', a_receivable: 'receivable', a_credit_receivable: 'credit', no_history: 'No entries yet.',
    k_deposit_top_up: 'deposit top-up',
  },
});

const EXP = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3, JOD: 3 };
const exponentOf = (currency) => EXP[currency] ?? 2;

function fieldErrors(r) {
  const out = {};
  for (const e of r.problem?.errors || []) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
  return out;
}

function Field({ id, label, error, children }) {
  return html`<div class="form-field">
    <label for=${id}>${label}</label>${children}
    ${error ? html`<p class="field-error" id=${`${id}-error`}>${error}</p>` : null}
  </div>`;
}

function CreditLineForm({ lang, client, currencies, onSaved }) {
  const first = currencies.find((c) => c.credit_line) || currencies[0];
  const [currency, setCurrency] = useState(first?.currency || 'RUB');
  const line = currencies.find((c) => c.currency === currency)?.credit_line;
  const [limit, setLimit] = useState(line?.limit || '');
  const [days, setDays] = useState(String(line?.deferral_days ?? 30));
  const [approved, setApproved] = useState(line?.approved ?? true);
  const [errors, setErrors] = useState({});
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const [done, setDone] = useState(null);
  const exp = exponentOf(currency);
  const check = (e) => {
    e.preventDefault();
    setDone(null);
    const errs = {};
    if (!/^[A-Z]{3}$/.test(currency)) errs.currency = t(lang, 'e_currency');
    const m = toMinor(limit, exp);
    if (m == null || m < 0) errs.limit = t(lang, 'e_limit', { exp });
    if (!/^\d{1,3}$/.test(days) || Number(days) > 365) errs.deferral_days = t(lang, 'e_days');
    setErrors(errs);
    if (!Object.keys(errs).length) setConfirm(true);
  };
  const save = async () => {
    setBusy(true);
    setFailure(null);
    const amount = fromMinor(toMinor(limit, exp), exp);
    const r = await send('PUT', `/admin/api/clients/${client.id}/credit-lines/${currency}`,
      { limit: amount, deferral_days: Number(days), approved });
    setBusy(false);
    setConfirm(false);
    if (r.ok) {
      setLimit(r.data.credit_line.limit);
      setDone(t(lang, 'line_done'));
      return onSaved();
    }
    if (r.status === 422) setErrors(fieldErrors(r));
    else setFailure(failureText(lang, r));
  };
  const limitText = `${limit} ${currency}`;
  const effect = line
    ? t(lang, 'line_effect', { client: client.name, currency, from: `${line.limit} ${currency}`, limit: limitText, days, approved: t(lang, approved ? 'approved_yes' : 'approved_no') })
    : t(lang, 'line_effect_new', { client: client.name, limit: limitText, days, approved: t(lang, approved ? 'approved_yes' : 'approved_no') });
  return html`
    <section class="card" aria-labelledby="line-h" data-testid="credit-line-form">
      <h2 id="line-h">${t(lang, 'set_line_h')}</h2>
      <form onSubmit=${check} novalidate>
        <div class="grid-2">
          <${Field} id="line-currency" label=${t(lang, 'currency')} error=${errors.currency}>
            <input id="line-currency" value=${currency} maxlength="3" autocomplete="off"
              onInput=${(e) => setCurrency(e.currentTarget.value.toUpperCase())} aria-invalid=${errors.currency ? 'true' : 'false'} /><//>
          <${Field} id="line-limit" label=${t(lang, 'limit')} error=${errors.limit}>
            <input id="line-limit" inputmode="decimal" value=${limit} data-testid="line-limit" autocomplete="off"
              onInput=${(e) => setLimit(e.currentTarget.value)} aria-invalid=${errors.limit ? 'true' : 'false'}
              aria-describedby=${errors.limit ? 'line-limit-error' : undefined} /><//>
          <${Field} id="line-days" label=${t(lang, 'deferral')} error=${errors.deferral_days}>
            <input id="line-days" inputmode="numeric" value=${days} data-testid="line-days" autocomplete="off"
              onInput=${(e) => setDays(e.currentTarget.value.trim())} aria-invalid=${errors.deferral_days ? 'true' : 'false'}
              aria-describedby=${errors.deferral_days ? 'line-days-error' : undefined} /><//>
        </div>
        <label class="check"><input type="checkbox" checked=${approved} data-testid="line-approved"
          onChange=${(e) => setApproved(e.currentTarget.checked)} /> ${t(lang, 'approved')}</label>
        <div role="status" aria-live="polite">${done ? html`<p class="note ok" data-testid="line-done">${done}</p>` : null}</div>
        ${failure ? html`<p class="error" role="alert">${failure}</p>` : null}
        <button type="submit" class="button" data-testid="line-save">${t(lang, 'set_line')}</button>
      </form>
      ${confirm ? html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'set_line_h')} confirmLabel=${t(lang, 'set_line')} busy=${busy}
        onConfirm=${save} onCancel=${() => setConfirm(false)} testid="line-dialog"><p data-testid="effect">${effect}</p><//>` : null}
    </section>`;
}

function TopUpForm({ lang, client, currencies, onSaved }) {
  const [currency, setCurrency] = useState(currencies[0]?.currency || 'RUB');
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState({});
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);
  const [done, setDone] = useState(null);
  const key = useRef(newKey());
  const exp = exponentOf(currency);
  const balance = currencies.find((c) => c.currency === currency)?.deposit || fromMinor(0, exp);
  const check = (e) => {
    e.preventDefault();
    setDone(null);
    const errs = {};
    if (!/^[A-Z]{3}$/.test(currency)) errs.currency = t(lang, 'e_currency');
    const m = toMinor(amount, exp);
    if (m == null || m <= 0) errs.amount = t(lang, 'e_amount', { exp });
    setErrors(errs);
    if (!Object.keys(errs).length) setConfirm(true);
  };
  const minor = toMinor(amount, exp) || 0;
  const text = fromMinor(minor, exp);
  const save = async () => {
    setBusy(true);
    setFailure(null);
    // One key per intended top-up: a retry after a lost answer does not add the money twice.
    const r = await send('POST', `/admin/api/clients/${client.id}/deposits`, { currency, amount: text }, { key: key.current });
    setBusy(false);
    setConfirm(false);
    if (r.ok) {
      key.current = newKey();
      setAmount('');
      setDone(t(lang, 'top_up_done', { amount: `${r.data.amount} ${currency}` }));
      return onSaved();
    }
    if (r.status === 422) setErrors(fieldErrors(r));
    else setFailure(failureText(lang, r));
  };
  const b = toMinor(balance, scaleOf(balance)) || 0;
  const effect = t(lang, 'top_up_effect', { client: client.name, amount: `${text} ${currency}`, from: `${balance} ${currency}`, to: `${fromMinor(b + minor, exp)} ${currency}` });
  return html`
    <section class="card" aria-labelledby="topup-h" data-testid="top-up-form">
      <h2 id="topup-h">${t(lang, 'top_up_h')}</h2>
      <form onSubmit=${check} novalidate>
        <div class="grid-2">
          <${Field} id="topup-currency" label=${t(lang, 'currency')} error=${errors.currency}>
            <input id="topup-currency" value=${currency} maxlength="3" autocomplete="off"
              onInput=${(e) => { setCurrency(e.currentTarget.value.toUpperCase()); key.current = newKey(); }} /><//>
          <${Field} id="topup-amount" label=${t(lang, 'amount')} error=${errors.amount}>
            <input id="topup-amount" inputmode="decimal" value=${amount} data-testid="top-up-amount" autocomplete="off"
              onInput=${(e) => { setAmount(e.currentTarget.value); key.current = newKey(); }} aria-invalid=${errors.amount ? 'true' : 'false'}
              aria-describedby=${errors.amount ? 'topup-amount-error' : undefined} /><//>
        </div>
        <div role="status" aria-live="polite">${done ? html`<p class="note ok" data-testid="top-up-done">${done}</p>` : null}</div>
        ${failure ? html`<p class="error" role="alert">${failure}</p>` : null}
        <button type="submit" class="button" data-testid="top-up">${t(lang, 'top_up')}</button>
      </form>
      ${confirm ? html`<${ConfirmDialog} lang=${lang} title=${t(lang, 'top_up_h')} confirmLabel=${t(lang, 'top_up')} busy=${busy}
        onConfirm=${save} onCancel=${() => setConfirm(false)} testid="top-up-dialog"><p data-testid="effect">${effect}</p><//>` : null}
    </section>`;
}

function History({ lang, id, first, next: firstNext }) {
  const [more, setMore] = useState([]);
  const [next, setNext] = useState(firstNext);
  const [busy, setBusy] = useState(false);
  const rows = [...first, ...more];
  const loadMore = async () => {
    setBusy(true);
    const r = await get(`/admin/api/clients/${id}`, { history_before: next });
    setBusy(false);
    if (!r.ok) return;
    setMore([...more, ...r.data.history]);
    setNext(r.data.history_next);
  };
  return html`
    <section aria-labelledby="history-h">
      <h2 id="history-h">${t(lang, 'history_h')}</h2>
      ${!rows.length ? html`<p class="muted">${t(lang, 'no_history')}</p>` : html`
      <div class="table-wrap">
        <table class="data" data-testid="history">
          <caption class="sr-only">${t(lang, 'history_h')}</caption>
          <thead><tr><th scope="col">${t(lang, 'col_when')}</th><th scope="col">${t(lang, 'col_what')}</th>
            <th scope="col">${t(lang, 'col_account')}</th><th scope="col" class="num">${t(lang, 'col_amount')}</th></tr></thead>
          <tbody>${rows.map((h, i) => html`<tr key=${`${h.entry_id}-${i}`}>
            <td><${When} at=${h.at} lang=${lang} /></td>
            <td>${t(lang, `k_${h.kind.replace(/\./g, '_')}`) === `k_${h.kind.replace(/\./g, '_')}` ? h.kind : t(lang, `k_${h.kind.replace(/\./g, '_')}`)}
              ${h.memo ? html`<div class="small muted">${h.memo}</div>` : null}</td>
            <td>${t(lang, `a_${h.account}`)}</td>
            <td class="num"><${Money} amount=${h.amount} currency=${h.currency} lang=${lang} /></td></tr>`)}</tbody>
        </table>
        ${next ? html`<nav class="pager"><button type="button" class="button secondary" disabled=${busy} onClick=${loadMore}>${t(lang, 'more')}</button></nav>` : null}
      </div>`}
    </section>`;
}

export default function Client({ lang, me, params }) {
  const id = params[0];
  const canWrite = (me.staff.permissions || []).includes('clients.write');
  const r = useLoad(() => get(`/admin/api/clients/${id}`), [id]);
  if (r.state === 'failed') return html`<${Failure} lang=${lang} text=${failureText(lang, r.r)} onRetry=${r.reload} />`;
  if (!r.data) return html`<${Loading} lang=${lang} />`;
  const d = r.data;
  const c = d.client;
  return html`
    <div class="client-page">
      <p><a href="#/clients">${t(lang, 'back')}</a></p>
      <h1 data-testid="client-name">${c.name}</h1>
      <dl class="facts">
        <dt>${t(lang, 'inn')}</dt><dd>${c.inn}</dd>
        <dt>${t(lang, 'kpp')}</dt><dd>${c.kpp || '—'}</dd>
        <dt>${t(lang, 'airlines')}</dt><dd>${d.airlines.map((a) => a.name).join(', ') || '—'}</dd>
        <dt>${t(lang, 'dep_ref')}</dt><dd><code>${d.deposit_reference}</code> <span class="small muted">${t(lang, 'dep_ref_hint')}</span></dd>
      </dl>
      <section aria-labelledby="lines-h">
        <h2 id="lines-h">${t(lang, 'lines_h')}</h2>
        ${!d.currencies.length ? html`<p class="muted">${t(lang, 'no_money')}</p>` : html`
        <div class="table-wrap">
          <table class="data" data-testid="balances">
            <caption class="sr-only">${t(lang, 'lines_h')}</caption>
            <thead><tr><th scope="col">${t(lang, 'currency')}</th><th scope="col" class="num">${t(lang, 'limit')}</th>
              <th scope="col" class="num">${t(lang, 'used')}</th><th scope="col" class="num">${t(lang, 'available')}</th>
              <th scope="col" class="num">${t(lang, 'deferral')}</th><th scope="col">${t(lang, 'approved')}</th>
              <th scope="col" class="num">${t(lang, 'deposit')}</th></tr></thead>
            <tbody>${d.currencies.map((x) => { const l = x.credit_line; return html`<tr key=${x.currency} data-currency=${x.currency}>
              <th scope="row">${x.currency}</th>
              ${l ? html`<td class="num" data-testid="limit"><${Money} amount=${l.limit} currency=${x.currency} lang=${lang} /></td>
                <td class="num"><${Money} amount=${l.used} currency=${x.currency} lang=${lang} /></td>
                <td class="num" data-testid="available"><${Money} amount=${l.available} currency=${x.currency} lang=${lang} /></td>
                <td class="num">${l.deferral_days}</td><td>${l.approved ? t(lang, 'yes') : t(lang, 'no')}</td>`
                : html`<td colspan="5" class="muted">${t(lang, 'no_line')}</td>`}
              <td class="num" data-testid="deposit"><${Money} amount=${x.deposit} currency=${x.currency} lang=${lang} /></td></tr>`; })}</tbody>
          </table>
        </div>`}
      </section>
      ${canWrite ? html`<div class="grid-2 client-forms">
        <${CreditLineForm} lang=${lang} client=${c} currencies=${d.currencies} onSaved=${r.reload} />
        <${TopUpForm} lang=${lang} client=${c} currencies=${d.currencies} onSaved=${r.reload} />
      </div>` : null}
      <${History} key=${d.history[0]?.entry_id || 'none'} lang=${lang} id=${id} first=${d.history} next=${d.history_next} />
    </div>`;
}
