// The console's money screens in a real browser against the real binary and PostgreSQL: an
// accountant uploads a bank statement (progress, then the counts), works the reconciliation
// queue by keyboard (match the best candidate, never a void invoice; split; return to the payer)
// keeping their place; support sees the queue without the buttons; payment orders exported, the
// 1C file downloaded and the export marked sent, a payout marked failed, the settlement report's
// chart and table; a client's credit line set and deposit topped up. Each screen in RU and EN,
// axe-core clean, screenshots docs/images/console-{reconciliation,payouts,client}-ru.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TestDatabase, bookingBody, eventually, launchBrowser, ruDate, serverNow } from './harness.mjs';
import { consoleServer, noSeriousViolations, screenshot, signedIn, staffUser } from './console_harness.mjs';

const OUR_ACCOUNT = '40702810900000000001';
const norm = (s) => String(s).replace(/\s+/g, ' ').trim();

let db, server, browser, merchant, accountantKey, accountant, support, admin;

// A 1C statement of several incoming payments from the client (or `inn`).
function statementOf(docs) {
  const eol = '\r\n';
  const date = ruDate(serverNow());
  const lines = ['1CClientBankExchange', 'ВерсияФормата=1.03', 'Кодировка=Windows', `РасчСчет=${OUR_ACCOUNT}`];
  for (const d of docs) {
    lines.push('СекцияДокумент=Платежное поручение', `Номер=${d.number}`, `Дата=${date}`, `Сумма=${d.amount}`,
      'ПлательщикСчет=40702810500000012345', `ПлательщикИНН=${d.inn || '7728168971'}`, 'ПлательщикКПП=772801001',
      'Плательщик1=ООО "Ромашка"', 'ПлательщикБИК=044525974', `ПолучательСчет=${OUR_ACCOUNT}`,
      'ПолучательИНН=7707083893', `ДатаПоступило=${date}`, `НазначениеПлатежа=${d.purpose}`, 'КонецДокумента');
  }
  lines.push('КонецФайла', '');
  return lines.join(eol);
}

// A booking with an invoice; returns the invoice.
async function invoiced(reference) {
  const b = await server.ok('POST', '/v1/bookings', { key: merchant.api_key, json: bookingBody(reference, { pnr: `P${reference.slice(-5)}` }) });
  const r = await server.ok('POST', `/v1/bookings/${b.id}/payment-choice`, { key: merchant.api_key, json: { method: 'invoice' } });
  return { ...r.invoice, booking_id: b.id };
}

// Payouts for what was paid: `skybill settlement run` on the first business day from the
// servers' today on which it makes any, by a clock set after that day's 18:00 cut-off.
function settle() {
  const today = serverNow();
  for (let d = 0; d < 14; d += 1) {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + d, 16, 0, 0));
    const ymd = day.toISOString().slice(0, 10);
    const offset = Math.ceil((day.getTime() - Date.now()) / 1000);
    if (offset < 0) continue;
    const saved = server.extraEnv.SKYBILL_CLOCK_OFFSET_SECONDS;
    server.extraEnv.SKYBILL_CLOCK_OFFSET_SECONDS = String(offset);
    try {
      const run = server.cli('settlement', 'run', '--day', ymd);
      if (run?.payouts?.length) return run.payouts;
    } catch {
      /* not a business day: the next one */
    } finally {
      if (saved === undefined) delete server.extraEnv.SKYBILL_CLOCK_OFFSET_SECONDS;
      else server.extraEnv.SKYBILL_CLOCK_OFFSET_SECONDS = saved;
    }
  }
  return [];
}

before(async () => {
  db = new TestDatabase();
  server = await consoleServer(db);
  merchant = server.cli('merchant', 'create', '--name', 'Аэро Тест', '--inn', '7707083893', '--kpp', '770701001',
    '--invoice-prefix', 'AT');
  // Where its payouts go: without the airline's bank details a payout's order would be skipped.
  server.cli('merchant', 'settlement', '--merchant', merchant.merchant_id, '--commission-percent', '1',
    '--commission-fixed', 'RUB:30.00', '--cutoff', '18:00', '--payee-account', '40702810400000007777',
    '--payee-bic', '044525225', '--payee-bank', 'ПАО Сбербанк', '--payee-correspondent-account', '30101810400000000225');
  accountantKey = server.cli('staff', 'key', 'create', '--name', 'Boris Accountant', '--role', 'accountant').staff_key;
  accountant = staffUser(server, { name: 'Вера Бухгалтер', email: 'vera@skybill.example', role: 'accountant' });
  support = staffUser(server, { name: 'Олег Поддержка', email: 'oleg@skybill.example', role: 'support' });
  admin = staffUser(server, { name: 'Анна Админ', email: 'anna@skybill.example', role: 'admin' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  db?.drop();
});

describe('reconciliation', () => {
  let a, b, c, d;
  before(async () => {
    a = await invoiced('REC-A');
    b = await invoiced('REC-B');
    c = await invoiced('REC-C');
    d = await invoiced('REC-D');
    // C is cancelled: its invoice is void. A payment naming it must not be matched to it.
    await server.ok('POST', `/v1/bookings/${c.booking_id}/cancel`, { key: merchant.api_key, json: {} });
  });

  test('an accountant imports a statement and works the queue by keyboard, keeping their place', async () => {
    const page = await signedIn(browser, server, accountant, { lang: 'ru', hash: '#/reconciliation' });
    await page.getByTestId('queue-empty').waitFor();
    const file = statementOf([
      { number: '801', purpose: `Оплата по счету ${c.number}`, amount: '11499.50' },
      { number: '802', purpose: `Оплата по счетам ${b.number}, ${d.number}`, amount: '22999.00' },
      { number: '803', purpose: 'Возврат займа по договору 15', amount: '777.00' },
    ]);
    await page.getByTestId('statement-file').setInputFiles({ name: 'kl_to_1c.txt', mimeType: 'text/plain', buffer: Buffer.from(file, 'utf8') });
    await page.getByTestId('statement-upload').click();
    await page.getByTestId('import-result').waitFor();
    assert.match(norm(await page.getByTestId('import-result').textContent()), /документов 3, сопоставлено 0, на депозиты 0, в очередь 3/);
    await page.locator('[data-testid=queue] tbody tr').nth(2).waitFor();
    assert.match(await page.getByTestId('queue-total').textContent(), /3/);

    // The first payment names the void invoice C: it is listed, marked closed, never the one chosen.
    const first = page.getByTestId('payment');
    await first.getByTestId('candidates').waitFor();
    assert.match(await first.getByTestId('purpose').textContent(), new RegExp(c.number));
    const closed = first.locator(`[data-testid=candidate][data-invoice="${c.number}"]`);
    assert.match(norm(await closed.textContent()), /закрыт — не выбирается/);
    assert.equal(await closed.getByTestId('match-candidate').count(), 0);
    assert.match(norm(await first.locator('[data-testid=candidate].best').textContent()), new RegExp(a.number));
    assert.match(norm(await first.locator('[data-testid=candidate].best').textContent()), /сумма точная/);
    assert.match(norm(await first.locator('[data-testid=candidate].best').textContent()), /ИНН плательщика 7728168971 — ИНН клиента/);
    await screenshot(page, 'console-reconciliation-ru');
    await noSeriousViolations(page, 'the reconciliation queue (ru)');

    // j / k move the selection; ? lists the keys.
    const selected = () => page.locator('[data-testid=queue] tr.selected td.recon-purpose').textContent();
    await page.keyboard.press('j');
    assert.match(await selected(), /по счетам/);
    await page.keyboard.press('k');
    assert.match(await selected(), new RegExp(c.number));
    await page.keyboard.press('?');
    await page.getByTestId('keys-dialog').waitFor();
    assert.match(norm(await page.getByTestId('keys-dialog').textContent()), /сопоставить с лучшим кандидатом/);
    await page.keyboard.press('Escape');
    await page.getByTestId('keys-dialog').waitFor({ state: 'detached' });

    // m: the effect first, then Enter does it.
    await page.keyboard.press('m');
    const dialog = page.getByTestId('match-dialog');
    await dialog.waitFor();
    assert.equal(norm(await dialog.getByTestId('effect').textContent()), `Счёт ${a.number} станет оплаченным; остаток 0.00 RUB.`);
    await page.keyboard.press('Enter');
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').textContent(), new RegExp(`со счётом ${a.number}`));
    await eventually(async () => /2/.test(await page.getByTestId('queue-total').textContent()), { what: 'the queue shrinks' });
    // The place is kept: the next payment is selected, not the top of a reloaded list.
    await eventually(async () => /по счетам/.test(await selected()), { what: 'the next payment selected' });
    assert.equal(db.sql(`SELECT status FROM invoices WHERE id = '${a.id}'`), 'paid');
    assert.equal(db.sql(`SELECT status FROM invoices WHERE id = '${c.id}'`), 'void');

    // s: split across the two invoices it names, pre-filled with what each owes.
    await page.getByTestId('payment').locator(`[data-testid=candidate][data-invoice="${d.number}"]`).waitFor();
    await page.keyboard.press('s');
    const split = page.getByTestId('split-dialog');
    await split.waitFor();
    assert.deepEqual(await split.getByTestId('split-amount').evaluateAll((els) => els.map((e) => e.value)), ['11499.50', '11499.50']);
    assert.match(norm(await split.textContent()), new RegExp(`Счёт ${b.number} станет оплаченным`));
    await split.getByTestId('split-dialog-ok').waitFor();
    await page.keyboard.press('Enter');
    await eventually(async () => /1/.test(await page.getByTestId('queue-total').textContent()), { what: 'split done' });
    assert.equal(db.sql(`SELECT string_agg(status, ',' ORDER BY number) FROM invoices WHERE id IN ('${b.id}', '${d.id}')`), 'paid,paid');

    // r: a payment that is no client's goes back to the payer, the effect named first.
    await eventually(async () => /Возврат займа/.test(await selected()), { what: 'the last payment selected' });
    await page.getByTestId('payment').getByTestId('no-candidates').or(page.getByTestId('payment').getByTestId('candidates')).first().waitFor();
    await page.keyboard.press('r');
    const ret = page.getByTestId('return-dialog');
    await ret.waitFor();
    assert.match(norm(await ret.getByTestId('effect').textContent()), /возврат 777.00 RUB плательщику ООО "Ромашка" \(счёт 40702810500000012345\)/);
    await ret.getByTestId('return-dialog-ok').click();
    await page.getByTestId('queue-empty').waitFor();
    assert.equal(db.sql("SELECT count(*) FROM bank_returns WHERE status = 'created'"), '1');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('an unrelated payment is set aside in English, and support sees the queue without the buttons', async () => {
    await server.ok('POST', '/v1/statements', {
      key: accountantKey, headers: { 'Content-Type': 'text/plain' },
      body: statementOf([{ number: '804', purpose: 'Membership fee', amount: '150.00', inn: '7736207543' }]),
    });
    const page = await signedIn(browser, server, support, { lang: 'ru', hash: '#/reconciliation' });
    await page.locator('[data-testid=queue] tbody tr').first().waitFor();
    await page.getByTestId('read-only').waitFor();
    assert.equal(await page.getByTestId('action-match').count(), 0);
    assert.equal(await page.getByTestId('statement-file').count(), 0);
    await page.keyboard.press('u');
    assert.equal(await page.getByTestId('unrelated-dialog').count(), 0, 'no key does what the role may not');
    await noSeriousViolations(page, 'the queue for support');
    await page.context().close();

    const en = await signedIn(browser, server, accountant, { lang: 'en', hash: '#/reconciliation' });
    await en.locator('[data-testid=queue] tbody tr').first().waitFor();
    await en.getByTestId('payment').locator('h2').waitFor();
    assert.match(norm(await en.getByTestId('payment').textContent()), /Payment no\. 804/);
    await en.keyboard.press('u');
    const dialog = en.getByTestId('unrelated-dialog');
    await dialog.waitFor();
    assert.match(norm(await dialog.getByTestId('effect').textContent()), /stays on the gateway’s unallocated account/);
    await noSeriousViolations(en, 'the unrelated dialog (en)');
    await en.keyboard.press('Enter');
    await en.getByTestId('queue-empty').waitFor();
    assert.equal(db.sql("SELECT status FROM bank_documents WHERE number = '804'"), 'unrelated');
    assert.deepEqual(en.problems, []);
    await en.context().close();
  });
});

describe('payouts', () => {
  test('payment orders are exported, the 1C file downloaded, the export marked sent; the report charts the period', async () => {
    const payouts = settle();
    const page = await signedIn(browser, server, accountant, { lang: 'ru', hash: '#/payouts' });
    await page.getByTestId('export').waitFor();
    if (payouts.length) await page.locator('[data-testid=payouts] tbody tr').first().waitFor();
    await page.getByTestId('export').click();
    const result = page.getByTestId('export-result');
    await result.waitFor();
    assert.match(norm(await result.textContent()), /Выгружено поручений: [1-9]/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-1c').click()]);
    const bytes = readFileSync(await download.path());
    assert.ok(bytes.toString('latin1').startsWith('1CClientBankExchange'), 'a 1C file');
    assert.match(download.suggestedFilename(), /^payment-orders-.*\.txt$/);
    await page.getByTestId('mark-sent').click();
    await page.getByTestId('sent-dialog').waitFor();
    assert.match(norm(await page.getByTestId('sent-dialog').getByTestId('effect').textContent()), /станут отправленными/);
    await page.getByTestId('sent-dialog-ok').click();
    await page.getByTestId('export-notice').waitFor();
    assert.equal(db.sql('SELECT count(*) FROM payment_order_exports WHERE sent_at IS NULL'), '0');
    if (payouts.length) {
      await page.getByTestId('report-chart').waitFor();
      await page.locator('[data-testid=report-chart] canvas').waitFor();
      assert.match(norm(await page.getByTestId('report-net').first().textContent()), /\d/);
      await page.reload();
      await page.locator('[data-testid=payouts] tbody tr').first().waitFor();
      await page.getByTestId('report-chart').waitFor();
    }
    await screenshot(page, 'console-payouts-ru');
    await noSeriousViolations(page, 'the payouts screen (ru)');
    if (payouts.length) {
      // A sent payout the bank rejected: marked failed, the reason given.
      const sent = page.locator('[data-testid=payouts] tbody tr:has([data-status=sent])');
      await sent.first().waitFor();
      await sent.first().getByTestId('payout-fail').click();
      await page.getByTestId('fail-dialog').waitFor();
      assert.match(norm(await page.getByTestId('fail-dialog').getByTestId('effect').textContent()), /Аэро Тест/);
      await page.getByTestId('fail-dialog-ok').click();
      await eventually(() => db.sql("SELECT count(*) FROM payouts WHERE status = 'failed'") === '1', { what: 'payout failed' });
    }
    assert.deepEqual(page.problems, []);
    await page.context().close();

    const en = await signedIn(browser, server, admin, { lang: 'en', hash: '#/payouts' });
    await en.getByTestId('export').waitFor();
    assert.match(norm(await en.locator('h1').textContent()), /Payouts and payment orders/);
    await noSeriousViolations(en, 'the payouts screen (en)');
    await en.context().close();
  });
});

describe('clients', () => {
  test('a client is found by INN, given a credit line and a deposit top-up, its history shown', async () => {
    const page = await signedIn(browser, server, accountant, { lang: 'ru', hash: '#/clients' });
    await page.getByTestId('clients-q').fill('772816');
    await page.getByTestId('clients-q').press('Enter');
    await page.getByTestId('client-link').first().waitFor();
    assert.equal(await page.getByTestId('client-link').count(), 1);
    await noSeriousViolations(page, 'the clients list (ru)');
    await page.getByTestId('client-link').click();
    await page.getByTestId('client-name').waitFor();
    assert.equal(await page.getByTestId('client-name').textContent(), 'ООО «Ромашка»');

    // Bad input is refused in the page, nothing sent.
    await page.getByTestId('line-limit').fill('10.001');
    await page.getByTestId('line-save').click();
    await page.locator('#line-limit-error').waitFor();
    await page.getByTestId('line-limit').fill('500000.00');
    await page.getByTestId('line-days').fill('45');
    await page.getByTestId('line-save').click();
    const line = page.getByTestId('line-dialog');
    await line.waitFor();
    assert.match(norm(await line.getByTestId('effect').textContent()), /кредитная линия 500000.00 RUB с отсрочкой 45 дн., одобрена/);
    await page.keyboard.press('Enter');
    await page.getByTestId('line-done').waitFor();
    await eventually(async () => /500\s000,00/.test(norm(await page.locator('[data-testid=balances] [data-testid=limit]').first().textContent()).replace(/\u00a0|\u202f/g, ' ')),
      { what: 'the limit shown' });

    await page.getByTestId('top-up-amount').fill('25000');
    await page.getByTestId('top-up').click();
    const top = page.getByTestId('top-up-dialog');
    await top.waitFor();
    assert.match(norm(await top.getByTestId('effect').textContent()), /вырастет на 25000.00 RUB: 0.00 RUB → 25000.00 RUB/);
    await page.getByTestId('top-up-dialog-ok').click();
    await page.getByTestId('top-up-done').waitFor();
    await page.locator('[data-testid=history] tbody tr').first().waitFor();
    assert.match(norm(await page.locator('[data-testid=history] tbody tr').first().textContent()), /пополнение депозита/);
    assert.equal(db.sql("SELECT count(*) FROM audit_log WHERE action = 'deposit.added'"), '1');
    assert.equal(db.sql("SELECT count(*) FROM audit_log WHERE action = 'credit_line.set'"), '1');
    await screenshot(page, 'console-client-ru');
    await noSeriousViolations(page, 'the client page (ru)');
    assert.deepEqual(page.problems, []);
    const url = page.url();
    await page.context().close();

    // Support reads the client, in English, without the forms.
    const en = await signedIn(browser, server, support, { lang: 'en', hash: new URL(url).hash });
    await en.getByTestId('client-name').waitFor();
    assert.equal(await en.getByTestId('credit-line-form').count(), 0);
    assert.equal(await en.getByTestId('top-up-form').count(), 0);
    assert.match(norm(await en.locator('[data-testid=history]').textContent()), /deposit top-up/);
    await noSeriousViolations(en, 'the client page (en)');
    await en.goto(`${server.url}/admin#/clients`);
    await en.getByTestId('client-link').first().waitFor();
    await noSeriousViolations(en, 'the clients list (en)');
    assert.deepEqual(en.problems, []);
    await en.context().close();
  });
});
