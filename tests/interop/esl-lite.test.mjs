// esl-lite: client-only, JSON events only, no `api` (an api/response would end its connection),
// bgapi with a lowercase `job-uuid` header holding a ULID, automatic reconnection that replays
// its subscriptions. Its public methods never throw: failures come back as Error values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FreeSwitchClient } from 'esl-lite';
import { startDaemon } from './helpers/daemon.mjs';
import { startWiretap } from './helpers/wiretap.mjs';
import {
  within, withWire, uniqueTag, sleep, waitUntil, quietLogger, TRICKY_HEADERS, TRICKY_BODY, ULID,
  STATUS_SHAPE, VERSION_SHAPE,
} from './helpers/util.mjs';

let daemon;
let tap;
const clients = [];

before(async () => {
  daemon = await startDaemon();
  tap = await startWiretap(daemon.port);
});

after(async () => {
  for (const client of clients) client.end();
  await sleep(20);
  await tap.close();
  await daemon.stop();
});

function newClient(password = 'ClueCon') {
  const client = new FreeSwitchClient({ host: tap.host, port: tap.port, password, logger: quietLogger() });
  clients.push(client);
  return client;
}

const ok = (value, what) => {
  if (value instanceof Error) throw new Error(`${what}: ${value.name} ${value.message} ${value.response ?? ''}`);
  return value;
};

// Collects CUSTOM events of one subclass through the library's `.custom` emitter.
function collectCustom(client, subclass) {
  const events = [];
  const waiters = [];
  client.custom.on(subclass, (ev) => {
    events.push(ev);
    for (const w of [...waiters]) {
      if (w.match(ev)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(ev);
      }
    }
  });
  return {
    events,
    next(match, what) {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return within(new Promise((resolve) => waiters.push({ match, resolve })), 3000, what);
    },
  };
}

async function sendTricky(client, subclass, extra = {}) {
  const res = ok(await client.sendeventWithBody('CUSTOM', { 'Event-Subclass': subclass, ...TRICKY_HEADERS, ...extra },
    'text/plain', Buffer.from(TRICKY_BODY, 'utf8'), 3000), 'sendevent');
  assert.match(res.headers.replyText, /^\+OK \S+$/);
  return res.headers.replyText.slice(4);
}

test('connect, authenticate, bgapi with the library\'s ULID job-uuid', async () => {
  await withWire(tap, async () => {
    const client = newClient();
    const job = ok(await client.bgapi('status', 4000), 'bgapi status');
    assert.equal(client.stats.authRequest, 1n);
    assert.match(tap.serverBytes(), /Reply-Text: \+OK accepted\n/);
    assert.equal(job.body.eventName, 'BACKGROUND_JOB');
    assert.match(job.body.jobUUID, ULID);
    assert.match(job.body.response, STATUS_SHAPE);
    assert.equal(job.body.data['Job-Command'], 'status');
    // The library sends the id in a lowercase header; the server must look it up case-insensitively.
    assert.ok(tap.clientBytes().includes(`bgapi status\njob-uuid: ${job.body.jobUUID}\n\n`));

    // The command/reply itself, via the library's generic send().
    const id = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const reply = ok(await client.send('bgapi version', { 'job-uuid': id }, undefined, 3000), 'bgapi reply');
    // esl-lite cuts header values at a second ': ' (Reply-Text reads '+OK Job-UUID'), so it needs
    // the Job-UUID header; the full Reply-Text is checked on the wire.
    assert.equal(reply.headers.get('Job-UUID'), id);
    assert.ok(tap.serverBytes().includes(`Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${id}\nJob-UUID: ${id}\n\n`));
    assert.equal(reply.headers.contentType, 'command/reply');
    client.end();
  });
});

test('a wrong password fails cleanly: refused, disconnected, no BACKGROUND_JOB', async () => {
  await withWire(tap, async () => {
    const bad = newClient('wrong-password');
    const job = bad.bgapi('status', 1500);
    // The library reconnects at once after every close, so stop it as soon as one refusal is seen.
    await waitUntil(() => bad.stats.disconnect >= 1n, 3000, 'disconnect notice');
    bad.end();
    assert.ok((await job) instanceof Error, 'bgapi must not succeed without auth');
    assert.match(tap.serverBytes(), /Reply-Text: -ERR invalid\n\nContent-Type: text\/disconnect-notice\nContent-Length: 67\n\n/);
    await sleep(50);
    daemon.assertAlive();
    const good = newClient();
    ok(await good.bgapi('version', 3000), 'bgapi after refused clients');
    good.end();
  });
});

test('CUSTOM subscription (trailing space), sendevent with a body, exact round trip', async () => {
  await withWire(tap, async () => {
    const client = newClient();
    const sub = uniqueTag('interop::lite');
    const custom = collectCustom(client, sub);
    const eventUuid = await sendTricky(client, sub);
    assert.ok(tap.clientBytes().includes(`event json CUSTOM ${sub} \n\n`), 'subscription sent with a trailing space');
    const ev = await custom.next((e) => e.body.data['Event-UUID'] === eventUuid, 'CUSTOM event');
    const data = ev.body.data;
    assert.equal(ev.headers.contentType, 'text/event-json');
    assert.equal(ev.body.eventName, 'CUSTOM');
    assert.equal(data['Event-Subclass'], sub);
    for (const [name, value] of Object.entries(TRICKY_HEADERS)) assert.equal(data[name], value, name);
    assert.equal(ev.body.response, TRICKY_BODY, '_body');
    assert.equal(data['Content-Length'], String(Buffer.byteLength(TRICKY_BODY)));
    assert.equal(data['Content-Type'], 'text/plain');
    for (const value of Object.values(data)) assert.equal(typeof value, 'string', 'JSON values are strings');

    const hb = await within(new Promise((resolve) => client.once('HEARTBEAT', resolve)), 4000, 'HEARTBEAT');
    assert.match(hb.body.data['Event-Date-Timestamp'], /^\d+$/);
    client.end();
  });
});

test('filters through the generic send()', async () => {
  await withWire(tap, async () => {
    const client = newClient();
    const sub = uniqueTag('interop::litefilter');
    const custom = collectCustom(client, sub);
    const added = ok(await client.send('filter Interop-Tag /^let.*through$/', {}, undefined, 3000), 'filter');
    assert.equal(added.headers.replyText, '+OK filter added. [Interop-Tag]=[/^let.*through$/]');
    ok(await client.send('filter Job-UUID /^[0-9A-Z]{26}$/', {}, undefined, 3000), 'filter Job-UUID');
    const blocked = await sendTricky(client, sub, { 'Interop-Tag': 'keep out' });
    const passed = await sendTricky(client, sub, { 'Interop-Tag': 'let me through' });
    await custom.next((e) => e.body.data['Event-UUID'] === passed, 'event matching the regex filter');
    assert.equal(custom.events.find((e) => e.body.data['Event-UUID'] === blocked), undefined);
    // The library's BACKGROUND_JOB matching still works through the regex filter on its ULIDs.
    const job = ok(await client.bgapi('version', 3000), 'bgapi through filter');
    assert.match(job.body.response, VERSION_SHAPE);

    const deleted = ok(await client.send('filter delete all', {}, undefined, 3000), 'filter delete all');
    assert.equal(deleted.headers.replyText, '+OK filter deleted. [all][]');
    const bad = await client.send('filter delete', {}, undefined, 3000);
    assert.ok(bad instanceof Error);
    assert.equal(bad.response, '-ERR invalid syntax');
    client.end();
  });
});

test('exit: the library reconnects and replays its subscriptions', async () => {
  await withWire(tap, async () => {
    const client = newClient();
    const sub = uniqueTag('interop::replay');
    const custom = collectCustom(client, sub);
    const before = await sendTricky(client, sub);
    await custom.next((e) => e.body.data['Event-UUID'] === before, 'event before exit');

    const bye = ok(await client.send('exit', {}, undefined, 3000), 'exit');
    assert.equal(bye.headers.replyText, '+OK bye');
    await waitUntil(() => client.stats.disconnect >= 1n && client.stats.authRequest >= 2n, 3000, 'reconnect');
    const afterUuid = await sendTricky(client, sub);
    await custom.next((e) => e.body.data['Event-UUID'] === afterUuid, 'event after reconnect');
    client.end();
    await sleep(50);
    daemon.assertAlive();
  });
});
