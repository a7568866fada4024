// The signed-in person: who they are, their session, and the password change.
import { h } from '../../vendor/preact.module.js';
import { useState } from '../../vendor/hooks.module.js';
import htm from '../../vendor/htm.module.js';
import { dateTime } from '../../common/format.js';
import { t } from '../i18n.js';
import { toSignIn } from '../lib/api.js';
import { changePassword } from '../session.js';

const html = htm.bind(h);

function PasswordForm({ lang, staff }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setDone(false);
    setFailure(null);
    const errs = {};
    if (!current) errs.current_password = t(lang, 'e_required');
    if ([...next].length < 12) errs.new_password = t(lang, 'e_short');
    else if (next !== repeat) errs.repeat = t(lang, 'e_mismatch');
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    const r = await changePassword(current, next);
    setBusy(false);
    if (r.ok) {
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
      return;
    }
    if (r.status === 401) return toSignIn();
    if (r.status === 422 && Array.isArray(r.problem?.errors)) {
      const f = {};
      for (const x of r.problem.errors) {
        const m = x.field === 'current_password' ? t(lang, 'e_current') : x.message;
        f[x.field] = f[x.field] ? `${f[x.field]}; ${m}` : m;
      }
      setErrors(f);
    } else setFailure(t(lang, r.status === 0 ? 'e_network' : 'e_generic', { detail: r.problem?.detail || r.problem?.title || r.status }));
  };
  const field = (id, label, value, set, auto, hint) => {
    const described = [hint ? `${id}-hint` : '', errors[id] ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`
    <div class="form-field">
      <label for=${id}>${label}</label>
      <input id=${id} type="password" autocomplete=${auto} value=${value} onInput=${(e) => set(e.currentTarget.value)}
        aria-invalid=${errors[id] ? 'true' : 'false'} aria-describedby=${described || undefined} />
      ${hint ? html`<p class="small muted hint-inline" id=${`${id}-hint`}>${hint}</p>` : null}
      ${errors[id] ? html`<p class="field-error" id=${`${id}-error`}>${errors[id]}</p>` : null}
    </div>`;
  };
  return html`
    <section class="card" aria-labelledby="pw-h">
      <h2 id="pw-h">${t(lang, 'change_password')}</h2>
      <form onSubmit=${submit} novalidate>
        <input type="email" class="offscreen" autocomplete="username" value=${staff.email} readonly tabindex="-1" aria-hidden="true" />
        ${field('current_password', t(lang, 'current_password'), current, setCurrent, 'current-password')}
        ${field('new_password', t(lang, 'new_password'), next, setNext, 'new-password', t(lang, 'password_rules'))}
        ${field('repeat', t(lang, 'repeat_password'), repeat, setRepeat, 'new-password')}
        <div role="status" aria-live="polite">${done ? html`<p class="note ok">${t(lang, 'password_changed')}</p>` : null}</div>
        ${failure ? html`<p class="error" role="alert">${failure}</p>` : null}
        <button type="submit" class="button" disabled=${busy}>${busy ? t(lang, 'saving') : t(lang, 'save_password')}</button>
      </form>
    </section>`;
}

export default function Account({ lang, me }) {
  const staff = me.staff;
  return html`
    <section class="card" aria-labelledby="me-h">
      <h1 id="me-h">${t(lang, 'signed_in_as')} ${staff.name}</h1>
      <dl class="facts">
        <div><dt>${t(lang, 'email')}</dt><dd data-testid="staff-email">${staff.email}</dd></div>
        <div><dt>${t(lang, 'role')}</dt><dd data-testid="staff-role">${t(lang, `role_${staff.role}`)}</dd></div>
        ${staff.merchant_id ? html`<div><dt>${t(lang, 'airline')}</dt><dd class="mono">${staff.merchant_id}</dd></div>` : null}
        ${me.expires_at ? html`<div><dt>${t(lang, 'session_until')}</dt><dd>${dateTime(me.expires_at, lang, { zoneName: true })}</dd></div>` : null}
      </dl>
    </section>
    <${PasswordForm} lang=${lang} staff=${staff} />`;
}
