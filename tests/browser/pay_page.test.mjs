// The hosted invoice page in a real browser (Debian's chromium, headless) against the real
// binary, PostgreSQL and an SMTP sink: opened from the e-mail's link, an invoice chosen, its QR
// code, copy buttons and PDF, paid by a bank statement and turning "paid" live; a card paid
// through the sandbox's 3-D Secure inside the page; the language switch; links that do not
// work; a phone's viewport; axe-core on every state. Screenshots go to docs/images/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  Server, SmtpSink, TestDatabase, axeViolations, bookingBody, eventually, launchBrowser, repo, ruDate, serverNow,
  statement,
} from './harness.mjs';

// Pictures of the main states: docs/images/ when SKYBILL_UPDATE_SCREENSHOTS=1 (then commit
// them), else a temporary directory, so that a test run leaves the tree as it was.
const IMAGES = process.env.SKYBILL_UPDATE_SCREENSHOTS === '1'
  ? path.join(repo, 'docs/images') : mkdtempSync(path.join(os.tmpdir(), 'skybill-screens-'));
const MAX_IMAGE = 250 * 1024;
const norm = (s) => String(s).replace(/\s+/g, ' ').trim();

let db, smtp, server, browser, merchant, admin, accountant;

// A picture of the page from its top: whole, or down to the end of `until` (a selector).
async function shot(page, name, { until, ...opts } = {}) {
  const file = path.join(IMAGES, name);
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  if (until) {
    const box = await page.locator(until).evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { bottom: r.bottom + window.scrollY, width: document.documentElement.clientWidth };
    });
    opts.clip = { x: 0, y: 0, width: box.width, height: Math.ceil(box.bottom + 16) };
  }
  await page.screenshot({ path: file, fullPage: true, ...opts });
  const size = statSync(file).size;
  assert.ok(size < MAX_IMAGE, `${name} is ${size} bytes, over ${MAX_IMAGE}`);
}

async function noSeriousViolations(page, what) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `axe-core on ${what}: ${JSON.stringify(v, null, 2)}`);
}

async function book(reference, opts) {
  return server.ok('POST', '/v1/bookings', { key: merchant.api_key, json: bookingBody(reference, opts) });
}

async function newPage({ locale = 'ru-RU', timezoneId = 'Asia/Yekaterinburg', viewport = { width: 900, height: 900 }, ...rest } = {}) {
  const context = await browser.newContext({ locale, timezoneId, viewport, acceptDownloads: true, ...rest });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !/status of 40[34]|status of 410/.test(m.text()) && problems.push(`console: ${m.text()}`));
  page.problems = problems;
  return page;
}

// The page's view as the API gives it.
const view = (token) => server.ok('GET', `/pay/${token}/api`);
const tokenOf = (url) => new URL(url).pathname.split('/').pop();

before(async () => {
  db = new TestDatabase();
  smtp = await new SmtpSink().start();
  server = new Server({ db, smtp });
  await server.start(); // it migrates the database first
  merchant = server.cli('merchant', 'create', '--name', 'Аэро Тест', '--inn', '7707083893', '--kpp', '770701001',
    '--invoice-prefix', 'AT');
  admin = server.cli('staff', 'key', 'create', '--name', 'Anna Admin', '--role', 'admin').staff_key;
  accountant = server.cli('staff', 'key', 'create', '--name', 'Boris Accountant', '--role', 'accountant').staff_key;
  // What the УПД needs: the airline's address and signer, the client's address (set below).
  await server.ok('PATCH', `/v1/merchants/${merchant.merchant_id}/documents`, {
    key: admin,
    json: {
      address: '125009, г. Москва, ул. Тверская, д. 1',
      signer: { last_name: 'Иванов', first_name: 'Пётр', middle_name: 'Сергеевич', position: 'Генеральный директор' },
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
  db?.drop();
  if (!IMAGES.startsWith(repo)) rmSync(IMAGES, { recursive: true, force: true });
});

describe('the hosted invoice page', () => {
  let first; // the booking of the e-mail, paid by invoice
  let firstLink;

  test('opened from the e-mail: booking, lines with VAT per rate, a countdown by the server clock', async () => {
    first = await book('BRW-INVOICE-1');
    await server.ok('PUT', `/v1/clients/${first.client.id}/documents`, {
      key: merchant.api_key, json: { address: '117997, г. Москва, ул. Вавилова, д. 19' },
    });
    // The airline's booking engine asked for a card payment: the client gets the invoice e-mail.
    const chosen = await server.ok('POST', `/v1/bookings/${first.id}/payment-choice`, { key: merchant.api_key, json: { method: 'card' } });
    const mail = await smtp.waitFor((m) => m.to.includes('booker@romashka.example') && m.body.includes(chosen.invoice.number));
    const link = /https?:\/\/\S+\/pay\/[A-Za-z0-9]+(?=\s|$)/m.exec(mail.body)?.[0];
    assert.ok(link, `no pay link in the e-mail:\n${mail.body}`);
    assert.equal(link, first.payment_url);
    firstLink = link;

    const page = await newPage();
    const res = await page.goto(link);
    assert.equal(res.status(), 200);
    const csp = res.headers()['content-security-policy'] || '';
    assert.match(csp, /script-src 'self'/, 'the page is served with its CSP');
    await page.getByTestId('status').waitFor();
    // Nothing jumps while the view loads (the skeleton holds the place): cumulative layout shift.
    const shift = await page.evaluate(() => new Promise((resolve) => {
      let sum = 0;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) sum += e.value; })
        .observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => resolve(sum), 200);
    }));
    assert.ok(shift < 0.1, `layout shift ${shift}`);
    assert.equal(await page.getByTestId('merchant').textContent(), 'Аэро Тест');
    assert.equal(await page.getByTestId('pnr').textContent(), 'SKY7QX');
    assert.match(norm(await page.getByTestId('passengers').textContent()), /Petrov Ivan.*Sidorova Anna/);
    const lines = page.getByTestId('lines');
    assert.equal(await lines.locator('tbody tr').count(), 4);
    const foot = norm(await lines.locator('tfoot').textContent());
    // VAT per line, summed per rate: two fares of 5 000,00 at 10 % are 454,55 each.
    for (const want of ['НДС 10 %', '909,10 ₽', 'НДС 22 %', '90,07 ₽', 'Без НДС', 'с суммы 1 000,00 ₽', '999,17 ₽'])
      assert.ok(foot.includes(want), `"${want}" in the totals: ${foot}`);
    assert.equal(norm(await page.getByTestId('lines-total').textContent()), '11 499,50 ₽');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');

    // The device's clock is days behind the server's: the countdown still tells the truth.
    const tl = Date.parse(first.ticketing_time_limit);
    const left = Number(await page.getByTestId('countdown').getAttribute('data-left'));
    const expected = (tl - serverNow().getTime()) / 1000;
    assert.ok(Math.abs(left - expected) < 90, `countdown ${left} s, the server says ${expected} s`);
    assert.match(await page.getByTestId('countdown').textContent(), /^\d+ д \d\d:\d\d:\d\d$/);
    assert.match(await page.getByTestId('tl-zone').textContent(), /Asia\/Yekaterinburg/);
    const before = await page.getByTestId('countdown').textContent();
    await page.waitForTimeout(1100);
    assert.notEqual(await page.getByTestId('countdown').textContent(), before, 'the countdown ticks');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('the countdown runs out live: "expired" without a reload', async () => {
    const page = await newPage();
    await page.clock.install();
    await page.goto(firstLink);
    await page.getByTestId('countdown').waitFor();
    const left = Number(await page.getByTestId('countdown').getAttribute('data-left'));
    await page.clock.fastForward((left + 2) * 1000);
    await eventually(async () => (await page.getByTestId('countdown').textContent()) === 'Тайм-лимит истёк', { what: 'expired' });
    assert.equal(await page.getByTestId('countdown').getAttribute('data-left'), '0');
    await page.context().close();
  });

  test('choose the invoice: QR code, copy buttons, the PDF; paid by a statement it turns paid live with its УПД', async () => {
    const page = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await page.goto(firstLink);
    await page.getByTestId('options-more').locator('summary').click();
    await page.locator('[data-method=invoice] button').click();
    const dialog = page.locator('dialog.confirm');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Счёт на оплату/);
    await page.getByTestId('confirm').click();
    await page.locator('[data-testid=invoice] [data-testid=f-account]').waitFor();
    const v = await view(tokenOf(firstLink));
    assert.equal(v.invoice.method, 'invoice');

    // The QR code: an image that loads, large enough to scan, its text the purpose.
    const qr = page.getByTestId('qr');
    await eventually(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), { what: 'the QR image' });
    assert.equal(await qr.getAttribute('alt'), v.invoice.purpose);
    const box = await qr.boundingBox();
    assert.ok(box.width >= 200, `QR ${box.width}px wide`);
    assert.ok(v.invoice.purpose.includes(v.invoice.number), 'the purpose names the invoice');
    await shot(page, 'pay-invoice-ru.png', { until: '[data-testid=invoice]' });
    await noSeriousViolations(page, 'the invoice');

    // Copy buttons: the clipboard holds exactly the value; the reader hears it.
    for (const [id, value] of [['f-account', v.invoice.payee.account], ['f-bic', v.invoice.payee.bic],
      ['f-inn', v.invoice.payee.inn], ['f-purpose', v.invoice.purpose], ['f-amount', v.invoice.outstanding]]) {
      await page.getByTestId(id).getByRole('button').click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value, `copied ${id}`);
    }
    await eventually(async () => /скопировано/.test(await page.getByTestId('announcer').textContent()), { what: 'the announcement' });
    assert.match(await page.getByTestId('f-purpose').getByRole('button').textContent(), /Скопировано/);

    // The PDF: what the page downloads is the stored document, byte for byte.
    const doc = await eventually(async () => {
      const list = await server.ok('GET', `/v1/documents?booking=${first.id}&kind=invoice`, { key: merchant.api_key });
      return list.data.find((d) => d.number === v.invoice.number);
    }, { what: 'the invoice document' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-pdf').click()]);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const stored = await server.request('GET', `/v1/documents/${doc.id}.pdf`, { key: merchant.api_key });
    assert.equal(stored.status, 200);
    assert.ok(bytes.equals(stored.bytes), 'the downloaded PDF is the stored one');


    // Paid by a bank transfer: the statement comes in through the API; the page is not reloaded.
    await page.evaluate(() => { window.__notReloaded = true; });
    const imported = await server.ok('POST', '/v1/statements', {
      key: accountant,
      headers: { 'Content-Type': 'text/plain' },
      body: statement({ number: '701', purpose: `Оплата по счету ${v.invoice.number}`, amount: v.invoice.outstanding, date: ruDate(serverNow()) }),
    });
    assert.equal(imported.matched, 1, JSON.stringify(imported));
    await page.locator('[data-testid=status][data-status=paid]').waitFor({ timeout: 15000 });
    assert.match(await page.getByTestId('status').textContent(), /Оплачено/);
    assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no reload');
    await page.locator('[data-testid=documents] li[data-kind=upd]').waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId('tl').count(), 0, 'no countdown once paid');
    await shot(page, 'pay-paid-ru.png');
    await noSeriousViolations(page, 'the paid page');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('language: from the booking, switched, remembered', async () => {
    const page = await newPage({ locale: 'en-US' });
    await page.goto(firstLink);
    await page.getByTestId('status').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru', 'the booking is in Russian');
    await page.getByRole('button', { name: 'English' }).click();
    await eventually(async () => /Paid/.test(await page.getByTestId('status').textContent()), { what: 'English' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    assert.match(norm(await page.getByTestId('lines').textContent()), /VAT 10%.*No VAT.*Total\s*₽11,499\.50/);
    await page.reload();
    await page.getByTestId('status').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'remembered');
    await page.getByRole('button', { name: 'Русский' }).click();
    await eventually(async () => /Оплачено/.test(await page.getByTestId('status').textContent()), { what: 'Russian' });
    assert.equal(await page.evaluate(() => localStorage.getItem('skybill.lang')), 'ru');
    await page.context().close();
  });

  test('a card payment through the sandbox 3-D Secure inside the page turns it paid live', async () => {
    const b = await book('BRW-CARD-1', { language: 'en', pnr: 'CRD9ZZ' });
    const page = await newPage({ locale: 'en-GB', timezoneId: 'Europe/London' });
    await page.goto(b.payment_url);
    await page.getByTestId('status').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await page.getByTestId('status').textContent(), /Choose how to pay/);
    await page.locator('[data-method=card] button').click();
    await page.getByTestId('confirm').click();
    const pay = page.getByTestId('pay-card');
    await pay.waitFor();
    assert.match(await pay.textContent(), /Pay ₽11,499\.50 by card/);
    await shot(page, 'pay-card-en.png', { until: '[data-testid=card]' });
    await noSeriousViolations(page, 'the card state');

    await page.evaluate(() => { window.__notReloaded = true; });
    await pay.click();
    const dialog = page.locator('dialog.card-dialog');
    await dialog.waitFor();
    const frame = page.frameLocator('[data-testid=card-frame]');
    const year = serverNow().getUTCFullYear() + 3;
    await frame.locator('input[name=number]').fill('4000 0000 0000 3220');
    await frame.locator('input[name=expiry]').fill(`12/${String(year).slice(2)}`);
    await frame.locator('input[name=cvc]').fill('123');
    await frame.locator('input[name=holder]').fill('IVAN PETROV');
    await frame.locator('button[type=submit]').click();
    await frame.locator('input[name=code]').waitFor();
    await shot(page, 'pay-3ds-en.png', { fullPage: false });
    await frame.locator('input[name=code]').fill('1234');
    await frame.locator('button[type=submit]').click();
    // Back from the acquirer, the frame tells the page, which closes the dialog by itself.
    await dialog.waitFor({ state: 'hidden', timeout: 15000 });
    await page.locator('[data-testid=status][data-status=paid]').waitFor({ timeout: 15000 });
    assert.match(await page.getByTestId('status').textContent(), /Paid/);
    assert.match(await page.getByTestId('card-note').textContent(), /Paid by card •••• 3220/);
    assert.equal(await page.evaluate(() => window.__notReloaded), true, 'no reload');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('links that do not work: a friendly page, the right words, no JSON', async () => {
    const page = await newPage({ locale: 'ru-RU' });
    const unknown = await page.goto(`${server.url}/pay/${'Z'.repeat(32)}`);
    assert.equal(unknown.status(), 404);
    await page.locator('[data-why=unknown]').waitFor();
    assert.match(await page.locator('h1').textContent(), /Ссылка на оплату не работает/);
    assert.match(await page.locator('[data-why]').textContent(), /Такой ссылки на оплату нет/);
    assert.ok(!(await page.locator('body').textContent()).includes('{"'), 'no JSON on the page');
    await shot(page, 'pay-invalid-ru.png', { until: 'main' });
    await noSeriousViolations(page, 'the invalid link page');

    // Revoked by the airline while the client has the page open: the page says so by itself.
    const b = await book('BRW-REVOKE-1');
    const open = await newPage({ locale: 'ru-RU' });
    await open.goto(b.payment_url);
    await open.getByTestId('status').waitFor();
    await server.ok('DELETE', `/v1/bookings/${b.id}/payment-link`, { key: merchant.api_key }, [200, 204]);
    await open.locator('[data-why=revoked]').waitFor({ timeout: 15000 });
    await open.context().close();
    const revoked = await page.goto(b.payment_url);
    assert.equal(revoked.status(), 410);
    await page.locator('[data-why=revoked]').waitFor();
    assert.match(await page.locator('[data-why]').textContent(), /отозвала/);

    // Expired: the link outlived its booking.
    const c = await book('BRW-EXPIRED-1');
    db.sql(`UPDATE bookings SET pay_token_expires_at = now() - interval '1 day' WHERE id = '${c.id}'`);
    const expired = await page.goto(c.payment_url);
    assert.equal(expired.status(), 410);
    await page.locator('[data-why=expired]').waitFor();
    assert.match(await page.locator('[data-why]').textContent(), /Срок действия ссылки истёк/);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('This payment link has expired').waitFor();
    await page.context().close();
  });

  test('a phone (360×740): no sideways scrolling, everything in reach, by touch and by keyboard', async () => {
    const b = await book('BRW-MOBILE-1');
    await server.ok('POST', `/v1/bookings/${b.id}/payment-choice`, { key: merchant.api_key, json: { method: 'invoice' } });
    const page = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1, timezoneId: 'Europe/Moscow' });
    await page.goto(b.payment_url);
    await page.getByTestId('f-account').waitFor();
    await eventually(() => page.getByTestId('qr').evaluate((img) => img.complete && img.naturalWidth > 0), { what: 'the QR image' });
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth }));
    assert.ok(widths.doc <= 360 && widths.body <= 360, `scroll width ${JSON.stringify(widths)}`);
    // Every control lies inside the screen's width and is at least 24 px tall (WCAG 2.5.8).
    const outside = await page.evaluate(() => [...document.querySelectorAll('button, a[href], summary, input')]
      .filter((e) => e.checkVisibility())
      .map((e) => ({ e: e.outerHTML.slice(0, 80), r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.left < 0 || r.right > 360 || r.height < 24)
      .map(({ e, r }) => `${e} ${Math.round(r.left)}..${Math.round(r.right)} h${Math.round(r.height)}`));
    assert.deepEqual(outside, []);
    // The keyboard reaches every control, in order, each visibly focused.
    const focusables = await page.evaluate(() => [...document.querySelectorAll('button:not([disabled]), a[href], summary')]
      .filter((e) => e.checkVisibility() && !e.closest('dialog')).length);
    const seen = new Set();
    for (let i = 0; i < focusables + 2; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        const s = getComputedStyle(e);
        return { key: e.outerHTML.slice(0, 120), outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
      });
      if (!f) continue;
      assert.ok(f.outlined, `no visible focus on ${f.key}`);
      seen.add(f.key);
    }
    assert.ok(seen.size >= focusables, `Tab reached ${seen.size} of ${focusables} controls: ${[...seen].join('\n')}`);
    await shot(page, 'pay-mobile-ru.png', { until: '[data-testid=invoice]' });
    await noSeriousViolations(page, 'the phone layout');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
});
