import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { LifecycleConfig } from './config.ts';
import type { WarningEventSignal } from './signals.ts';
import { warningEventSignal } from './signals.ts';
import type { warningLifecycle } from './warning-lifecycle.workflow.ts';

export type SignalOutcome = 'signalled' | 'workflow_closed';

/**
 * Delivers one warning event to its workflow, starting the workflow when it is not running yet
 * (signalWithStart; workflow id = warning id). A warning's workflow runs once: when it has already
 * finished, the event is history and nothing is started again.
 */
export const signalWarningEvent = async (
  client: Client,
  options: { readonly taskQueue: string; readonly config?: LifecycleConfig },
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
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'signalled';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'workflow_closed';
    throw error;
  }
};
