/**
 * The Temporal worker deployable: runs the warning lifecycle workflows (one per warning) and their
 * activities (alerts, SMS, deadlines on the working calendar). Scale it horizontally: Temporal hands
 * each task to one worker. The forwarder that starts and signals workflows runs in the projector's
 * `reactors` group, so that exactly one process follows the event log for it.
 */
import { NativeConnection } from '@temporalio/worker';
import { runWarningWorker } from '../../app/warning-lifecycle.ts';
import { defaultWarningTaskQueue } from '../../../workflows/worker.ts';
import { demoStaffDirectory } from '../../demo/world.ts';
import { lifecycleTemplateCodes } from '../../../workflows/sms-texts.ts';
import { smsOf } from '../shared.ts';
import { runDeployable } from '../runtime.ts';

await runDeployable('worker', async (context) => {
  const { env, log } = context;
  const connection = await NativeConnection.connect({ address: env.temporal.address });
  context.onClose({ name: 'Temporal worker connection', close: () => connection.close() });
  const recipients = env.alertRecipients;
  if (recipients === undefined) throw new Error('PINGGAI_ALERT_RECIPIENTS was not parsed'); // the worker's env schema requires it
  const staff = recipients === 'demo' ? demoStaffDirectory() : recipients;
  log(
    recipients === 'demo'
      ? 'alert recipients: the demo staff directory (made-up numbers; PINGGAI_ALERT_RECIPIENTS=demo, trials only)'
      : `alert recipients: ${Object.keys(staff).length} audiences, ${new Set(Object.values(staff).flatMap((people) => people.map((person) => person.id))).size} staff accounts (PINGGAI_ALERT_RECIPIENTS)`,
  );
  const worker = await runWarningWorker({
    store: context.store,
    vault: context.vault,
    sms: smsOf(context, lifecycleTemplateCodes),
    connection,
    namespace: env.temporal.namespace,
    ...(env.temporal.taskQueue ? { taskQueue: env.temporal.taskQueue } : {}),
    ...(context.tracing ? { tracing: context.tracing } : {}),
    staff,
    clock: context.now,
    log,
    onWorkerFailed: () => void context.stop('the warning worker failed', 1),
  });
  context.onClose({ name: 'warning worker', close: () => worker.stop() });
  log(`warning worker polling task queue ${env.temporal.taskQueue ?? defaultWarningTaskQueue}`);
  await context.temporal(); // readiness asks the Temporal frontend too
  return {};
});
