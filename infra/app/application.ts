/**
 * The whole of PingGai in one process, for the embedded deployable (and the demo): intake, the staff
 * API and console, the reactors (invitations, warning policy), the projectors, and the Temporal side
 * of warnings. Each piece is built by its own module's factory; this file only connects them.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultSessionPolicy, purgeExpiredSessions } from '../../core/access/index.ts';
import type { OidcSignIn } from '../../core/access/oidc.ts';
import type { StaffRole } from '../../core/access/roles.ts';
import type { AccessDeps } from '../../core/access/service.ts';
import { purgeExpiredSignInSteps } from '../../core/access/sign-in-steps.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import type { EventStore, Subscription } from '../../core/eventstore/types.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import { startWarningPolicy } from '../../core/warning-policy/reactor.ts';
import { createStaffApi } from '../../console/server/index.ts';
import { projectionQueries } from '../../console/server/inbox.ts';
import { createIntakeApp, intakeServices } from '../../intake-edge/app.ts';
import type { IntakeServices } from '../../intake-edge/app.ts';
import type { IntakeConfig } from '../../intake-edge/config.ts';
import { webCryptoIds } from '../../intake-edge/deps.ts';
import { startInvitationReactor } from '../../intake-edge/invitations/reactor.ts';
import { startSweeper } from '../../intake-edge/invitations/sweeper.ts';
import type { IntakeDatabase } from '../../intake-edge/tables.ts';
import { projectionRegistry, startProjections } from '../../projections/index.ts';
import type { Projections } from '../../projections/index.ts';
import type { StaffRecipient } from '../../workflows/activities.ts';
import type { WorkerTracing } from '../../workflows/worker.ts';
import type { RunningLifecycle } from './warning-lifecycle.ts';
import { startWarningLifecycle } from './warning-lifecycle.ts';
import { startFeedCollector } from '../feed/outbox.ts';

export interface ApplicationDeps {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  readonly vault: PiiVault;
  readonly sms: SmsGateway;
  readonly blobs: BlobStore;
  readonly intakeConfig: IntakeConfig;
  readonly temporal: {
    readonly connection: NativeConnection;
    readonly client: Client;
    readonly namespace: string;
    readonly taskQueue?: string;
    /** Trace workflows and activities; `client` must then carry the OpenTelemetry interceptor. */
    readonly tracing?: WorkerTracing;
    /** The warning worker ended without being asked to (see `WarningLifecycleDeps.onWorkerFailed`). */
    readonly onWorkerFailed?: (error: unknown) => void;
  } | null;
  readonly staffDirectory: Readonly<Record<string, readonly StaffRecipient[]>>;
  readonly clock: { now(): Date };
  readonly log: (line: string) => void;
  /** Where the built console lives (console/dist); served at /console when present. */
  readonly consoleDist?: string;
  /** Sign-in with the government's single sign-on (parseOidcEnv + createOidcSignIn); absent: password only. */
  readonly oidc?: OidcSignIn;
  /** Roles that need a TOTP code at sign-in; default administrator, auditor, appraisal officer, call-back officer. */
  readonly secondFactorRoles?: readonly StaffRole[];
}

export interface RunningApplication {
  /** Mount under the deployable's own app (after its health routes). */
  readonly app: Hono;
  readonly access: AccessDeps;
  readonly projections: Projections;
  readonly subscriptions: readonly Subscription[];
  /** Resolves once every reactor and projector has processed everything committed before the call. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** The intake services (rating pages, case API, invitations) over the shared dependencies. */
export const intakeServicesOf = (
  deps: Pick<ApplicationDeps, 'store' | 'db' | 'vault' | 'sms' | 'blobs' | 'intakeConfig' | 'clock' | 'log'>,
): IntakeServices =>
  intakeServices({
    store: deps.store,
    db: deps.db as Kysely<IntakeDatabase>,
    vault: deps.vault,
    sms: deps.sms,
    blobs: deps.blobs,
    clock: deps.clock,
    ids: webCryptoIds(),
    config: deps.intakeConfig,
    log: deps.log,
  });

/** Staff accounts, sessions and roles over the shared dependencies. */
export const accessOf = (
  deps: Pick<ApplicationDeps, 'store' | 'db' | 'vault' | 'clock' | 'secondFactorRoles'>,
): AccessDeps => ({
  store: deps.store,
  db: deps.db as AccessDeps['db'],
  vault: deps.vault,
  clock: deps.clock,
  newId: () => crypto.randomUUID(),
  ...(deps.secondFactorRoles ? { secondFactorRoles: deps.secondFactorRoles } : {}),
});

/** Expired sessions and half-finished sign-ins are purged every ten minutes. */
const startSessionSweep = (access: AccessDeps, log: (line: string) => void): (() => void) => {
  const sweep = setInterval(() => {
    purgeExpiredSessions(access.db, access.clock.now(), defaultSessionPolicy).catch((error: unknown) => log(`session purge: ${String(error)}`));
    purgeExpiredSignInSteps(access.db, access.clock.now()).catch((error: unknown) => log(`sign-in step purge: ${String(error)}`));
  }, 10 * 60_000);
  sweep.unref();
  return () => clearInterval(sweep);
};

/** The staff API, and the built console at /console when present. Stops its session sweep with `stop`. */
export const createStaffHttp = (
  deps: Pick<ApplicationDeps, 'store' | 'db' | 'blobs' | 'clock' | 'log' | 'oidc' | 'consoleDist'> & { readonly access: AccessDeps },
): { readonly app: Hono; stop(): void } => {
  const app = new Hono();
  // The staff API carries its own base path (staffApiBase).
  app.route('/', createStaffApi({ access: deps.access, store: deps.store, clock: deps.clock, blobs: deps.blobs, queries: projectionQueries(deps.db, deps.clock), log: deps.log, ...(deps.oidc ? { oidc: deps.oidc } : {}) }));
  if (deps.consoleDist && existsSync(path.join(deps.consoleDist, 'index.html'))) {
    const root = path.relative(process.cwd(), deps.consoleDist);
    app.get('/console', (c) => c.redirect('/console/'));
    app.use('/console/*', serveStatic({ root, rewriteRequestPath: (p) => p.replace(/^\/console/, '') }));
    app.get('/console/*', serveStatic({ root, path: 'index.html' }));
  }
  return { app, stop: startSessionSweep(deps.access, deps.log) };
};

export interface RunningReactors {
  readonly subscriptions: readonly Subscription[];
  stop(): Promise<void>;
}

/**
 * The reactors that turn events into more events: a completed case into an SMS invitation (and
 * expired invitations swept), a negative rating or overdue case into a warning, ratings and closed
 * warnings into provincial feed records (省级好差评上报, sent by `npm run feed`).
 */
export const startReactors = (deps: Pick<ApplicationDeps, 'store' | 'db' | 'log' | 'clock'> & { readonly intake: IntakeServices }): RunningReactors => {
  const { store, db, log, clock, intake } = deps;
  const invitations = startInvitationReactor(intake);
  const sweeper = startSweeper(intake);
  const policy = startWarningPolicy({
    store,
    clock: () => clock.now(),
    reasons: async () => (await intake.questionnaires.current()).config.reasons,
  });
  const feed = startFeedCollector({ store, db, onError: (error) => log(`provincial feed collector: ${String(error)} (retrying)`) });
  return {
    subscriptions: [invitations, policy, feed],
    async stop() {
      sweeper.stop();
      await Promise.all([invitations.stop(), policy.stop(), feed.stop()]);
    },
  };
};

export const startApplication = async (deps: ApplicationDeps): Promise<RunningApplication> => {
  const { store, db, clock, log } = deps;
  const intake = intakeServicesOf(deps);
  const access = accessOf(deps);

  const projections = await startProjections({ store, db }, projectionRegistry, {
    log,
    onError: (error) => log(`projector: ${String(error)} (retrying)`),
  });
  const reactors = startReactors({ store, db, log, clock, intake });
  const lifecycle: RunningLifecycle | null = deps.temporal
    ? await startWarningLifecycle({
        store,
        vault: deps.vault,
        sms: deps.sms,
        connection: deps.temporal.connection,
        client: deps.temporal.client,
        namespace: deps.temporal.namespace,
        ...(deps.temporal.taskQueue ? { taskQueue: deps.temporal.taskQueue } : {}),
        ...(deps.temporal.tracing ? { tracing: deps.temporal.tracing } : {}),
        ...(deps.temporal.onWorkerFailed ? { onWorkerFailed: deps.temporal.onWorkerFailed } : {}),
        staff: deps.staffDirectory,
        clock: () => clock.now(),
        log,
      })
    : null;
  const staff = createStaffHttp({ ...deps, access });

  const app = new Hono();
  app.route('/', staff.app);
  app.route('/', createIntakeApp(intake));

  const subscriptions = [...reactors.subscriptions, ...(lifecycle ? [lifecycle.forwarder] : [])];
  return {
    app,
    access,
    projections,
    subscriptions,
    async settled() {
      // Reactors feed each other (case → invitation → rating → warning), so settle twice.
      for (let round = 0; round < 2; round++) {
        await Promise.all([...subscriptions.map((s) => s.caughtUp()), projections.caughtUp()]);
      }
    },
    async stop() {
      staff.stop();
      await lifecycle?.stop();
      await Promise.all([reactors.stop(), projections.stop()]);
    },
  };
};
