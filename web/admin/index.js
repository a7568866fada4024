// The staff console: the signed-in frame (menu by role, one search box, language, sign-out)
// around the screen the address names after '#'. Screens load on first use.
import { h, render } from '../vendor/preact.module.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';
import { applyLang, pickLang, rememberLang } from '../common/lang.js';
import { LangSwitch } from '../common/ui.js';
import { toSignIn } from './lib/api.js';
import { t } from './i18n.js';
import { SCREENS, href, resolve } from './screens.js';
import { SIGN_IN, session, signOut } from './session.js';

const html = htm.bind(h);
const loaded = new Map();  // module path → its default export

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const go = (path, query) => {
  location.hash = href(path, query);
};

function Screen({ lang, me, route }) {
  const [View, setView] = useState(() => loaded.get(route.screen.module) || null);
  const [broken, setBroken] = useState(false);
  useEffect(() => {
    const cached = loaded.get(route.screen.module);
    if (cached) return setView(() => cached);
    setView(null);
    setBroken(false);
    import(route.screen.module).then(
      (m) => {
        loaded.set(route.screen.module, m.default);
        setView(() => m.default);
      },
      () => setBroken(true),
    );
  }, [route.screen.module]);
  if (broken) return html`<p class="error" role="alert">${t(lang, 'e_screen')}</p>`;
  if (!View) return html`<p role="status" class="muted">${t(lang, 'loading')}</p>`;
  return html`<${View} lang=${lang} me=${me} params=${route.params} query=${route.query} go=${go} />`;
}

function SearchBox({ lang }) {
  const [q, setQ] = useState('');
  const input = useRef(null);
  useEffect(() => {
    const onKey = (e) => {
      const tag = e.target?.tagName;
      if (e.key === '/' && tag !== 'INPUT' && tag !== 'TEXTAREA' && tag !== 'SELECT' && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const submit = (e) => {
    e.preventDefault();
    if (q.trim()) go('bookings', { q: q.trim() });
  };
  return html`
    <form role="search" class="global-search" onSubmit=${submit}>
      <label for="global-q" class="sr-only">${t(lang, 'search_label')}</label>
      <input id="global-q" ref=${input} type="search" value=${q} onInput=${(e) => setQ(e.currentTarget.value)}
        placeholder=${t(lang, 'search_placeholder')} data-testid="global-search" autocomplete="off" />
    </form>`;
}

function Console() {
  const [lang, setLang] = useState(() => pickLang(null));
  const [me, setMe] = useState(null);
  const [busy, setBusy] = useState(false);
  const hash = useHash();
  const route = resolve(hash);
  const main = useRef(null);
  useEffect(() => {
    applyLang(lang);
  }, [lang]);
  useEffect(() => {
    session().then((r) => (r.ok ? setMe(r.data) : toSignIn()));
  }, []);
  useEffect(() => {
    const name = route.screen?.nav?.[lang] || t(lang, 'console');
    document.title = `${name} — skybill`;
    main.current?.focus({ preventScroll: true });
  }, [route.screen?.id, lang]);
  const out = async () => {
    setBusy(true);
    await signOut();
    location.replace(SIGN_IN);
  };
  const onLang = (l) => {
    rememberLang(l);
    setLang(l);
  };
  if (!me?.staff) return html`<p role="status" class="muted">${t(lang, 'loading')}</p>`;
  const staff = { ...me.staff, permissions: me.permissions || me.staff.permissions || [] };
  const may = (p) => staff.permissions.includes(p);
  const menu = SCREENS.filter((s) => s.nav && may(s.permission));
  const allowed = route.screen && may(route.screen.permission);
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); main.current?.focus(); }}>${t(lang, 'skip')}</a>
    <header class="console-top">
      <div class="brand"><p class="merchant">skybill</p><p class="via">${t(lang, 'console')}</p></div>
      ${may('bookings.read') ? html`<${SearchBox} lang=${lang} />` : null}
      <div class="top-actions">
        <${LangSwitch} lang=${lang} onLang=${onLang} label=${t(lang, 'lang_switch')} />
        <a href="#/account" class="who" data-testid="staff-name" title=${t(lang, `role_${staff.role}`)}>${staff.name}</a>
        <button type="button" class="button secondary" onClick=${out} disabled=${busy} data-testid="sign-out">
          ${busy ? t(lang, 'signing_out') : t(lang, 'sign_out')}</button>
      </div>
    </header>
    <div class="console-body">
      <nav class="console-nav" aria-label=${t(lang, 'menu')}>
        <ul>${menu.map((s) => html`<li><a href=${s.href || `#/${s.id}`} data-testid=${`nav-${s.id}`}
          aria-current=${route.screen?.id === s.id || route.screen?.id === s.id.replace(/s$/, '') ? 'page' : undefined}>${s.nav[lang]}</a></li>`)}</ul>
      </nav>
      <main id="main" tabindex="-1" ref=${main} class="console-main">
        ${!route.screen ? html`<p class="error" role="alert">${t(lang, 'e_no_screen')}</p>`
          : !allowed ? html`<p class="error" role="alert" data-testid="forbidden">${t(lang, 'e_role')}</p>`
          : html`<${Screen} key=${route.screen.id} lang=${lang} me=${{ ...me, staff }} route=${route} />`}
      </main>
    </div>`;
}

const root = document.getElementById('app');
root.replaceChildren();
root.classList.remove('page');
root.classList.add('console');
render(html`<${Console} />`, root);
