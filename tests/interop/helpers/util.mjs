// Shared test data and small async helpers for the interop tests.

// Resolves with the promise's value, or rejects after `ms` naming what was awaited.
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `predicate` until it returns true.
export async function waitUntil(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

// Runs a test body and, when it fails, appends the recorded wire traffic to the error.
export async function withWire(tap, body) {
  try {
    await body();
  } catch (err) {
    const message = `${err && err.message}\n--- wire (client library <-> eventswitch) ---\n${tap.transcript()}`;
    if (err instanceof Error) {
      err.message = message;
      throw err;
    }
    throw new Error(message);
  }
}

// Header values that every client can put on one command line (a raw LF would end the header, so
// line breaks travel in the body). They exercise the URL encoder of plain events: spaces, `%` in
// every position that must be encoded (`%ab` is lowercase, so not "already encoded"), quotes,
// XML/HTML specials, the other reserved characters, a tab and non-ASCII UTF-8.
export const TRICKY_HEADERS = {
  'Interop-Spaces': 'several words  with  double spaces and a trailing one ',
  'Interop-Percent': '100% sure, 50%off, %zz, %ab and a lone % at the end %',
  'Interop-Quotes': 'say "hello" and \'bye\' with a back\\slash',
  'Interop-Markup': '<tag attr="x">a & b</tag> <!-- c --> &amp;',
  'Interop-Reserved': 'a+b=c;d#e?f@g[h]i^j`k{l|m}n~o:p/q',
  'Interop-Tab': 'before\tafter',
  'Interop-Unicode': 'Grüße aus Köln, 東京, ñandú, emoji 🎉',
};

export const TRICKY_BODY =
  'first line with spaces and 100% of "quotes"\n' +
  '<xml attr=\'1\'>a & b</xml>\r\n' +
  'Content-Length: 5\n\n' +
  'unicode: Grüße 東京 🎉\n' +
  'last line without newline %41%zz';

// ULID: 26 characters of Crockford base32.
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const UUID_ANY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

// Shapes of the api outputs described in docs/api-behaviour.md §2 (versions are build-dependent).
export const STATUS_SHAPE = /^UP \d+ years?, \d+ days?, \d+ hours?, \d+ minutes?, \d+ seconds?, \d+ milliseconds?, \d+ microseconds?\n.* is ready\n\d+ session\(s\) since startup\n/;
export const VERSION_SHAPE = /^FreeSWITCH Version \S+ \(.*\)\n$/;

// A logger that swallows everything unless INTEROP_DEBUG is set (esl and esl-lite log a lot).
export function quietLogger() {
  const debug = !!process.env.INTEROP_DEBUG;
  const sink = (...args) => { if (debug) console.error(...args); };
  const logger = { trace: sink, debug: sink, info: sink, warn: sink, error: sink, fatal: sink };
  logger.child = () => logger;
  return logger;
}

// A unique suffix so events from one test can never be mistaken for another's.
let counter = 0;
export const uniqueTag = (prefix) => `${prefix}-${process.pid}-${++counter}`;
