// The httpivr example web application: Node.js `http` only, no framework.
//
//   HTTPIVR_SECRET=s3cret node menu.js [port]
//
// POST /start     -> answer, then gather one digit ("press 1, 2 or 3")
// POST /menu      -> 1: a tone; 2: record a message (# ends it); 3: bridge to extension 2000
// POST /recorded  -> play the recording back
// POST /dialed    -> say goodbye (a short tone) and hang up
// POST /status    -> the call's end (logged)
//
// Every request is checked against its X-Signature (HMAC-SHA256 of the raw body); a request
// with a wrong signature gets 401 and httpivr's fallback/apology path takes over.
'use strict';
const http = require('http');
const crypto = require('crypto');

const secret = process.env.HTTPIVR_SECRET || '';
const port = Number(process.argv[2] || 8050);
const base = `http://127.0.0.1:${port}`;
// Where the bridge goes: any dial string the switch understands.
const bridgeTarget = process.env.HTTPIVR_BRIDGE || '{sim_hangup_ms=3000}sim/2000';

function signed(raw, header) {
  if (!secret) return true;
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(raw).digest('hex');
  const given = Buffer.from(header || '');
  const want = Buffer.from(expected);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}

const tone = (ms, hz) => `tone_stream://%(${ms},0,${hz})`;

const routes = {
  '/start': () => [
    { verb: 'answer' },
    {
      verb: 'gather', num_digits: 1, timeout: 5, play: { url: tone(200, 440) },
      action_hook: `${base}/menu`,
    },
  ],
  '/menu': (call) => {
    switch (call.digits) {
      case '1': return [{ verb: 'play', url: tone(1000, 600) }, { verb: 'hangup' }];
      case '2': return [{ verb: 'record', max_length: 10, finish_on_key: '#',
                          action_hook: `${base}/recorded` }];
      case '3': return [{ verb: 'dial', target: bridgeTarget, timeout: 20,
                          action_hook: `${base}/dialed` }];
      default: return [{ verb: 'hangup', cause: 'CALL_REJECTED' }];
    }
  },
  '/recorded': (call) => [{ verb: 'play', url: call.recording_path }, { verb: 'hangup' }],
  '/dialed': () => [{ verb: 'play', url: tone(200, 300) }, { verb: 'hangup' }],
  '/status': (call) => {
    console.log(`call ${call.call_id} ended: ${call.hangup_cause}`);
    return [];
  },
};

http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 65536) req.destroy();  // nobody sends that much to a menu
    else chunks.push(c);
  });
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const route = routes[req.url];
    if (req.method !== 'POST' || !route) { res.writeHead(404).end(); return; }
    if (!signed(raw, req.headers['x-signature'])) { res.writeHead(401).end(); return; }
    let call;
    try { call = JSON.parse(raw.toString('utf8')); } catch { res.writeHead(400).end(); return; }
    console.log(`${req.url} ${call.call_id} digits=${call.digits ?? ''}`);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(route(call)));
  });
}).listen(port, '127.0.0.1', () => console.log(`menu listening on ${base}`));
