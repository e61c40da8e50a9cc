// A TCP relay between a client library and the daemon that records every byte in both
// directions, so a failing test can show exactly what was on the wire.
import net from 'node:net';

export async function startWiretap(targetPort, targetHost = '127.0.0.1') {
  const records = [];
  const sockets = new Set();
  let connections = 0;

  const server = net.createServer((client) => {
    const id = ++connections;
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    client.on('data', (data) => records.push({ id, dir: 'C>S', data }));
    upstream.on('data', (data) => records.push({ id, dir: 'S>C', data }));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.once('close', () => { records.push({ id, dir: 'S>C', data: null }); client.destroy(); });
    client.once('close', () => upstream.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Concatenated before decoding so multi-byte characters split across chunks stay intact.
  const bytes = (dir) => Buffer.concat(records.filter((r) => r.dir === dir && r.data).map((r) => r.data));

  return {
    host: '127.0.0.1',
    port: server.address().port,
    connections: () => connections,
    // Every byte the client library sent on all connections, as one string.
    clientBytes: () => bytes('C>S').toString('utf8'),
    serverBytes: () => bytes('S>C').toString('utf8'),
    serverBuffer: () => bytes('S>C'),
    // The recorded traffic, newest last, each chunk shown as a JSON string so control bytes are visible.
    transcript(limit = 6000) {
      const lines = records.map((r) => `#${r.id} ${r.dir} ${r.data ? JSON.stringify(r.data.toString('utf8')) : '(closed)'}`);
      const text = lines.join('\n');
      return text.length > limit ? `...${text.slice(-limit)}` : text;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
