/**
 * The projector deployable: one group per process (PINGGAI_PROJECTOR_GROUP) — a read model
 * (`ratings`, `warnings`), the `reactors` (invitations and their sweeper, the warning policy, the
 * provincial feed collector and, with PINGGAI_FEED_URL, its sender; the warning forwarder to
 * Temporal; webhooks), or `all`. A group runs in
 * the process holding its advisory lock; other replicas wait as hot standbys (./leader.ts).
 */
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { projectionRegistry, startProjections } from '../../../projections/index.ts';
import { startReactors } from '../../app/application.ts';
import { forwardWarnings } from '../../app/warning-lifecycle.ts';
import { createHttpFeedTransport, httpFeedConfigFromEnv } from '../../feed/http-transport.ts';
import { startFeedSender } from '../../feed/outbox.ts';
import { parseWebhookEndpoints, startWebhooks } from '../../webhooks/webhooks.ts';
import { ConfigError } from '../../embedded/config.ts';
import { holdLeadership } from '../leader.ts';
import { intakeOf } from '../shared.ts';
import { runDeployable } from '../runtime.ts';

await runDeployable('projector', async (context) => {
  const { env, store, db, log, now } = context;
  const group = env.projectorGroup;
  const reactors = group === 'reactors' || group === 'all';
  const webhookEndpoints = reactors ? parseWebhookEndpoints(process.env.PINGGAI_WEBHOOKS) : [];
  // 省级好差评上报: sent every minute when the province's endpoint is configured (all three or none).
  const feedConfig = (() => {
    try {
      return reactors ? httpFeedConfigFromEnv(process.env) : null;
    } catch (error) {
      throw new ConfigError([(error as Error).message]);
    }
  })();
  const leadership = holdLeadership({
    connectionString: env.databaseUrl,
    key: `pinggai:projector:${group}`,
    log,
    onLost: (error) => {
      console.error(`[projector] lost the ${group} lock (${String(error)}): exiting so that no two processes write one group`);
      process.kill(process.pid, 'SIGTERM');
    },
  });
  context.onClose({ name: `${group} lock`, close: () => leadership.release() });
  const temporalConnection = group === 'reactors' || group === 'all' ? await context.temporal() : null;

  // Start the group once the lock is ours; the HTTP server answers meanwhile (a standby is live).
  void leadership.acquired.then(async () => {
    const names = group === 'all' ? ['ratings', 'warnings'] : group === 'reactors' ? [] : [group];
    const registry = projectionRegistry.filter((projection) => names.includes(projection.name));
    if (registry.length > 0) {
      const projections = await startProjections({ store, db }, registry, { log, onError: (error) => log(`projector: ${String(error)} (retrying)`) });
      context.onClose({ name: `projections ${names.join(', ')}`, close: () => projections.stop() });
    }
    if (temporalConnection) {
      const reactors = startReactors({ store, db, log, clock: { now }, intake: intakeOf(context) });
      context.onClose({ name: 'reactors', close: () => reactors.stop() });
      const client = new Client({
        connection: temporalConnection,
        namespace: env.temporal.namespace,
        ...(context.tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {}),
      });
      const forwarder = forwardWarnings({ store, client, ...(env.temporal.taskQueue ? { taskQueue: env.temporal.taskQueue } : {}), log });
      context.onClose({ name: 'warning forwarder', close: () => forwarder.stop() });
      const webhooks = startWebhooks({ store, db, endpoints: webhookEndpoints, now, log });
      context.onClose({ name: 'webhooks', close: () => webhooks.stop() });
      if (feedConfig) {
        const sender = startFeedSender({ db, transport: createHttpFeedTransport(feedConfig), now, log });
        context.onClose({ name: 'provincial feed sender', close: () => sender.stop() });
      }
    }
    log(`group ${group} running`);
  }).catch((error: unknown) => {
    console.error(`[projector] group ${group} could not start:`, error);
    process.kill(process.pid, 'SIGTERM');
  });

  return {
    health: [
      {
        id: 'leadership',
        name: { 'zh-CN': `投影组 ${group}`, en: `Projector group ${group}` },
        check: async () => ({ ok: true, detail: leadership.isLeader() ? 'running (holds the lock)' : 'standby (another process holds the lock)' }),
      },
    ],
  };
});
