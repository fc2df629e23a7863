/**
 * The operator's view (`npm run ops`): is every projector and reactor keeping up, what is stuck in
 * an outbox (SMS, provincial feed, webhooks) and why, and which years the working calendar knows from
 * official data. Read-only; each section is one or two queries.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { loadWorkingCalendar } from '../../core/calendar/load.ts';
import type { Coverage } from '../../core/calendar/working-calendar.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { inDoubtAt, SENDING_STALE_MINUTES } from '../../core/sms/send-log.ts';
import type { AnyProjection, ProjectorFailure, ProjectorLag, SubscriberLag } from '../../projections/index.ts';
import { projectorFailures, projectorLag, SUBSCRIBER_COUNT_CAP, subscriberLags } from '../../projections/index.ts';

export interface DeadLetter {
  readonly id: string;
  readonly what: string;
  readonly attempts: number;
  readonly reason: string;
  readonly at: Date;
}

export interface OpsReport {
  readonly at: Date;
  readonly projectors: readonly ProjectorLag[];
  /** Projector versions that cannot apply an event: their read models stop just before it. */
  readonly stuck: readonly ProjectorFailure[];
  /** Reactors and other checkpointed subscribers: how many events wait behind each checkpoint. */
  readonly subscribers: readonly SubscriberLag[];
  readonly sms: Readonly<Record<string, number>>;
  readonly feed: Readonly<Record<string, number>>;
  readonly webhooks: Readonly<Record<string, number>>;
  /** Failed SMS, rejected or failed feed records, failed webhook deliveries: newest first, at most `limit` each. */
  readonly deadLetters: { readonly sms: readonly DeadLetter[]; readonly feed: readonly DeadLetter[]; readonly webhooks: readonly DeadLetter[] };
  readonly calendar: readonly { readonly year: number; readonly coverage: Coverage }[];
}

const countsBy = async (db: Kysely<unknown>, table: 'sms_outbox' | 'feed_outbox' | 'webhook_deliveries'): Promise<Record<string, number>> => {
  const { rows } = await sql<{ status: string; n: number }>`select status, count(*)::int as n from ${sql.table(`app.${table}`)} group by status order by status`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
};

/** Why an SMS waits for a person. In doubt: it may have reached the phone, so only a person resends it. */
const smsReason = (row: { status: string; reason: string | null }): string => {
  const check = "check the provider's delivery report before sending again";
  if (row.status === 'sending') return `未确认:发送中途中断 in doubt: the send began and its sender stopped before the provider answered (over ${SENDING_STALE_MINUTES} min); ${check}`;
  if (row.status === 'in_doubt') return `未确认 in doubt: ${row.reason || 'the gateway did not answer'}; ${check}`;
  return row.reason ?? '';
};

export const opsReport = async (deps: {
  readonly db: Kysely<unknown>;
  readonly store: EventStore;
  readonly projections: readonly AnyProjection[];
  readonly now: Date;
  readonly limit?: number;
}): Promise<OpsReport> => {
  const { db, now } = deps;
  const limit = deps.limit ?? 20;
  const projectors = [];
  for (const projection of deps.projections) projectors.push(await projectorLag(db, projection, now));

  const subscribers = await subscriberLags(db);

  const { rows: sms } = await sql<{ id: string; purpose: string; status: string; attempts: number; reason: string | null; at: Date }>`
    select idempotency_key as id, purpose, status, attempts, coalesce(error_code || ': ', '') || coalesce(error_message, '') as reason, updated_at as at
      from app.sms_outbox where status = 'failed' or ${inDoubtAt(now)} order by updated_at desc limit ${limit}`.execute(db);
  const { rows: feed } = await sql<{ id: string; kind: string; status: string; attempts: number; reason: string | null; at: Date }>`
    select record_id as id, kind, status, attempts, reason, coalesce(sent_at, created_at) as at
      from app.feed_outbox where status in ('rejected', 'failed') order by coalesce(sent_at, created_at) desc limit ${limit}`.execute(db);
  const { rows: hooks } = await sql<{ id: string; endpoint: string; type: string; attempts: number; status: number | null; reason: string | null; at: Date }>`
    select delivery_id as id, endpoint_id as endpoint, event_type as type, attempts, last_status as status, last_error as reason, created_at as at
      from app.webhook_deliveries where status = 'failed' order by created_at desc limit ${limit}`.execute(db);

  const calendar = await loadWorkingCalendar(deps.store);
  const thisYear = Number(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
  return {
    at: now,
    projectors,
    stuck: await projectorFailures(db),
    subscribers,
    sms: await countsBy(db, 'sms_outbox'),
    feed: await countsBy(db, 'feed_outbox'),
    webhooks: await countsBy(db, 'webhook_deliveries'),
    deadLetters: {
      sms: sms.map((row) => ({ id: row.id, what: row.purpose, attempts: row.attempts, reason: smsReason(row), at: new Date(row.at) })),
      feed: feed.map((row) => ({ id: row.id, what: `${row.kind} ${row.status}`, attempts: row.attempts, reason: row.reason ?? '', at: new Date(row.at) })),
      webhooks: hooks.map((row) => ({ id: row.id, what: `${row.type} → ${row.endpoint}`, attempts: row.attempts, reason: row.reason ?? (row.status ? `HTTP ${row.status}` : ''), at: new Date(row.at) })),
    },
    calendar: [thisYear - 1, thisYear, thisYear + 1].map((year) => ({ year, coverage: calendar.coverage(year) })),
  };
};

const coverageText: Record<Coverage, string> = {
  official: '官方数据 official data',
  loaded: '已导入本年安排 arrangement loaded by an administrator',
  fallback: '无官方数据,仅按周一至周五计算 NO official data: weekdays only — load the State Council arrangement',
};
const counts = (byStatus: Readonly<Record<string, number>>) =>
  Object.keys(byStatus).length === 0 ? '—' : Object.entries(byStatus).map(([status, n]) => `${status} ${n}`).join(' · ');
const local = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The report as lines for a terminal, Chinese first with English beside it. */
export const formatOpsReport = (report: OpsReport): string => {
  const lines = [`运维状态 operations status — ${local(report.at)} (Asia/Shanghai)`, '', '投影 projectors:'];
  for (const p of report.projectors) {
    lines.push(`  ${`${p.projection} v${p.version}`.padEnd(16)} ${p.behindEvents === 0 ? '已追平 caught up' : `落后 behind ${p.behindEvents} events, ${p.behindSeconds} s`} · applied ${p.applied}`);
    const stuck = report.stuck.find((f) => f.projection === p.projection && f.version === p.version);
    if (stuck)
      lines.push(
        `    卡在事件 stuck at ${stuck.eventType} ${stuck.eventId} (${stuck.streamId}, ${stuck.position}) since ${local(stuck.firstFailedAt)}, ×${stuck.attempts}: ${stuck.error}`,
        '    修复投影代码并部署后自动继续,不会跳过任何事件 it goes on by itself once fixed code is deployed; no event is skipped',
      );
  }
  lines.push('', '反应器 reactors and subscribers:');
  if (report.subscribers.length === 0) lines.push('  — (none has started yet)');
  for (const s of report.subscribers) {
    const behind = s.behindEvents === 0 ? '已追平 caught up' : `落后 behind ${s.behindEvents}${s.behindEvents >= SUBSCRIBER_COUNT_CAP ? '+' : ''} events`;
    lines.push(`  ${s.id.padEnd(28)} ${behind}${s.known ? '' : ' (非本系统订阅者 not a subscriber of this system)'}`);
  }
  lines.push('', `短信发件箱 SMS outbox:       ${counts(report.sms)}`, `省级上报 provincial feed:     ${counts(report.feed)}`, `Webhook 投递 deliveries:      ${counts(report.webhooks)}`);
  const sections: [string, readonly DeadLetter[], string?][] = [
    ['短信 SMS (failed / in doubt)', report.deadLetters.sms, '核对服务商回执后记录 after reading the delivery report: npm run ops -- --sms-checked KEY --delivered | --not-delivered --by ACCOUNT'],
    ['省级上报 feed (rejected / failed)', report.deadLetters.feed, '重新发送失败记录 failed ones again: npm run feed -- retry --month YYYY-MM (被拒记录需先修正数据 rejected ones need their data mended)'],
    ['Webhooks (failed)', report.deadLetters.webhooks, '重新投递 deliver again: npm run ops -- --retry-webhooks [--endpoint ID]'],
  ];
  lines.push('', '死信 dead letters:');
  if (sections.every(([, items]) => items.length === 0)) lines.push('  无 none');
  for (const [title, items, hint] of sections) {
    if (items.length === 0) continue;
    lines.push(`  ${title}:`);
    for (const item of items) lines.push(`    ${local(item.at)}  ${item.id}  ${item.what}  ×${item.attempts}  ${item.reason}`);
    if (hint) lines.push(`    → ${hint}`);
  }
  lines.push('', '工作日历 working calendar:');
  for (const year of report.calendar) lines.push(`  ${year.year}  ${coverageText[year.coverage]}`);
  return `${lines.join('\n')}\n`;
};
