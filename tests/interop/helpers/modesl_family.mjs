// Scenarios shared by modesl and its fork drachtio-modesl: both expose the same callback API
// (esl.Connection, esl.Event) and the same parser, so one suite drives either module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from './daemon.mjs';
import { startWiretap } from './wiretap.mjs';
import {
  within, withWire, uniqueTag, sleep, TRICKY_HEADERS, TRICKY_BODY, UUID_V4, UUID_ANY,
  DISCONNECT_BODY, STATUS_SHAPE, VERSION_SHAPE,
} from './util.mjs';

// `reconnects`: drachtio-modesl reconnects an inbound connection the server closed.
// `subscribesOnAuth`: modesl sends `event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE` after auth.
export function defineModeslSuite(esl, { reconnects, subscribesOnAuth }) {
  let daemon;
  let tap;
  const open = [];

  before(async () => {
    daemon = await startDaemon();
    tap = await startWiretap(daemon.port);
  });

  after(async () => {
    for (const conn of open) {
      conn.closing = true; // drachtio-modesl: no reconnect attempts during teardown
      if (conn.socket) conn.socket.destroy();
    }
    await tap.close();
    await daemon.stop();
  });

  // Connects through the wire tap and resolves once the library reports it is ready (authenticated).
  function connect(password = 'ClueCon') {
    return within(new Promise((resolve, reject) => {
      const conn = new esl.Connection(tap.host, tap.port, password, () => resolve(conn));
      open.push(conn);
      conn.on('error', reject);
      conn.on('esl::event::auth::fail', (evt) => reject(new Error(`auth failed: ${evt.getHeader('Reply-Text')}`)));
    }), 3000, 'connect + auth');
  }

  const sendRecv = (conn, command, args) =>
    within(new Promise((resolve) => conn.sendRecv(command, args || null, resolve)), 3000, `reply to ${command}`);
  const api = (conn, command, args = '') =>
    within(new Promise((resolve) => conn.api(command, args, resolve)), 3000, `api ${command}`);

  // Collects the event frames (any text/event-*) a connection receives.
  function collectEvents(conn) {
    const events = [];
    const waiters = [];
    conn.on('esl::event::**', (evt, headers) => {
      if (!String(headers && headers['Content-Type']).startsWith('text/event-')) return;
      events.push({ evt, contentType: headers['Content-Type'] });
      for (const w of [...waiters]) {
        if (w.match(evt)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve({ evt, contentType: headers['Content-Type'] });
        }
      }
    });
    return {
      events,
      next(match, what, ms = 3000) {
        const found = events.find((e) => match(e.evt));
        if (found) return Promise.resolve(found);
        return within(new Promise((resolve) => waiters.push({ match, resolve })), ms, what);
      },
    };
  }

  function trickyEvent(subclass, extra = {}) {
    const event = new esl.Event('CUSTOM', subclass);
    for (const [name, value] of Object.entries({ ...TRICKY_HEADERS, ...extra })) event.addHeader(name, value);
    event.addBody(TRICKY_BODY);
    return event;
  }

  function assertTrickyEvent(evt, subclass, eventUuid) {
    assert.equal(evt.getHeader('Event-Name'), 'CUSTOM');
    assert.equal(evt.getHeader('Event-Subclass'), subclass);
    for (const [name, value] of Object.entries(TRICKY_HEADERS)) {
      assert.equal(evt.getHeader(name), value, `header ${name}`);
    }
    assert.equal(evt.getBody(), TRICKY_BODY);
    assert.equal(evt.getHeader('Event-UUID'), eventUuid, 'Event-UUID matches the sendevent reply');
    assert.match(String(evt.getHeader('Core-UUID')), UUID_ANY);
    assert.match(String(evt.getHeader('Event-Sequence')), /^\d+$/);
  }

  async function sendTricky(conn, subclass, extra) {
    const reply = await within(new Promise((resolve) => conn.sendEvent(trickyEvent(subclass, extra), resolve)),
      3000, 'sendevent reply');
    const text = reply.getHeader('Reply-Text');
    assert.match(text, /^\+OK \S+$/, 'sendevent reply');
    return text.slice(4);
  }

  test('connect and authenticate; a wrong password is refused and the connection closed', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      assert.equal(conn.authed, true);
      const auths = tap.serverBytes().match(/Reply-Text: \+OK accepted\n/g);
      assert.ok(auths && auths.length >= 1, 'server sent "+OK accepted"');
      if (subscribesOnAuth) {
        await api(conn, 'version'); // a round trip, so the subscription sent after auth has reached the tap
        assert.ok(tap.clientBytes().includes('event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE\n\n'));
      }
      conn.disconnect();

      const bad = await within(new Promise((resolve, reject) => {
        const c = new esl.Connection(tap.host, tap.port, 'not-the-password', () => reject(new Error('ready with a wrong password')));
        open.push(c);
        c.on('error', () => {});
        c.on('esl::event::auth::fail', (evt) => {
          c.closing = true; // keep drachtio-modesl from retrying with the same wrong password
          const ended = new Promise((r) => c.once('esl::end', r));
          const notice = new Promise((r) => c.once('esl::event::disconnect::notice', (e, h, body) => r(body)));
          resolve({ c, evt, ended, notice });
        });
      }), 3000, 'auth failure');
      assert.equal(bad.evt.getHeader('Reply-Text'), '-ERR invalid');
      assert.equal(bad.c.authed, false);
      assert.equal(await within(bad.notice, 3000, 'disconnect notice after a failed auth'), DISCONNECT_BODY);
      await within(bad.ended, 3000, 'server closing the connection after a failed auth');
      daemon.assertAlive();
    });
  });

  test('api status / version / unknown command return the body', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      const status = await api(conn, 'status');
      assert.equal(status.getHeader('Content-Type'), 'api/response');
      assert.match(status.getBody(), STATUS_SHAPE);
      assert.equal(status.getHeader('Content-Length'), Buffer.byteLength(status.getBody()));
      assert.match((await api(conn, 'version')).getBody(), VERSION_SHAPE);
      assert.equal((await api(conn, 'interop_no_such_command')).getBody(),
        '-ERR interop_no_such_command Command not found!\n');
      conn.disconnect();
    });
  });

  test('bgapi: the library\'s own v4 Job-UUID comes back in the reply and the BACKGROUND_JOB', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      if (!subscribesOnAuth) {
        const r = await within(new Promise((resolve) => conn.subscribe(['BACKGROUND_JOB'], resolve)), 3000, 'subscribe');
        assert.equal(r.getHeader('Reply-Text'), '+OK event listener enabled json');
      }
      const replies = [];
      conn.on('esl::event::command::reply', (evt) => replies.push(evt));
      const job = await within(new Promise((resolve) => conn.bgapi('status', resolve)), 5000, 'BACKGROUND_JOB');
      const jobUuid = job.getHeader('Job-UUID');
      assert.match(jobUuid, UUID_V4);
      assert.equal(job.getHeader('Job-Command'), 'status');
      assert.match(job.getBody(), STATUS_SHAPE);
      const reply = replies.find((r) => r.getHeader('Job-UUID') === jobUuid);
      assert.ok(reply, 'command/reply with a Job-UUID header');
      assert.equal(reply.getHeader('Reply-Text'), `+OK Job-UUID: ${jobUuid}`);
      // modesl puts a trailing space after the command (`bgapi status `), the server must accept it.
      assert.ok(tap.clientBytes().includes(`bgapi status \nJob-UUID: ${jobUuid}\n\n`));

      const chosen = '0f1e2d3c-4b5a-4697-8877-665544332211';
      const job2 = await within(new Promise((resolve) => conn.bgapi('version', '', chosen, resolve)), 5000, 'BACKGROUND_JOB 2');
      assert.equal(job2.getHeader('Job-UUID'), chosen);
      assert.match(job2.getBody(), VERSION_SHAPE);
      conn.disconnect();
    });
  });

  test('sendevent round trip through a JSON subscription', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      const sub = uniqueTag('interop::json');
      const events = collectEvents(conn);
      const r = await within(new Promise((resolve) => conn.events('json', ['CUSTOM', sub], resolve)), 3000, 'event json');
      assert.equal(r.getHeader('Reply-Text'), '+OK event listener enabled json');
      const eventUuid = await sendTricky(conn, sub);
      const { evt, contentType } = await events.next((e) => e.getHeader('Event-Subclass') === sub, 'CUSTOM event');
      assert.equal(contentType, 'text/event-json');
      assertTrickyEvent(evt, sub, eventUuid);
      conn.disconnect();
    });
  });

  test('sendevent round trip through a plain subscription, and HEARTBEAT events', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      const sub = uniqueTag('interop::plain');
      const events = collectEvents(conn);
      const r = await within(new Promise((resolve) => conn.events('plain', ['HEARTBEAT', 'CUSTOM', sub], resolve)), 3000, 'event plain');
      assert.equal(r.getHeader('Reply-Text'), '+OK event listener enabled plain');
      const eventUuid = await sendTricky(conn, sub);
      const { evt, contentType } = await events.next((e) => e.getHeader('Event-Subclass') === sub, 'CUSTOM event');
      assert.equal(contentType, 'text/event-plain');
      assertTrickyEvent(evt, sub, eventUuid);
      // Plain event bodies are URL-encoded into ASCII; only the event's own body may hold other bytes.
      const frame = tap.serverBytes().split('Content-Type: text/event-plain\n\n').find((f) => f.includes(`Event-Subclass: ${encodeURIComponent(sub)}\n`));
      assert.ok(frame, 'plain frame seen on the wire');
      const headerBlock = frame.slice(0, frame.indexOf('\n\n'));
      assert.match(headerBlock, /^[\x20-\x7e\n]*$/, 'plain headers are printable ASCII');

      const hb = await events.next((e) => e.getHeader('Event-Name') === 'HEARTBEAT', 'HEARTBEAT', 4000);
      assert.equal(hb.contentType, 'text/event-plain');
      assert.match(String(hb.evt.getHeader('Event-Date-Timestamp')), /^\d+$/);
      conn.disconnect();
    });
  });

  test('filters: only matching events pass; BACKGROUND_JOB passes the library\'s Job-UUID filter', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      const sub = uniqueTag('interop::filter');
      const events = collectEvents(conn);
      await within(new Promise((resolve) => conn.events('json', ['BACKGROUND_JOB', 'CUSTOM', sub], resolve)), 3000, 'event json');
      const added = await within(new Promise((resolve) => conn.filter('Interop-Tag', 'let me through', resolve)), 3000, 'filter');
      assert.equal(added.getHeader('Reply-Text'), '+OK filter added. [Interop-Tag]=[let me through]');

      const blockedUuid = await sendTricky(conn, sub, { 'Interop-Tag': 'keep me out' });
      const passedUuid = await sendTricky(conn, sub, { 'Interop-Tag': 'let me through' });
      const passed = await events.next((e) => e.getHeader('Event-UUID') === passedUuid, 'event that matches the filter');
      assert.equal(passed.evt.getHeader('Interop-Tag'), 'let me through');
      // Events are delivered in order, so the blocked one would have arrived first.
      assert.equal(events.events.find((e) => e.evt.getHeader('Event-UUID') === blockedUuid), undefined);

      // With usingFilters set, the library adds `filter Job-UUID <id>` before bgapi and deletes it after.
      const job = await within(new Promise((resolve) => conn.bgapi('version', resolve)), 5000, 'BACKGROUND_JOB through filter');
      assert.match(job.getBody(), VERSION_SHAPE);
      assert.ok(tap.clientBytes().includes(`filter Job-UUID ${job.getHeader('Job-UUID')}\n\n`));

      const deleted = await within(new Promise((resolve) => conn.filterDelete('Interop-Tag', resolve)), 3000, 'filter delete');
      assert.equal(deleted.getHeader('Reply-Text'), '+OK filter deleted. [Interop-Tag][]');
      const invalid = await sendRecv(conn, 'filter Interop-Tag');
      assert.equal(invalid.getHeader('Reply-Text'), '-ERR invalid syntax');
      conn.disconnect();
    });
  });

  test('exit: "+OK bye", the disconnect notice, then the server closes', async () => {
    await withWire(tap, async () => {
      const conn = await connect();
      const notice = new Promise((resolve) => conn.once('esl::event::disconnect::notice', (evt, headers, body) => resolve({ headers, body })));
      const ended = new Promise((resolve) => conn.once('esl::end', resolve));
      const bye = await sendRecv(conn, 'exit');
      assert.equal(bye.getHeader('Reply-Text'), '+OK bye');
      const { headers, body } = await within(notice, 3000, 'disconnect notice');
      assert.equal(headers['Content-Length'], 67);
      assert.equal(body, DISCONNECT_BODY);
      await within(ended, 3000, 'connection closed by the server');

      if (reconnects) {
        // drachtio-modesl reconnects (150 ms backoff) and authenticates again on its own.
        const again = await within(new Promise((resolve) => conn.once('esl::ready', resolve)).then(() => conn), 3000, 'reconnect');
        assert.match((await api(again, 'version')).getBody(), VERSION_SHAPE);
        conn.disconnect();
      }
      await sleep(50);
      daemon.assertAlive();
    });
  });
}
