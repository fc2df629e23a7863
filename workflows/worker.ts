import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { WarningActivities } from './activities.ts';

export const warningWorkflowsPath = fileURLToPath(new URL('./warning-lifecycle.workflow.ts', import.meta.url));

export const defaultWarningTaskQueue = 'warning-lifecycle';

/** Where workflow spans go when the worker is traced (infra/telemetry/tracing.ts builds it). */
export interface WorkerTracing {
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
}

const otelWorkflowInterceptors = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * Bundle once and share between workers (tests, replay): bundling takes seconds. A traced worker
 * needs a traced bundle: the OpenTelemetry workflow interceptors continue the trace of the signal or
 * start that reached the workflow and report workflow spans through the worker's sink.
 */
export const bundleWarningWorkflows = (options: { readonly traced?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> =>
  bundleWorkflowCode({
    workflowsPath: warningWorkflowsPath,
    logger: quietBundlerLogger,
    ...(options.traced ? { workflowInterceptorModules: [otelWorkflowInterceptors] } : {}),
  });

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
  /** With a traced bundle (`bundleWarningWorkflows({ traced: true })`). */
  readonly tracing?: WorkerTracing;
}): Promise<Worker> =>
  Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? defaultWarningTaskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: warningWorkflowsPath }),
    ...(options.tracing
      ? {
          interceptors: {
            activity: [
              (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
            ],
          },
          sinks: { exporter: makeWorkflowExporter(options.tracing.spanProcessor, options.tracing.resource) },
        }
      : {}),
  });
