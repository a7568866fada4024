// The staff session API (/admin/api/session, /admin/api/password), and where the pages live.
import { call } from '../pay/api.js';

const KEY = 'skybill.csrf';
// Served as /assets/admin/… today; under /admin/… once the server routes it.
const underAssets = location.pathname.startsWith('/assets/');
export const HOME = underAssets ? '/assets/admin/index.html' : '/admin';
export const SIGN_IN = underAssets ? '/assets/admin/sign-in.html' : '/admin/sign-in';

export function csrf() {
  try {
    return sessionStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}
function keepCsrf(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    /* the token then lives only as long as the page */
  }
}

export async function session() {
  const r = await call('/admin/api/session');
  if (r.ok && r.data?.csrf_token) keepCsrf(r.data.csrf_token);
  return r;
}

export async function signIn(email, password) {
  const r = await call('/admin/api/session', { method: 'POST', body: { email, password } });
  if (r.ok) keepCsrf(r.data?.csrf_token);
  return r;
}

export async function signOut() {
  const r = await call('/admin/api/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf() } });
  keepCsrf(null);
  return r;
}

export const changePassword = (current_password, new_password) =>
  call('/admin/api/password', { method: 'POST', body: { current_password, new_password }, headers: { 'X-CSRF-Token': csrf() } });

// Where to go after signing in: a path of this site only, never another site.
export function nextPage() {
  const next = new URLSearchParams(location.search).get('next') || '';
  return /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : HOME;
}
