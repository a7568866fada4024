// Staff sign-in: e-mail and password; plain words for a wrong password, a lock-out (429 with
// Retry-After) and missing fields; on success to the console (or the page asked for).
import { h, render } from '../vendor/preact.module.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';
import { applyLang, pickLang, rememberLang } from '../common/lang.js';
import { LangSwitch } from '../common/ui.js';
import { t, waitText } from './i18n.js';
import { nextPage, session, signIn } from './session.js';

const html = htm.bind(h);

function SignIn() {
  const [lang, setLang] = useState(() => pickLang(null));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null); // {key, params}
  const [fields, setFields] = useState({}); // field -> message key
  const [lockedUntil, setLockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const errorRef = useRef(null);
  const emailRef = useRef(null);
  const passwordRef = useRef(null);

  useEffect(() => {
    applyLang(lang);
    document.title = `${t(lang, 'sign_in_title')} — skybill`;
  }, [lang]);
  // Already signed in: straight on. Otherwise the cursor waits in the e-mail field.
  useEffect(() => {
    emailRef.current?.focus();
    session().then((r) => r.ok && location.replace(nextPage()));
  }, []);
  useEffect(() => {
    if (!lockedUntil) return;
    const id = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= lockedUntil) setLockedUntil(0);
    }, 1000);
    return () => clearInterval(id);
  }, [lockedUntil]);
  useEffect(() => {
    if (error && errorRef.current) errorRef.current.focus();
  }, [error]);

  const submit = async (e) => {
    e.preventDefault();
    const missing = {};
    if (!email.trim()) missing.email = 'e_required';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) missing.email = 'e_email';
    if (!password) missing.password = 'e_required';
    setFields(missing);
    if (missing.email) return emailRef.current?.focus();
    if (missing.password) return passwordRef.current?.focus();
    setBusy(true);
    setError(null);
    const r = await signIn(email.trim(), password);
    setBusy(false);
    if (r.ok) {
      location.assign(nextPage());
      return;
    }
    setPassword('');
    if (r.status === 401) setError({ key: 'e_credentials' });
    else if (r.status === 429) {
      const wait = r.problem?.retry_after;
      if (wait) setLockedUntil(Date.now() + wait * 1000);
      setError(wait ? { key: 'e_locked', params: { time: waitText(lang, wait) } } : { key: 'e_locked_now' });
    } else if (r.status === 422 && Array.isArray(r.problem?.errors)) {
      const f = {};
      for (const x of r.problem.errors) if (x.field === 'email' || x.field === 'password') f[x.field] = x.message;
      setFields(f);
      setError({ key: 'e_generic', params: { detail: r.problem.detail || r.problem.title } });
    } else if (r.status === 0) setError({ key: 'e_network' });
    else setError({ key: 'e_generic', params: { detail: r.problem?.detail || r.problem?.title || r.status } });
  };

  const locked = lockedUntil > now;
  const fieldError = (name) => {
    const k = fields[name];
    if (!k) return null;
    return html`<p class="field-error" id=${`${name}-error`}>${k.startsWith('e_') ? t(lang, k) : k}</p>`;
  };
  const onLang = (l) => {
    rememberLang(l);
    setLang(l);
  };
  return html`
    <header class="top">
      <div class="brand"><p class="merchant">skybill</p><p class="via">${t(lang, 'console')}</p></div>
      <${LangSwitch} lang=${lang} onLang=${onLang} label=${t(lang, 'lang_switch')} />
    </header>
    <main id="main" class="card narrow">
      <h1>${t(lang, 'sign_in_title')}</h1>
      <p class="muted">${t(lang, 'sign_in_lead')}</p>
      ${error ? html`<div class="error" role="alert" tabindex="-1" ref=${errorRef} data-testid="sign-in-error">
        ${t(lang, error.key, locked && error.key === 'e_locked' ? { time: waitText(lang, Math.ceil((lockedUntil - now) / 1000)) } : error.params)}</div>` : null}
      <form onSubmit=${submit} novalidate>
        <div class="form-field">
          <label for="email">${t(lang, 'email')}</label>
          <input id="email" ref=${emailRef} type="email" name="email" autocomplete="username" inputmode="email"
            autocapitalize="none" spellcheck="false" required value=${email}
            aria-invalid=${fields.email ? 'true' : 'false'} aria-describedby=${fields.email ? 'email-error' : undefined}
            onInput=${(e) => setEmail(e.currentTarget.value)} />
          ${fieldError('email')}
        </div>
        <div class="form-field">
          <label for="password">${t(lang, 'password')}</label>
          <div class="password-row">
            <input id="password" ref=${passwordRef} type=${show ? 'text' : 'password'} name="password"
              autocomplete="current-password" required value=${password}
              aria-invalid=${fields.password ? 'true' : 'false'} aria-describedby=${fields.password ? 'password-error' : undefined}
              onInput=${(e) => setPassword(e.currentTarget.value)} />
            <button type="button" class="button secondary toggle" aria-controls="password"
              onClick=${() => setShow(!show)}>${t(lang, show ? 'hide' : 'show')}<span class="sr-only"> ${t(lang, 'password_word')}</span></button>
          </div>
          ${fieldError('password')}
        </div>
        <button type="submit" class="button wide" disabled=${busy || locked} data-testid="sign-in">
          ${busy ? t(lang, 'signing_in') : t(lang, 'sign_in')}</button>
      </form>
      <p class="small muted hint">${t(lang, 'hint_forgot')}</p>
    </main>`;
}

const root = document.getElementById('app');
root.replaceChildren();
render(html`<${SignIn} />`, root);
