// Today: what needs a person now. Each queue with its count and first items, each item a link
// to where the work is done. Airline staff see only their airline's queues.
import { Badge, Failure, Loading, Money, When, failureText, html, useLoad } from '../lib/ui.js';
import { get } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { caseTypeLabel } from '../lib/labels.js';

const t = makeT({
  ru: {
    title: 'Сегодня', refresh: 'Обновить', all_clear: 'Ничего не ждёт — всё в порядке.', more: 'Ещё {n}',
    q_reconciliation: 'Сверка: платежи ждут разбора', q_support_cases: 'Открытые обращения',
    q_refunds_at_risk: 'Возвраты под угрозой срока', q_failed_payouts: 'Неудачные выплаты',
    q_webhook_endpoints: 'Вебхуки: сбои и отключения', q_expiring_bookings: 'Тайм-лимит через 2 часа, не оплачено',
    overdue: 'срок прошёл', failed_legs: 'неудачных частей: {n}', deadline: 'срок', tl: 'ТЛ',
    open_queue: 'Открыть очередь',
  },
  en: {
    title: 'Today', refresh: 'Refresh', all_clear: 'Nothing is waiting — all clear.', more: '{n} more',
    q_reconciliation: 'Reconciliation: payments to sort out', q_support_cases: 'Open support cases',
    q_refunds_at_risk: 'Refunds at risk of their deadline', q_failed_payouts: 'Failed payouts',
    q_webhook_endpoints: 'Webhook endpoints failing or disabled', q_expiring_bookings: 'TL within 2 hours, unpaid',
    overdue: 'overdue', failed_legs: '{n} failed leg(s)', deadline: 'deadline', tl: 'TL',
    open_queue: 'Open the queue',
  },
});

const QUEUE_HREF = { reconciliation: '#/reconciliation', support_cases: '#/cases', failed_payouts: '#/payouts' };

function Queue({ lang, q }) {
  const id = `q-${q.key}`;
  const title = (it) => (q.key === 'support_cases' ? caseTypeLabel(lang, it.title) : it.title);
  return html`
    <section class="card today-queue" aria-labelledby=${id} data-testid=${id} data-count=${q.count}>
      <h2 id=${id}><span>${t(lang, `q_${q.key}`)}</span> <span class=${`count ${q.count ? 'warn' : 'ok'}`}>${q.count}</span></h2>
      ${q.items.length ? html`<ul class="today-items">
        ${q.items.map((it) => html`<li key=${it.id}>
          <a href=${it.href}>${title(it) || '—'}</a>
          ${it.detail ? html` <span class="muted">${it.detail}</span>` : null}
          ${it.amount ? html` <${Money} amount=${it.amount} currency=${it.currency} lang=${lang} />` : null}
          ${it.status ? html` <${Badge} status=${it.status} />` : null}
          ${it.overdue ? html` <${Badge} status="failed" label=${t(lang, 'overdue')} />` : null}
          ${it.failed_legs ? html` <${Badge} status="failed" label=${t(lang, 'failed_legs', { n: it.failed_legs })} />` : null}
          ${it.at ? html` <span class="small muted">${q.key === 'refunds_at_risk' ? `${t(lang, 'deadline')} ` : q.key === 'expiring_bookings' ? `${t(lang, 'tl')} ` : ''}<${When} at=${it.at} lang=${lang} /></span>` : null}
        </li>`)}
      </ul>` : null}
      ${q.count > q.items.length && QUEUE_HREF[q.key] ? html`<p class="small"><a href=${QUEUE_HREF[q.key]}>${t(lang, 'more', { n: q.count - q.items.length })}</a></p>` : null}
    </section>`;
}

export default function Today({ lang }) {
  const page = useLoad(() => get('/admin/api/today'), []);
  const queues = page.data?.queues || [];
  const waiting = queues.reduce((n, q) => n + q.count, 0);
  return html`
    <div class="screen-head">
      <h1>${t(lang, 'title')}</h1>
      <button type="button" class="button secondary" onClick=${page.reload}>${t(lang, 'refresh')}</button>
    </div>
    ${page.state === 'loading' && !page.data ? html`<${Loading} lang=${lang} />` : null}
    ${page.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, page.r)} onRetry=${page.reload} />` : null}
    ${page.data && !waiting ? html`<p class="note ok" data-testid="all-clear">${t(lang, 'all_clear')}</p>` : null}
    <div class="today-grid">${queues.map((q) => html`<${Queue} key=${q.key} lang=${lang} q=${q} />`)}</div>`;
}
