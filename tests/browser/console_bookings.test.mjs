// The console's Today, Bookings and a booking's story in a real browser: each screen in RU and
// EN, axe-core clean; the search from the header, filters kept in the address, the server-paged
// table; a refund by lines with a penalty, its effect shown before it is confirmed, checked
// through the API; an airline user who cannot open another airline's booking by its URL and
// whose list shows only their airline; roles that do not see buttons they may not press.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestDatabase, bookingBody, eventually, launchBrowser } from './harness.mjs';
import { consoleServer, noSeriousViolations, screenshot, signedIn, staffUser } from './console_harness.mjs';

let db, server, browser, alpha, beta, admin, support, accountant, agent, paidId, betaId, soonId;

const norm = (s) => String(s).replace(/\s+/g, ' ').trim();

async function book(m, reference, opts = {}, edit = (b) => b) {
  return server.ok('POST', '/v1/bookings', { key: m.api_key, json: edit(bookingBody(reference, opts)) });
}

before(async () => {
  db = new TestDatabase();
  server = await consoleServer(db);
  alpha = server.cli('merchant', 'create', '--name', 'Аэро Альфа', '--inn', '7707083893', '--kpp', '770701001', '--invoice-prefix', 'AA');
  beta = server.cli('merchant', 'create', '--name', 'Бета Авиа', '--inn', '7736207543', '--kpp', '773601001', '--invoice-prefix', 'BB');
  admin = staffUser(server, { name: 'Анна Админова', email: 'admin@gw.example', role: 'admin' });
  support = staffUser(server, { name: 'Сергей Саппорт', email: 'support@gw.example', role: 'support' });
  accountant = staffUser(server, { name: 'Вера Бухгалтер', email: 'acc@gw.example', role: 'accountant' });
  agent = staffUser(server, { name: 'Алла Агент', email: 'agent@alpha.example', role: 'airline', merchant: alpha.merchant_id });
  // A paid booking (by deposit) to refund, a few more to list, one whose TL ends soon, one of another airline.
  await book(alpha, 'ALPHA-LINK');
  server.cli('client', 'deposit', 'add', '--inn', '7728168971', '--kpp', '772801001', '--amount', '50000.00');
  const paid = await book(alpha, 'ALPHA-PAID', { pnr: 'PAY123' });
  paidId = paid.id;
  await server.ok('POST', `/v1/bookings/${paidId}/payment-choice`, { key: alpha.api_key, json: { method: 'deposit' } });
  soonId = (await book(alpha, 'ALPHA-SOON', { tlAheadSeconds: 3600, pnr: 'SOON77' })).id;
  for (let i = 0; i < 3; i++) await book(alpha, `ALPHA-${i}`, { pnr: `ALP00${i}` });
  betaId = (await book(beta, 'BETA-ONLY', { pnr: 'BET999' }, (b) => ({ ...b, passengers: [{ first_name: 'Oleg', last_name: 'Betov' }, { first_name: 'Inna', last_name: 'Betova' }] }))).id;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  db?.drop();
});

describe('Today', () => {
  for (const lang of ['ru', 'en']) {
    test(`shows the queues that need a person (${lang})`, async () => {
      const page = await signedIn(browser, server, admin, { lang, hash: '#/today' });
      const queue = page.getByTestId('q-expiring_bookings');
      await queue.waitFor();
      assert.equal(await queue.getAttribute('data-count'), '1');
      assert.match(norm(await queue.textContent()), /ALPHA-SOON/);
      await page.getByTestId('q-reconciliation').waitFor();
      await noSeriousViolations(page, `today ${lang}`);
      if (lang === 'ru') await screenshot(page, 'console-today-ru');
      await queue.getByRole('link', { name: 'ALPHA-SOON' }).click();
      await page.getByTestId('booking-reference').waitFor();
      assert.ok(page.url().endsWith(`#/bookings/${soonId}`));
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }
});

describe('Bookings', () => {
  for (const lang of ['ru', 'en']) {
    test(`search from the header, filters in the address, sort and pages (${lang})`, async () => {
      const page = await signedIn(browser, server, support, { lang, hash: '#/today' });
      await page.getByTestId('global-search').fill('Petrov');
      await page.getByTestId('global-search').press('Enter');
      await page.waitForURL(/#\/bookings\?q=Petrov/);
      const rows = page.locator('[data-testid="bookings"] tbody tr');
      await eventually(async () => (await rows.count()) === 6, { what: 'six bookings of Petrov' });
      await noSeriousViolations(page, `bookings ${lang}`);
      if (lang === 'ru') await screenshot(page, 'console-bookings-ru');
      // A status filter goes into the address and narrows the list.
      await page.getByTestId('filter-status').selectOption('ticketing_authorized');
      await page.waitForURL(/status=ticketing_authorized/);
      await eventually(async () => (await rows.count()) === 1, { what: 'one booking paid from the deposit' });
      assert.match(norm(await rows.first().textContent()), /ALPHA-PAID/);
      // Reload keeps the filters.
      await page.reload();
      await eventually(async () => (await rows.count()) === 1, { what: 'the filters kept after reload' });
      assert.equal(await page.getByTestId('filter-status').inputValue(), 'ticketing_authorized');
      // Sorting by amount is the server's: the header says so.
      await page.goto(`${server.url}/admin#/bookings`);
      await page.getByRole('button', { name: lang === 'ru' ? 'Сумма' : 'Amount' }).click();
      await page.waitForURL(/sort=-amount/);
      // Enter on an exact PNR opens the booking.
      await page.getByTestId('bookings-q').fill('pay123');
      await page.getByTestId('bookings-q').press('Enter');
      await page.waitForURL(new RegExp(`#/bookings/${paidId}$`));
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }

  test('the CSV link exports what the list shows', async () => {
    const page = await signedIn(browser, server, admin, { hash: '#/bookings?q=ALPHA-PAID' });
    const href = await page.getByTestId('bookings-csv').getAttribute('href');
    assert.match(href, /format=csv/);
    const r = await page.request.get(server.url + href);
    assert.equal(r.status(), 200);
    const text = await r.text();
    assert.match(text, /^reference,pnr,status,airline/);
    assert.match(text, /ALPHA-PAID,PAY123,ticketing_authorized,Аэро Альфа,/);
    assert.equal(text.trim().split('\r\n').length, 2);
    await page.context().close();
  });
});

describe('A booking story', () => {
  for (const lang of ['ru', 'en']) {
    test(`every section on one page (${lang})`, async () => {
      const page = await signedIn(browser, server, admin, { lang, hash: `#/bookings/${paidId}` });
      await page.getByTestId('booking-reference').waitFor();
      for (const s of ['versions', 'options', 'invoices', 'payments', 'documents', 'refunds', 'tickets', 'events', 'cases', 'audit'])
        await page.getByTestId(`section-${s}`).waitFor();
      await noSeriousViolations(page, `booking ${lang}`);
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
  }

  test('a refund by lines with a penalty, its effect shown first, made by the airline', async () => {
    const page = await signedIn(browser, server, agent, { lang: 'ru', hash: `#/bookings/${paidId}` });
    const form = page.getByTestId('refund-form');
    await form.waitFor();
    await page.getByTestId('refund-line-0').check();
    await page.getByTestId('add-penalty').click();
    await page.getByTestId('penalty-desc-0').fill('Штраф по тарифу');
    await page.getByTestId('penalty-amount-0').fill('1500');
    await page.getByTestId('refund-reason').fill('Клиент отказался от поездки');
    assert.match(norm(await page.getByTestId('refund-effect').textContent()), /3\s?500,00/);
    await screenshot(page, 'console-booking-ru');
    await page.getByTestId('refund-submit').click();
    const dialog = page.getByTestId('refund-confirm');
    await dialog.waitFor();
    assert.match(norm(await page.getByTestId('refund-confirm-total').textContent()), /3500\.00 RUB/);
    await noSeriousViolations(page, 'refund confirm');
    await page.getByTestId('refund-confirm-ok').click();
    await page.getByTestId('refund-done').waitFor();
    // The API has it: 5 000.00 of the first fare less 1 500.00.
    const refunds = await server.ok('GET', `/v1/bookings/${paidId}/refunds`, { key: alpha.api_key });
    assert.equal(refunds.data.length, 1);
    assert.equal(refunds.data[0].amount, '3500.00');
    assert.equal(refunds.data[0].penalty, '1500.00');
    assert.deepEqual(refunds.data[0].lines.map((l) => l.position), [0]);
    // The story shows it, and that line can no longer be chosen.
    await eventually(async () => page.getByTestId('refund-line-0').isDisabled(), { what: 'the refunded line no longer to choose' });
    assert.match(norm(await page.getByTestId('section-refunds').textContent()), /3\s?500,00/);
    // Airline staff may not retry legs: no such button.
    assert.equal(await page.locator('[data-testid^="retry-"]').count(), 0);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
});

describe('Airline staff and roles', () => {
  test('an airline user cannot open another airline\'s booking by URL, and lists only theirs', async () => {
    const page = await signedIn(browser, server, agent, { lang: 'en', hash: `#/bookings/${betaId}` });
    await page.getByRole('alert').waitFor();
    assert.match(norm(await page.getByRole('alert').textContent()), /Not found/);
    assert.equal(await page.getByTestId('booking-reference').count(), 0);
    assert.equal(await page.locator('text=BETA-ONLY').count(), 0);
    await page.goto(`${server.url}/admin#/bookings`);
    const rows = page.locator('[data-testid="bookings"] tbody tr');
    await eventually(async () => (await rows.count()) === 6, { what: 'the six bookings of Аэро Альфа' });
    assert.doesNotMatch(norm(await page.getByTestId('bookings').textContent()), /BETA|Бета/);
    // The search cannot reach it either.
    await page.goto(`${server.url}/admin#/bookings?q=Betov`);
    await page.locator('.empty').waitFor();
    // No airline filter for them: they have one airline.
    assert.equal(await page.getByTestId('filter-merchant').count(), 0);
    // Their Today has no reconciliation queue (the gateway's own money).
    await page.goto(`${server.url}/admin#/today`);
    await page.getByTestId('q-expiring_bookings').waitFor();
    assert.equal(await page.getByTestId('q-reconciliation').count(), 0);
    await noSeriousViolations(page, 'airline today');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('support and accountant see only the queues and buttons their role may press', async () => {
    const s = await signedIn(browser, server, support, { lang: 'ru', hash: '#/today' });
    await s.getByTestId('q-webhook_endpoints').waitFor();
    assert.equal(await s.getByTestId('q-failed_payouts').count(), 0);  // payouts.read is not support's
    await s.context().close();
    const a = await signedIn(browser, server, accountant, { lang: 'en', hash: '#/today' });
    await a.getByTestId('q-failed_payouts').waitFor();
    assert.equal(await a.getByTestId('q-webhook_endpoints').count(), 0);  // webhooks.read is not the accountant's
    await a.context().close();
    // What the UI hides the API refuses: an airline user retrying a leg, a merchant key on the console.
    const r = await server.request('GET', '/admin/api/bookings', { key: alpha.api_key });
    assert.equal(r.status, 403);
  });
});
