// The airline's chat settings (#/chat/settings, chat.settings): the sites allowed to embed the
// widget (the widget page's CSP frame-ancestors), the key that signs a customer's identity, the
// greeting in each language, and the snippet to paste into the airline's site.
import { useEffect, useState } from '../../vendor/hooks.module.js';
import { get, send } from '../lib/api.js';
import { Failure, Loading, html, failureText, useLoad } from '../lib/ui.js';
import { LANGS } from '../../chat/i18n/index.js';
import { useChatT } from './chat_shared.js';

const PICK_KEY = 'skybill.chat.merchant';

// The airline whose chat is shown: airline staff their own ('' = the session's), gateway staff
// the one they pick (remembered); null until picked.
export function useAirline(me) {
  const own = me.staff.merchant_id;
  const [m, setM] = useState(() => {
    if (own) return '';
    try {
      return localStorage.getItem(PICK_KEY) || null;
    } catch {
      return null;
    }
  });
  const set = (v) => {
    try {
      localStorage.setItem(PICK_KEY, v);
    } catch {
      /* this page only */
    }
    setM(v || null);
  };
  return [own ? '' : m, set];
}

export function AirlinePick({ me, t, merchant, onMerchant }) {
  const [list, setList] = useState(null);
  useEffect(() => {
    if (!me.staff.merchant_id) get('/admin/api/merchants').then((r) => setList(r.ok ? r.data.data || [] : []));
  }, []);
  if (me.staff.merchant_id) return null;
  return html`<div class="filters"><label>${t('airline')}
    <select value=${merchant || ''} onChange=${(e) => onMerchant(e.currentTarget.value)} data-testid="chat-airline">
      <option value="">—</option>
      ${(list || []).map((m) => html`<option value=${m.id}>${m.name}</option>`)}
    </select></label></div>`;
}

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

export default function ChatSettings({ lang, me }) {
  const t = useChatT(lang);
  const [merchant, setMerchant] = useAirline(me);
  const q = merchant ? { merchant } : {};
  const view = useLoad(() => (merchant === null ? Promise.resolve({ ok: true, data: null }) : get('/admin/api/chat/settings', q)), [merchant]);
  const [form, setForm] = useState(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const [saved, setSaved] = useState(false);
  const [newKey, setNewKey] = useState('');
  useEffect(() => {
    if (view.state !== 'ok' || !view.data) return;
    const s = view.data.settings || view.data;
    const greeting = typeof s.greeting === 'string' ? { ru: s.greeting } : s.greeting || {};
    setForm({ enabled: s.enabled !== false, origins: (s.origins || []).join('\n'), greeting, hasKey: !!s.identity_key_set });
  }, [view.state, view.data]);
  if (!t) return html`<${Loading} lang=${lang} />`;
  const merchantId = merchant || me.staff.merchant_id;
  const save = async (e, extra = {}) => {
    e?.preventDefault();
    const origins = form.origins.split(/[\s,]+/).map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
    const bad = origins.filter((o) => !ORIGIN.test(o));
    if (bad.length) return setProblem(t('e_origins', { list: bad.join(', ') }));
    setBusy(true);
    setProblem('');
    setSaved(false);
    const body = { enabled: form.enabled, origins, greeting: form.greeting, ...extra };
    const r = await send('PUT', `/admin/api/chat/settings${merchant ? `?merchant=${encodeURIComponent(merchant)}` : ''}`, body);
    setBusy(false);
    if (!r.ok) return setProblem(failureText(lang, r));
    setSaved(true);
    return r.data || {};
  };
  // The server makes the key and shows it once, in its answer.
  const rotate = async () => {
    const out = await save(null, { rotate_identity_key: true });
    if (out?.identity_key) {
      setNewKey(out.identity_key);
      setForm({ ...form, hasKey: true });
    }
  };
  const snippet = `<script src="${location.origin}/chat/loader.js" data-merchant="${merchantId || ''}" data-lang="${lang}" async></script>`;
  return html`
    <div class="screen-head"><h1>${t('settings')}</h1><a href="#/chat">${t('workspace')}</a></div>
    <${AirlinePick} me=${me} t=${t} merchant=${merchant} onMerchant=${setMerchant} />
    ${view.state === 'loading' ? html`<${Loading} lang=${lang} />` : null}
    ${view.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, view.r)} onRetry=${view.reload} />` : null}
    ${form && merchant !== null ? html`
      <form class="card chat-settings" onSubmit=${save} data-testid="chat-settings">
        <label class="chat-private"><input type="checkbox" checked=${form.enabled} onChange=${(e) => setForm({ ...form, enabled: e.currentTarget.checked })} data-testid="chat-enabled" />
          ${t('enabled')}</label>
        <label class="field"><span>${t('origins')}</span>
          <textarea rows="4" value=${form.origins} onInput=${(e) => setForm({ ...form, origins: e.currentTarget.value })} data-testid="chat-origins"
            aria-describedby="origins-hint"></textarea></label>
        <p id="origins-hint" class="small muted">${t('origins_hint')}</p>
        <fieldset class="chat-greeting"><legend>${t('greeting')}</legend>
          ${LANGS.map((l) => html`<label class="field"><span>${t(`lang_${l}`)}</span>
            <textarea rows="2" lang=${l} value=${form.greeting[l] || ''} data-testid=${`greeting-${l}`}
              onInput=${(e) => setForm({ ...form, greeting: { ...form.greeting, [l]: e.currentTarget.value } })}></textarea></label>`)}
        </fieldset>
        ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
        ${saved ? html`<p class="note ok" role="status" data-testid="settings-saved">${t('saved')}</p>` : null}
        <div class="actions"><button type="submit" class="button" disabled=${busy} data-testid="settings-save">${t('save')}</button></div>
      </form>
      <section class="card" aria-labelledby="identity-h">
        <h2 id="identity-h">${t('identity')}</h2>
        <p>${t('identity_hint')}</p>
        <p class="small">${form.hasKey ? t('identity_set') : t('identity_none')}</p>
        ${newKey ? html`<label class="field"><span>${t('identity_new')}</span><input class="mono" readOnly value=${newKey} data-testid="identity-key" /></label>` : null}
        <button type="button" class="button secondary" disabled=${busy} onClick=${rotate} data-testid="identity-rotate">${form.hasKey ? t('identity_rotate') : t('identity_make')}</button>
      </section>
      <section class="card" aria-labelledby="embed-h">
        <h2 id="embed-h">${t('embed')}</h2>
        <p>${t('embed_hint')}</p>
        <label class="field"><span class="sr-only">${t('embed')}</span><textarea class="mono" rows="3" readOnly value=${snippet} data-testid="embed-snippet"></textarea></label>
      </section>` : null}`;
}
