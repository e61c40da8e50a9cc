// Calls driven through real clients: originate with bgapi, run an application on the channel
// with sendmsg (event-lock, Event-UUID) and match CHANNEL_EXECUTE_COMPLETE by its
// Application-UUID, then hang up and see CHANNEL_HANGUP_COMPLETE. modesl and esl each use their
// own execute API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { FreeSwitchClient, once } from 'esl';
import { startDaemon } from './helpers/daemon.mjs';
import { startWiretap } from './helpers/wiretap.mjs';
import { within, withWire, uniqueTag, quietLogger, UUID_ANY, ULID } from './helpers/util.mjs';

const modesl = createRequire(import.meta.url)('modesl');

let daemon;
let tap;
const modeslConnections = [];
const eslClients = [];

before(async () => {
  daemon = await startDaemon();
  tap = await startWiretap(daemon.port);
});

after(async () => {
  for (const conn of modeslConnections) if (conn.socket) conn.socket.destroy();
  for (const client of eslClients) client.end();
  await tap.close();
  await daemon.stop();
});

// "+OK <uuid>\n" from originate.
function originatedUuid(output) {
  const match = /^\+OK (\S+)\n$/.exec(output);
  assert.ok(match, `originate output: ${JSON.stringify(output)}`);
  assert.match(match[1], UUID_ANY);
  return match[1];
}

test('modesl: bgapi originate, execute with event-lock and Event-UUID, uuid_kill', async () => {
  await withWire(tap, async () => {
    const conn = await within(new Promise((resolve, reject) => {
      const c = new modesl.Connection(tap.host, tap.port, 'ClueCon', () => resolve(c));
      modeslConnections.push(c);
      c.on('error', reject);
    }), 3000, 'modesl connect + auth');
    const subscribed = await within(new Promise((resolve) =>
      conn.sendRecv('event json CHANNEL_EXECUTE CHANNEL_HANGUP_COMPLETE', resolve)), 3000, 'event json');
    assert.equal(subscribed.getHeader('Reply-Text'), '+OK event listener enabled json');

    const job = await within(new Promise((resolve) =>
      conn.bgapi('originate', 'null/1020 &park()', resolve)), 5000, 'BACKGROUND_JOB of originate');
    assert.equal(job.getHeader('Job-Command'), 'originate');
    const uuid = originatedUuid(job.getBody());

    const executes = [];
    conn.on(`esl::event::CHANNEL_EXECUTE::${uuid}`, (evt) => executes.push(evt));
    conn.setEventLock(true);
    let eventUuid;
    const complete = await within(new Promise((resolve) => {
      eventUuid = conn.execute('set', 'interop_var=set by modesl', uuid, resolve);
    }), 5000, 'CHANNEL_EXECUTE_COMPLETE of set');
    assert.match(eventUuid, UUID_ANY);
    assert.equal(complete.getHeader('Application-UUID'), eventUuid);
    assert.equal(complete.getHeader('Application'), 'set');
    assert.equal(complete.getHeader('Application-Data'), 'interop_var=set by modesl');
    assert.equal(complete.getHeader('Unique-ID'), uuid);
    const started = executes.find((evt) => evt.getHeader('Application-UUID') === eventUuid);
    assert.ok(started, 'CHANNEL_EXECUTE with the same Application-UUID came first');
    const sent = tap.clientBytes();
    assert.ok(sent.includes(`sendmsg ${uuid}\n`), 'sendmsg to the channel');
    assert.ok(sent.includes('event-lock: true\n'), 'event-lock header sent');
    assert.ok(sent.includes(`Event-UUID: ${eventUuid}\n`), 'Event-UUID header sent');

    const value = await within(new Promise((resolve) =>
      conn.api('uuid_getvar', [uuid, 'interop_var'], resolve)), 3000, 'uuid_getvar');
    assert.equal(value.getBody(), 'set by modesl');

    const hungUp = within(new Promise((resolve) =>
      conn.once(`esl::event::CHANNEL_HANGUP_COMPLETE::${uuid}`, resolve)), 5000, 'CHANNEL_HANGUP_COMPLETE');
    const killed = await within(new Promise((resolve) =>
      conn.api('uuid_kill', [uuid], resolve)), 3000, 'uuid_kill');
    assert.equal(killed.getBody(), '+OK\n');
    const hangupComplete = await hungUp;
    assert.equal(hangupComplete.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
    conn.disconnect();
    daemon.assertAlive();
  });
});

test('esl: bgapi originate, command_uuid, sendmsg with event-lock, hangup_uuid', async () => {
  await withWire(tap, async () => {
    const client = new FreeSwitchClient({ host: tap.host, port: tap.port, password: 'ClueCon', logger: quietLogger() });
    eslClients.push(client);
    const connected = once(client, 'connect');
    client.connect();
    const [call] = await within(connected, 3000, 'esl connect');
    const subscribed = await within(call.event_json('CHANNEL_HANGUP_COMPLETE'), 3000, 'event_json');
    assert.equal(subscribed.headers['Reply-Text'], '+OK event listener enabled json');

    const job = await within(call.bgapi('originate null/1021 &park()', 5000), 6000, 'bgapi originate');
    assert.equal(job.body['Job-Command'], 'originate');
    const uuid = originatedUuid(job.body._body);

    // The library's own execute: Event-UUID is a ULID it then waits for as Application-UUID.
    const res = await within(call.command_uuid(uuid, 'set', 'interop_var=set by esl', 5000), 6000, 'command_uuid');
    assert.equal(res.body['Event-Name'], 'CHANNEL_EXECUTE_COMPLETE');
    assert.match(res.body['Application-UUID'], ULID);
    assert.equal(res.body.Application, 'set');
    assert.equal(res.body['Application-Data'], 'interop_var=set by esl');
    assert.equal((await within(call.api(`uuid_getvar ${uuid} interop_var`), 3000, 'uuid_getvar')).body, 'set by esl');

    // Its sendmsg API with event-lock and a chosen Event-UUID.
    const eventUuid = uniqueTag('interop-esl-app');
    const completed = call.onceAsync(`CHANNEL_EXECUTE_COMPLETE ${eventUuid}`, 5000, 'locked execute');
    const reply = await within(call.sendmsg_uuid(uuid, 'execute', {
      'execute-app-name': 'set',
      'execute-app-arg': 'interop_locked=yes',
      'event-lock': 'true',
      'Event-UUID': eventUuid,
    }), 3000, 'sendmsg reply');
    assert.equal(reply.headers['Reply-Text'], '+OK');
    const locked = await within(completed, 6000, 'CHANNEL_EXECUTE_COMPLETE of the locked execute');
    assert.equal(locked.body['Application-UUID'], eventUuid);
    assert.equal(locked.body['Application-Data'], 'interop_locked=yes');
    assert.ok(tap.clientBytes().includes('event-lock: true\n'));

    const hungUp = within(new Promise((resolve) => {
      const onEvent = (msg) => {
        if (msg.body['Unique-ID'] !== uuid) return;
        call.removeListener('CHANNEL_HANGUP_COMPLETE', onEvent);
        resolve(msg);
      };
      call.on('CHANNEL_HANGUP_COMPLETE', onEvent);
    }), 5000, 'CHANNEL_HANGUP_COMPLETE');
    const hangup = await within(call.hangup_uuid(uuid, 'USER_BUSY'), 3000, 'hangup_uuid');
    assert.equal(hangup.headers['Reply-Text'], '+OK');
    const hangupComplete = await hungUp;
    assert.equal(hangupComplete.body['Hangup-Cause'], 'USER_BUSY');
    assert.equal(hangupComplete.body['Channel-Name'], 'null/1021');
    client.end();
    daemon.assertAlive();
  });
});
