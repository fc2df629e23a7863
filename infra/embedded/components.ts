import type { Connection } from '@temporalio/client';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { HealthComponent } from './health.ts';

/** The event store answers a read (which also proves the migrations ran: the table exists). */
export const eventStoreHealth = (store: EventStore, where: string): HealthComponent => ({
  id: 'eventStore',
  name: { 'zh-CN': `事件存储(${store.name})`, en: `Event store (${store.name})` },
  check: async () => {
    await store.readAll({ limit: 1 });
    return { ok: true, detail: where };
  },
});

/** The Temporal frontend answers for our namespace. */
export const temporalHealth = (
  connection: Connection,
  address: string,
  namespace: string,
): HealthComponent => ({
  id: 'temporal',
  name: { 'zh-CN': '工作流引擎(Temporal)', en: 'Workflow engine (Temporal)' },
  check: async () => {
    await connection.withDeadline(Date.now() + 1_500, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
    return { ok: true, detail: `${address}, namespace ${namespace}` };
  },
});
