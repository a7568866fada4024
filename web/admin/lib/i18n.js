// Each screen keeps its own texts: makeT({ru: {...}, en: {...}}) gives t(lang, key, params),
// falling back to the console's shared texts (COMMON), then to Russian, then to the key.
// Another language is one more object in each file.
export const COMMON = {
  ru: {
    loading: 'Загрузка…', retry: 'Повторить', cancel: 'Отмена', confirm: 'Подтвердить', close: 'Закрыть',
    save: 'Сохранить', saving: 'Сохраняем…', search: 'Поиск', apply: 'Применить', reset: 'Сбросить',
    next_page: 'Дальше', prev_page: 'Назад', first_page: 'В начало', export_csv: 'Скачать CSV', none: 'Нет записей.',
    e_network: 'Нет связи с сервером. Проверьте интернет и попробуйте ещё раз.',
    e_generic: 'Не получилось: {detail}', e_forbidden: 'Вашей роли это недоступно.', e_not_found: 'Не найдено.',
    yes: 'Да', no: 'Нет', all: 'Все', from: 'С', to: 'По', status: 'Статус', airline: 'Авиакомпания',
    amount: 'Сумма', date: 'Дата', created: 'Создано', actions: 'Действия', open: 'Открыть', details: 'Подробнее',
    sort_asc: 'по возрастанию', sort_desc: 'по убыванию', shortcuts: 'Горячие клавиши', done: 'Готово',
  },
  en: {
    loading: 'Loading…', retry: 'Try again', cancel: 'Cancel', confirm: 'Confirm', close: 'Close',
    save: 'Save', saving: 'Saving…', search: 'Search', apply: 'Apply', reset: 'Reset',
    next_page: 'Next', prev_page: 'Back', first_page: 'First page', export_csv: 'Download CSV', none: 'Nothing here.',
    e_network: 'No connection to the server. Check your internet and try again.',
    e_generic: 'That did not work: {detail}', e_forbidden: 'Your role may not do this.', e_not_found: 'Not found.',
    yes: 'Yes', no: 'No', all: 'All', from: 'From', to: 'To', status: 'Status', airline: 'Airline',
    amount: 'Amount', date: 'Date', created: 'Created', actions: 'Actions', open: 'Open', details: 'Details',
    sort_asc: 'ascending', sort_desc: 'descending', shortcuts: 'Keyboard shortcuts', done: 'Done',
  },
};

export function makeT(texts) {
  return (lang, key, params = {}) => {
    const s = texts[lang]?.[key] ?? COMMON[lang]?.[key] ?? texts.ru?.[key] ?? COMMON.ru[key] ?? key;
    return String(s).replace(/\{(\w+)\}/g, (_, k) => (params[k] ?? `{${k}}`));
  };
}

// The problem of a failed call, in the reader's language.
export function failure(lang, r) {
  const t = makeT({});
  if (r.status === 0) return t(lang, 'e_network');
  if (r.status === 403) return `${t(lang, 'e_forbidden')} ${r.problem?.detail ? `(${r.problem.detail})` : ''}`.trim();
  if (r.status === 404) return t(lang, 'e_not_found');
  const fields = Array.isArray(r.problem?.errors) ? r.problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : '';
  const detail = [r.problem?.detail || r.problem?.title || r.status, fields].filter(Boolean).join(' — ');
  return t(lang, 'e_generic', { detail });
}
