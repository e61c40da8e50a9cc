// Starts the eventswitch daemon on a free port for one test file and stops it afterwards.
// The binary comes from EVENTSWITCH_BIN (run.sh sets it from its first argument).
import { spawn } from 'node:child_process';

const LISTENING = /event socket listening on 127\.0\.0\.1:(\d+)/;
const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGTRAP']);

export async function startDaemon({ password, heartbeatInterval = 1, extraArgs = [] } = {}) {
  const binary = process.env.EVENTSWITCH_BIN;
  if (!binary) throw new Error('EVENTSWITCH_BIN is not set (run the tests through run.sh)');
  const args = ['--listen-port', '0', '--no-color', '--heartbeat-interval', String(heartbeatInterval)];
  if (password !== undefined) args.push('--password', password);
  args.push(...extraArgs);

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exitStatus = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text) => { output += text; });

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not report its port within 10 s:\n${output}`)), 10000);
    child.stderr.on('data', (text) => {
      output += text;
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited before listening (code ${code}, signal ${signal}):\n${output}`));
    });
  });

  return {
    host: '127.0.0.1',
    port,
    output: () => output,
    // Throws if the daemon died on its own (a crash while a client was talking to it).
    assertAlive() {
      if (exitStatus) {
        throw new Error(`daemon died (code ${exitStatus.code}, signal ${exitStatus.signal}):\n${output}`);
      }
    },
    // Stops the daemon; rejects when it had crashed earlier or does not shut down within 5 s.
    async stop() {
      if (exitStatus) {
        throw new Error(`daemon had already exited (code ${exitStatus.code}, signal ${exitStatus.signal}):\n${output}`);
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const status = await exited;
      clearTimeout(timer);
      if (status.signal === 'SIGKILL') throw new Error(`daemon ignored SIGTERM for 5 s:\n${output}`);
      if (CRASH_SIGNALS.has(status.signal)) throw new Error(`daemon crashed on shutdown (${status.signal}):\n${output}`);
      return status;
    },
  };
}
