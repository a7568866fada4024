// Staff sign-in in a real browser against the real binary: a user made by the CLI signs in,
// a wrong password gets plain words, too many get a lock-out with its wait, the signed-in page
// says who you are, the password changes, sign-out ends the session. axe-core on each page.
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Server, TestDatabase, axeViolations, launchBrowser, repo } from './harness.mjs';

const EMAIL = 'anna.admin@skybill.example';
const PASSWORD = 'Dolgij-parol-2026!';
let db, server, browser, base;

before(async () => {
  db = new TestDatabase();
  // Fewer hashing rounds than production: the sanitized build hashes slowly.
  server = new Server({ db, env: { SKYBILL_STAFF_PASSWORD_ITERATIONS: '1000' } });
  await server.start(); // it migrates the database first
  for (const [name, email] of [['Анна Админова', EMAIL], ['Lock Tester', 'locked.out@skybill.example']])
    server.cli({ input: `${PASSWORD}\n` }, 'staff', 'user', 'create', '--name', name, '--email', email, '--role', 'admin');
  // The prettier route when the server has it, else the file itself.
  const routed = await server.request('GET', '/admin/sign-in');
  base = routed.status === 200 && /<html/i.test(routed.body) ? '/admin/sign-in' : '/assets/admin/sign-in.html';
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  db?.drop();
});

async function newPage(locale = 'ru-RU') {
  const context = await browser.newContext({ locale, viewport: { width: 800, height: 700 } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  return page;
}

async function noSeriousViolations(page, what) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `axe-core on ${what}: ${JSON.stringify(v, null, 2)}`);
}

describe('staff sign-in', () => {
  test('a wrong password is told plainly; the right one signs in; sign-out ends the session', async () => {
    const page = await newPage();
    await page.goto(server.url + base);
    await page.getByLabel('Электронная почта').waitFor();
    await noSeriousViolations(page, 'the sign-in page');
    // docs/images/ only when asked (SKYBILL_UPDATE_SCREENSHOTS=1), as in pay_page.test.mjs.
    const file = process.env.SKYBILL_UPDATE_SCREENSHOTS === '1'
      ? path.join(repo, 'docs/images/sign-in-ru.png') : path.join(os.tmpdir(), `skybill-sign-in-${process.pid}.png`);
    await page.screenshot({ path: file });
    assert.ok(statSync(file).size < 250 * 1024);
    if (!file.startsWith(repo)) rmSync(file);

    // Nothing typed: each field says what is missing, nothing is sent.
    await page.getByTestId('sign-in').click();
    assert.match(await page.locator('#email-error').textContent(), /Заполните/);
    assert.equal(await page.getByLabel('Электронная почта').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Электронная почта').fill(EMAIL);
    await page.getByLabel('Пароль', { exact: true }).fill('not the password');
    await page.getByTestId('sign-in').click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    assert.equal((await error.textContent()).trim(), 'Неверная почта или пароль.');
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(await page.getByLabel('Пароль', { exact: true }).inputValue(), '', 'the wrong password is cleared');
    await noSeriousViolations(page, 'the sign-in error');

    await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('staff-name').waitFor();
    assert.equal(await page.getByTestId('staff-name').textContent(), 'Анна Админова');
    await page.getByTestId('staff-name').click(); // the account screen: who you are
    assert.equal(await page.getByTestId('staff-email').textContent(), EMAIL);
    const cookies = await page.context().cookies();
    assert.ok(cookies.some((c) => c.httpOnly), 'the session is an HttpOnly cookie');
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie a script can read');
    await noSeriousViolations(page, 'the signed-in page');

    await page.getByTestId('sign-out').click();
    await page.getByLabel('Электронная почта').waitFor();
    const after = await page.evaluate(() => fetch('/admin/api/session').then((r) => r.status));
    assert.equal(after, 401, 'signed out on the server too');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('the password changes; the old one no longer works', async () => {
    const page = await newPage('en-GB');
    await page.goto(server.url + base);
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('staff-name').click();
    const next = 'Novyj-dlinnyj-parol-7';
    await page.getByLabel('Current password').fill('wrong current one');
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('New password again').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.locator('#current_password-error').waitFor();
    assert.match(await page.locator('#current_password-error').textContent(), /current password is wrong/);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    await page.getByTestId('sign-out').click();
    await page.getByLabel('E-mail').waitFor();
    const old = await server.request('POST', '/admin/api/session', { json: { email: EMAIL, password: PASSWORD } });
    assert.equal(old.status, 401);
    const fresh = await server.request('POST', '/admin/api/session', { json: { email: EMAIL, password: next } });
    assert.equal(fresh.status, 200);
    await page.context().close();
  });

  test('too many wrong passwords: locked out, told how long to wait', async () => {
    const page = await newPage();
    await page.goto(server.url + base);
    await page.getByLabel('Электронная почта').fill('locked.out@skybill.example');
    let text = '';
    for (let i = 0; i < 8 && !/Слишком много/.test(text); i++) {
      if (await page.getByTestId('sign-in').isDisabled()) break;
      await page.getByLabel('Пароль', { exact: true }).fill(`wrong password ${i}`);
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/admin/api/session') && r.request().method() === 'POST'),
        page.getByTestId('sign-in').click(),
      ]);
      await page.waitForTimeout(150); // the answer rendered
      text = await page.getByTestId('sign-in-error').textContent();
    }
    text = await page.getByTestId('sign-in-error').textContent();
    assert.match(text, /Слишком много неудачных попыток\. Попробуйте снова через \d+ (мин|сек)\./);
    assert.equal(await page.getByTestId('sign-in').isDisabled(), true, 'the button waits too');
    await page.context().close();
  });
});
