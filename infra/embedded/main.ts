/**
 * The embedded deployable's composition root (`npm start` runs it through infra/scripts/launch.mjs):
 * PGlite for events and read models, a Temporal dev server (started by the launcher), and one HTTP
 * server on localhost. Single-node by design: the data folder's lock keeps a second process out.
 */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { seedDemoAccounts } from '../../core/access/seed.ts';
import type { DemoTotpSecret } from '../../core/access/totp-seed.ts';
import { seedDemoTotp } from '../../core/access/totp-seed.ts';
import { createOidcSignIn, parseOidcEnv } from '../../core/access/oidc.ts';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { loadPiiKeyring, piiKeyFilePath } from '../../core/pii/key-file.node.ts';
import { rotateToCurrentPeriod } from '../pii/retention.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { startApplication } from '../app/application.ts';
import { embeddedIntakeConfig } from '../app/embedded-intake-config.ts';
import { loadOrCreateEmbeddedSecrets } from '../app/secrets.node.ts';
import { simulateDemoMonth } from '../demo/simulate.ts';
import { demoStaffDirectory } from '../demo/world.ts';
import { problemJson, problemNotFound } from '../../core/http/hono.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { eventStoreHealth, temporalHealth } from './components.ts';
import type { EmbeddedConfig } from './config.ts';
import { ConfigError, parseEmbeddedConfig } from './config.ts';
import type { DataFolderLock } from './data-lock.ts';
import { lockDataFolder } from './data-lock.ts';
import type { EmbeddedDatabase } from './event-store.ts';
import { openEmbeddedDatabase } from './event-store.ts';
import { healthRoutes } from './health.ts';
import { installShutdown } from '../app/shutdown.ts';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { GroupCommitReport } from '../../core/eventstore/instrumented.ts';
import { instrumentEventStore } from '../../core/eventstore/instrumented.ts';
import { projectionRegistry } from '../../projections/index.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { tracingFromEnv } from '../telemetry/tracing.ts';
import { parseWebhookEndpoints, startWebhooks } from '../webhooks/webhooks.ts';

const log = (line: string): void => console.log(`[embedded] ${line}`);
// The Temporal worker speaks up for warnings and errors only; our own lines say what happens.
Runtime.install({ logger: new DefaultLogger('WARN') });
const now = (): Date => new Date();

/** Things to close on the way out, last opened first. */
const { onClose, stop } = installShutdown('embedded', log);

const connectTemporal = async (config: EmbeddedConfig): Promise<Connection> => {
  log(`connecting to Temporal at ${config.temporalAddress}`);
  const connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: '10s' });
  log('Temporal answers');
  return connection;
};

const listen = (app: Hono, config: EmbeddedConfig): Promise<ReturnType<typeof serve>> =>
  new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: config.httpPort, hostname: config.host }, () =>
      resolve(server),
    );
    server.once('error', reject);
  });

const startEmbedded = async (): Promise<void> => {
  const startedAt = now();
  const config = parseEmbeddedConfig(process.env, process.argv.slice(2), process.cwd());
  const lock: DataFolderLock = lockDataFolder(config.dataDir, { now, log });
  onClose({ name: `lock ${lock.file}`, close: () => lock.release() });
  log(`holding ${lock.file}`);

  // The store comes before the metrics, which read the read models through its database: its
  // group-commit statements are counted from the moment the metrics exist.
  let observeGroupCommit: ((report: GroupCommitReport) => void) | null = null;
  const database: EmbeddedDatabase = await openEmbeddedDatabase(config.dataDir, log, { onGroupCommit: (report) => observeGroupCommit?.(report) });
  onClose({ name: 'PGlite', close: () => database.close() });

  const connection = await connectTemporal(config);
  onClose({ name: 'Temporal connection', close: () => connection.close() });

  let keyring = await loadPiiKeyring({ env: process.env, dataDir: config.dataDir });
  if (!process.env.PINGGAI_PII_KEYS?.trim()) {
    // One key per month, so the retention policy can erase a month by destroying its key (npm run pii).
    const period = await rotateToCurrentPeriod(piiKeyFilePath(config.dataDir), now());
    if (period.rotated) {
      keyring = await loadPiiKeyring({ env: process.env, dataDir: config.dataDir });
      log(`personal data is sealed under this month's key ${period.kid} from now on (npm run pii -- status)`);
    }
  }
  const vault = createPiiVault({ keyring });
  const { secrets, created, file: secretsFile } = await loadOrCreateEmbeddedSecrets(config.dataDir);
  log(created ? `created link-token and case-system keys in ${secretsFile}` : `keys from ${secretsFile}`);
  const sms = createOutboxSmsGateway({ db: database.db as Kysely<SmsDatabase>, vault, log: (line) => log(`SMS outbox: ${line}`) });
  const blobs = createLocalBlobStore({ root: path.join(config.dataDir, 'blobs') });
  const intakeConfig = embeddedIntakeConfig({ publicBaseUrl: config.publicBaseUrl, secrets });
  const staffDirectory = demoStaffDirectory();
  if (config.demo) {
    // Before the live reactors start: the month is simulated with its own clock, then they carry on
    // from its checkpoints. The outbox stays quiet here (thousands of simulated messages).
    const quietSms = createOutboxSmsGateway({ db: database.db as Kysely<SmsDatabase>, vault });
    await simulateDemoMonth({ store: database.store, db: database.db, vault, sms: quietSms, blobs, config: intakeConfig, staffDirectory }, { days: config.demoDays, log });
  }
  const tracing = tracingFromEnv(process.env, 'pinggai-embedded');
  if (tracing) {
    onClose({ name: 'tracing', close: () => tracing.shutdown() });
    log(`tracing to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? ''}`);
  }
  const metrics = createMetrics({ db: database.db, projections: projectionRegistry, now });
  observeGroupCommit = metrics.observeGroupCommit;
  const store = instrumentEventStore(database.store, { onAppend: metrics.observeAppend });
  const workerConnection = await NativeConnection.connect({ address: config.temporalAddress });
  onClose({ name: 'Temporal worker connection', close: () => workerConnection.close() });
  const client = new Client({
    connection,
    namespace: config.temporalNamespace,
    ...(tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {}),
  });
  // Government single sign-on (PINGGAI_OIDC_*): all or none, checked before anything starts.
  const oidcConfig = parseOidcEnv(process.env);
  const application = await startApplication({
    ...(oidcConfig ? { oidc: createOidcSignIn(oidcConfig) } : {}),
    store,
    db: database.db,
    vault,
    sms,
    blobs,
    intakeConfig,
    temporal: {
      connection: workerConnection,
      client,
      namespace: config.temporalNamespace,
      ...(tracing ? { tracing } : {}),
      onWorkerFailed: () => void stop('预警工作进程意外停止 the warning worker failed', 1),
    },
    staffDirectory,
    clock: { now },
    log,
    consoleDist: fileURLToPath(new URL('../../console/dist', import.meta.url)),
  });
  onClose({ name: 'reactors, projectors and the warning worker', close: () => application.stop() });

  const webhookEndpoints = parseWebhookEndpoints(process.env.PINGGAI_WEBHOOKS);
  const webhooks = startWebhooks({ store, db: database.db, endpoints: webhookEndpoints, now, log: (line) => log(line) });
  onClose({ name: 'webhooks', close: () => webhooks.stop() });
  if (webhookEndpoints.length > 0) log(`webhooks to ${webhookEndpoints.map((e) => e.id).join(', ')}`);

  if (config.demo) await loadDemo(config.dataDir, application);

  const app = new Hono();
  app.onError(
    problemJson({
      onBug: (error, where) => console.error(`[embedded] bug at ${where.method} ${where.path}:`, error),
    }),
  );
  app.notFound(problemNotFound());
  if (tracing) app.use(httpInstrumentationMiddleware({ serviceName: 'pinggai-embedded' }));
  app.use(metrics.http);
  app.get('/metrics', metrics.handler);
  app.route(
    '/',
    healthRoutes({
      service: 'PingGai embedded',
      startedAt,
      now,
      components: [
        eventStoreHealth(database.store, `PGlite ${database.folder}`),
        temporalHealth(connection, config.temporalAddress, config.temporalNamespace),
      ],
    }),
  );

  app.route('/', application.app);

  const server = await listen(app, config);
  onClose({
    name: 'HTTP server',
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  });
  const base = `http://${config.host}:${config.httpPort}`;
  log(`ready: 控制台 console ${base}/console/ · health ${base}/healthz · metrics ${base}/metrics · case API ${base}/api/v1/case-events`);
};

/** `--demo`: demo accounts for every role (their password is written to a key file, never logged). */
const loadDemo = async (dataDir: string, application: Awaited<ReturnType<typeof startApplication>>): Promise<void> => {
  const passwordFile = path.join(dataDir, 'keys', 'demo-password.txt');
  let password = process.env.PINGGAI_DEMO_PASSWORD;
  if (!password) {
    try {
      password = (await fs.readFile(passwordFile, 'utf8')).trim();
    } catch {
      password = randomBytes(12).toString('base64url');
      await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    }
  }
  const created = await seedDemoAccounts(application.access, { password });
  log(`--demo: accounts ${created.length > 0 ? `created: ${created.join(', ')}` : 'already present'}; password in ${passwordFile}`);
  // Administrators, auditors, appraisal and call-back officers sign in with a TOTP code: their demo secrets (and
  // otpauth URIs for an authenticator app) are kept beside the password, never logged.
  const totpFile = path.join(dataDir, 'keys', 'demo-totp.json');
  const known = await fs.readFile(totpFile, 'utf8').then((text) => JSON.parse(text) as Record<string, DemoTotpSecret>, () => ({}));
  const totp = await seedDemoTotp(application.access, { known });
  if (totp.enrolled.length > 0) await fs.writeFile(totpFile, `${JSON.stringify(totp.secrets, null, 2)}\n`, { mode: 0o600 });
  log(`--demo: TOTP secrets of ${Object.keys(totp.secrets).join(', ') || 'no account'} in ${totpFile}${totp.unknown.length > 0 ? ` (lost for ${totp.unknown.join(', ')}: reset their TOTP as admin)` : ''}`);
};

try {
  await startEmbedded();
} catch (error) {
  if (error instanceof ConfigError || error instanceof DomainError)
    console.error(`[embedded] ${error.message}${error instanceof DomainError && typeof error.details['en'] === 'string' ? ` (${error.details['en']})` : ''}`);
  else console.error('[embedded] could not start:', error);
  await stop('start-up failed', error instanceof ConfigError ? 2 : 1);
}
