import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { loadWorkingCalendar } from '../../core/calendar/load.ts';
import type { EventStore, Subscription } from '../../core/eventstore/types.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import type { SmsGateway } from '../../core/sms/types.ts';
import type { StaffRecipient } from '../../workflows/activities.ts';
import { createWarningActivities } from '../../workflows/activities.ts';
import type { LifecycleConfig } from '../../workflows/config.ts';
import { startWarningForwarder } from '../../workflows/forwarder.ts';
import { createDirectoryRecipients } from '../../workflows/recipients.ts';
import type { WorkerTracing } from '../../workflows/worker.ts';
import { bundleWarningWorkflows, createWarningWorker, defaultWarningTaskQueue } from '../../workflows/worker.ts';
import { citizenPhoneResolver } from './citizen-phone.ts';

export interface WarningLifecycleDeps {
  readonly store: EventStore;
  readonly vault: PiiVault;
  readonly sms: SmsGateway;
  readonly connection: NativeConnection;
  readonly client: Client;
  readonly namespace: string;
  readonly taskQueue?: string;
  readonly config?: LifecycleConfig;
  /** Who receives alerts, by audience (`dispatchers`, `supervisor`, `department_head@SCJ` …). */
  readonly staff: Readonly<Record<string, readonly StaffRecipient[]>>;
  readonly clock: () => Date;
  readonly log: (line: string) => void;
  /** Trace workflows and activities (the client must carry the OpenTelemetry interceptor too). */
  readonly tracing?: WorkerTracing;
  /**
   * The worker ended without being asked to (a fatal poll error, the native runtime gone): no
   * warning's clock runs until it is back. The composition roots stop the process with exit code 1,
   * so that its supervisor (Kubernetes, the cluster launcher) starts a new one.
   */
  readonly onWorkerFailed?: (error: unknown) => void;
}

export interface RunningLifecycle {
  readonly forwarder: Subscription;
  readonly worker: Worker;
  stop(): Promise<void>;
}

export interface RunningWarningWorker {
  readonly worker: Worker;
  stop(): Promise<void>;
}

/** The Temporal worker that runs one lifecycle workflow per warning (the worker deployable runs only this). */
export const runWarningWorker = async (
  deps: Omit<WarningLifecycleDeps, 'client' | 'config'>,
): Promise<RunningWarningWorker> => {
  const taskQueue = deps.taskQueue ?? defaultWarningTaskQueue;
  const activities = createWarningActivities({
    store: deps.store,
    sms: deps.sms,
    calendar: () => loadWorkingCalendar(deps.store),
    clock: deps.clock,
    recipients: createDirectoryRecipients({ staff: deps.staff, citizenPhone: citizenPhoneResolver(deps.store, deps.vault) }),
    log: deps.log,
  });
  deps.log(`bundling the warning workflow for task queue ${taskQueue}`);
  const worker = await createWarningWorker({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue,
    activities,
    workflowBundle: await bundleWarningWorkflows({ traced: deps.tracing !== undefined }),
    ...(deps.tracing ? { tracing: deps.tracing } : {}),
  });
  let stopping = false;
  const failed = (error: unknown) => {
    if (stopping) return;
    deps.log(`warning worker failed, no warning clock runs until it is restarted: ${String(error)}`);
    deps.onWorkerFailed?.(error);
  };
  const running = worker.run().then(
    () => failed(new Error(`the worker ended on its own (state ${worker.getState()})`)),
    (error: unknown) => (stopping ? deps.log(`warning worker stopped: ${String(error)}`) : failed(error)),
  );
  return {
    worker,
    async stop() {
      stopping = true;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
};

/** The checkpointed forwarder that starts each warning's workflow and signals it the warning's events (but its own). */
export const forwardWarnings = (
  deps: Pick<WarningLifecycleDeps, 'store' | 'client' | 'taskQueue' | 'config' | 'log'>,
): Subscription =>
  startWarningForwarder({
    store: deps.store,
    client: deps.client,
    taskQueue: deps.taskQueue ?? defaultWarningTaskQueue,
    ...(deps.config ? { config: deps.config } : {}),
    onError: (error) => deps.log(`warning forwarder: ${String(error)} (retrying)`),
  });

/** The Temporal side of warnings in one process: the worker and the forwarder. */
export const startWarningLifecycle = async (deps: WarningLifecycleDeps): Promise<RunningLifecycle> => {
  const running = await runWarningWorker(deps);
  const forwarder = forwardWarnings(deps);
  deps.log('warning lifecycle worker and forwarder running');
  return {
    forwarder,
    worker: running.worker,
    async stop() {
      await forwarder.stop();
      await running.stop();
    },
  };
};
