// Canned replies (#/chat/canned): "/shortcode" in the composer inserts the body with its
// variables filled ({{visitor.name}}, {{operator.name}}, {{booking.pnr}}, {{bill.amount}}, each
// with an optional "|fallback"); an unknown variable is warned about before saving.
import { useState } from '../../vendor/hooks.module.js';
import { get, send } from '../lib/api.js';
import { ConfirmDialog, Failure, Loading, html, failureText, useLoad } from '../lib/ui.js';
import { AirlinePick, useAirline } from './chat_settings.js';
import { VARIABLES, listOf, unknownVariables, useChatT } from './chat_shared.js';

const EMPTY = { shortcode: '', title: '', body: '' };

export default function ChatCanned({ lang, me }) {
  const t = useChatT(lang);
  const [merchant, setMerchant] = useAirline(me);
  const list = useLoad(() => (merchant === null ? Promise.resolve({ ok: true, data: [] })
    : get('/admin/api/chat/canned', merchant ? { merchant } : {})), [merchant]);
  const [edit, setEdit] = useState(EMPTY);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  const [saved, setSaved] = useState('');
  const [removing, setRemoving] = useState(null);
  if (!t) return html`<${Loading} lang=${lang} />`;
  const items = list.state === 'ok' ? listOf(list.data, 'canned') : [];
  const unknown = unknownVariables(edit.body);
  const q = merchant ? `?merchant=${encodeURIComponent(merchant)}` : '';
  const save = async (e) => {
    e.preventDefault();
    const code = edit.shortcode.trim().toLowerCase().replace(/^\//, '');
    if (!/^[a-z0-9_-]{1,32}$/.test(code)) return setProblem(t('e_shortcode'));
    if (!edit.title.trim() || !edit.body.trim()) return setProblem(t('e_canned_empty'));
    setBusy(true);
    setProblem('');
    const r = await send('PUT', `/admin/api/chat/canned/${code}${q}`, { title: edit.title.trim(), body: edit.body });
    setBusy(false);
    if (!r.ok) return setProblem(failureText(lang, r));
    setSaved(t('canned_saved', { code }));
    setEdit(EMPTY);
    setEditing(false);
    list.reload();
  };
  const remove = async () => {
    setBusy(true);
    const r = await send('DELETE', `/admin/api/chat/canned/${removing.shortcode}${q}`);
    setBusy(false);
    if (!r.ok) return setProblem(failureText(lang, r));
    setRemoving(null);
    list.reload();
  };
  const insertVar = (v) => setEdit({ ...edit, body: `${edit.body}{{${v}}}` });
  return html`
    <div class="screen-head"><h1>${t('canned')}</h1><a href="#/chat">${t('workspace')}</a></div>
    <${AirlinePick} me=${me} t=${t} merchant=${merchant} onMerchant=${setMerchant} />
    ${list.state === 'failed' ? html`<${Failure} lang=${lang} text=${failureText(lang, list.r)} onRetry=${list.reload} />` : null}
    ${saved ? html`<p class="note ok" role="status">${saved}</p>` : null}
    <div class="grid-2 chat-canned-page">
      <div class="table-wrap" data-testid="canned">
        <table class="data">
          <caption class="sr-only">${t('canned')}</caption>
          <thead><tr><th scope="col">${t('shortcode')}</th><th scope="col">${t('canned_title')}</th><th scope="col">${t('canned_body')}</th><th scope="col"><span class="sr-only">${t('actions')}</span></th></tr></thead>
          <tbody>${items.map((c) => html`
            <tr key=${c.shortcode} data-code=${c.shortcode}>
              <td class="mono">/${c.shortcode}</td><td>${c.title}</td><td class="pre small">${c.body}</td>
              <td><button type="button" class="button secondary small-button" onClick=${() => { setEdit({ shortcode: c.shortcode, title: c.title, body: c.body }); setEditing(true); }}
                aria-label=${t('edit_code', { code: c.shortcode })}>${t('edit')}</button>
                <button type="button" class="button secondary small-button" onClick=${() => setRemoving(c)} aria-label=${t('delete_code', { code: c.shortcode })}
                  data-testid="delete-canned">${t('delete')}</button></td>
            </tr>`)}</tbody>
        </table>
        ${list.state === 'ok' && !items.length ? html`<p class="muted empty">${t('canned_none')}</p>` : null}
      </div>
      <form class="card" onSubmit=${save} data-testid="canned-form" aria-labelledby="canned-form-h">
        <h2 id="canned-form-h">${editing ? t('canned_edit', { code: edit.shortcode }) : t('canned_new')}</h2>
        <label class="field"><span>${t('shortcode')}</span><input value=${edit.shortcode} readOnly=${editing} onInput=${(e) => setEdit({ ...edit, shortcode: e.currentTarget.value })}
          data-testid="canned-code" maxlength="33" autocomplete="off" /></label>
        <label class="field"><span>${t('canned_title')}</span><input value=${edit.title} onInput=${(e) => setEdit({ ...edit, title: e.currentTarget.value })} data-testid="canned-title" maxlength="200" /></label>
        <label class="field"><span>${t('canned_body')}</span><textarea rows="5" value=${edit.body} onInput=${(e) => setEdit({ ...edit, body: e.currentTarget.value })} data-testid="canned-body" maxlength="4000"></textarea></label>
        <p class="small">${t('variables')}: ${VARIABLES.map((v) => html`<button type="button" class="button secondary small-button" onClick=${() => insertVar(v)}>{{${v}}}</button> `)}</p>
        <p class="small muted">${t('fallback_hint')}</p>
        ${unknown.length ? html`<p class="warn-note" role="alert" data-testid="canned-unknown">${t('unknown_vars', { vars: unknown.map((v) => `{{${v}}}`).join(', ') })}</p>` : null}
        ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
        <div class="actions">
          <button type="submit" class="button" disabled=${busy} data-testid="canned-save">${t('save')}</button>
          ${editing ? html`<button type="button" class="button secondary" onClick=${() => { setEdit(EMPTY); setEditing(false); }}>${t('cancel')}</button>` : null}
        </div>
      </form>
    </div>
    ${removing ? html`<${ConfirmDialog} lang=${lang} title=${t('delete_q', { code: removing.shortcode })} confirmLabel=${t('delete')} busy=${busy}
      onCancel=${() => setRemoving(null)} onConfirm=${remove} testid="delete-confirm"><p>${removing.title}</p></${ConfirmDialog}>` : null}`;
}
