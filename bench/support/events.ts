import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../core/eventstore/types.ts';

/**
 * One rating as the store would hold it (~0.5 kB of jsonb): the same payload goes into the raw
 * baselines and through the event store, so only the path differs.
 */
export const ratingEvent = (writer: number, index: number): NewEvent => ({
  id: randomUUID(),
  type: 'EvaluationSubmitted',
  schemaVersion: 2,
  data: {
    invitationId: `inv-${writer}-${index}`,
    caseId: `case-${writer}-${index}`,
    hall: '市民之家',
    window: `W${(index % 24) + 1}`,
    overall: (index % 5) + 1,
    indicators: { 服务素养: [5, 4, 5, 5], 流程便捷性: [4, 4, 3, 5], 结果满意度: [5, 5, 4, 4] },
    reasons: index % 5 < 2 ? ['waiting_time', 'unclear_guidance'] : [],
    comment: '窗口工作人员态度很好，但等候时间偏长。',
    channel: 'sms',
  },
  metadata: {
    occurredAt: new Date(Date.UTC(2026, 2, 2, 8, 0, 0, index)).toISOString(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { id: 'citizen-link', role: 'citizen' },
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
});

/** The columns a writer supplies; the rest (position, transaction id, recorded at) are defaults. */
export const EVENT_COLUMNS = ['stream_id', 'stream_category', 'stream_version', 'event_id', 'event_type', 'schema_version', 'data', 'metadata'] as const;

export const eventRow = (streamId: string, version: number, event: NewEvent): unknown[] => [
  streamId,
  streamId.slice(0, streamId.indexOf('-')),
  version,
  event.id,
  event.type,
  event.schemaVersion,
  JSON.stringify(event.data),
  JSON.stringify(event.metadata),
];

/** COPY text format: tab-separated, with backslash, tab and line breaks escaped. */
export const copyLine = (row: readonly unknown[]): string =>
  `${row.map((value) => String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')).join('\t')}\n`;
