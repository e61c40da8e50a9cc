// Helpers for the outbound-mode interop tests: a relay between the daemon's `socket` application
// and the client library's server (records every byte and which side closed first), and an
// inbound control connection (esl's FreeSwitchClient) that originates the calls, sends DTMF and
// watches channel events.
import net from 'node:net';
import assert from 'node:assert/strict';
import { FreeSwitchClient, once } from 'esl';
import { within, quietLogger, UUID_ANY } from './util.mjs';

// The daemon connects to the relay, the relay connects on to the application's server. Half-closes
// travel on (pipe ends the other side), so the application still sees the daemon's FIN as 'end'.
export async function startOutboundTap(appPort) {
  const records = [];
  const sockets = new Set();
  const links = [];
  const linkWaiters = [];

  const server = net.createServer((daemonSide) => {
    const id = links.length + 1;
    const appSide = net.connect(appPort, '127.0.0.1');
    const link = { id, closedBy: [], ended: {} };
    for (const [side, socket] of [['daemon', daemonSide], ['app', appSide]]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      link.ended[side] = new Promise((resolve) => socket.once('end', () => {
        link.closedBy.push(side);
        records.push({ id, dir: side === 'daemon' ? 'FS>app' : 'app>FS', data: null });
        resolve();
      }));
      socket.on('error', () => { daemonSide.destroy(); appSide.destroy(); });
    }
    daemonSide.on('data', (data) => records.push({ id, dir: 'FS>app', data }));
    appSide.on('data', (data) => records.push({ id, dir: 'app>FS', data }));
    daemonSide.pipe(appSide);
    appSide.pipe(daemonSide);
    links.push(link);
    for (const w of linkWaiters.splice(0)) w();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  const bytes = (id, dir) =>
    Buffer.concat(records.filter((r) => r.id === id && r.dir === dir && r.data).map((r) => r.data)).toString('utf8');

  return {
    port: server.address().port,
    connections: () => links.length,
    // The n-th connection the daemon opened (1-based), once it exists.
    async link(n = 1, ms = 5000) {
      const deadline = Date.now() + ms;
      while (links.length < n) {
        await within(new Promise((resolve) => linkWaiters.push(resolve)), Math.max(deadline - Date.now(), 1),
          `connection #${n} from the daemon`);
      }
      return links[n - 1];
    },
    daemonBytes: (id = 1) => bytes(id, 'FS>app'),
    appBytes: (id = 1) => bytes(id, 'app>FS'),
    transcript(limit = 8000) {
      const text = records
        .map((r) => `#${r.id} ${r.dir} ${r.data ? JSON.stringify(r.data.toString('utf8')) : '(end)'}`)
        .join('\n');
      return text.length > limit ? `...${text.slice(-limit)}` : text;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// A listening net.Server on a free port (for libraries that cannot bind port 0 themselves).
export async function listeningServer() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

// The dial string that makes the loopback B-leg run `socket` toward `port` (inline dialplan with
// `^` separators, quoted because the socket arguments contain spaces); the A-leg parks.
export function socketOriginate(port, flags) {
  const data = [`127.0.0.1:${port}`, ...flags].join(' ');
  return `originate 'loopback/m:^:socket:${data}/default/inline' &park()`;
}

const CONTROL_EVENTS = [
  'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_PARK', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DESTROY',
];

// An inbound connection that drives the calls from outside, as an operator's tool would.
export async function startControl(daemon) {
  const client = new FreeSwitchClient({ host: daemon.host, port: daemon.port, password: 'ClueCon', logger: quietLogger() });
  const connected = once(client, 'connect');
  client.connect();
  const [call] = await within(connected, 3000, 'control connection');
  await within(call.event_json(...CONTROL_EVENTS), 3000, 'control event_json');

  const events = [];
  const waiters = [];
  for (const name of CONTROL_EVENTS) {
    call.on(name, ({ body }) => {
      events.push(body);
      for (const w of [...waiters]) {
        if (w.match(body)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(body);
        }
      }
    });
  }

  return {
    events,
    // Whether an event named `name` of channel `uuid` has arrived so far.
    seen: (name, uuid) => events.some((e) => e['Event-Name'] === name && e['Unique-ID'] === uuid),
    // The first event (already received or still to come) that `match` accepts.
    event(match, what, ms = 5000) {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return within(new Promise((resolve) => waiters.push({ match, resolve })), ms, what);
    },
    // The api output, also when it starts with "-ERR" (esl's api() rejects those).
    async api(command) {
      try {
        return (await within(call.api(command), 3000, `api ${command}`)).body;
      } catch (err) {
        if (err && err.res && typeof err.res.body === 'string') return err.res.body;
        throw err;
      }
    },
    // Starts `bgapi originate`; resolves with the A-leg uuid once the call is answered.
    async originate(command, ms = 8000) {
      const job = await call.bgapi(command, ms);
      const output = job.body._body;
      const match = /^\+OK (\S+)\n$/.exec(output);
      assert.ok(match, `originate output: ${JSON.stringify(output)}`);
      assert.match(match[1], UUID_ANY);
      return match[1];
    },
    end() { client.end(); },
  };
}

// Waits until `uuid` runs `app` (its CHANNEL_EXECUTE reached the control connection).
export const executing = (control, uuid, app) =>
  control.event((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e['Unique-ID'] === uuid && e.Application === app,
    `CHANNEL_EXECUTE ${app} on ${uuid}`);
