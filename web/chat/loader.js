/* skybill chat loader: the one script an airline embeds (docs/chat.md).
 *   <script src="https://gateway.example/chat/loader.js" data-merchant="<airline id>" data-lang="ru" async></script>
 * Adds a chat button and, beside it, an iframe of the gateway's widget page
 * (/chat/w/{merchant}); the gateway's origin is taken from this script's own address. Optional:
 * data-name, data-email (prefill), data-external-id + data-signature (a signed customer id).
 * Styles live in a shadow root, so the airline's CSS and ours leave each other alone. */
(function () {
  'use strict';
  var me = document.currentScript || document.querySelector('script[data-merchant][src*="/loader.js"]');
  if (!me || window.__skybillChatLoaded) return;
  window.__skybillChatLoaded = true;
  var merchant = me.getAttribute('data-merchant');
  if (!merchant) return;
  var origin = new URL(me.src, location.href).origin;
  var lang = (me.getAttribute('data-lang') || document.documentElement.lang || navigator.language || 'ru').slice(0, 2).toLowerCase();
  // Until the widget names the button in its language (it has the translations).
  var LABEL = { ru: 'Открыть чат', en: 'Open chat' };
  var CLOSE = { ru: 'Закрыть чат', en: 'Close chat' };
  var label = LABEL[lang] || LABEL.en;
  var closeLabel = CLOSE[lang] || CLOSE.en;

  var hash = new URLSearchParams();
  [['name', 'data-name'], ['email', 'data-email'], ['xid', 'data-external-id'], ['sig', 'data-signature']].forEach(function (p) {
    var v = me.getAttribute(p[1]);
    if (v) hash.set(p[0], v);
  });
  // The widget's own storage is third-party here and often refused: its customer token is kept
  // in this site's storage too, and handed back to the widget in the address's fragment.
  var KEY = 'skybill.chat.' + merchant;
  try {
    var kept = localStorage.getItem(KEY);
    if (kept) hash.set('t', kept);
  } catch (e) { /* no storage: a new customer per page load */ }
  var src = origin + '/chat/w/' + encodeURIComponent(merchant) + '?lang=' + encodeURIComponent(lang) + (hash.toString() ? '#' + hash : '');

  var host = document.createElement('div');
  host.setAttribute('data-skybill-chat', '');
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var css = document.createElement('style');
  css.textContent =
    ':host{all:initial}' +
    '.b{position:fixed;right:20px;bottom:20px;z-index:2147483646;width:60px;height:60px;border-radius:50%;border:0;' +
    'background:#0b57d0;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center}' +
    '.b:hover{background:#0842a0}.b:focus-visible{outline:3px solid #0b57d0;outline-offset:3px}' +
    '.b svg{width:28px;height:28px;fill:currentColor}' +
    '.n{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;border-radius:11px;background:#8c1d18;color:#fff;' +
    'font:700 12px/22px system-ui,sans-serif;text-align:center;padding:0 5px}.n[hidden]{display:none}' +
    '.p{position:fixed;right:20px;bottom:92px;z-index:2147483647;width:380px;height:min(600px,calc(100vh - 112px));' +
    'border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff}.p[hidden]{display:none}' +
    '.p iframe{width:100%;height:100%;border:0;display:block}' +
    '@media (max-width:480px){.p{right:0;bottom:0;width:100vw;height:100vh;height:100dvh;border-radius:0}}';
  root.appendChild(css);

  var panel = document.createElement('div');
  panel.className = 'p';
  panel.hidden = true;
  panel.id = 'skybill-chat-panel';
  var frame = document.createElement('iframe');
  frame.src = src;
  frame.title = label;
  frame.setAttribute('data-testid', 'chat-frame');
  frame.setAttribute('allow', 'clipboard-write');
  panel.appendChild(frame);

  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'b';
  button.setAttribute('aria-label', label);
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', panel.id);
  button.setAttribute('data-testid', 'chat-button');
  button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  var badge = document.createElement('span');
  badge.className = 'n';
  badge.hidden = true;
  badge.setAttribute('data-testid', 'chat-unread');
  button.appendChild(badge);

  var open = false;
  var unread = 0;
  // The button's name says what it does and, closed, how many messages wait ("Open chat (2)").
  function name() {
    button.setAttribute('aria-label', open ? closeLabel : unread ? label + ' (' + unread + ')' : label);
  }
  function post(type) {
    if (frame.contentWindow) frame.contentWindow.postMessage({ skybill: 'chat', type: type }, origin);
  }
  function setOpen(v, focusButton) {
    open = v;
    panel.hidden = !v;
    button.setAttribute('aria-expanded', String(v));
    name();
    post(v ? 'open' : 'close');
    if (v) frame.focus();
    else if (focusButton) button.focus();
  }
  button.addEventListener('click', function () { setOpen(!open, false); });
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow || !e.data || e.data.skybill !== 'chat') return;
    var d = e.data;
    if (d.type === 'ready') {
      if (d.label) { label = String(d.label); frame.title = label; }
      if (d.closeLabel) closeLabel = String(d.closeLabel);
      name();
      if (open) post('open');
    } else if (d.type === 'store') {
      try {
        if (typeof d.value === 'string' && d.value.length < 2000) localStorage.setItem(KEY, d.value);
        else if (d.value === null) localStorage.removeItem(KEY);
      } catch (err) { /* no storage */ }
    } else if (d.type === 'close') {
      setOpen(false, true);
    } else if (d.type === 'unread') {
      unread = Math.max(0, Math.min(99, Number(d.count) || 0));
      badge.textContent = unread ? String(unread) : '';
      badge.hidden = !unread || open;
      badge.setAttribute('aria-hidden', 'true');
      name();
    }
  });
  root.appendChild(panel);
  root.appendChild(button);
  function mount() { document.body.appendChild(host); }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
  // For the page and the tests: open or close the chat from the airline's own code.
  window.skybillChat = { open: function () { setOpen(true); }, close: function () { setOpen(false, true); } };
})();
