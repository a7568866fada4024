// The demo airline page (scripts/run prints its address): embeds the loader for ?merchant=.
const merchant = new URLSearchParams(location.search).get('merchant');
if (merchant) {
  const s = document.createElement('script');
  s.src = '/chat/loader.js';
  s.async = true;
  s.dataset.merchant = merchant;
  s.dataset.lang = new URLSearchParams(location.search).get('lang') || 'ru';
  document.body.append(s);
} else {
  const note = document.createElement('p');
  note.textContent = 'Add ?merchant=<airline id> to the address.';
  document.querySelector('main').append(note);
}
