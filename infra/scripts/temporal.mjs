// The Temporal dev server (`temporal server start-dev`): persistent SQLite for `npm start`, in memory
// for `npm test`.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { run, startProcess, waitUntil } from './processes.mjs';
import { say, warn } from './say.mjs';

const isServing = async (cli, address) => {
  const { code, output } = await run(cli, ['operator', 'cluster', 'health', '--address', address], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return code === 0 && output.includes('SERVING');
};

const tail = (file, lines = 15) => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

/**
 * A dev server left running by an earlier launcher that was killed outright (SIGKILL gives it no
 * chance to clean up) would still hold our SQLite file. We recognise our own by the pid file we
 * wrote and the database path on its command line, and stop it.
 */
const stopLeftoverServer = async (pidFile, dbFile) => {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    // not running
  }
  if (Number.isInteger(pid) && isAlive(pid) && cmdline.includes(dbFile)) {
    say(`a Temporal dev server from an earlier run (pid ${pid}) still holds ${dbFile}; stopping it`);
    process.kill(pid, 'SIGTERM');
    await waitUntil(async () => !isAlive(pid), {
      timeoutMs: 15_000,
      what: `stopping leftover Temporal dev server ${pid}`,
    }).catch(() => process.kill(pid, 'SIGKILL'));
  }
  rmSync(pidFile, { force: true });
};

/**
 * Starts the dev server, registers its stop with `services`, and resolves once it answers
 * `temporal operator cluster health` with SERVING. Returns its gRPC address.
 */
export const startTemporalDevServer = async ({ cli, port, uiPort, dbFile, pidFile, logFile, services }) => {
  if (dbFile && pidFile) await stopLeftoverServer(pidFile, dbFile);
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--headless',
    '--log-level',
    'warn',
  ];
  if (uiPort) args.push('--ui-port', String(uiPort));
  if (dbFile) args.push('--db-filename', dbFile);
  const log = openSync(logFile, 'a');
  // Its own process group: Ctrl-C reaches the launcher only, which stops it last.
  const server = startProcess('Temporal dev server', cli, args, {
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  say(
    `starting Temporal dev server (pid ${server.pid}) on ${address}, ${dbFile ? `SQLite file ${dbFile}` : 'in memory'}; its log: ${logFile}`,
  );
  if (pidFile) writeFileSync(pidFile, `${server.pid}\n`);
  services.add(
    `Temporal dev server (pid ${server.pid})`,
    async () => {
      await server.stop({ signal: 'SIGTERM', graceMs: 15_000 });
      if (pidFile) rmSync(pidFile, { force: true });
    },
    server.killNow,
  );
  try {
    await waitUntil(() => isServing(cli, address), {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: 'Temporal dev server',
      abandon: () => (server.isRunning() ? undefined : 'exited during start-up'),
    });
  } catch (error) {
    warn(`Temporal dev server did not come up; last lines of ${logFile}:\n${tail(logFile)}`);
    throw error;
  }
  say(`Temporal dev server is serving at ${address}`);
  return { address, process: server };
};
