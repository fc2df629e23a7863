import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { LifecycleConfig } from './config.ts';
import type { WarningEventSignal } from './signals.ts';
import { warningEventSignal } from './signals.ts';
import type { WarningLifecycleInput, warningLifecycle } from './warning-lifecycle.workflow.ts';

export type SignalOutcome = 'signalled' | 'workflow_closed';

/**
 * Delivers one warning event to its workflow, starting the workflow when it is not running yet
 * (signalWithStart; workflow id = warning id). A warning's workflow runs once: when it has already
 * finished, the event is history and nothing is started again.
 */
export const signalWarningEvent = async (
  client: Client,
  options: {
    readonly taskQueue: string;
    readonly config?: LifecycleConfig;
    /**
     * The operator's repair (`npm run ops -- --lifecycles --repair`) only: when the warning's last run
     * has closed (terminated, failed, timed out, or completed while the warning is still open), start
     * a new run under the same id. The new run reads the stream up to this event (the gap path).
     */
    readonly startAgain?: boolean;
  },
  warningId: string,
  event: WarningEventSignal,
): Promise<SignalOutcome> => {
  try {
    await client.workflow.signalWithStart<typeof warningLifecycle, [WarningEventSignal]>('warningLifecycle', {
      workflowId: warningId,
      taskQueue: options.taskQueue,
      args: [{ warningId, ...(options.config ? { config: options.config } : {}) }],
      signal: warningEventSignal,
      signalArgs: [event],
      workflowIdReusePolicy: options.startAgain ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
    });
    return 'signalled';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'workflow_closed';
    throw error;
  }
};

export interface WarningWorkflowStatus {
  /** The latest run's status; `NOT_FOUND` when Temporal has no run (never started, or past retention). */
  readonly status: WorkflowExecutionStatusName | 'NOT_FOUND';
  readonly runId: string | null;
  readonly closedAt: Date | null;
}

/** How the latest run of a warning's workflow stands (workflow id = warning id). */
export const describeWarningWorkflow = async (client: Client, warningId: string): Promise<WarningWorkflowStatus> => {
  try {
    const described = await client.workflow.getHandle(warningId).describe();
    return { status: described.status.name, runId: described.runId, closedAt: described.closeTime ?? null };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { status: 'NOT_FOUND', runId: null, closedAt: null };
    throw error;
  }
};

/**
 * The clocks the latest run was started with (its input), so that a run started again keeps the rules
 * the warning started with. Undefined when there is no run or its input cannot be read.
 */
export const lifecycleConfigOf = async (client: Client, warningId: string): Promise<LifecycleConfig | undefined> => {
  try {
    const history = await client.workflow.getHandle(warningId).fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) return undefined;
    return client.options.loadedDataConverter.payloadConverter.fromPayload<WarningLifecycleInput>(payload).config;
  } catch {
    return undefined; // not found, or an encoded payload: the deployment's clocks apply
  }
};

