import type { Insertable, Selectable } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { InvitationEvent } from '../../core/invitation/events.ts';
import { shanghaiKeys } from '../time/shanghai.ts';
import type { NullableInstant } from './columns.ts';
import type { ChannelGroup } from './rating-facts.ts';
import { channelGroupOf } from './rating-facts.ts';

/**
 * 回收率漏斗 (app.invitation_funnel): one row per invitation. Every column is set once (the first
 * fact wins), so merging a fact twice changes nothing: the row is idempotent by construction.
 */
export interface InvitationFunnelTable {
  invitation_id: string;
  channel: string | null;
  channel_group: ChannelGroup | null;
  trigger: string | null;
  case_id: string | null;
  department_code: string | null;
  matter_code: string | null;
  hall_code: string | null;
  window_code: string | null;
  issued_at: NullableInstant;
  issued_day_key: string | null;
  issued_month_key: string | null;
  sent_at: NullableInstant;
  opened_at: NullableInstant;
  opened_via: string | null;
  reminded_at: NullableInstant;
  submitted_at: NullableInstant;
  submitted_via: string | null;
  expired_at: NullableInstant;
}

export type FunnelRow = Selectable<InvitationFunnelTable>;
export type NewFunnelRow = Insertable<InvitationFunnelTable>;

export const funnelColumns = [
  'channel',
  'channel_group',
  'trigger',
  'case_id',
  'department_code',
  'matter_code',
  'hall_code',
  'window_code',
  'issued_at',
  'issued_day_key',
  'issued_month_key',
  'sent_at',
  'opened_at',
  'opened_via',
  'reminded_at',
  'submitted_at',
  'submitted_via',
  'expired_at',
] as const satisfies readonly (keyof InvitationFunnelTable)[];

const unset = Object.fromEntries(funnelColumns.map((column) => [column, null])) as Record<(typeof funnelColumns)[number], null>;

const empty = (invitationId: string): Required<NewFunnelRow> => ({ invitation_id: invitationId, ...unset });

/** What one invitation fact contributes to its funnel row. */
export const funnelFactOf = (event: InvitationEvent): Partial<NewFunnelRow> => {
  switch (event.type) {
    case 'InvitationIssued': {
      const { subject, channel, trigger, issuedAt } = event.data;
      const keys = shanghaiKeys(issuedAt);
      return {
        channel,
        channel_group: channelGroupOf(channel),
        trigger,
        case_id: subject.caseId,
        department_code: subject.department.code,
        matter_code: subject.matter.code,
        hall_code: subject.hall.code,
        window_code: subject.window.code,
        issued_at: issuedAt,
        issued_day_key: keys.dayKey,
        issued_month_key: keys.monthKey,
      };
    }
    case 'InvitationSent':
      return { sent_at: event.data.sentAt };
    case 'InvitationOpened':
      return { opened_at: event.data.openedAt, opened_via: event.data.via };
    case 'InvitationReminded':
      return { reminded_at: event.data.remindedAt };
    case 'InvitationExpired':
      return { expired_at: event.data.expiredAt };
    case 'EvaluationSubmitted':
      return { submitted_at: event.data.submittedAt, submitted_via: event.data.channel };
    default: {
      const _never: never = event;
      return {};
    }
  }
};

/** Folds a batch's invitation events into one row per invitation (first value of a column wins). */
export const funnelRowsOf = (events: readonly RecordedEvent[]): NewFunnelRow[] => {
  // The fold owns its rows (each made by `empty`), so it sets their columns in place.
  const rows = new Map<string, Record<string, unknown>>();
  for (const event of events) {
    const invitationId = (event.data as { invitationId?: unknown }).invitationId;
    if (typeof invitationId !== 'string') continue;
    const fact = funnelFactOf(event as unknown as InvitationEvent) as Record<string, unknown>;
    let row = rows.get(invitationId);
    if (!row) rows.set(invitationId, (row = empty(invitationId)));
    for (const column in fact) {
      const value = fact[column];
      if (row[column] === null && value !== undefined) row[column] = value;
    }
  }
  return [...rows.values()] as NewFunnelRow[];
};
