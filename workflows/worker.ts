import { fileURLToPath } from 'node:url';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { WarningActivities } from './activities.ts';

export const warningWorkflowsPath = fileURLToPath(new URL('./warning-lifecycle.workflow.ts', import.meta.url));

export const defaultWarningTaskQueue = 'warning-lifecycle';

/** Bundle once and share between workers (tests, replay): bundling takes seconds. */
export const bundleWarningWorkflows = (): Promise<WorkflowBundleWithSourceMap> =>
  bundleWorkflowCode({ workflowsPath: warningWorkflowsPath, logger: quietBundlerLogger });

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/**
 * The worker of warning lifecycles. Activities come in already built (createWarningActivities), so
 * the composition root decides which store, SMS gateway and calendar they use.
 *
 * @example
 *   const worker = await createWarningWorker({ connection, taskQueue: 'warning-lifecycle', activities });
 *   await worker.run();
 */
export const createWarningWorker = (options: {
  readonly connection: NativeConnection;
  readonly taskQueue?: string;
  readonly namespace?: string;
  readonly activities: WarningActivities;
  readonly workflowBundle?: WorkflowBundleWithSourceMap;
}): Promise<Worker> =>
  Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? defaultWarningTaskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: warningWorkflowsPath }),
  });
