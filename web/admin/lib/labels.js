// Names of the states and kinds the API sends as codes, in each language: one place, so every
// screen says "оплачено" for paid and the same case type the same way. A code without a name is
// shown as it is.
const STATUS = {
  ru: {
    pending: 'ожидает', awaiting_payment: 'ждёт оплаты', ticketing_authorized: 'можно выписывать', paid: 'оплачено',
    ticketed: 'выписано', cancelled: 'отменено', expired: 'истекло', ticketing_failed: 'выписка не удалась',
    open: 'открыто', partially_paid: 'оплачено частично', void: 'аннулирован', overdue: 'просрочено',
    matched: 'сопоставлен', deposit: 'на депозит', reconciliation: 'ждёт разбора', unrelated: 'не наш', outgoing: 'исходящий',
    created: 'создано', exported: 'выгружено', sending: 'отправляется', sent: 'отправлено', confirmed: 'подтверждено',
    failed: 'не прошло', succeeded: 'выполнено', closed: 'закрыто', queued: 'в очереди', delivered: 'доставлено',
    signed: 'подписано', refused: 'отклонено', posted: 'отправлено почтой', enabled: 'включён', disabled: 'отключён',
    dead: 'не доставлено', deleted: 'удалён', returned: 'возвращён', revoked: 'отозван', active: 'действует',
  },
  en: {
    pending: 'pending', awaiting_payment: 'awaiting payment', ticketing_authorized: 'ticketing authorised', paid: 'paid',
    ticketed: 'ticketed', cancelled: 'cancelled', expired: 'expired', ticketing_failed: 'ticketing failed',
    open: 'open', partially_paid: 'partially paid', void: 'void', overdue: 'overdue',
    matched: 'matched', deposit: 'to deposit', reconciliation: 'to reconcile', unrelated: 'unrelated', outgoing: 'outgoing',
    created: 'created', exported: 'exported', sending: 'sending', sent: 'sent', confirmed: 'confirmed',
    failed: 'failed', succeeded: 'succeeded', closed: 'closed', queued: 'queued', delivered: 'delivered',
    signed: 'signed', refused: 'refused', posted: 'posted', enabled: 'enabled', disabled: 'disabled',
    dead: 'undelivered', deleted: 'deleted', returned: 'returned', revoked: 'revoked', active: 'active',
  },
};

const CASE_TYPE = {
  ru: {
    ticketing_failed: 'Не выписан билет', price_change_after_guarantee: 'Цена изменилась после гарантии',
    choice_after_expiry: 'Выбор после истечения', underpayment: 'Недоплата', overpayment: 'Переплата',
    payment_for_closed_booking: 'Оплата закрытой брони', refund_at_risk: 'Возврат под угрозой срока',
    refund_failed: 'Возврат не прошёл', payout_failed: 'Выплата не прошла', document_blocked: 'Документ заблокирован',
    document_refused: 'Документ отклонён', document_undeliverable: 'Документ не доставлен',
  },
  en: {
    ticketing_failed: 'Ticketing failed', price_change_after_guarantee: 'Price changed after guarantee',
    choice_after_expiry: 'Choice after expiry', underpayment: 'Underpayment', overpayment: 'Overpayment',
    payment_for_closed_booking: 'Payment for a closed booking', refund_at_risk: 'Refund at risk of its deadline',
    refund_failed: 'Refund failed', payout_failed: 'Payout failed', document_blocked: 'Document blocked',
    document_refused: 'Document refused', document_undeliverable: 'Document undeliverable',
  },
};

const DOCUMENT_KIND = {
  ru: { invoice: 'Счёт', upd: 'УПД', receipt: 'Маршрутная квитанция', correction: 'УКД', commission: 'УПД на комиссию' },
  en: { invoice: 'Invoice', upd: 'UPD', receipt: 'Itinerary receipt', correction: 'Correction (UKD)', commission: 'Commission UPD' },
};

const pick = (table, lang, code) => table[lang]?.[code] ?? table.ru[code] ?? code;
export const statusLabel = (lang, status) => pick(STATUS, lang, status);
export const caseTypeLabel = (lang, type) => pick(CASE_TYPE, lang, type);
export const documentKindLabel = (lang, kind) => pick(DOCUMENT_KIND, lang, kind);
export const CASE_TYPES = Object.keys(CASE_TYPE.ru);
