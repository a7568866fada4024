// Small pieces shared by the pages.
import { h } from '../vendor/preact.module.js';
import htm from '../vendor/htm.module.js';

const html = htm.bind(h);
const NAMES = { ru: 'Русский', en: 'English' };
const SHORT = { ru: 'RU', en: 'EN' };

// RU | EN: two buttons, the current one pressed; each names its language in that language.
export function LangSwitch({ lang, onLang, label }) {
  return html`
    <div class="lang-switch" role="group" aria-label=${label}>
      ${['ru', 'en'].map((l) => html`
        <button type="button" lang=${l} aria-pressed=${String(l === lang)}
          onClick=${() => l !== lang && onLang(l)}>
          <span aria-hidden="true">${SHORT[l]}</span><span class="sr-only">${NAMES[l]}</span>
        </button>`)}
    </div>`;
}
