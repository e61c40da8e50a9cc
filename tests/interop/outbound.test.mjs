// Outbound mode through real npm servers: the daemon's `socket` application (on the B-leg of a
// loopback call originated from an inbound control connection) connects to modesl's esl.Server or
// esl's FreeSwitchServer, which then runs a short IVR: answer, playback, read digits (sent from the
// control connection with uuid_send_dtmf to the A-leg, so they arrive on the socket's leg), set a
// variable, hang up. Variants: sync/async, with/without `full`, and `linger`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { FreeSwitchServer, FreeSwitchResponse } from 'esl';
import { startDaemon } from './helpers/daemon.mjs';
import {
  startOutboundTap, startControl, listeningServer, socketOriginate, executing,
} from './helpers/outbound.mjs';
import { within, sleep, waitUntil, quietLogger, UUID_ANY, DISCONNECT_BODY } from './helpers/util.mjs';

const modesl = createRequire(import.meta.url)('modesl');

const DIGITS = '123';
const RESULT = `pressed ${DIGITS}`;
const TONE = 'tone_stream://%(200,0,440)';

let daemon;
let control;

before(async () => {
  daemon = await startDaemon();
  control = await startControl(daemon);
});

after(async () => {
  control.end();
  await daemon.stop();
});

// Runs `body` with a fresh tap in front of the application's server; on failure the error carries
// the bytes exchanged on the outbound connection and the daemon's log. Whatever happens, the call
// is gone afterwards.
async function withOutbound(appPort, body) {
  const tap = await startOutboundTap(appPort);
  const legs = [];
  try {
    await body(tap, legs);
  } catch (err) {
    if (err instanceof Error) {
      err.message += `\n--- outbound wire (FS = eventswitch, app = client library) ---\n${tap.transcript()}` +
        `\n--- daemon output (tail) ---\n${daemon.output().slice(-3000)}`;
    }
    throw err;
  } finally {
    for (const uuid of legs) await control.api(`uuid_kill ${uuid}`).catch(() => {});
    await tap.close();
  }
  daemon.assertAlive();
}

// The hangup as the control connection sees it: CHANNEL_HANGUP_COMPLETE of the socket's leg.
async function assertHungUp(b) {
  const complete = await control.event(
    (e) => e['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e['Unique-ID'] === b, `CHANNEL_HANGUP_COMPLETE of ${b}`);
  assert.equal(complete['Hangup-Cause'], 'NORMAL_CLEARING');
}

// Async mode parks the call once `connect` arrives (before the application has subscribed, so
// the control connection is the one to see CHANNEL_PARK); static mode never parks it.
function assertParkedOnlyWhenAsync(b, async) {
  assert.equal(control.seen('CHANNEL_PARK', b), async, async ? 'CHANNEL_PARK in async mode' : 'no park in static mode');
}

// While a socket lingers it holds the session: no CHANNEL_DESTROY until the connection is gone.
const assertNotDestroyed = (b) =>
  assert.ok(!control.seen('CHANNEL_DESTROY', b), 'no CHANNEL_DESTROY while the socket holds the call');
const destroyed = (b) =>
  control.event((e) => e['Event-Name'] === 'CHANNEL_DESTROY' && e['Unique-ID'] === b, `CHANNEL_DESTROY of ${b}`);

// ---------------------------------------------------------------------------------------------
// modesl: esl.Server hands each connection over after `connect`, the library's own
// `event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE` and `myevents` (option myevents: true).

// Every frame a modesl connection receives, in order, with a way to wait for one.
function modeslFrames(conn) {
  const frames = [];
  const waiters = [];
  conn.on('esl::event::**', (evt, headers) => {
    const frame = { type: headers && headers['Content-Type'], evt };
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  return {
    frames,
    next(match, what, ms = 5000, from = 0) {
      const found = frames.slice(from).find(match);
      if (found) return Promise.resolve(found);
      return within(new Promise((resolve) => waiters.push({ match, resolve })), ms, what);
    },
  };
}

const isEvent = (name, uuid) => (f) =>
  f.type && f.type.startsWith('text/event-') && f.evt.getHeader('Event-Name') === name &&
  f.evt.getHeader('Unique-ID') === uuid;
const isNotice = (f) => f.type === 'text/disconnect-notice';

async function modeslIvr({ async, full, linger }) {
  const appServer = await listeningServer();
  // Quirk: esl.Server({port: 0}) listens on 8022 (`opts.port || 8022`); handing it a server that
  // already listens on a free port is the only way to avoid a fixed port.
  const server = new modesl.Server({ server: appServer, myevents: true });
  try {
    await withOutbound(appServer.address().port, async (tap, legs) => {
      const opened = new Promise((resolve) => server.once('connection::open', (conn) => {
        // Attached before any byte arrives: the constructor only wrote `connect`.
        resolve({ conn, recorder: modeslFrames(conn), ended: new Promise((r) => conn.once('esl::end', r)) });
      }));
      const ready = new Promise((resolve) => server.once('connection::ready', resolve));
      const flags = [async && 'async', full && 'full'].filter(Boolean);
      const answeredA = control.originate(socketOriginate(tap.port, flags));
      answeredA.catch(() => {});

      const { conn, recorder, ended } = await within(opened, 5000, 'the daemon to connect to esl.Server');
      await within(ready, 5000, 'connection::ready (connect, event json, myevents replies)');
      const link = await tap.link(1);
      const info = conn.getInfo();
      assert.ok(info, 'getInfo() holds the CHANNEL_DATA of connect');
      assert.equal(info.getHeader('Event-Name'), 'CHANNEL_DATA');
      assert.equal(info.getHeader('Socket-Mode'), async ? 'async' : 'static');
      assert.equal(info.getHeader('Control'), full ? 'full' : 'single-channel');
      assert.equal(info.getHeader('Channel-Call-State'), 'RINGING');
      const b = info.getHeader('Unique-ID');
      assert.match(b, UUID_ANY);
      legs.push(b);
      assert.equal(info.getHeader('variable_socket_host'), '127.0.0.1');

      // The library's subscription is gated on a socket without `full` (docs/wire-protocol.md §4, the gate);
      // myevents works either way.
      assert.ok(tap.appBytes().startsWith('connect\n\nevent json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE\n\nmyevents\n\n'));
      const replies = recorder.frames.filter((f) => f.type === 'command/reply').map((f) => f.evt.getHeader('Reply-Text'));
      assert.deepEqual(replies.slice(1), [
        full ? '+OK event listener enabled json' : '-ERR command not found',
        '+OK Events Enabled',
      ]);
      // Events are JSON when `event json` was accepted, else plain (myevents keeps the format).
      const eventType = full ? 'text/event-json' : 'text/event-plain';

      const execute = (app, arg) =>
        within(new Promise((resolve) => conn.execute(app, arg, resolve)), 6000, `CHANNEL_EXECUTE_COMPLETE of ${app}`);
      const command = (text) =>
        within(new Promise((resolve) => conn.sendRecv(text, resolve)), 3000, `reply to ${text}`).then((e) => e.getHeader('Reply-Text'));

      const answered = await execute('answer', '');
      assert.equal(answered.getHeader('Unique-ID'), b);
      assert.equal(answered.getHeader('Application'), 'answer');
      const a = await within(answeredA, 5000, 'originate to return once the socket answered');
      legs.push(a);
      assert.equal(await control.api(`uuid_getvar ${a} other_loopback_leg_uuid`), b);
      assertParkedOnlyWhenAsync(b, async);

      const played = await execute('playback', TONE);
      assert.equal(played.getHeader('Application-Response'), 'FILE PLAYED');
      assert.equal(played.getHeader('Application-Data'), TONE);

      const reading = execute('read', `1 5 silence interop_digits 5000 #`);
      await executing(control, b, 'read');
      assert.match(await control.api(`uuid_send_dtmf ${a} ${DIGITS}#`), /^\+OK/);
      const read = await reading;
      assert.equal(read.getHeader('Application'), 'read');
      assert.equal(read.getHeader('variable_interop_digits'), DIGITS);
      assert.equal(await command('getvar interop_digits'), DIGITS);
      assert.equal(await command('getvar read_terminator_used'), '#');
      const dtmf = recorder.frames.filter(isEvent('DTMF', b));
      assert.equal(dtmf.map((f) => f.evt.getHeader('DTMF-Digit')).join(''), `${DIGITS}#`);
      assert.ok(dtmf.every((f) => f.type === eventType), `DTMF events as ${eventType}`);

      const set = await execute('set', `interop_ivr_result=${RESULT}`);
      assert.equal(set.getHeader('variable_interop_ivr_result'), RESULT);
      assert.equal(await command('getvar interop_ivr_result'), RESULT);
      assert.equal(await control.api(`uuid_getvar ${b} interop_ivr_result`), RESULT);
      if (full) {
        const fromSocket = await within(new Promise((resolve) =>
          conn.api('uuid_getvar', [b, 'interop_ivr_result'], resolve)), 3000, 'api from the outbound socket');
        assert.equal(fromSocket.getBody(), RESULT);
      } else {
        assert.equal(await command(`api uuid_getvar ${b} interop_ivr_result`), '-ERR command not found');
      }

      if (linger) assert.equal(await command('linger 1'), '+OK will linger 1 seconds');
      const beforeHangup = recorder.frames.length;
      conn.execute('hangup', 'NORMAL_CLEARING');
      const notice = await recorder.next(isNotice, 'disconnect/linger notice after hangup', 5000, beforeHangup);
      const noticeAt = recorder.frames.indexOf(notice);
      const hangup = recorder.frames.slice(beforeHangup, noticeAt).find(isEvent('CHANNEL_HANGUP', b));
      assert.ok(hangup, 'CHANNEL_HANGUP reached the socket before the notice');
      assert.equal(hangup.evt.getHeader('Hangup-Cause'), 'NORMAL_CLEARING');
      assert.equal(notice.evt.getHeader('Controlled-Session-UUID'), b);

      if (linger) {
        const lingeredAt = Date.now();
        assert.equal(notice.evt.getHeader('Content-Disposition'), 'linger');
        assert.equal(notice.evt.getHeader('Linger-Time'), '1');
        assert.equal(notice.evt.getHeader('Channel-Name'), info.getHeader('Channel-Name'));
        // Still served while lingering: commands, and the hangup's last events.
        assert.equal(await command('getvar interop_ivr_result'), RESULT);
        assertNotDestroyed(b);
        const final = await recorder.next(
          (f) => isNotice(f) && f !== notice, 'the disconnect notice ending the linger', 5000, noticeAt + 1);
        assert.equal(final.evt.getHeader('Content-Disposition'), 'disconnect');
        assert.equal(final.evt.getBody(), DISCONNECT_BODY);
        const finalAt = recorder.frames.indexOf(final);
        if (async) {
          // The call's own thread is free in async mode, so hangup processing completes meanwhile.
          assert.ok(recorder.frames.slice(beforeHangup, finalAt).some(isEvent('CHANNEL_HANGUP_COMPLETE', b)),
            'CHANNEL_HANGUP_COMPLETE while lingering');
        }
        await within(ended, 3000, 'the daemon to close the socket after the linger');
        assert.ok(Date.now() - lingeredAt >= 900, `lingered ${Date.now() - lingeredAt} ms, linger 1 asks for >= 1 s`);
        await destroyed(b);
      } else {
        assert.equal(notice.evt.getHeader('Content-Disposition'), 'disconnect');
        assert.equal(notice.evt.getBody(), DISCONNECT_BODY);
        await within(ended, 3000, 'the daemon to close the socket after the notice');
      }
      await within(link.ended.daemon, 1000, 'FIN from the daemon');
      assert.equal(link.closedBy[0], 'daemon', 'the daemon closed the connection first');
      await assertHungUp(b);
      assert.equal(tap.connections(), 1);
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('modesl esl.Server, static (sync) without full: answer, playback, read DTMF, set, hangup', async () => {
  await modeslIvr({ async: false, full: false });
});

test('modesl esl.Server, async without full', async () => {
  await modeslIvr({ async: true, full: false });
});

test('modesl esl.Server, async full: JSON events and api from the socket', async () => {
  await modeslIvr({ async: true, full: true });
});

test('modesl esl.Server, static full', async () => {
  await modeslIvr({ async: false, full: true });
});

test('modesl esl.Server, async full with linger 1: notice, events, then the daemon closes', async () => {
  await modeslIvr({ async: true, full: true, linger: true });
});

// ---------------------------------------------------------------------------------------------
// esl: FreeSwitchServer sends `connect`, `filter Unique-ID <uuid>`, `filter Job-Owner-UUID <uuid>`,
// `event json ALL`, then emits 'connection'. Its command() waits for CHANNEL_EXECUTE_COMPLETE
// (default timeout 1 s, so every IVR step passes its own).

// Events and notices one esl FreeSwitchResponse receives, in order.
function eslFrames(call) {
  const frames = [];
  const waiters = [];
  const push = (frame) => {
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.match(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  };
  for (const name of ['DTMF', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_PARK', 'CHANNEL_EXECUTE_COMPLETE']) {
    call.on(name, ({ body }) => push({ kind: 'event', name, body }));
  }
  call.on('freeswitch_disconnect_notice', ({ headers, body }) => push({ kind: 'notice', headers, body }));
  call.on('socket.close', () => push({ kind: 'closed' }));
  return {
    frames,
    next(match, what, ms = 5000) {
      const found = frames.find(match);
      if (found) return Promise.resolve(found);
      return within(new Promise((resolve) => waiters.push({ match, resolve })), ms, what);
    },
  };
}

const eslEvent = (name, uuid) => (f) => f.kind === 'event' && f.name === name && f.body['Unique-ID'] === uuid;

// The IVR over an esl FreeSwitchResponse whose events are already flowing.
async function eslIvr(call, recorder, { b, answeredA, legs, full }) {
  const answered = await call.command('answer', '', 5000);
  assert.equal(answered.body['Unique-ID'], b);
  assert.equal(answered.body.Application, 'answer');
  const a = await within(answeredA, 5000, 'originate to return once the socket answered');
  legs.push(a);

  const played = await call.command('playback', TONE, 5000);
  assert.equal(played.body['Application-Response'], 'FILE PLAYED');

  const pagd = `1 5 1 5000 # silence_stream://200 silence_stream://100 interop_digits [0-9]+`;
  const collecting = call.command('play_and_get_digits', pagd, 8000);
  await executing(control, b, 'play_and_get_digits');
  assert.match(await control.api(`uuid_send_dtmf ${a} ${DIGITS}#`), /^\+OK/);
  const collected = await collecting;
  assert.equal(collected.body.Application, 'play_and_get_digits');
  assert.equal(collected.body.variable_interop_digits, DIGITS);
  assert.equal((await call.send('getvar interop_digits')).headers['Reply-Text'], DIGITS);
  assert.equal((await call.send('getvar read_result')).headers['Reply-Text'], 'success');
  const digits = recorder.frames.filter(eslEvent('DTMF', b)).map((f) => f.body['DTMF-Digit']).join('');
  assert.equal(digits, `${DIGITS}#`);

  await call.command('set', `interop_ivr_result=${RESULT}`, 5000);
  assert.equal((await call.send('getvar interop_ivr_result')).headers['Reply-Text'], RESULT);
  assert.equal(await control.api(`uuid_getvar ${b} interop_ivr_result`), RESULT);
  if (full) assert.equal((await call.api(`uuid_getvar ${b} interop_ivr_result`, 3000)).body, RESULT);
  return a;
}

// Hangup without linger: CHANNEL_HANGUP, the disconnect notice, the daemon closes.
async function eslHangup(call, recorder, link, b) {
  const hangup = await call.hangup('NORMAL_CLEARING');
  assert.equal(hangup.headers['Reply-Text'], '+OK');
  const notice = await recorder.next((f) => f.kind === 'notice', 'disconnect notice');
  const hangupEvent = recorder.frames.find(eslEvent('CHANNEL_HANGUP', b));
  assert.ok(hangupEvent && recorder.frames.indexOf(hangupEvent) < recorder.frames.indexOf(notice),
    'CHANNEL_HANGUP before the disconnect notice');
  assert.equal(hangupEvent.body['Hangup-Cause'], 'NORMAL_CLEARING');
  assert.equal(notice.headers['Content-Disposition'], 'disconnect');
  assert.equal(notice.headers['Controlled-Session-UUID'], b);
  assert.equal(notice.body, DISCONNECT_BODY);
  await within(link.ended.daemon, 3000, 'FIN from the daemon');
  assert.equal(link.closedBy[0], 'daemon', 'the daemon closed the connection first');
  await recorder.next((f) => f.kind === 'closed', 'socket.close in esl', 3000);
}

async function withFreeSwitchServer(body) {
  const server = new FreeSwitchServer({ all_events: true, my_events: true, logger: quietLogger() });
  const errors = [];
  server.on('error', (err) => errors.push(err));
  await server.listen({ port: 0, host: '127.0.0.1' });
  try {
    // Quirk: FreeSwitchServer has no accessor for the port it bound; its net.Server is __server.
    await body(server, server.__server.address().port, errors);
  } finally {
    await server.close();
  }
}

async function eslServerIvr({ async, linger }) {
  await withFreeSwitchServer(async (server, appPort, errors) => {
    await withOutbound(appPort, async (tap, legs) => {
      const connected = new Promise((resolve) => server.once('connection', (call, info) =>
        resolve({ call, info, recorder: eslFrames(call) })));
      const answeredA = control.originate(socketOriginate(tap.port, [async && 'async', 'full'].filter(Boolean)));
      answeredA.catch(() => {});
      const { call, info, recorder } = await within(connected, 5000, 'FreeSwitchServer connection');
      const link = await tap.link(1);
      assert.deepEqual(errors, []);
      assert.equal(info.headers['Socket-Mode'], async ? 'async' : 'static');
      assert.equal(info.headers.Control, 'full');
      const b = info.uuid;
      assert.match(b, UUID_ANY);
      legs.push(b);
      assert.equal(info.data['Channel-Call-State'], 'RINGING');
      assert.ok(tap.appBytes().startsWith(
        `connect\n\nfilter Unique-ID ${b}\n\nfilter Job-Owner-UUID ${b}\n\nevent json ALL\n\n`));

      await eslIvr(call, recorder, { b, answeredA, legs, full: true });
      assertParkedOnlyWhenAsync(b, async);

      if (!linger) {
        await eslHangup(call, recorder, link, b);
      } else {
        // The library's linger(): `linger` without a time; its 'cleanup_linger' hook means the
        // application calls exit() itself once done.
        assert.equal((await call.linger()).headers['Reply-Text'], '+OK will linger');
        const cleanup = new Promise((resolve) => call.on('cleanup_linger', resolve));
        await call.hangup('NORMAL_CLEARING');
        await within(cleanup, 5000, 'cleanup_linger after the linger notice');
        const notice = recorder.frames.find((f) => f.kind === 'notice');
        assert.equal(notice.headers['Content-Disposition'], 'linger');
        assert.equal(notice.headers['Linger-Time'], '-1');
        assert.equal(notice.headers['Controlled-Session-UUID'], b);
        assert.equal(notice.headers['Channel-Name'], info.data['Channel-Name']);
        const hangupEvent = recorder.frames.find(eslEvent('CHANNEL_HANGUP', b));
        assert.ok(hangupEvent, 'CHANNEL_HANGUP seen');
        assert.equal(hangupEvent.body['Hangup-Cause'], 'NORMAL_CLEARING');
        // Lingering without a limit: nothing closes the socket until the application says so.
        await sleep(1200);
        assert.deepEqual(link.closedBy, [], 'an unlimited linger keeps the connection open');
        assert.equal((await call.send('getvar interop_ivr_result')).headers['Reply-Text'], RESULT);
        if (async) {
          await recorder.next(eslEvent('CHANNEL_HANGUP_COMPLETE', b), 'CHANNEL_HANGUP_COMPLETE while lingering');
        } else {
          // Static mode: the call's thread runs the socket, so hangup processing waits for it.
          assert.ok(!control.events.some((e) => e['Event-Name'] === 'CHANNEL_HANGUP_COMPLETE' && e['Unique-ID'] === b),
            'no CHANNEL_HANGUP_COMPLETE while the static socket lingers');
        }
        assertNotDestroyed(b);
        assert.equal((await call.exit()).headers['Reply-Text'], '+OK bye');
        await within(link.ended.daemon, 3000, 'FIN from the daemon after exit');
        assert.equal(link.closedBy[0], 'daemon');
        assert.ok(tap.daemonBytes().endsWith(
          `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${b}\nContent-Disposition: disconnect\n` +
          `Content-Length: ${Buffer.byteLength(DISCONNECT_BODY)}\n\n${DISCONNECT_BODY}`));
        await destroyed(b);
      }
      await assertHungUp(b);
    });
  });
}

test('esl FreeSwitchServer, async full: answer, playback, play_and_get_digits, set, hangup', async () => {
  await eslServerIvr({ async: true });
});

test('esl FreeSwitchServer, static full', async () => {
  await eslServerIvr({ async: false });
});

test('esl FreeSwitchServer, async full with linger (no limit) and exit', async () => {
  await eslServerIvr({ async: true, linger: true });
});

// FreeSWITCH runs a static socket on the call's own thread (socket_function calls listener_run),
// so the socket application returns, and hangup processing goes on, only when the connection ends.
test('esl FreeSwitchServer, static full with linger: hangup completes only after exit', async () => {
  await eslServerIvr({ async: false, linger: true });
});

// Without `full` FreeSWITCH refuses `event json ALL`, so FreeSwitchServer reports an error and
// never emits 'connection'.
test('esl FreeSwitchServer cannot serve a socket without full (event json refused)', async () => {
  await withFreeSwitchServer(async (server, appPort, errors) => {
    await withOutbound(appPort, async (tap, legs) => {
      let connections = 0;
      server.on('connection', () => { ++connections; });
      const answeredA = control.originate(socketOriginate(tap.port, ['async']));
      answeredA.catch(() => {});
      const started = await control.event((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e.Application === 'socket' &&
        e['Application-Data'] === `127.0.0.1:${tap.port} async`, 'CHANNEL_EXECUTE socket');
      legs.push(started['Unique-ID']);
      const link = await tap.link(1);
      await waitUntil(() => errors.length > 0, 3000, "FreeSwitchServer's error");
      assert.equal(errors[0].res.headers['Reply-Text'], '-ERR command not found');
      assert.equal(errors[0].args.command, 'event json ALL');
      assert.equal(connections, 0);
      // The filters before it are allowed on any outbound socket.
      const b = started['Unique-ID'];
      const fromDaemon = tap.daemonBytes();
      assert.ok(fromDaemon.includes(`Reply-Text: +OK filter added. [Unique-ID]=[${b}]\n`));
      assert.ok(fromDaemon.includes(`Reply-Text: +OK filter added. [Job-Owner-UUID]=[${b}]\n`));
      assert.match(await control.api(`uuid_kill ${b}`), /^\+OK/);
      await within(link.ended.daemon, 3000, 'the daemon to close the socket of the killed call');
    });
  });
});

// The same IVR as above over the library's FreeSwitchResponse with `myevents json` (plain
// events would do too, but esl does not URL-decode text/event-plain bodies).
test('esl FreeSwitchResponse on an async socket without full (myevents json)', async () => {
  const appServer = await listeningServer();
  const accepted = new Promise((resolve) => appServer.once('connection', resolve));
  try {
    await withOutbound(appServer.address().port, async (tap, legs) => {
      const answeredA = control.originate(socketOriginate(tap.port, ['async']));
      answeredA.catch(() => {});
      const socket = await within(accepted, 5000, 'the daemon to connect');
      const link = await tap.link(1);
      const call = new FreeSwitchResponse(socket, quietLogger());
      const recorder = eslFrames(call);
      const connect = await within(call.connect(), 3000, 'connect');
      assert.equal(connect.headers['Socket-Mode'], 'async');
      assert.equal(connect.headers.Control, 'single-channel');
      const b = connect.body['Unique-ID'];
      assert.match(b, UUID_ANY);
      legs.push(b);
      call.setUUID(b);

      const refused = await call.event_json('ALL').then(() => null, (err) => err);
      assert.ok(refused, 'event json is refused without full');
      assert.equal(refused.res.headers['Reply-Text'], '-ERR command not found');
      assert.equal((await call.send('myevents json')).headers['Reply-Text'], '+OK Events Enabled');
      call.auto_cleanup();

      await eslIvr(call, recorder, { b, answeredA, legs, full: false });
      assertParkedOnlyWhenAsync(b, true);
      const refusedApi = await call.send(`api uuid_getvar ${b} interop_ivr_result`).then(() => null, (err) => err);
      assert.equal(refusedApi.res.headers['Reply-Text'], '-ERR command not found');
      await eslHangup(call, recorder, link, b);
      await assertHungUp(b);
    });
  } finally {
    await new Promise((resolve) => appServer.close(resolve));
  }
});
