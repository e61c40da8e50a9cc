// The npm clients through the gateway (docs/gateway.md): an eventswitch daemon as the upstream and
// one started with --upstream in front of it. The clients must not notice the difference: same
// replies, same jobs, and events equal to those a direct client of the upstream receives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { FreeSwitchClient, once } from 'esl';
import { startDaemon } from './helpers/daemon.mjs';
import { within, waitUntil, uniqueTag, quietLogger, STATUS_SHAPE, TRICKY_HEADERS } from './helpers/util.mjs';

const modesl = createRequire(import.meta.url)('modesl');

let upstream;
let gateway;
const closers = [];

before(async () => {
  upstream = await startDaemon({ heartbeatInterval: 3600 });
  gateway = await startDaemon({
    heartbeatInterval: 3600,
    extraArgs: ['--upstream', `fs1=127.0.0.1:${upstream.port}`],
  });
  await waitUntil(() => gateway.output().includes(`upstream fs1 (127.0.0.1:${upstream.port}) up`), 10000,
    'the gateway connects to its upstream');
});

after(async () => {
  for (const close of closers) close();
  await gateway.stop();
  await upstream.stop();
});

function modeslConnect(port) {
  return within(new Promise((resolve, reject) => {
    const conn = new modesl.Connection('127.0.0.1', port, 'ClueCon', () => resolve(conn));
    conn.on('error', reject);
    closers.push(() => conn.disconnect());
  }), 3000, `modesl connect to ${port}`);
}

// The next CUSTOM event of `subclass` a modesl connection receives.
function nextCustom(conn, subclass) {
  return within(new Promise((resolve) => {
    const onEvent = (evt) => {
      if (evt.getHeader('Event-Subclass') !== subclass) return;
      conn.removeListener('esl::event::CUSTOM::*', onEvent);
      resolve(evt);
    };
    conn.on('esl::event::CUSTOM::*', onEvent);
  }), 3000, `CUSTOM ${subclass}`);
}

test('modesl through the gateway: api, bgapi and events as from the upstream itself', async () => {
  const through = await modeslConnect(gateway.port);
  const direct = await modeslConnect(upstream.port);
  const status = await within(new Promise((resolve) => through.api('status', '', resolve)), 3000, 'api status');
  assert.match(status.getBody(), STATUS_SHAPE);

  const job = await within(new Promise((resolve) => through.bgapi('status', resolve)), 5000, 'BACKGROUND_JOB');
  assert.equal(job.getHeader('Event-Name'), 'BACKGROUND_JOB');
  assert.match(job.getBody(), STATUS_SHAPE);

  const subclass = uniqueTag('gw::modesl');
  for (const conn of [through, direct]) {
    await within(new Promise((resolve) => conn.events('json', ['CUSTOM', subclass], resolve)), 3000, 'event json');
  }
  const seenThrough = nextCustom(through, subclass);
  const seenDirect = nextCustom(direct, subclass);
  // Fired through the gateway: its sendevent is forwarded to the upstream.
  const event = new modesl.Event('CUSTOM', subclass);
  for (const [name, value] of Object.entries(TRICKY_HEADERS)) event.addHeader(name, value);
  event.addBody('a body\nof two lines\n');
  const reply = await within(new Promise((resolve) => through.sendEvent(event, resolve)), 3000, 'sendevent');
  assert.match(reply.getHeader('Reply-Text'), /^\+OK \S+$/);
  const [a, b] = await Promise.all([seenThrough, seenDirect]);
  assert.deepEqual(a.headers, b.headers);
  assert.equal(a.getBody(), b.getBody());
});

test('esl (shimaore) through the gateway: api, bgapi and JSON events', async () => {
  const client = new FreeSwitchClient({ host: '127.0.0.1', port: gateway.port, password: 'ClueCon', logger: quietLogger() });
  closers.push(() => client.end());
  const connected = once(client, 'connect');
  client.connect();
  const [call] = await within(connected, 3000, 'connect');
  const status = await within(call.api('status'), 3000, 'api status');
  assert.match(status.body, STATUS_SHAPE);
  const job = await within(call.bgapi('status', 3000), 4000, 'bgapi status');
  assert.equal(job.body['Event-Name'], 'BACKGROUND_JOB');
  assert.match(job.body._body, STATUS_SHAPE);

  const subclass = uniqueTag('gw::esl');
  await call.event_json('CUSTOM', subclass);
  const received = new Promise((resolve) => call.on('CUSTOM', (msg) => {
    if (msg.body['Event-Subclass'] === subclass) resolve(msg);
  }));
  const direct = await modeslConnect(upstream.port);
  const event = new modesl.Event('CUSTOM', subclass);
  event.addHeader('Marker', 'from-upstream');
  await within(new Promise((resolve) => direct.sendEvent(event, resolve)), 3000, 'sendevent upstream');
  const msg = await within(received, 3000, 'CUSTOM through the gateway');
  assert.equal(msg.body.Marker, 'from-upstream');
});
