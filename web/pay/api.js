// The pay page's calls: the same JSON API anybody holding the link can use.
// Every answer becomes {ok, status, data} or {ok: false, status, problem} (RFC 9457 problem+json,
// or a made-up one of type "network" when the server could not be reached).

export function tokenFromPath(pathname = location.pathname) {
  const m = /^\/pay\/([A-Za-z0-9]{1,128})\/?$/.exec(pathname);
  return m ? m[1] : null;
}

export async function call(url, { method = 'GET', body, headers = {} } = {}) {
  let res;
  const sent = { Accept: 'application/json', ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, problem: { type: 'network', status: 0 } };
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      data = await res.json();
    } catch {
      data = null;
    }
  }
  if (res.ok) return { ok: true, status: res.status, data };
  const problem = data && typeof data === 'object' ? data : { status: res.status, title: res.statusText };
  if (res.status === 429) problem.retry_after = Number(res.headers.get('Retry-After')) || null;
  return { ok: false, status: res.status, problem };
}

export const viewUrl = (token) => `/pay/${token}/api`;
export const getView = (token) => call(viewUrl(token));
// One key per decision: a retry after a lost answer replays it instead of choosing twice.
export const newKey = () =>
  (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
export const choose = (token, method, key) =>
  call(`${viewUrl(token)}/choice`, { method: 'POST', body: { method }, headers: key ? { 'Idempotency-Key': key } : {} });
export const startCard = (token, url) => call(url || `${viewUrl(token)}/card`, { method: 'POST', body: {} });
