// What the console's browser tests share: a server with cheap password hashing, staff users of
// each role made by the CLI, a signed-in page per user, axe-core, screenshots only when asked.
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server, axeViolations, repo } from './harness.mjs';

export const PASSWORD = 'Konsol-parol-2026!';

// A started server on `db`; env adds to the harness's (the sanitized build hashes slowly).
export async function consoleServer(db, { smtp, env = {} } = {}) {
  const server = new Server({ db, smtp, env: { SKYBILL_STAFF_PASSWORD_ITERATIONS: '1000', ...env } });
  await server.start();
  return server;
}

// A staff user who signs in with PASSWORD: role admin|accountant|support|airline (merchant: the
// airline's id for role airline). Returns {email, name, role}.
export function staffUser(server, { name, email, role, merchant }) {
  const args = ['staff', 'user', 'create', '--name', name, '--email', email, '--role', role];
  if (merchant) args.push('--merchant', merchant);
  server.cli({ input: `${PASSWORD}\n` }, ...args);
  return { name, email, role };
}

// A new browser context signed in as `user`, on the console's `hash` ('#/today'); lang 'ru'|'en'
// is the console's language (remembered as the reader's choice). Page errors are collected in
// page.problems: a test asserts they stay empty.
export async function signedIn(browser, server, user, { lang = 'ru', hash = '#/today', viewport = { width: 1280, height: 860 } } = {}) {
  const context = await browser.newContext({ locale: lang === 'en' ? 'en-GB' : 'ru-RU', viewport });
  await context.addInitScript((l) => localStorage.setItem('skybill.lang', l), lang);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  const r = await page.request.post(`${server.url}/admin/api/session`, { data: { email: user.email, password: PASSWORD } });
  assert.equal(r.status(), 200, `sign-in of ${user.email}: ${await r.text()}`);
  // The page keeps the CSRF token in sessionStorage; it asks for the session itself on load.
  await page.goto(`${server.url}/admin${hash}`);
  await page.getByTestId('staff-name').waitFor();
  return page;
}

export async function noSeriousViolations(page, what) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `axe-core on ${what}: ${JSON.stringify(v, null, 2)}`);
}

// docs/images/<name>.png when SKYBILL_UPDATE_SCREENSHOTS=1, else a temporary file (the capture
// itself is still exercised); either way under 400 KB.
export async function screenshot(page, name) {
  const keep = process.env.SKYBILL_UPDATE_SCREENSHOTS === '1';
  const file = keep ? path.join(repo, 'docs/images', `${name}.png`) : path.join(os.tmpdir(), `skybill-${name}-${process.pid}.png`);
  await page.screenshot({ path: file, fullPage: false });
  assert.ok(statSync(file).size < 400 * 1024, `${name}.png is small`);
  if (!keep) rmSync(file);
}
