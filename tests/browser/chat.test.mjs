// The payment chat in two Chromium pages against the real binary and PostgreSQL: an airline's
// site on another origin (http://localhost:<port>, the gateway at http://127.0.0.1:<port>) embeds
// loader.js; the customer writes, the operator takes the dialog in the console and answers, a
// private note never reaches the customer's page nor its socket, an XSS attempt is text on both
// sides, the operator issues a bill, the customer pays it with the sandbox's 3-D Secure card and
// both pages turn green without a reload; the customer reloads and keeps the dialog; a dropped
// connection gets exactly the missed messages once; the archive finds the dialog by a Russian
// word in another form; Russian and English; axe-core on each page.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { TestDatabase, axeSource, eventually, launchBrowser, serverNow, sleep } from './harness.mjs';
import { consoleServer, noSeriousViolations, screenshot, signedIn, staffUser } from './console_harness.mjs';

const XSS = '<img src=x onerror="window.__xss=1">';
let db, server, browser, site, siteOrigin, air, olga, pavel, sergey;

// The airline's own site: a page that embeds the loader from the gateway, as the docs say.
function airlineSite() {
  return http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const lang = u.searchParams.get('lang') || 'ru';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Аэро Тест — авиабилеты</title></head>
<body><main><h1>Аэро Тест</h1><p>Авиабилеты по всему миру.</p></main>
<script src="${server.url}${u.searchParams.get('loader') || '/chat/loader.js'}" data-merchant="${air.merchant_id}" data-lang="${lang}" async></script>
</body></html>`);
  });
}

// axe-core inside the widget's frame (another origin than the site).
async function widgetViolations(frame) {
  if (!(await frame.evaluate(() => !!window.axe))) await frame.evaluate(axeSource);
  const v = await frame.evaluate(async () => (await window.axe.run({ resultTypes: ['violations'] })).violations
    .map((x) => ({ id: x.id, impact: x.impact, nodes: x.nodes.map((n) => n.target.join(' ')).slice(0, 5) })));
  return v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
}

// A customer on the airline's site: the page, the widget's frame (locator and Frame), every
// text frame its chat socket received, and the page's errors.
async function customer({ lang = 'ru', context } = {}) {
  const ctx = context || await browser.newContext({ locale: lang === 'en' ? 'en-GB' : 'ru-RU', viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.received = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  page.on('websocket', (ws) => {
    if (!/\/chat\/socket/.test(ws.url())) return;
    ws.on('framereceived', (f) => {
      try {
        page.received.push(JSON.parse(String(f.payload)));
      } catch {
        /* not JSON */
      }
    });
  });
  let loader = '/chat/loader.js';
  const probe = await server.request('GET', loader);
  if (probe.status !== 200) loader = '/assets/chat/loader.js';
  await page.goto(`${siteOrigin}/?lang=${lang}&loader=${encodeURIComponent(loader)}`);
  await page.getByTestId('chat-button').click();
  const widget = page.frameLocator('[data-testid=chat-frame]');
  await widget.getByTestId('chat-input').waitFor();
  const frame = () => page.frames().find((f) => f.url().includes('/chat/w/'));
  return { ctx, page, widget, frame };
}

before(async () => {
  db = new TestDatabase();
  server = await consoleServer(db);
  air = server.cli('merchant', 'create', '--name', 'Аэро Тест', '--inn', '7707083893', '--kpp', '770701001', '--invoice-prefix', 'AT');
  olga = staffUser(server, { name: 'Ольга Операторова', email: 'olga@aero.example', role: 'airline', merchant: air.merchant_id });
  pavel = staffUser(server, { name: 'Павел Сменщик', email: 'pavel@aero.example', role: 'airline', merchant: air.merchant_id });
  sergey = staffUser(server, { name: 'Сергей Поддержкин', email: 'sergey@skybill.example', role: 'support' });
  site = airlineSite();
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  siteOrigin = `http://localhost:${site.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  site?.close();
  db?.drop();
});

describe('the payment chat', () => {
  let op;          // the operator's console page (Olga, Russian)
  let cust;        // the customer on the airline's site
  let dialogId;

  test('the airline allows its site, makes a canned reply; the widget is refused elsewhere', async () => {
    op = await signedIn(browser, server, olga, { lang: 'ru', hash: '#/chat/settings' });
    assert.equal(await op.getByTestId('nav-chat').textContent(), 'Чат');
    await op.getByTestId('chat-enabled').check();  // off until the airline turns it on
    await op.getByTestId('chat-origins').fill(`${siteOrigin}\nhttps://www.aero.example`);
    await op.getByTestId('greeting-ru').fill('Здравствуйте! Чем помочь с бронированием?');
    await op.getByTestId('greeting-en').fill('Hello! How can we help with your booking?');
    await op.getByTestId('settings-save').click();
    await op.getByTestId('settings-saved').waitFor();
    assert.match(await op.getByTestId('embed-snippet').inputValue(), new RegExp(`data-merchant="${air.merchant_id}"`));
    await noSeriousViolations(op, 'chat settings (ru)');
    const page = await server.request('GET', `/chat/w/${air.merchant_id}?lang=ru`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') || '', new RegExp(`frame-ancestors[^;]*${siteOrigin.replace(/[.:/]/g, '\\$&')}`));

    await op.goto(`${server.url}/admin#/chat/canned`);
    await op.getByTestId('canned-code').fill('hello');
    await op.getByTestId('canned-title').fill('Приветствие');
    await op.getByTestId('canned-body').fill('Здравствуйте, {{visitor.name|путешественник}}! Меня зовут {{operator.name}}. {{visitor.phone}}');
    await op.getByTestId('canned-unknown').waitFor();  // warned before saving
    assert.match(await op.getByTestId('canned-unknown').textContent(), /visitor\.phone/);
    await op.getByTestId('canned-body').fill('Здравствуйте, {{visitor.name|путешественник}}! Меня зовут {{operator.name}}.');
    assert.equal(await op.getByTestId('canned-unknown').count(), 0);
    await op.getByTestId('canned-save').click();
    await op.locator('[data-testid=canned] tr[data-code=hello]').waitFor();
    await noSeriousViolations(op, 'canned replies (ru)');
    assert.deepEqual(op.problems, []);
  });

  test('the customer writes, the operator takes it and answers; XSS is text; a private note never reaches the customer', async () => {
    cust = await customer({ lang: 'ru' });
    const { widget } = cust;
    await widget.getByText('Здравствуйте! Чем помочь с бронированием?').waitFor();
    await widget.getByTestId('chat-input').fill(`Хочу поменять билеты на другую дату ${XSS}`);
    await widget.getByTestId('chat-input').press('Enter');
    await widget.locator('[data-testid=message][data-seq="1"]').waitFor();

    await op.goto(`${server.url}/admin#/chat`);
    const row = op.getByTestId('queue').getByTestId('queue-row').first();
    await row.waitFor();
    dialogId = await row.getAttribute('data-id');
    await row.click();
    const panel = op.locator(`[data-testid=dialog][data-id="${dialogId}"]`);
    await panel.getByText('Хочу поменять билеты').waitFor();
    await panel.getByTestId('take').click();
    await op.locator(`[data-testid=dialog][data-id="${dialogId}"][data-status=open]`).waitFor();
    assert.equal(await panel.getByTestId('dialog-assignee').textContent(), olga.name);

    // The customer types: the operator sees it.
    await widget.getByTestId('chat-input').pressSequentially('Алло', { delay: 30 });
    await panel.getByTestId('typing').waitFor();
    await widget.getByTestId('chat-input').fill('');

    // A canned reply by its shortcode, with its variables filled.
    const box = panel.getByTestId('composer-text');
    await box.fill('/hel');
    await panel.getByTestId('canned-list').waitFor();
    await box.press('Enter');
    assert.equal(await box.inputValue(), `Здравствуйте, путешественник! Меня зовут ${olga.name}.`);
    await box.press('Enter');
    await box.fill(`Сейчас посмотрю. ${XSS}`);
    await box.press('Enter');
    await panel.getByTestId('private').check();
    await box.fill('СЕКРЕТ: клиенту скидку не предлагать');
    await panel.getByTestId('send').click();
    await panel.locator('[data-private="1"]').getByText('СЕКРЕТ').waitFor();
    assert.match(await panel.locator('[data-private="1"]').getByTestId('private-mark').textContent(), /клиент не видит/);
    await panel.getByTestId('private').uncheck();
    await box.fill('Какую дату хотите?');
    await box.press('Enter');

    await widget.getByText('Какую дату хотите?').waitFor();
    await widget.getByText(`Здравствуйте, путешественник! Меня зовут ${olga.name}.`).waitFor();
    assert.match(await widget.getByTestId('chat-status').textContent(), /Ольга Операторова/);
    // Shown as text on both sides, never as an element.
    await widget.getByText(`Сейчас посмотрю. ${XSS}`).waitFor();
    await panel.getByText(`Сейчас посмотрю. ${XSS}`).waitFor();
    assert.equal(await cust.frame().evaluate(() => document.querySelectorAll('img').length + (window.__xss ? 100 : 0)), 0);
    assert.equal(await op.evaluate(() => document.querySelectorAll('.chat-log img').length + (window.__xss ? 100 : 0)), 0);
    // The private note: not on the page, not in any frame the customer's socket received.
    assert.ok(!(await cust.frame().evaluate(() => document.body.textContent)).includes('СЕКРЕТ'));
    assert.ok(cust.page.received.length > 0, 'the customer socket frames are seen');
    assert.ok(!JSON.stringify(cust.page.received).includes('СЕКРЕТ'), 'the note never reached the customer socket');
    assert.ok(!cust.page.received.some((f) => f.private === true), 'no private frame');
    // Read marks: the operator's answer is read by the customer, the customer's by the operator.
    await panel.getByTestId('read-mark').first().waitFor();
    await widget.getByTestId('mark').filter({ hasText: 'Прочитано' }).first().waitFor();

    await noSeriousViolations(op, 'the chat workspace (ru)');
    assert.deepEqual(await widgetViolations(cust.frame()), [], 'axe-core in the widget');
    await noSeriousViolations(cust.page, "the airline's page with the chat button");
    assert.deepEqual(op.problems, []);
    assert.deepEqual(cust.page.problems, []);
  });

  test('the operator issues a bill, the customer pays with the 3-D Secure test card, both turn green without a reload', async () => {
    const panel = op.locator(`[data-testid=dialog][data-id="${dialogId}"]`);
    await panel.getByTestId('bill-open').click();
    await panel.getByTestId('bill-issue').click();
    await panel.getByTestId('bill-problem').waitFor();  // an amount is required
    await panel.getByTestId('bill-amount').fill('1500.00');
    await panel.getByTestId('bill-currency').fill('EUR');
    await panel.getByTestId('bill-description').fill('Смена даты вылета, разница тарифа');
    await panel.getByTestId('bill-issue').click();
    const opBill = panel.getByTestId('bill').first();
    await opBill.waitFor();
    assert.equal(await opBill.getAttribute('data-status'), 'open');
    const bill = cust.widget.getByTestId('bill').first();
    await bill.waitFor();
    assert.match(await bill.textContent(), /1\s500,00\s€/);
    assert.match(await bill.textContent(), /Смена даты вылета/);
    await op.evaluate(() => { window.__notReloaded = true; });
    await cust.page.evaluate(() => { window.__notReloaded = true; });
    await cust.frame().evaluate(() => { window.__notReloaded = true; });

    // Pay opens the hosted page in a new tab; the card goes through the sandbox's 3-D Secure.
    const [pay] = await Promise.all([cust.ctx.waitForEvent('page'), cust.widget.getByTestId('pay').click()]);
    await pay.waitForLoadState();
    const choose = pay.locator('[data-method=card] button');
    const direct = pay.getByTestId('pay-card');
    await Promise.race([choose.waitFor({ timeout: 15000 }), direct.waitFor({ timeout: 15000 })]);
    if (await choose.count()) {
      await choose.click();
      await pay.getByTestId('confirm').click();
    }
    await direct.click();
    const card = pay.frameLocator('[data-testid=card-frame]');
    const year = serverNow().getUTCFullYear() + 3;
    await card.locator('input[name=number]').fill('4000 0000 0000 3220');
    await card.locator('input[name=expiry]').fill(`12/${String(year).slice(2)}`);
    await card.locator('input[name=cvc]').fill('123');
    await card.locator('input[name=holder]').fill('IVAN PETROV');
    await card.locator('button[type=submit]').click();
    await card.locator('input[name=code]').fill('1234');
    await card.locator('button[type=submit]').click();
    await pay.locator('[data-testid=status][data-status=paid]').waitFor({ timeout: 20000 });

    await cust.widget.locator('[data-testid=bill][data-status=paid]').waitFor({ timeout: 15000 });
    assert.match(await cust.widget.getByTestId('bill-paid').textContent(), /Счёт оплачен/);
    await panel.locator('[data-testid=bill][data-status=paid]').waitFor({ timeout: 15000 });
    assert.match(await panel.getByTestId('bill-paid').first().textContent(), /Счёт оплачен/);
    await screenshot(op, 'chat-console-ru');
    await screenshot(cust.page, 'chat-widget-ru');
    assert.equal(await op.evaluate(() => window.__notReloaded), true, 'the console was not reloaded');
    assert.equal(await cust.frame().evaluate(() => window.__notReloaded), true, 'the widget was not reloaded');
    assert.equal(await cust.page.evaluate(() => window.__notReloaded), true, 'the site was not reloaded');
    await pay.close();
    assert.deepEqual(op.problems, []);
  });

  test('a dropped connection receives exactly the missed messages, once each; a reload keeps the dialog', async () => {
    const panel = op.locator(`[data-testid=dialog][data-id="${dialogId}"]`);
    const box = panel.getByTestId('composer-text');
    // Offline: the socket is dropped and cannot come back until the network does.
    await cust.ctx.setOffline(true);
    await cust.frame().evaluate(() => window.__skybillChat.drop());
    const droppedAt = Date.now();
    assert.equal(await cust.widget.getByTestId('reconnecting').count(), 0, 'a short drop is silent');
    const missed = ['Пропущенное первое', 'Пропущенное второе', 'Пропущенное третье'];
    for (const text of missed) {
      await box.fill(text);
      await box.press('Enter');
      await panel.locator('[data-testid=message]:not(.pending)').getByText(text).waitFor();
    }
    await sleep(300);
    assert.ok(!JSON.stringify(cust.page.received).includes('Пропущенное'), 'nothing came while offline');
    // "Reconnecting" only after 5 s without a connection, then gone once it is back.
    await cust.widget.getByTestId('reconnecting').waitFor({ timeout: 10000 });
    assert.ok(Date.now() - droppedAt >= 4900, `"reconnecting" shown after ${Date.now() - droppedAt} ms`);
    await cust.ctx.setOffline(false);
    for (const text of missed) await cust.widget.getByText(text).waitFor({ timeout: 20000 });
    await cust.widget.getByTestId('reconnecting').waitFor({ state: 'detached' });
    await sleep(500);
    for (const text of missed) {
      assert.equal(await cust.widget.getByText(text).count(), 1, `"${text}" shown once`);
      assert.equal(cust.page.received.filter((f) => f.type === 'message' && f.text === text).length, 1, `"${text}" received once`);
    }
    const seqs = cust.page.received.filter((f) => f.type === 'message').map((f) => `${f.dialog}/${f.seq}`);
    const shown = await cust.widget.locator('[data-testid=message]').evaluateAll((els) => els.map((e) => e.dataset.seq));
    assert.equal(new Set(shown).size, shown.length, `no message twice on the page: ${shown}`);
    assert.ok(seqs.length > 0);

    // The customer's own message sent while offline goes once the network is back.
    await cust.ctx.setOffline(true);
    await cust.frame().evaluate(() => window.__skybillChat.drop());
    await cust.widget.getByTestId('chat-input').fill('Написано без сети');
    await cust.widget.getByTestId('chat-input').press('Enter');
    await sleep(300);
    await cust.ctx.setOffline(false);
    await panel.getByText('Написано без сети').waitFor({ timeout: 20000 });
    await sleep(500);
    assert.equal(await panel.getByText('Написано без сети').count(), 1, 'stored once');

    // A reload: the same dialog and its history, the bill still green.
    await cust.page.reload();
    await cust.page.getByTestId('chat-button').click();
    await cust.widget.getByText('Какую дату хотите?').waitFor();
    await cust.widget.getByText('Написано без сети').waitFor();
    await cust.widget.locator('[data-testid=bill][data-status=paid]').waitFor();
    assert.ok(!(await cust.frame().evaluate(() => document.body.textContent)).includes('СЕКРЕТ'));
    await cust.widget.getByTestId('chat-input').fill('Спасибо, всё получилось');
    await cust.widget.getByTestId('chat-input').press('Enter');
    await panel.getByText('Спасибо, всё получилось').waitFor();
    assert.equal(await op.getByTestId('queue').count(), 0, 'no new waiting dialog: the same one continues');
    assert.deepEqual(cust.page.problems, []);
  });

  test('the archive finds the dialog by a word in another form; the transcript leaves private notes out', async () => {
    await op.goto(`${server.url}/admin#/chat/archive`);
    await op.getByTestId('archive-q').fill('билет');  // the customer wrote "билеты"
    await op.getByTestId('archive-search').click();
    const row = op.getByTestId('archive').locator(`tr[data-id="${dialogId}"]`);
    await row.waitFor();
    await op.getByTestId('archive-q').fill('дата');  // "дату", "даты" in the dialog
    await op.getByTestId('archive-search').click();
    await row.waitFor();
    await op.getByTestId('archive-q').fill('самолётостроение');
    await op.getByTestId('archive-search').click();
    await op.getByTestId('archive').locator('.empty').waitFor();
    await op.getByTestId('archive-q').fill('билет');
    await op.getByTestId('archive-bill-status').selectOption('paid');
    await op.getByTestId('archive-search').click();
    await row.click();
    await op.getByTestId('archive-dialog').getByText('Хочу поменять билеты').waitFor();
    await noSeriousViolations(op, 'the chat archive (ru)');
    await screenshot(op, 'chat-archive-ru');
    const href = await op.getByTestId('export').getAttribute('href');
    const plain = await op.request.get(`${server.url}${href}`);
    assert.equal(plain.status(), 200);
    const text = await plain.text();
    assert.match(text, /Хочу поменять билеты/);
    assert.ok(!text.includes('СЕКРЕТ'), 'no private notes by default');
    await op.getByTestId('with-private').check();
    const full = await op.request.get(`${server.url}${await op.getByTestId('export').getAttribute('href')}`);
    assert.match(await full.text(), /СЕКРЕТ/);
    assert.deepEqual(op.problems, []);
  });

  test("the gateway's support is invited, joins and leaves a note for the operator only", async () => {
    await op.goto(`${server.url}/admin#/chat`);
    const panel = op.locator(`[data-testid=dialog][data-id="${dialogId}"]`);
    await panel.getByTestId('invite-support').click();
    await panel.locator('[data-event="support.invited"]').waitFor();
    await cust.widget.getByText('Приглашена поддержка платёжного шлюза').waitFor();

    const sp = await signedIn(browser, server, sergey, { lang: 'ru', hash: '#/chat' });
    const row = sp.locator(`[data-testid=queue-row][data-id="${dialogId}"]`);
    await row.waitFor();
    await row.click();
    const spPanel = sp.locator(`[data-testid=dialog][data-id="${dialogId}"]`);
    await spPanel.getByText('Хочу поменять билеты').waitFor();
    await spPanel.getByTestId('join').click();
    await spPanel.getByTestId('composer-text').waitFor();
    await spPanel.getByTestId('private').check();
    await spPanel.getByTestId('composer-text').fill('ПОДДЕРЖКА: платёж прошёл, 3-D Secure успешен');
    await spPanel.getByTestId('composer-text').press('Enter');
    await panel.locator('[data-private="1"]').getByText('ПОДДЕРЖКА').waitFor();
    await sleep(300);
    assert.ok(!JSON.stringify(cust.page.received).includes('ПОДДЕРЖКА'), 'the note never reached the customer socket');
    assert.ok(!(await cust.frame().evaluate(() => document.body.textContent)).includes('ПОДДЕРЖКА'));
    await noSeriousViolations(sp, "support's chat workspace (ru)");
    assert.deepEqual(sp.problems, []);
    await sp.context().close();
  });

  test('English: the widget and the console; a transfer to another operator, who closes it', async () => {
    const en = await customer({ lang: 'en' });
    await en.widget.getByText('Hello! How can we help with your booking?').waitFor();
    assert.equal(await en.frame().evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await en.page.getByTestId('chat-button').getAttribute('aria-label'), 'Close chat');
    await en.widget.getByTestId('chat-input').fill('I need an extra bag');
    await en.widget.getByTestId('chat-send').click();
    await en.widget.locator('[data-testid=message][data-seq="1"]').waitFor();

    const pv = await signedIn(browser, server, pavel, { lang: 'en', hash: '#/chat' });
    const row = pv.getByTestId('queue').getByTestId('queue-row').first();
    await row.waitFor();
    await row.click();
    const panel = pv.getByTestId('dialog');
    await panel.getByText('I need an extra bag').waitFor();
    assert.match(await panel.getByTestId('dialog-status').textContent(), /waiting for an operator/);
    await panel.getByTestId('take').click();
    await pv.locator('[data-testid=dialog][data-status=open]').waitFor();
    await panel.getByTestId('composer-text').fill('Sure, one moment.');
    await panel.getByTestId('composer-text').press('Enter');
    await en.widget.getByText('Sure, one moment.').waitFor();
    assert.match(await en.widget.getByTestId('chat-status').textContent(), /You are talking to Павел Сменщик/);
    await noSeriousViolations(pv, 'the chat workspace (en)');
    await screenshot(en.page, 'chat-widget-en');
    assert.deepEqual(await widgetViolations(en.frame()), [], 'axe-core in the widget (en)');

    // Transferred to Olga: her console shows it among hers, live.
    await panel.getByTestId('transfer').click();
    const to = pv.getByTestId('transfer-to');
    if ((await to.evaluate((e) => e.tagName)) === 'SELECT') await to.selectOption({ label: olga.name });
    else await to.fill(db.sql(`SELECT id FROM staff_users WHERE email = '${olga.email}'`));
    await pv.getByTestId('transfer-confirm-ok').click();
    await op.goto(`${server.url}/admin#/chat`);
    await eventually(async () => (await op.getByTestId('mine').getByTestId('queue-row').count()) === 2, { what: 'the transferred dialog among Olga’s' });
    // Olga closes it: the customer sees the conversation ended, live.
    const transferred = op.getByTestId('mine').locator(`[data-testid=queue-row]:not([data-id="${dialogId}"])`);
    await transferred.click();
    const closing = op.locator(`[data-testid=dialog][data-id="${await transferred.getAttribute('data-id')}"]`);
    await closing.getByTestId('close-dialog').click();
    await op.getByTestId('close-confirm-ok').click();
    await closing.locator('xpath=self::*[@data-status="closed"]').waitFor();
    await en.widget.getByTestId('closed').waitFor();
    assert.match(await en.widget.getByTestId('closed').textContent(), /The conversation has ended/);
    assert.deepEqual(pv.problems, []);
    assert.deepEqual(en.page.problems, []);
    await en.ctx.close();
    await pv.context().close();
  });
});
