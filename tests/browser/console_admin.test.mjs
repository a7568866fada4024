// The console's airline, case, staff and audit screens in a real browser: a support user takes,
// comments on and closes a case with its booking beside it; an admin makes and revokes an API key
// (the revoked key answers 401 at once), redelivers a webhook delivery and creates a staff user
// with a role; the audit trail, filtered, finds those actions; an airline user sees only their
// airline. Each screen in Russian and English, axe-core clean.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { TestDatabase, bookingBody, eventually, launchBrowser, rfc3339, serverNow } from './harness.mjs';
import { consoleServer, noSeriousViolations, screenshot, signedIn, staffUser } from './console_harness.mjs';

let db, server, browser, hooks, received = 0;
let air, other, booking, caseId, endpointId;
let admin, support, airline;

before(async () => {
  db = new TestDatabase();
  server = await consoleServer(db);
  hooks = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((r) => hooks.listen(0, '127.0.0.1', r));
  air = server.cli('merchant', 'create', '--name', 'Аэро Тест', '--inn', '7707083893', '--kpp', '770701001', '--invoice-prefix', 'AT');
  other = server.cli('merchant', 'create', '--name', 'Чужие Авиалинии', '--inn', '7728168971', '--kpp', '772801001', '--invoice-prefix', 'CA');
  const ep = await server.ok('POST', '/v1/webhook-endpoints', {
    key: air.api_key, json: { url: `http://127.0.0.1:${hooks.address().port}/hooks`, events: ['booking.*'] },
  });
  endpointId = ep.id;
  booking = await server.ok('POST', '/v1/bookings', { key: air.api_key, json: bookingBody('CASE-7001', { pnr: 'CASE71' }) });
  await server.ok('POST', '/v1/bookings', { key: other.api_key, json: bookingBody('OTHER-1', { pnr: 'OTHR01' }) });
  // Opened on the server's clock, as a failed ticketing would open it.
  const at = rfc3339(serverNow());
  caseId = db.sql(`INSERT INTO support_cases (merchant_id, booking_id, type, notes, created_at, updated_at)
    VALUES ('${air.merchant_id}', '${booking.id}', 'ticketing_failed', 'PNR отменён перевозчиком', '${at}', '${at}') RETURNING id`).split('\n')[0];
  db.sql(`INSERT INTO support_cases (merchant_id, type, notes, created_at, updated_at)
    VALUES ('${other.merchant_id}', 'payout_failed', 'Чужое обращение', '${at}', '${at}')`);
  admin = staffUser(server, { name: 'Анна Админова', email: 'anna@skybill.example', role: 'admin' });
  support = staffUser(server, { name: 'Сергей Поддержкин', email: 'sergey@skybill.example', role: 'support' });
  airline = staffUser(server, { name: 'Ольга Аэро', email: 'olga@aero.example', role: 'airline', merchant: air.merchant_id });
  await eventually(() => received >= 1, { what: 'the booking.created webhook delivered' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  hooks?.close();
  db?.drop();
});

describe('console: airlines, cases, staff, audit', () => {
  test('a support user takes, comments on and closes a case with the booking beside it', async () => {
    const page = await signedIn(browser, server, support, { lang: 'ru', hash: '#/cases' });
    await page.getByTestId('cases').locator(`tr[data-id="${caseId}"]`).click();
    const view = page.getByTestId('case');
    await view.waitFor();
    assert.equal(await page.getByTestId('booking-reference').textContent(), 'CASE-7001');
    assert.match(await page.getByTestId('case-booking').textContent(), /CASE71/);
    assert.match(await page.getByTestId('case-booking').textContent(), /ООО «Ромашка»/);
    assert.match(await page.getByTestId('case-booking').textContent(), /11\s499,50/);
    assert.equal(await page.getByTestId('cases').locator('tbody tr').count(), 2, 'support sees every airline');
    await noSeriousViolations(page, 'the case queue (ru)');

    await page.getByTestId('assign-me').click();
    await eventually(async () => (await page.getByTestId('case-assignee').textContent()) === support.name, { what: 'assigned' });
    await page.getByTestId('comment-text').fill('Связался с перевозчиком, перевыпускают билет.');
    await page.getByTestId('add-comment').click();
    await page.getByTestId('case-comments').getByText('Связался с перевозчиком').waitFor();
    await screenshot(page, 'console-cases-ru');

    await page.getByTestId('close-case').click();
    await page.getByTestId('close-ok').click();
    await page.getByTestId('close').getByRole('alert').waitFor();  // a resolution is required
    await page.getByTestId('resolution').fill('Билет перевыпущен перевозчиком');
    await page.getByTestId('close-ok').click();
    await page.locator('[data-testid="case"][data-status="closed"]').waitFor();
    assert.match(await page.getByTestId('case-resolution').textContent(), /Билет перевыпущен/);
    await noSeriousViolations(page, 'a closed case (ru)');
    assert.equal(db.sql(`SELECT status || '/' || resolution FROM support_cases WHERE id = '${caseId}'`), 'closed/Билет перевыпущен перевозчиком');
    // Support may not touch keys: the airline page shows no key buttons.
    await page.goto(`${server.url}/admin#/airlines/${air.merchant_id}`);
    await page.getByTestId('airline-keys').waitFor();
    assert.equal(await page.getByTestId('new-test-key').count(), 0);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('an admin makes and revokes an API key, redelivers a webhook and creates a staff user', async () => {
    const page = await signedIn(browser, server, admin, { lang: 'ru', hash: '#/airlines' });
    await page.getByTestId('airlines').getByRole('link', { name: 'Аэро Тест' }).click();
    await page.getByTestId('airline-title').waitFor();
    await page.getByTestId('new-test-key').click();
    const secret = await page.getByTestId('new-secret').inputValue();
    assert.match(secret, /^sk_test_/);
    assert.match(await page.getByTestId('secret').textContent(), /показан один раз/);
    await noSeriousViolations(page, 'the new key dialog');
    assert.equal((await server.request('GET', '/v1/clients', { key: secret })).status, 200);
    await page.getByTestId('secret-ok').click();
    const last4 = secret.slice(-4);
    await page.locator(`tr[data-last4="${last4}"]`).getByTestId('revoke-key').click();
    await page.getByTestId('revoke-ok').click();
    await page.locator(`tr[data-last4="${last4}"] [data-status="revoked"]`).waitFor();
    assert.equal((await server.request('GET', '/v1/clients', { key: secret })).status, 401, 'a revoked key stops at once');
    assert.equal((await server.request('GET', '/v1/clients', { key: air.api_key })).status, 200);

    await page.getByTestId('show-deliveries').click();
    const row = page.getByTestId('deliveries').locator('tbody tr').first();
    await row.waitFor();
    assert.match(await row.textContent(), /booking\.created/);
    const before = received;
    await row.getByTestId('redeliver').click();
    await page.getByText('Событие поставлено в очередь').waitFor();
    await eventually(() => received > before, { what: 'the redelivered webhook' });
    await noSeriousViolations(page, 'the airline page (ru)');
    await screenshot(page, 'console-airline-ru');

    await page.goto(`${server.url}/admin#/staff`);
    await page.getByTestId('new-user').waitFor();
    await page.getByTestId('new-name').fill('Борис Бухгалтеров');
    await page.getByTestId('new-email').fill('boris@skybill.example');
    await page.getByTestId('new-role').selectOption('accountant');
    await page.getByTestId('new-password').fill('Buhgalter-2026-parol!');
    await page.getByTestId('create-user').click();
    await page.getByTestId('staff-note').waitFor();
    const boris = page.locator('tr[data-email="boris@skybill.example"]');
    assert.match(await boris.getByTestId('user-role').textContent(), /Бухгалтер/);
    await boris.getByTestId('change-role').click();
    await page.getByTestId('chg-role').selectOption('support');
    await page.getByTestId('staff-change-ok').click();
    await eventually(async () => /Поддержка/.test(await boris.getByTestId('user-role').textContent()), { what: 'role changed' });
    await noSeriousViolations(page, 'the staff screen (ru)');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('the audit trail, filtered, finds those actions and exports them', async () => {
    const page = await signedIn(browser, server, admin, { lang: 'ru', hash: '#/audit' });
    await page.getByTestId('audit-action').fill('api_key.revoked');
    await page.getByTestId('audit-apply').click();
    const rows = page.getByTestId('audit').locator('tbody tr');
    await eventually(async () => (await rows.count()) === 1 && /api_key\.revoked/.test(await rows.first().textContent()), { what: 'revoked row' });
    assert.match(await rows.first().textContent(), /Анна Админова/);
    await page.getByTestId('audit-action').fill('');
    await page.getByTestId('audit-entity').selectOption('support_case');
    await page.getByTestId('audit-apply').click();
    await eventually(async () => (await rows.count()) === 3, { what: 'assigned, commented, closed' });
    const text = await page.getByTestId('audit').textContent();
    for (const a of ['support_case.assigned', 'support_case.commented', 'support_case.closed']) assert.ok(text.includes(a), a);
    await page.getByTestId('audit-entity').selectOption('staff');
    await page.getByTestId('audit-apply').click();
    await eventually(async () => /staff\.role_changed/.test(await page.getByTestId('audit').textContent()), { what: 'role change' });
    await page.getByTestId('audit-entity').selectOption('event');
    await page.getByTestId('audit-apply').click();
    await eventually(async () => /event\.redelivered/.test(await page.getByTestId('audit').textContent()), { what: 'redelivery' });
    const csv = await page.getByTestId('audit-csv').getAttribute('href');
    const r = await page.request.get(server.url + csv);
    assert.equal(r.status(), 200);
    assert.match(await r.text(), /event\.redelivered/);
    await noSeriousViolations(page, 'the audit trail (ru)');
    await screenshot(page, 'console-audit-ru');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('an airline user sees only their airline', async () => {
    const page = await signedIn(browser, server, airline, { lang: 'ru', hash: '#/airlines' });
    await page.getByTestId('airline-title').waitFor();
    assert.equal(await page.getByTestId('airline-title').textContent(), 'Аэро Тест');
    assert.equal(await page.getByTestId('edit-settings').count(), 0, 'no settings edit for airline staff');
    await page.getByTestId('new-test-key').waitFor();  // their own keys they may make
    await page.goto(`${server.url}/admin#/airlines/${other.merchant_id}`);
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByTestId('airline-title').count(), 0);
    await page.goto(`${server.url}/admin#/cases?status=all`);
    const rows = page.getByTestId('cases').locator('tbody tr');
    await eventually(async () => (await rows.count()) === 1, { what: 'one case' });
    assert.equal(await rows.first().getAttribute('data-id'), caseId);
    await rows.first().click();
    await page.getByTestId('case').waitFor();
    assert.equal(await page.getByTestId('close-case').count(), 0);
    assert.equal(await page.getByTestId('reopen-case').count(), 0);
    assert.equal(await page.getByTestId('nav-staff').count(), 0);
    await page.goto(`${server.url}/admin#/audit`);
    await page.getByTestId('audit').locator('tbody tr').first().waitFor();
    assert.doesNotMatch(await page.getByTestId('audit').textContent(), /Чужие Авиалинии/);
    await noSeriousViolations(page, 'the audit trail of an airline user');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  for (const lang of ['ru', 'en'])
    test(`every screen reads in ${lang} and is axe-core clean`, async () => {
      const page = await signedIn(browser, server, admin, { lang, hash: '#/airlines' });
      const words = lang === 'en'
        ? { airlines: 'Airlines', airline: 'API keys', cases: 'Support cases', staff: 'New staff user', audit: 'Audit trail' }
        : { airlines: 'Авиакомпании', airline: 'API-ключи', cases: 'Обращения', staff: 'Новый сотрудник', audit: 'Журнал изменений' };
      for (const [screen, hash] of [['airlines', '#/airlines'], ['airline', `#/airlines/${air.merchant_id}`],
        ['cases', `#/cases?status=all&case=${caseId}`], ['staff', '#/staff'], ['audit', '#/audit']]) {
        await page.goto(`${server.url}/admin${hash}`);
        await page.getByRole('heading', { name: words[screen] }).first().waitFor();
        if (screen === 'cases') await page.getByTestId('case').waitFor();
        if (screen === 'audit' || screen === 'airlines') await page.locator('table.data tbody tr').first().waitFor();
        await noSeriousViolations(page, `${screen} (${lang})`);
      }
      assert.deepEqual(page.problems, []);
      await page.context().close();
    });
});
