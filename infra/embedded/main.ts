/**
 * The embedded deployable's composition root (`npm start` runs it through infra/scripts/launch.mjs):
 * PGlite for events and read models, a Temporal dev server (started by the launcher), and one HTTP
 * server on localhost. Single-node by design: the data folder's lock keeps a second process out.
 */
import { serve } from '@hono/node-server';
import { Connection } from '@temporalio/client';
import { Hono } from 'hono';
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

const log = (line: string): void => console.log(`[embedded] ${line}`);
const now = (): Date => new Date();

/** Things to close on the way out, last opened first. */
const closers: { name: string; close: () => Promise<void> | void }[] = [];

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
  closers.push({ name: `lock ${lock.file}`, close: () => lock.release() });
  log(`holding ${lock.file}`);

  const database: EmbeddedDatabase = await openEmbeddedDatabase(config.dataDir, log);
  closers.push({ name: 'PGlite', close: () => database.close() });

  const connection = await connectTemporal(config);
  closers.push({ name: 'Temporal connection', close: () => connection.close() });

  const app = new Hono();
  app.onError(
    problemJson({
      onBug: (error, where) => console.error(`[embedded] bug at ${where.method} ${where.path}:`, error),
    }),
  );
  app.notFound(problemNotFound());
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

  const server = await listen(app, config);
  closers.push({
    name: 'HTTP server',
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  });
  log(`health page at http://${config.host}:${config.httpPort}/ (/healthz, /readyz)`);

  if (config.demo)
    log('--demo: demo data (演示数据) is not available yet; starting with what is in the data folder');
};

let stopping: Promise<void> | undefined;
const stop = (why: string, exitCode: number): Promise<void> =>
  (stopping ??= (async () => {
    log(`${why}: shutting down`);
    for (const closer of closers.reverse()) {
      try {
        await closer.close();
        log(`closed ${closer.name}`);
      } catch (error) {
        console.error(`[embedded] could not close ${closer.name}:`, error);
        exitCode = 1;
      }
    }
    process.exit(exitCode);
  })());

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal, 0));
// Started by the launcher with an IPC channel: if the launcher dies, so do we (and the lock is released).
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => void stop('the launcher went away', 0));
}

try {
  await startEmbedded();
} catch (error) {
  if (error instanceof ConfigError || error instanceof DomainError)
    console.error(`[embedded] ${error.message}`);
  else console.error('[embedded] could not start:', error);
  await stop('start-up failed', error instanceof ConfigError ? 2 : 1);
}
