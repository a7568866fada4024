// Staff and roles (admins only): every staff user, a new one with a role (and the airline for
// airline staff), a role changed, a user disabled or enabled again. Each change is confirmed.
import { useState } from '../../vendor/hooks.module.js';
import { get, send } from '../lib/api.js';
import { makeT } from '../lib/i18n.js';
import { Badge, ConfirmDialog, Failure, Loading, When, failureText, html, useLoad } from '../lib/ui.js';

const ROLES = ['admin', 'accountant', 'support', 'airline'];

const t = makeT({
  ru: {
    title: 'Сотрудники', name: 'Имя', email: 'Эл. почта', role: 'Роль', password: 'Начальный пароль',
    password_hint: 'Не короче 12 символов. Передайте его сотруднику лично; он сменит его после входа.',
    new_user: 'Новый сотрудник', create: 'Создать', created_user: 'Сотрудник {name} создан.', caption: 'Сотрудники и роли',
    r_admin: 'Администратор', r_accountant: 'Бухгалтер', r_support: 'Поддержка', r_airline: 'Сотрудник авиакомпании',
    change_role: 'Сменить роль', disable: 'Отключить', enable: 'Включить', s_active: 'активен', s_disabled: 'отключён',
    role_q: 'Сменить роль {name}?', role_effect: 'Права сотрудника изменятся при следующем запросе.',
    disable_q: 'Отключить {name}?', disable_effect: 'Все сессии сотрудника закончатся сразу, войти снова он не сможет.',
    enable_q: 'Включить {name}?', enable_effect: 'Сотрудник снова сможет войти.', you: 'это вы', changed: 'Сохранено: {name}.',
    choose_airline: 'Выберите авиакомпанию', login: 'Вход',
  },
  en: {
    title: 'Staff', name: 'Name', email: 'E-mail', role: 'Role', password: 'Initial password',
    password_hint: 'At least 12 characters. Hand it over in person; they change it after signing in.',
    new_user: 'New staff user', create: 'Create', created_user: 'Staff user {name} created.', caption: 'Staff and roles',
    r_admin: 'Admin', r_accountant: 'Accountant', r_support: 'Support', r_airline: 'Airline staff',
    change_role: 'Change role', disable: 'Disable', enable: 'Enable', s_active: 'active', s_disabled: 'disabled',
    role_q: 'Change the role of {name}?', role_effect: 'Their permissions change with their next request.',
    disable_q: 'Disable {name}?', disable_effect: 'Their sessions end at once and they cannot sign in again.',
    enable_q: 'Enable {name}?', enable_effect: 'They can sign in again.', you: 'you', changed: 'Saved: {name}.',
    choose_airline: 'Choose the airline', login: 'Sign-in',
  },
});

function RoleFields({ lang, idp, role, merchant, airlines, onRole, onMerchant }) {
  return html`
    <label class="field" for=${`${idp}-role`}><span>${t(lang, 'role')}</span>
      <select id=${`${idp}-role`} value=${role} onChange=${(e) => onRole(e.currentTarget.value)} data-testid=${`${idp}-role`}>
        ${ROLES.map((r) => html`<option value=${r}>${t(lang, `r_${r}`)}</option>`)}</select></label>
    ${role === 'airline' ? html`
      <label class="field" for=${`${idp}-airline`}><span>${t(lang, 'airline')}</span>
        <select id=${`${idp}-airline`} value=${merchant} onChange=${(e) => onMerchant(e.currentTarget.value)} data-testid=${`${idp}-airline`}>
          <option value="">${t(lang, 'choose_airline')}…</option>
          ${airlines.map((m) => html`<option value=${m.id}>${m.name}</option>`)}</select></label>` : null}`;
}

function NewUser({ lang, airlines, onDone }) {
  const empty = { name: '', email: '', role: 'support', merchant_id: '', password: '' };
  const [f, setF] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: f.name, email: f.email, role: f.role, password: f.password };
    if (f.role === 'airline') body.merchant_id = f.merchant_id;
    const r = await send('POST', '/admin/api/staff', body);
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setF(empty);
    onDone(t(lang, 'created_user', { name: r.data.name }));
  };
  const input = (k, label, type, auto, hint) => html`
    <label class="field" for=${`new-${k}`}><span>${label}</span>
      <input id=${`new-${k}`} type=${type} autocomplete=${auto} value=${f[k]} required
        aria-describedby=${hint ? `new-${k}-hint` : undefined} onInput=${(e) => setF({ ...f, [k]: e.currentTarget.value })} data-testid=${`new-${k}`} />
      ${hint ? html`<span class="small muted hint-inline" id=${`new-${k}-hint`}>${hint}</span>` : null}</label>`;
  return html`
    <section class="card" aria-labelledby="new-h">
      <h2 id="new-h">${t(lang, 'new_user')}</h2>
      <form onSubmit=${submit} class="grid-2" data-testid="new-user">
        ${input('name', t(lang, 'name'), 'text', 'off')}
        ${input('email', t(lang, 'email'), 'email', 'off')}
        <${RoleFields} lang=${lang} idp="new" role=${f.role} merchant=${f.merchant_id} airlines=${airlines}
          onRole=${(role) => setF({ ...f, role })} onMerchant=${(merchant_id) => setF({ ...f, merchant_id })} />
        ${input('password', t(lang, 'password'), 'password', 'new-password', t(lang, 'password_hint'))}
        ${error ? html`<p class="error" role="alert">${error}</p>` : null}
        <div class="actions"><button type="submit" class="button" disabled=${busy} data-testid="create-user">${busy ? t(lang, 'saving') : t(lang, 'create')}</button></div>
      </form>
    </section>`;
}

export default function Staff({ lang, me }) {
  const users = useLoad(() => get('/admin/api/staff'), []);
  const airlines = useLoad(() => get('/admin/api/merchants'), []);
  const [note, setNote] = useState('');
  const [change, setChange] = useState(null);  // {user, kind: 'role'|'disable'|'enable', role, merchant_id}
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const names = Object.fromEntries((airlines.data?.data || []).map((m) => [m.id, m.name]));
  const apply = async () => {
    const { user, kind } = change;
    const body = kind === 'role' ? { role: change.role, merchant_id: change.role === 'airline' ? change.merchant_id || null : null } : { disabled: kind === 'disable' };
    setBusy(true);
    setError(null);
    const r = await send('PATCH', `/admin/api/staff/${user.id}`, body);
    setBusy(false);
    if (!r.ok) return setError(failureText(lang, r));
    setChange(null);
    setNote(t(lang, 'changed', { name: user.name }));
    users.reload();
  };
  const done = (text) => {
    setNote(text);
    users.reload();
  };
  return html`
    <div class="screen-head"><h1>${t(lang, 'title')}</h1></div>
    <div role="status" aria-live="polite">${note ? html`<p class="note ok" data-testid="staff-note">${note}</p>` : null}</div>
    ${users.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, users.r)} onRetry=${users.reload} />` : null}
    ${!users.data ? html`<${Loading} lang=${lang} />` : html`
      <div class="table-wrap" data-testid="staff-table"><table class="data">
        <caption class="sr-only">${t(lang, 'caption')}</caption>
        <thead><tr><th scope="col">${t(lang, 'name')}</th><th scope="col">${t(lang, 'email')}</th><th scope="col">${t(lang, 'role')}</th>
          <th scope="col">${t(lang, 'status')}</th><th scope="col">${t(lang, 'created')}</th><th scope="col">${t(lang, 'actions')}</th></tr></thead>
        <tbody>${users.data.data.map((u) => html`
          <tr key=${u.id} data-id=${u.id} data-email=${u.email || ''}>
            <td>${u.name}${u.id === me.staff.id ? html` <span class="muted small">(${t(lang, 'you')})</span>` : null}</td>
            <td>${u.email || '—'}</td>
            <td data-testid="user-role">${t(lang, `r_${u.role}`)}${u.merchant_id ? html`<br /><span class="small muted">${names[u.merchant_id] || u.merchant_id}</span>` : null}</td>
            <td><${Badge} status=${u.disabled ? 'disabled' : 'active'} label=${t(lang, u.disabled ? 's_disabled' : 's_active')} /></td>
            <td><${When} at=${u.created_at} lang=${lang} /></td>
            <td>${u.id === me.staff.id ? null : html`<div class="actions">
              <button type="button" class="button secondary small-button" data-testid="change-role" aria-label=${`${t(lang, 'change_role')}: ${u.name}`}
                onClick=${() => { setError(null); setChange({ user: u, kind: 'role', role: u.role, merchant_id: u.merchant_id || '' }); }}>${t(lang, 'change_role')}</button>
              <button type="button" class="button secondary small-button" data-testid=${u.disabled ? 'enable-user' : 'disable-user'} aria-label=${`${t(lang, u.disabled ? 'enable' : 'disable')}: ${u.name}`}
                onClick=${() => { setError(null); setChange({ user: u, kind: u.disabled ? 'enable' : 'disable' }); }}>${t(lang, u.disabled ? 'enable' : 'disable')}</button></div>`}</td>
          </tr>`)}</tbody>
      </table></div>`}
    <${NewUser} lang=${lang} airlines=${airlines.data?.data || []} onDone=${done} />
    ${change ? html`
      <${ConfirmDialog} lang=${lang} title=${t(lang, `${change.kind}_q`, { name: change.user.name })} busy=${busy} error=${error}
        confirmLabel=${t(lang, change.kind === 'role' ? 'save' : change.kind)} onConfirm=${apply} onCancel=${() => setChange(null)} testid="staff-change">
        <p>${t(lang, `${change.kind}_effect`)}</p>
        ${change.kind === 'role' ? html`<${RoleFields} lang=${lang} idp="chg" role=${change.role} merchant=${change.merchant_id} airlines=${airlines.data?.data || []}
          onRole=${(role) => setChange({ ...change, role })} onMerchant=${(merchant_id) => setChange({ ...change, merchant_id })} />` : null}
      </${ConfirmDialog}>` : null}`;
}
