/**
 * 对账: what the feed holds for a month against what the read models say happened, and the dry run
 * that writes a month's payloads to files for review without sending or changing anything.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeedRecord } from '../../core/feed/record.ts';
import { schemaProblems } from './outbox.ts';

/**
 * What the report counts apart: ratings, first rectification records, and corrections of those (an
 * appeal upheld after the warning closed), which the outbox keeps as kind `rectification`.
 */
export type Kind = FeedRecord['kind'] | 'correction';
const kinds: readonly Kind[] = ['rating', 'rectification', 'correction'];
const kindOfRow = sql<Kind>`case when payload ->> 'corrects' is not null then 'correction' else kind end`;

export interface KindCounts {
  /**
   * What happened, by the read models: ratings submitted / warnings from a rating closed in the month /
   * of those, the ones closed as rectified whose appeal was upheld afterwards (keyed to the closure's month).
   */
  readonly readModels: number;
  readonly records: number;
  readonly pending: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly failed: number;
  /** Dry run only: records that fit the field schema. */
  readonly valid?: number;
}

export interface FeedReconciliation {
  readonly month: string;
  readonly kinds: Readonly<Record<Kind, KindCounts>>;
  /** Rejected or invalid records with the reason (the first 200). */
  readonly problems: readonly { readonly recordId: string; readonly kind: Kind; readonly reason: string }[];
  /** Every rating, rectification and correction of the month has exactly one record. */
  readonly balanced: boolean;
  /** Every record of the month was accepted by the province (none pending, rejected or failed). */
  readonly delivered: boolean;
}

const readModelCounts = async (db: Kysely<unknown>, month: string): Promise<Record<Kind, number>> => {
  const { rows } = await sql<Record<Kind, number>>`
    with closed as (
      select appeal_status, outcome from app.warnings
       where rating_id is not null and closed_at is not null
         and to_char((closed_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM') = ${month})
    select (select count(*) from app.rating_facts where month_key = ${month})::int as rating,
           (select count(*) from closed)::int as rectification,
           (select count(*) from closed where appeal_status = 'upheld' and outcome is distinct from 'appeal_upheld')::int as correction`.execute(db);
  return rows[0]!;
};

/** A record's kind and its schema problem (null when it fits), as the dry run checked them. */
export type DryRunChecks = ReadonlyMap<string, { readonly kind: Kind; readonly problem: string | null }>;

export const reconcileFeed = async (db: Kysely<unknown>, month: string, dryRun?: DryRunChecks): Promise<FeedReconciliation> => {
  const counts = await readModelCounts(db, month);
  const { rows } = await sql<{ kind: Kind; status: string; count: number }>`
    select ${kindOfRow} as kind, status, count(*)::int as count from app.feed_outbox where month_key = ${month} group by 1, status`.execute(db);
  const { rows: rejected } = await sql<{ record_id: string; kind: Kind; reason: string }>`
    select record_id, ${kindOfRow} as kind, coalesce(reason, '') as reason from app.feed_outbox
    where month_key = ${month} and status in ('rejected', 'failed') order by record_id limit 200`.execute(db);
  const dryRunProblems = dryRun
    ? [...dryRun].flatMap(([recordId, { kind, problem }]) => (problem === null ? [] : [{ recordId, kind, reason: problem }]))
    : [];
  const of = (kind: Kind): KindCounts => {
    const status = (name: string) => rows.find((row) => row.kind === kind && row.status === name)?.count ?? 0;
    const records = rows.filter((row) => row.kind === kind).reduce((sum, row) => sum + row.count, 0);
    return {
      readModels: counts[kind],
      records,
      pending: status('pending'),
      accepted: status('accepted'),
      rejected: status('rejected'),
      failed: status('failed'),
      ...(dryRun ? { valid: [...dryRun.values()].filter((checked) => checked.problem === null && checked.kind === kind).length } : {}),
    };
  };
  const byKind = { rating: of('rating'), rectification: of('rectification'), correction: of('correction') };
  return {
    month,
    kinds: byKind,
    problems: [...rejected.map((row) => ({ recordId: row.record_id, kind: row.kind, reason: row.reason })), ...dryRunProblems].slice(0, 200),
    balanced: kinds.every((kind) => byKind[kind].records === byKind[kind].readModels),
    delivered: kinds.every((kind) => byKind[kind].accepted === byKind[kind].records),
  };
};

/**
 * Writes the month's records to `<dir>/feed-<month>-<kind>.jsonl` (rating, rectification, correction; one payload per line, only those
 * that fit the field schema) and the reconciliation next to them as JSON and as a table for people.
 * Sends nothing and changes no row.
 */
export const dryRunFeed = async (deps: { readonly db: Kysely<unknown>; readonly month: string; readonly dir: string }): Promise<{ readonly report: FeedReconciliation; readonly files: readonly string[] }> => {
  const { rows } = await sql<{ record_id: string; kind: Kind; payload: FeedRecord }>`
    select record_id, ${kindOfRow} as kind, payload from app.feed_outbox where month_key = ${deps.month} order by kind, record_id`.execute(deps.db);
  const checked: DryRunChecks = new Map(rows.map((row) => [row.record_id, { kind: row.kind, problem: schemaProblems(row.payload) }]));
  await mkdir(deps.dir, { recursive: true });
  const files: string[] = [];
  for (const kind of kinds) {
    const file = path.join(deps.dir, `feed-${deps.month}-${kind}.jsonl`);
    const lines = rows.filter((row) => row.kind === kind && checked.get(row.record_id)?.problem === null).map((row) => JSON.stringify(row.payload));
    await writeFile(file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    files.push(file);
  }
  const report = await reconcileFeed(deps.db, deps.month, checked);
  const json = path.join(deps.dir, `feed-${deps.month}-reconciliation.json`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  const text = path.join(deps.dir, `feed-${deps.month}-reconciliation.txt`);
  await writeFile(text, formatReconciliation(report));
  files.push(json, text);
  return { report, files };
};

/** The report as people read it (zh-CN with English column names). */
export const formatReconciliation = (report: FeedReconciliation): string => {
  const sum = (status: 'pending' | 'rejected' | 'failed') => kinds.reduce((n, kind) => n + report.kinds[kind][status], 0);
  const label: Record<Kind, string> = { rating: '评价数据 ratings', rectification: '整改数据 rectifications', correction: '整改数据更正 corrections' };
  const lines = [
    `好差评数据上报对账 feed reconciliation ${report.month}`,
    '类别 kind | 业务量 read models | 记录 records | 待发 pending | 已接收 accepted | 被拒 rejected | 失败 failed | 校验通过 valid',
    ...kinds.map((kind) => {
      const c = report.kinds[kind];
      return `${label[kind]} | ${c.readModels} | ${c.records} | ${c.pending} | ${c.accepted} | ${c.rejected} | ${c.failed} | ${c.valid ?? '-'}`;
    }),
    report.balanced ? '结论: 账实相符 (every rating, rectification and correction has one record)' : '结论: 账实不符 — records differ from the read models',
    ...(report.kinds.correction.records > 0
      ? [
          `更正: ${report.kinds.correction.records} 条整改数据因办结后申诉成立而更正，省平台以新版本替换原记录 (${report.kinds.correction.records} rectification record(s) corrected by an appeal upheld after closing; the province replaces the record with the new revision)`,
        ]
      : []),
    ...(report.delivered
      ? ['上报: 全部已被省平台接收 (every record accepted by the province)']
      : [
          `上报: 尚未全部被省平台接收 — 待发 ${sum('pending')}、被拒 ${sum('rejected')}、失败 ${sum('failed')} (not every record accepted; failed ones: npm run feed -- retry --month ${report.month})`,
        ]),
    ...report.problems.map((p) => `  ${p.recordId} (${p.kind}): ${p.reason}`),
  ];
  return `${lines.join('\n')}\n`;
};
