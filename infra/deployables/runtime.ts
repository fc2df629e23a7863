/**
 * What every production deployable does the same way: parse its environment, open what it needs,
 * serve liveness, readiness and /metrics (plus its own routes) over HTTP, and on SIGTERM / SIGINT
 * close everything in reverse order of opening. A start-up failure names its cause and exits non-zero.
 */
import { serve } from '@hono/node-server';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { instrumentEventStore } from '../../core/eventstore/instrumented.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { problemJson, problemNotFound } from '../../core/http/hono.ts';
import { loadPiiKeyring } from '../../core/pii/key-file.node.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { projectionRegistry } from '../../projections/index.ts';
import type { HealthComponent } from '../embedded/health.ts';
import { healthRoutes } from '../embedded/health.ts';
import { eventStoreHealth, temporalHealth } from '../embedded/components.ts';
import { ConfigError } from '../embedded/config.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import type { Tracing } from '../telemetry/tracing.ts';
import { tracingFromEnv } from '../telemetry/tracing.ts';
import type { DeployableEnv, DeployableRole } from './env.ts';
import { parseDeployableEnv } from './env.ts';
import type { Closer } from '../app/shutdown.ts';
import { installShutdown } from '../app/shutdown.ts';


/** Everything a deployable's start function gets: its parsed environment and the shared engines. */
export interface DeployableContext {
  readonly role: DeployableRole;
  readonly env: DeployableEnv;
  /** The event store on the Postgres server, timed for /metrics (and traced when tracing is on). */
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  readonly vault: PiiVault;
  readonly metrics: Metrics;
  readonly tracing: Tracing | null;
  readonly log: (line: string) => void;
  readonly now: () => Date;
  /** Registers something to close on the way out (closed last-opened first). */
  onClose(closer: Closer): void;
  /** A Temporal client connection, opened on first use and closed on the way out. */
  temporal(): Promise<Connection>;
  /** Closes everything and exits with `exitCode` (a part that cannot go on asks for 1). */
  stop(why: string, exitCode: number): Promise<void>;
}

/** What a start function hands back: its own HTTP routes and readiness checks (beside the event store's). */
export interface DeployableParts {
  readonly routes?: Hono;
  readonly health?: readonly HealthComponent[];
}

const now = (): Date => new Date();

export const runDeployable = async (role: DeployableRole, start: (context: DeployableContext) => Promise<DeployableParts>): Promise<void> => {
  const service = `pinggai-${role}`;
  const log = (line: string): void => console.log(`[${role}] ${line}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { onClose, stop } = installShutdown(role, log);

  try {
    const startedAt = now();
    const env = parseDeployableEnv(role, process.env);
    const tracing = tracingFromEnv(process.env, service);
    if (tracing) onClose({ name: 'tracing', close: () => tracing.shutdown() });

    const db = postgresKysely<unknown>(createPgPool({ connectionString: env.databaseUrl, max: 10, applicationName: service }));
    onClose({ name: 'read-model pool', close: () => db.destroy() });
    const metrics = createMetrics({ db, projections: projectionRegistry, now });
    const rawStore = createPgEventStore({ connectionString: env.databaseUrl, poolSize: 10, onGroupCommit: metrics.observeGroupCommit });
    onClose({ name: 'event store', close: () => rawStore.close() });
    const store = instrumentEventStore(rawStore, { onAppend: metrics.observeAppend });
    const vault = createPiiVault({ keyring: await loadPiiKeyring({ env: process.env }) });

    let temporalConnection: Promise<Connection> | undefined;
    const temporal = () =>
      (temporalConnection ??= Connection.connect({ address: env.temporal.address, connectTimeout: '10s' }).then((connection) => {
        onClose({ name: 'Temporal connection', close: () => connection.close() });
        return connection;
      }));

    const parts = await start({ role, env, store, db, vault, metrics, tracing, log, now, onClose, temporal, stop });

    const app = new Hono();
    app.onError(problemJson({ onBug: (error, where) => console.error(`[${role}] bug at ${where.method} ${where.path}:`, error) }));
    app.notFound(problemNotFound());
    if (tracing) app.use(httpInstrumentationMiddleware({ serviceName: service }));
    app.use(metrics.http);
    app.get('/metrics', metrics.handler);
    const host = new URL(env.databaseUrl).host;
    const components = [eventStoreHealth(rawStore, `Postgres ${host}`), ...(parts.health ?? [])];
    if (temporalConnection) components.push(temporalHealth(await temporalConnection, env.temporal.address, env.temporal.namespace));
    app.route('/', healthRoutes({ service: `PingGai ${role}`, startedAt, now, components }));
    if (parts.routes) app.route('/', parts.routes);

    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: env.port, hostname: env.host }, () => resolve(listening));
      listening.once('error', reject);
    });
    onClose({
      name: 'HTTP server',
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    });
    log(`ready on ${env.host}:${env.port} (/healthz, /readyz, /metrics)`);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DomainError)
      console.error(`[${role}] ${error.message}${error instanceof DomainError && typeof error.details['en'] === 'string' ? ` (${error.details['en']})` : ''}`);
    else console.error(`[${role}] could not start:`, error);
    await stop('start-up failed', error instanceof ConfigError ? 2 : 1);
  }
};
