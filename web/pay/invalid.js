// The page for a payment link that does not work: unknown (404), revoked or expired (410).
// Served by the server in place of the pay page; the pay page shows it too when the link stops
// working while it is open.
import { h, render } from '../vendor/preact.module.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import htm from '../vendor/htm.module.js';
import { applyLang, pickLang, rememberLang } from '../common/lang.js';
import { LangSwitch } from '../common/ui.js';
import { call, tokenFromPath, viewUrl } from './api.js';
import { t } from './i18n.js';

const html = htm.bind(h);

// "unknown", "revoked" or "expired", from a problem+json answer (or the HTTP status alone).
export function whyInvalid(status, problem) {
  const slug = String(problem?.type || '').split('/').pop();
  const text = `${slug} ${problem?.detail || ''}`.toLowerCase();
  if (text.includes('revoked')) return 'revoked';
  if (status === 410 || text.includes('expired')) return 'expired';
  return 'unknown';
}

export function InvalidLink({ lang, why, merchant, onLang }) {
  return html`
    <header class="top">
      <div class="brand">
        <p class="merchant">${merchant || 'skybill'}</p>
        <p class="via">${t(lang, merchant ? 'via' : 'gateway')}</p>
      </div>
      <${LangSwitch} lang=${lang} onLang=${onLang} label=${t(lang, 'lang_switch')} />
    </header>
    <main id="main" class="invalid" tabindex="-1">
      <div class="invalid-icon" aria-hidden="true">?</div>
      <h1>${t(lang, 'inv_title')}</h1>
      <p class="lead" data-why=${why}>${t(lang, `inv_${why}`)}</p>
      <p>${t(lang, 'inv_who')}</p>
    </main>`;
}

function navigationStatus() {
  try {
    return performance.getEntriesByType('navigation')[0]?.responseStatus || 0;
  } catch {
    return 0;
  }
}

function InvalidPage({ initial }) {
  const [lang, setLang] = useState(initial.lang);
  useEffect(() => {
    applyLang(lang);
    document.title = t(lang, 'inv_title');
  }, [lang]);
  const onLang = (l) => {
    rememberLang(l);
    setLang(l);
  };
  return html`<${InvalidLink} lang=${lang} why=${initial.why} merchant=${initial.merchant} onLang=${onLang} />`;
}

function mount(state) {
  render(html`<${InvalidPage} initial=${state} />`, document.getElementById('app'));
}

async function main() {
  const params = new URLSearchParams(location.search);
  const token = tokenFromPath();
  let why = ['unknown', 'revoked', 'expired'].includes(params.get('reason')) ? params.get('reason') : null;
  let lang = null;
  let merchant = null;
  if (!why && token) {
    const r = await call(viewUrl(token));
    if (!r.ok) {
      why = whyInvalid(r.status, r.problem);
      lang = r.problem?.language || null;
      merchant = r.problem?.merchant?.name || null;
    }
  }
  if (!why) why = whyInvalid(navigationStatus(), null);
  const app = document.getElementById('app');
  app.replaceChildren();
  mount({ lang: pickLang(lang), why, merchant });
}

if (document.body.dataset.page === 'invalid') main();
