// esl (shimaore, v11): promise API, JSON events by default; its plain-event parser does not
// URL-decode values (only outer headers when Reply-Text starts with `%`), so the test decodes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FreeSwitchClient, once } from 'esl';
import { startDaemon } from './helpers/daemon.mjs';
import { startWiretap } from './helpers/wiretap.mjs';
import {
  within, withWire, uniqueTag, sleep, quietLogger, TRICKY_HEADERS, DISCONNECT_BODY, STATUS_SHAPE,
  VERSION_SHAPE, UUID_ANY,
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
  await tap.close();
  await daemon.stop();
});

function newClient(password = 'ClueCon') {
  const client = new FreeSwitchClient({ host: tap.host, port: tap.port, password, logger: quietLogger() });
  clients.push(client);
  return client;
}

// Resolves with the connected FreeSwitchResponse once auth and the library's own
// `event json CHANNEL_EXECUTE_COMPLETE BACKGROUND_JOB` have been answered.
async function connect() {
  const client = newClient();
  const errors = [];
  client.on('error', (err) => errors.push(err));
  const connected = once(client, 'connect');
  client.connect();
  const [call] = await within(connected, 3000, 'connect');
  assert.deepEqual(errors, [], 'no error while connecting');
  return { client, call };
}

// Collects CUSTOM events (any format) delivered to a call.
function collectCustom(call) {
  const events = [];
  const waiters = [];
  call.on('CUSTOM', (msg) => {
    events.push(msg);
    for (const w of [...waiters]) {
      if (w.match(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
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

async function sendTricky(call, subclass, extra = {}) {
  const res = await within(call.sendevent('CUSTOM', { 'Event-Subclass': subclass, ...TRICKY_HEADERS, ...extra }), 3000, 'sendevent');
  const reply = res.headers['Reply-Text'];
  assert.match(reply, /^\+OK \S+$/);
  return reply.slice(4);
}

// `esl` rejects on a `-ERR` reply; resolve with the reply text instead.
const replyOf = (promise) => promise.then((res) => res.headers['Reply-Text'], (err) => err.args && err.args.reply);

test('connect and authenticate; a wrong password is reported as an error', async () => {
  await withWire(tap, async () => {
    const { client, call } = await connect();
    assert.ok(tap.clientBytes().includes('event json CHANNEL_EXECUTE_COMPLETE BACKGROUND_JOB\n\n'));
    await call.exit();
    client.end();

    const bad = newClient('wrong-password');
    const failed = once(bad, 'error');
    bad.connect();
    const [err] = await within(failed, 3000, 'auth error');
    assert.equal(err.args.reply, '-ERR invalid');
    bad.end();
    daemon.assertAlive();
  });
});

test('api status / version; an unknown command is a rejected promise', async () => {
  await withWire(tap, async () => {
    const { client, call } = await connect();
    const status = await within(call.api('status'), 3000, 'api status');
    assert.equal(status.headers['Content-Type'], 'api/response');
    assert.match(status.body, STATUS_SHAPE);
    assert.match((await within(call.api('version'), 3000, 'api version')).body, VERSION_SHAPE);
    const err = await within(call.api('interop_no_such_command').then(() => null, (e) => e), 3000, 'api unknown');
    assert.equal(err.args.reply, '-ERR interop_no_such_command Command not found!\n');
    client.end();
  });
});

test('bgapi: server-made Job-UUID from Reply-Text, and a client-chosen Job-UUID header', async () => {
  await withWire(tap, async () => {
    const { client, call } = await connect();
    const job = await within(call.bgapi('status', 3000), 4000, 'bgapi status');
    assert.equal(job.body['Event-Name'], 'BACKGROUND_JOB');
    assert.match(job.body['Job-UUID'], UUID_ANY);
    assert.equal(job.body['Job-Command'], 'status');
    assert.match(job.body._body, STATUS_SHAPE);

    // Not UUID-shaped on purpose: the server must echo whatever the client chose.
    const jobId = uniqueTag('interop-chosen-job');
    const res = await within(call.send('bgapi version short', { 'Job-UUID': jobId }), 3000, 'bgapi reply');
    // esl cuts header values at a second ': ', so it sees Reply-Text as '+OK Job-UUID' and relies on
    // the Job-UUID header; check the full Reply-Text on the wire.
    assert.equal(res.headers['Job-UUID'], jobId);
    assert.ok(tap.serverBytes().includes(`Reply-Text: +OK Job-UUID: ${jobId}\nJob-UUID: ${jobId}\n\n`));
    const job2 = await within(call.waitAsync(`BACKGROUND_JOB ${jobId}`, 3000, 'chosen'), 4000, 'BACKGROUND_JOB');
    assert.equal(job2.body['Job-Command'], 'version');
    assert.equal(job2.body['Job-Command-Arg'], 'short');
    assert.match(job2.body._body, /^\S+\n$/);
    client.end();
  });
});

test('sendevent round trip through JSON and plain subscriptions', async () => {
  await withWire(tap, async () => {
    const { client, call } = await connect();
    const custom = collectCustom(call);
    const sub = uniqueTag('interop::esl');
    assert.equal(await replyOf(call.event_json('CUSTOM', sub)), '+OK event listener enabled json');

    let eventUuid = await sendTricky(call, sub);
    const json = await custom.next((m) => m.body['Event-UUID'] === eventUuid, 'JSON CUSTOM event');
    assert.equal(json.headers['Content-Type'], 'text/event-json');
    assert.equal(json.body['Event-Name'], 'CUSTOM');
    assert.equal(json.body['Event-Subclass'], sub);
    for (const [name, value] of Object.entries(TRICKY_HEADERS)) assert.equal(json.body[name], value, name);
    assert.equal(Object.keys(json.body)[0], 'Event-Subclass', 'subclass first after the delivery copy');

    assert.equal(await replyOf(call.send(`event plain CUSTOM ${sub}`)), '+OK event listener enabled plain');
    eventUuid = await sendTricky(call, sub);
    const plain = await custom.next((m) => m.body['Event-UUID'] === eventUuid, 'plain CUSTOM event');
    assert.equal(plain.headers['Content-Type'], 'text/event-plain');
    for (const [name, value] of Object.entries(TRICKY_HEADERS)) {
      assert.match(plain.body[name], /^[\x21-\x7e]+$/, `${name} is URL-encoded on the wire`);
      assert.equal(decodeURIComponent(plain.body[name]), value, name);
    }
    assert.equal(decodeURIComponent(plain.body['Event-Subclass']), sub);
    client.end();
  });
});

test('filters and filter errors', async () => {
  await withWire(tap, async () => {
    const { client, call } = await connect();
    const custom = collectCustom(call);
    const sub = uniqueTag('interop::eslfilter');
    await call.event_json('CUSTOM', sub);
    assert.equal(await replyOf(call.filter('Interop-Tag', 'pass')), '+OK filter added. [Interop-Tag]=[pass]');
    const blocked = await sendTricky(call, sub, { 'Interop-Tag': 'block' });
    const passed = await sendTricky(call, sub, { 'Interop-Tag': 'PASS' }); // equality is case-insensitive
    await custom.next((m) => m.body['Event-UUID'] === passed, 'filtered-in event');
    assert.equal(custom.events.find((m) => m.body['Event-UUID'] === blocked), undefined);

    // A BACKGROUND_JOB lacks Interop-Tag, so it is held back unless its Job-UUID is let through too.
    const jobs = [];
    call.on('BACKGROUND_JOB', (msg) => jobs.push(msg.body['Job-UUID']));
    const held = uniqueTag('interop-held-job');
    const let_through = uniqueTag('interop-passed-job');
    assert.equal((await call.send('bgapi version', { 'Job-UUID': held })).headers['Job-UUID'], held);
    assert.equal(await replyOf(call.filter('Job-UUID', let_through)), `+OK filter added. [Job-UUID]=[${let_through}]`);
    assert.equal((await call.send('bgapi version', { 'Job-UUID': let_through })).headers['Job-UUID'], let_through);
    const job = await within(call.waitAsync(`BACKGROUND_JOB ${let_through}`, 3000, 'filtered job'), 4000, 'job');
    assert.match(job.body._body, VERSION_SHAPE);
    await sleep(200); // the held job ran on its own thread; give it time to (wrongly) arrive
    assert.deepEqual(jobs.filter((id) => id === held), [], 'job without a matching filter was delivered');

    assert.equal(await replyOf(call.filter_delete('Interop-Tag', 'pass')), '+OK filter deleted. [Interop-Tag][pass]');
    assert.equal(await replyOf(call.filter_delete('all')), '+OK filter deleted. [all][]');
    assert.equal(await replyOf(call.send('filter Interop-Tag')), '-ERR invalid syntax');
    client.end();
  });
});

test('exit: "+OK bye" then a disconnect notice', async () => {
  await withWire(tap, async () => {
    const { client, call } = await connect();
    const notice = new Promise((resolve) => call.once('freeswitch_disconnect_notice', resolve));
    const closed = new Promise((resolve) => call.once('socket.close', resolve));
    assert.equal(await replyOf(call.exit()), '+OK bye');
    const msg = await within(notice, 3000, 'disconnect notice');
    assert.equal(msg.headers['Content-Length'], '67');
    assert.equal(msg.body, DISCONNECT_BODY);
    await within(closed, 3000, 'socket closed by the server');
    client.end();
    await sleep(50);
    daemon.assertAlive();
  });
});
