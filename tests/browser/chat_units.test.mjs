// The chat pages' logic without a browser: canned replies' variables (web/chat/canned.js), the
// message list's merge and acknowledgement, and the socket client (web/chat/protocol.js) over a
// fake WebSocket: hello with resume, dedupe by (dialog, seq), unacknowledged messages sent again
// with the same id after a reconnect, a refused hello not retried.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

// What protocol.js touches of a browser, as little as it needs.
globalThis.addEventListener ??= () => {};
globalThis.removeEventListener ??= () => {};
globalThis.document ??= { addEventListener() {}, removeEventListener() {}, visibilityState: 'visible' };
globalThis.location ??= { protocol: 'http:', host: 'gw.test' };

class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static all = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = FakeSocket.CONNECTING;
    FakeSocket.all.push(this);
    setTimeout(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.();
    }, 0);
  }
  send(s) {
    this.sent.push(JSON.parse(s));
  }
  close(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  serverSends(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}
globalThis.WebSocket = FakeSocket;

const { expand, unknownVariables } = await import('../../web/chat/canned.js');
const { ChatSocket, acknowledge, billsOf, mergeMessage } = await import('../../web/chat/protocol.js');
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('canned replies', () => {
  test('variables filled, fallbacks taken, unknown ones kept and named', () => {
    const ctx = { 'visitor.name': 'Иван', 'operator.name': 'Ольга', 'booking.pnr': '', 'bill.amount': '1 500,00 €' };
    const x = expand('Здравствуйте, {{visitor.name|клиент}}! {{operator.name}}. PNR {{booking.pnr|уточню}}, {{ bill.amount }} {{visitor.phone}}', ctx);
    assert.equal(x.text, 'Здравствуйте, Иван! Ольга. PNR уточню, 1 500,00 € {{visitor.phone}}');
    assert.deepEqual(x.unknown, ['visitor.phone']);
    assert.deepEqual(x.empty, []);
    const y = expand('PNR: {{booking.pnr}}', ctx);
    assert.equal(y.text, 'PNR: ');
    assert.deepEqual(y.empty, ['booking.pnr']);
    assert.deepEqual(unknownVariables('{{visitor.name}} {{contact.name|x}} {{foo}}'), ['contact.name', 'foo']);
  });
});

describe('the message list', () => {
  test('in order of seq, once each; an acknowledged message replaced by the stored one', () => {
    let list = [];
    list = mergeMessage(list, { dialog: 'd', seq: 2, text: 'b' });
    list = mergeMessage(list, { dialog: 'd', seq: 1, text: 'a' });
    list = mergeMessage(list, { dialog: 'd', seq: 2, text: 'b again' });
    list = [...list, { pending: true, client_id: 'c1', dialog: 'd', text: 'mine', at: 'device' }];
    list = mergeMessage(list, { dialog: 'd', seq: 3, text: 'c' });
    assert.deepEqual(list.map((m) => m.seq ?? 'pending'), [1, 2, 3, 'pending'], 'the pending one stays last');
    assert.equal(list[1].text, 'b');
    list = acknowledge(list, { id: 'c1', dialog: 'd', seq: 4 });
    assert.deepEqual(list.map((m) => [m.seq, !!m.pending]), [[1, false], [2, false], [3, false], [4, false]]);
    list = mergeMessage(list, { dialog: 'd', seq: 4, text: 'mine', client_id: 'c1', at: 'server' });
    assert.equal(list.length, 4);
    assert.equal(list[3].at, 'server', 'the stored message replaces what the ack knew');
  });

  test("a bill's latest state wins", () => {
    const bills = billsOf([
      { data: { bill: { id: 'b1', status: 'open', amount: '10.00' } } },
      { data: { event: 'bill.paid', bill: { id: 'b1', status: 'paid' } } },
    ]);
    assert.deepEqual(bills.get('b1'), { id: 'b1', status: 'paid', amount: '10.00' });
  });
});

describe('the socket client', () => {
  test('resumes from the last seq, drops duplicates, sends unacknowledged messages again with their ids', async () => {
    FakeSocket.all = [];
    const got = [];
    const s = new ChatSocket({ url: 'ws://gw.test/chat/socket', hello: () => ({ token: 'cv_x' }), on: { message: (m) => got.push(m.seq) } });
    await tick();
    const first = FakeSocket.all[0];
    assert.deepEqual(first.sent[0], { type: 'hello', token: 'cv_x', resume: {} });
    first.serverSends({ type: 'welcome', dialogs: [], server_time: new Date(Date.now() + 86400e3).toISOString() });
    assert.ok(Math.abs(Date.parse(s.now()) - Date.now() - 86400e3) < 1000, 'the server clock');
    for (const seq of [1, 2, 2, 3]) first.serverSends({ type: 'message', dialog: 'd', seq, text: String(seq) });
    assert.deepEqual(got, [1, 2, 3]);
    const id = s.sendMessage({ text: 'hello?' });
    assert.equal(first.sent.at(-1).id, id);
    // Lost before its ack: after the reconnect it goes again, same id, after the hello.
    first.close();
    await tick(700);
    const second = FakeSocket.all[1];
    assert.ok(second, 'reconnected after the back-off');
    assert.deepEqual(second.sent[0], { type: 'hello', token: 'cv_x', resume: { d: 3 } });
    second.serverSends({ type: 'welcome', dialogs: [] });
    assert.deepEqual(second.sent[1], { type: 'send', id, text: 'hello?' });
    second.serverSends({ type: 'message', dialog: 'd', seq: 3, text: '3' });
    second.serverSends({ type: 'message', dialog: 'd', seq: 4, text: '4' });
    second.serverSends({ type: 'ack', id, dialog: 'd', seq: 5 });
    assert.deepEqual(got, [1, 2, 3, 4]);
    assert.equal(s.pending.size, 0);
    s.stop();
  });

  test('a refused hello (4001) is not retried', async () => {
    FakeSocket.all = [];
    let refused = 0;
    const s = new ChatSocket({ url: 'ws://gw.test/chat/socket', on: { refused: () => { refused += 1; } } });
    await tick();
    FakeSocket.all[0].close(4001);
    await tick(700);
    assert.equal(refused, 1);
    assert.equal(FakeSocket.all.length, 1);
    assert.equal(s.state, 'closed');
    s.stop();
  });
});
