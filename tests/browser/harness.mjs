// The browser tests' harness: a throwaway database on the test cluster, the real skybill binary
// serving on a free port, a tiny SMTP sink catching the e-mails it sends, an API client, and
// Debian's chromium driven by playwright-core. Needs SKYBILL_TEST_ADMIN_URL (scripts/test sets
// it) and the binary (SKYBILL_BINARY, or the first argument after `--`).
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// playwright-core and axe-core are web/'s dev dependencies (scripts/setup installs them).
const requireWeb = createRequire(path.join(repo, 'web', 'package.json'));
export const { chromium } = requireWeb('playwright-core');
export const axeSource = readFileSync(requireWeb.resolve('axe-core/axe.min.js'), 'utf8');

export function binaryPath() {
  const fromArgs = process.argv.indexOf('--binary');
  const bin = process.env.SKYBILL_BINARY || (fromArgs > 0 ? process.argv[fromArgs + 1] : '') || path.join(repo, 'build/dev/skybill');
  return bin;
}

// --- time: never the wall-clock date for what a test writes; the servers' clock ---

// How far the servers' clock runs ahead of the system's, in seconds. The browser's own clock is
// left alone: the page must count down by the server's time (it says what it is), not the
// device's, so the suite runs the server well ahead to catch a page that trusts the device.
// SKYBILL_TEST_CLOCK_SHIFT in seconds (as tests/support/server_clock.hpp reads a number).
const SUITE_SHIFT = /^-?\d+$/.test(process.env.SKYBILL_TEST_CLOCK_SHIFT || '') ? Number(process.env.SKYBILL_TEST_CLOCK_SHIFT) : 0;
export const SERVER_AHEAD_SECONDS = SUITE_SHIFT + 3 * 86400 + 4321;
export const serverNow = (aheadMs = 0) => new Date(Date.now() + SERVER_AHEAD_SECONDS * 1000 + aheadMs);
export const rfc3339 = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
// A wall-clock time in a fixed zone, written as an airline would ("2026-12-14T09:30:00+03:00").
export function localIso(d, offsetHours) {
  const shifted = new Date(d.getTime() + offsetHours * 3600 * 1000);
  const sign = offsetHours >= 0 ? '+' : '-';
  const off = `${sign}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
  return shifted.toISOString().replace(/\.\d{3}Z$/, off);
}
// DD.MM.YYYY in Moscow time (UTC+3), as a Russian bank dates a payment.
export function ruDate(d) {
  const m = new Date(d.getTime() + 3 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(m.getUTCDate())}.${p(m.getUTCMonth() + 1)}.${m.getUTCFullYear()}`;
}

// --- the database ---

function withDatabase(url, name) {
  return url.replace(/^(postgres(?:ql)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${name}`);
}

export class TestDatabase {
  constructor() {
    const admin = process.env.SKYBILL_TEST_ADMIN_URL;
    if (!admin) throw new Error('SKYBILL_TEST_ADMIN_URL is not set: run the tests with scripts/test');
    this.admin = admin;
    this.name = `skybill_b_${randomBytes(6).toString('hex')}`;
    this.psql(admin, `CREATE DATABASE ${this.name}`);
    this.url = withDatabase(admin, this.name);
  }
  psql(url, sql) {
    return execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', url, '-c', sql], { encoding: 'utf8' }).trim();
  }
  sql(sql) {
    return this.psql(this.url, sql);
  }
  drop() {
    try {
      this.psql(this.admin, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    } catch {
      /* the cluster went away: nothing to drop */
    }
  }
}

// --- a free port, the SMTP sink ---

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Enough SMTP for the server's libcurl client: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
export class SmtpSink {
  constructor() {
    this.messages = [];
    this.waiters = [];
    this.server = net.createServer((socket) => this.session(socket));
  }
  async start() {
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this;
  }
  stop() {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  session(socket) {
    let buffer = '';
    let data = null;
    let envelope = { from: '', to: [] };
    const reply = (line) => socket.write(`${line}\r\n`);
    reply('220 sink.test ESMTP ready');
    socket.setEncoding('latin1');
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0 && !(data === '' && buffer.startsWith('.\r\n'))) return;
          const body = data === '' && buffer.startsWith('.\r\n') ? '' : buffer.slice(0, end);
          buffer = buffer.slice(end < 0 ? 3 : end + 5);
          this.deliver(envelope, Buffer.from(body.replace(/^\.\./gm, '.'), 'latin1').toString('utf8'));
          data = null;
          envelope = { from: '', to: [] };
          reply('250 2.0.0 OK queued');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n');
        else if (verb === 'HELO') reply('250 sink.test');
        else if (verb === 'MAIL') { envelope.from = line.slice(10).trim(); reply('250 2.1.0 OK'); }
        else if (verb === 'RCPT') { envelope.to.push(line.slice(8).trim().replace(/^<|>$/g, '')); reply('250 2.1.5 OK'); }
        else if (verb === 'DATA') { data = ''; reply('354 End data with <CR><LF>.<CR><LF>'); }
        else if (verb === 'RSET') { envelope = { from: '', to: [] }; reply('250 OK'); }
        else if (verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') { reply('221 Bye'); socket.end(); return; }
        else reply('502 5.5.2 Command not implemented');
      }
    });
  }
  deliver(envelope, raw) {
    const message = parseMessage(raw);
    message.envelope = envelope;
    this.messages.push(message);
    for (const w of [...this.waiters]) if (w.match(message)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(message);
    }
  }
  // The first message (already here or yet to come) that `match` accepts.
  waitFor(match, timeoutMs = 20000) {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const w = { match, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new Error(`no e-mail matched within ${timeoutMs} ms; got: ${this.messages.map((m) => m.subject).join(' | ')}`));
        }
      }, timeoutMs);
    });
  }
}

function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

// Headers (unfolded, encoded-words decoded) and the text body (base64 or quoted-printable).
export function parseMessage(raw) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable')
    body = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return { headers, subject: headers.subject || '', to: headers.to || '', body };
}

// --- the server ---

export class Server {
  constructor({ db, smtp, env = {} }) {
    this.db = db;
    this.smtp = smtp;
    this.extraEnv = env;
    this.logs = [];
  }
  env() {
    return {
      ...process.env,
      SKYBILL_DATABASE_URL: this.db.url,
      SKYBILL_CONFIG: path.join(repo, 'config/skybill.json'),
      SKYBILL_LOG_FORMAT: 'json',
      SKYBILL_LOG_LEVEL: 'info',
      SKYBILL_CLOCK_OFFSET_SECONDS: String(SERVER_AHEAD_SECONDS),
      SKYBILL_DATABASE_POOL_SIZE: '4',
      SKYBILL_DOCUMENTS_INTERVAL_MS: '100',
      SKYBILL_JOBS_INTERVAL_MS: '200',
      SKYBILL_DELIVERY_POLL_MS: '100',
      SKYBILL_DELIVERY_RETRY_BASE_MS: '500',
      SKYBILL_DELIVERY_PRIVATE_TARGETS: 'allow',
      ...(this.smtp ? { SKYBILL_SMTP_HOST: '127.0.0.1', SKYBILL_SMTP_PORT: String(this.smtp.port), SKYBILL_SMTP_SECURITY: 'none' } : {}),
      ...(this.port ? { SKYBILL_HTTP_PORT: String(this.port), SKYBILL_HTTP_PUBLIC_URL: `http://127.0.0.1:${this.port}` } : {}),
      ...this.extraEnv,
    };
  }
  // `skybill <args>` on this server's database and clock; cli({input}, ...args) feeds stdin.
  cli(...args) {
    const opts = typeof args[0] === 'object' ? args.shift() : {};
    try {
      const out = execFileSync(binaryPath(), args, {
        cwd: repo, env: this.env(), encoding: 'utf8', input: opts.input, stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      return out.trim() ? JSON.parse(out) : null;
    } catch (e) {
      throw new Error(`skybill ${args.join(' ')} failed (${e.status}): ${e.stderr || e.message}`);
    }
  }
  async start() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    this.proc = spawn(binaryPath(), ['serve'], { cwd: repo, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const ready = new Promise((resolve, reject) => {
      let pending = '';
      const onLine = (line) => {
        this.logs.push(line);
        if (/"msg":"listening"/.test(line)) resolve();
      };
      const read = (chunk) => {
        pending += chunk;
        let nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
          onLine(pending.slice(0, nl));
          pending = pending.slice(nl + 1);
        }
      };
      this.proc.stdout.setEncoding('utf8').on('data', read);
      this.proc.stderr.setEncoding('utf8').on('data', read);
      this.proc.on('exit', (code) => reject(new Error(`skybill serve exited (${code}):\n${this.logs.slice(-30).join('\n')}`)));
      // Cleared once it listens: a pending timer would keep node (and the suite) alive for a minute.
      this.readyTimer = setTimeout(() => reject(new Error(`skybill serve did not listen in 60 s:\n${this.logs.slice(-30).join('\n')}`)), 60000);
    });
    try {
      await ready;
    } finally {
      clearTimeout(this.readyTimer);
    }
    return this;
  }
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => this.proc.on('exit', resolve));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(timer);
  }

  // The HTTP API: {status, headers, body (text), json()}.
  async request(method, target, { key, json, body, headers = {} } = {}) {
    const h = { ...headers };
    if (key) h.Authorization = `Bearer ${key}`;
    if (json !== undefined) h['Content-Type'] = 'application/json';
    if (['POST', 'PUT', 'PATCH'].includes(method) && !h['Idempotency-Key']) h['Idempotency-Key'] = randomBytes(12).toString('hex');
    const res = await fetch(this.url + target, { method, headers: h, body: json !== undefined ? JSON.stringify(json) : body });
    const buf = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      headers: res.headers,
      bytes: buf,
      body: buf.toString('utf8'),
      json() {
        return JSON.parse(this.body);
      },
    };
  }
  async ok(method, target, opts, expected = [200, 201]) {
    const r = await this.request(method, target, opts);
    if (!expected.includes(r.status)) throw new Error(`${method} ${target}: ${r.status} ${r.body}`);
    return r.body ? r.json() : null;
  }
}

// --- what the tests book ---

export function bookingBody(reference, { tlAheadSeconds = 3 * 86400 + 5 * 3600, language = 'ru', pnr = 'SKY7QX' } = {}) {
  const tl = serverNow(tlAheadSeconds * 1000);
  const departure = new Date(tl.getTime() + 7 * 86400 * 1000);
  const arrival = new Date(departure.getTime() + 85 * 60 * 1000);
  return {
    reference,
    pnr,
    client: { inn: '7728168971', kpp: '772801001', name: 'ООО «Ромашка»' },
    contact_email: 'booker@romashka.example',
    language,
    passengers: [
      { first_name: 'Ivan', last_name: 'Petrov' },
      { first_name: 'Anna', last_name: 'Sidorova' },
    ],
    segments: [{ flight: 'SU1234', from: 'SVO', to: 'LED', departure: localIso(departure, 3), arrival: localIso(arrival, 3) }],
    lines: [
      { kind: 'fare', description: 'Тариф Y / Fare Y', passenger: 0, amount: '5000.00', vat_rate: '10' },
      { kind: 'fare', description: 'Тариф Y / Fare Y', passenger: 1, amount: '5000.00', vat_rate: '10' },
      { kind: 'tax', description: 'Аэропортовый сбор / Airport tax', amount: '499.50', vat_rate: '22' },
      { kind: 'fee', description: 'Сервисный сбор / Service fee', amount: '1000.00', vat_rate: 'none' },
    ],
    currency: 'RUB',
    ticketing_time_limit: rfc3339(tl),
  };
}

// A bank statement (1CClientBankExchange) with one incoming payment from the client.
export function statement({ number, purpose, amount, date, ourAccount = '40702810900000000001' }) {
  const eol = '\r\n';
  return ['1CClientBankExchange', 'ВерсияФормата=1.03', 'Кодировка=Windows', `РасчСчет=${ourAccount}`,
    'СекцияДокумент=Платежное поручение', `Номер=${number}`, `Дата=${date}`, `Сумма=${amount}`,
    'ПлательщикСчет=40702810500000012345', 'ПлательщикИНН=7728168971', 'ПлательщикКПП=772801001',
    'Плательщик1=ООО "Ромашка"', 'ПлательщикБИК=044525974', `ПолучательСчет=${ourAccount}`,
    'ПолучательИНН=7707083893', `ДатаПоступило=${date}`, `НазначениеПлатежа=${purpose}`, 'КонецДокумента',
    'КонецФайла', ''].join(eol);
}

// --- the browser ---

// Debian's chromium with the flags this closed network needs (no background connections);
// playwright gives each launch a new, empty profile of its own and removes it on close.
export async function launchBrowser() {
  const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: process.env.SKYBILL_CHROMIUM || '/usr/bin/chromium', headless: true, args });
}

// axe-core on the page as it is: the serious and critical violations (rule, impact, where).
export async function axeViolations(page, { exclude = [] } = {}) {
  // Evaluated by the driver, not as an inline <script> (the pages' CSP rightly refuses those).
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const result = await page.evaluate(async (exclude) => {
    const r = await window.axe.run({ exclude: exclude.map((s) => [s]) }, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  }, exclude);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function eventually(fn, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(interval);
  }
}
