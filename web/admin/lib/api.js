// The console's calls to the JSON API: the session cookie goes along, changes carry the CSRF
// token, a 401 sends the reader to the sign-in page and back. Answers are {ok, status, data} or
// {ok: false, status, problem} as web/pay/api.js makes them.
import { call } from '../../pay/api.js';
import { SIGN_IN, csrf } from '../session.js';

export function toSignIn() {
  location.replace(`${SIGN_IN}?next=${encodeURIComponent(location.pathname + location.hash)}`);
}

// "?a=1&b=2" from an object; empty, null and undefined values are left out.
export function queryString(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function checked(r) {
  if (r.status === 401) toSignIn();
  return r;
}

export const get = (path, params) => call(path + queryString(params)).then(checked);

// POST/PUT/PATCH/DELETE with a JSON body (none for DELETE unless given). `key`: an
// Idempotency-Key, so a retry after a lost answer does not do the thing twice.
export function send(method, path, body, { key } = {}) {
  const headers = { 'X-CSRF-Token': csrf() };
  if (key) headers['Idempotency-Key'] = key;
  return call(path, { method, body: body === undefined && method !== 'DELETE' ? {} : body, headers }).then(checked);
}

export const newKey = () =>
  (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

// Uploads a file's bytes as they are, reporting progress (0..1) while they go up; the answer as
// call() gives it. fetch() cannot report upload progress, XMLHttpRequest can.
export function upload(path, file, { contentType = 'application/octet-stream', onProgress, headers = {} } = {}) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    x.setRequestHeader('Content-Type', contentType);
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('X-CSRF-Token', csrf());
    for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
    x.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    x.onerror = () => resolve({ ok: false, status: 0, problem: { type: 'network', status: 0 } });
    x.onload = () => {
      let data = null;
      try {
        data = JSON.parse(x.responseText);
      } catch {
        data = null;
      }
      const ok = x.status >= 200 && x.status < 300;
      if (x.status === 401) toSignIn();
      resolve(ok ? { ok, status: x.status, data } : { ok, status: x.status, problem: data || { status: x.status } });
    };
    x.send(file);
  });
}

// What went wrong, in a sentence: the problem's detail and each field error.
export function problemText(problem) {
  if (!problem) return '';
  if (problem.type === 'network') return '';
  const fields = Array.isArray(problem.errors) ? problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ') : '';
  return [problem.detail || problem.title || String(problem.status || ''), fields].filter(Boolean).join(' — ');
}
