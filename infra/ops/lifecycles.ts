/**
 * 预警流程巡检 (`npm run ops -- --lifecycles [--repair]`): every open warning must have a running
 * workflow, or its clocks (reminders, escalations, call-back deadlines) stand still. A run that an
 * operator terminated, or that failed or timed out, is never started again by the forwarder: its
 * signalWithStart refuses a closed workflow id and drops the event ('workflow_closed').
 *
 * Open means open in the event store: app.warnings (phase ≠ closed), and the warnings raised in the log
 * after the read model's checkpoint (a projector behind, or stuck, must not hide them), only say which
 * streams to read.
 * The repair goes the forwarder's way (signalWarningEvent) with the stream's last event, allowing a new
 * run under the closed id; the new run sees the gap before that event and reads the whole stream
 * (readWarningEvents), so it resumes from the warning's current state and runs the deadlines still
 * ahead at once when they fell due while nothing ran.
 */
import type { Client } from '@temporalio/client';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { fold } from '../../core/decider/decider.ts';
import type { EventStore, LogPosition, RecordedEvent } from '../../core/eventstore/types.ts';
import { streamCategory } from '../../core/eventstore/types.ts';
import { inLanes } from '../../core/shared/lanes.ts';
import { warningDecider } from '../../core/warning/decider.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import type { WarningPhase } from '../../core/warning/state.ts';
import { warningIdOf, warningStreamId } from '../../core/warning/stream.ts';
import { servingCheckpoint, warningsProjection } from '../../projections/index.ts';
import type { WarningWorkflowStatus } from '../../workflows/client.ts';
import { describeWarningWorkflow, lifecycleConfigOf, signalWarningEvent } from '../../workflows/client.ts';
import type { LifecycleConfig } from '../../workflows/config.ts';
import { warningForwarderId } from '../../workflows/forwarder.ts';

/** An open warning whose workflow is not running. */
export interface StoppedLifecycle {
  readonly warningId: string;
  readonly workflow: WarningWorkflowStatus['status'];
  readonly closedAt: Date | null;
  readonly phase: WarningPhase;
  readonly streamVersion: number;
}

export interface LifecyclesReport {
  readonly at: Date;
  /** Open warnings checked (app.warnings and the log beyond it, confirmed by their streams). */
  readonly open: number;
  /** Of the warnings checked, those raised after the read model's checkpoint (read from the log). */
  readonly beyondReadModel: number;
  readonly stopped: readonly StoppedLifecycle[];
  /** Raised after the forwarder's checkpoint: the forwarder starts their workflows itself. */
  readonly awaitingForwarder: readonly string[];
  readonly restarted: readonly { readonly warningId: string; readonly runId: string | null }[];
  readonly notRestarted: readonly { readonly warningId: string; readonly reason: string }[];
  /** Closed in the store between the check and the repair: nothing to start. */
  readonly closedMeanwhile: readonly string[];
}

export interface LifecyclesDeps {
  readonly db: Kysely<unknown>;
  readonly store: EventStore;
  readonly client: Client;
  /** Where new runs go: the task queue the forwarder uses (PINGGAI_TASK_QUEUE or the default). */
  readonly taskQueue: string;
  readonly repair: boolean;
  readonly now: Date;
  /** The clocks when the last run's input cannot be read (the forwarder's; default: the workflow's own). */
  readonly config?: LifecycleConfig;
  readonly forwarderId?: string;
  /** Warnings looked up at a time (default 8). */
  readonly lanes?: number;
  readonly log?: (line: string) => void;
}

const openState = (events: readonly RecordedEvent[]) => {
  const state = fold(warningDecider, events as unknown as readonly WarningEvent[]);
  return state.phase === 'none' || state.phase === 'closed' ? null : state;
};

const restart = async (deps: LifecyclesDeps, warningId: string): Promise<{ runId: string | null } | { reason: string } | 'closed'> => {
  const events = await deps.store.readStream(warningStreamId(warningId)); // again: it may have moved on meanwhile
  const last = events.at(-1);
  if (!last || !openState(events)) return 'closed';
  const config = (await lifecycleConfigOf(deps.client, warningId)) ?? deps.config;
  await signalWarningEvent(
    deps.client,
    { taskQueue: deps.taskQueue, ...(config ? { config } : {}), startAgain: true },
    warningId,
    { eventId: last.id, type: last.type, data: last.data, streamVersion: last.streamVersion },
  );
  const now = await describeWarningWorkflow(deps.client, warningId);
  return now.status === 'RUNNING' ? { runId: now.runId } : { reason: `仍未运行 still ${now.status}` };
};

const PAGE = 1_000;
const warningCategory = streamCategory(warningStreamId('x'));

/** The warnings raised after the serving warnings read model's checkpoint, in log order. */
const raisedBeyondReadModel = async (deps: LifecyclesDeps, checkpoint: LogPosition | null): Promise<string[]> => {
  const ids: string[] = [];
  let after = checkpoint;
  for (;;) {
    const page = await deps.store.readAll({ after, limit: PAGE, categories: [warningCategory] });
    for (const event of page) {
      const warningId = event.type === 'WarningRaised' ? warningIdOf(event.streamId) : null;
      if (warningId) ids.push(warningId);
    }
    if (page.length < PAGE) return ids;
    after = page.at(-1)!.logPosition;
  }
};

/** Finds open warnings without a running workflow and, with `repair`, starts each again. */
export const checkLifecycles = async (deps: LifecyclesDeps): Promise<LifecyclesReport> => {
  const log = deps.log ?? (() => {});
  // The checkpoint first: a warning the projector applies meanwhile is then read twice, not missed.
  const checkpoint = await servingCheckpoint(deps.db, warningsProjection.name);
  const { rows: projected } = await sql<{ warning_id: string }>`
    select warning_id from app.warnings where phase <> 'closed' order by raised_at, warning_id`.execute(deps.db);
  const inReadModel = new Set(projected.map((row) => row.warning_id));
  const beyond = (await raisedBeyondReadModel(deps, checkpoint)).filter((id) => !inReadModel.has(id));
  const rows = [...projected, ...beyond.map((warning_id) => ({ warning_id }))];
  const forwarded: LogPosition | null = await deps.store.checkpoints.load(deps.forwarderId ?? warningForwarderId);
  const unprojected = beyond.length > 0 ? ` and ${beyond.length} raised after the read model's checkpoint (open or not: their streams tell)` : '';
  log(`检查 ${rows.length} 个预警的流程 checking the workflows of ${projected.length} open warnings${unprojected} (task queue ${deps.taskQueue})`);

  // Each warning is one stream read and one describe call: a few at a time, the report in raised order.
  type Found = { readonly kind: 'running' | 'closed' } | { readonly kind: 'awaiting'; readonly warningId: string } | { readonly kind: 'stopped'; readonly gap: StoppedLifecycle };
  const found: Found[] = [];
  await inLanes(rows, deps.lanes ?? 8, async ({ warning_id: warningId }, index) => {
    const events = await deps.store.readStream(warningStreamId(warningId));
    const state = openState(events);
    if (!state) {
      found[index] = { kind: 'closed' }; // closed in the store; the read model has not caught up
      return;
    }
    const workflow = await describeWarningWorkflow(deps.client, warningId);
    const raisedAt = events[0]?.logPosition;
    found[index] =
      workflow.status === 'RUNNING'
        ? { kind: 'running' }
        : workflow.status === 'NOT_FOUND' && (forwarded === null || (raisedAt !== undefined && raisedAt > forwarded))
          ? { kind: 'awaiting', warningId }
          : { kind: 'stopped', gap: { warningId, workflow: workflow.status, closedAt: workflow.closedAt, phase: state.phase, streamVersion: events.at(-1)?.streamVersion ?? 0 } };
  });
  const open = found.filter((item) => item.kind !== 'closed').length;
  const beyondReadModel = found.filter((item, index) => item.kind !== 'closed' && index >= projected.length).length;
  const stopped = found.flatMap((item) => (item.kind === 'stopped' ? [item.gap] : []));
  const awaitingForwarder = found.flatMap((item) => (item.kind === 'awaiting' ? [item.warningId] : []));

  const restarted: { warningId: string; runId: string | null }[] = [];
  const notRestarted: { warningId: string; reason: string }[] = [];
  const closedMeanwhile: string[] = [];
  if (deps.repair) {
    for (const gap of stopped) {
      const outcome =
        gap.workflow === 'PAUSED'
          ? { reason: '已暂停,请在 Temporal 中恢复 paused: unpause it in Temporal' }
          : await restart(deps, gap.warningId).catch((error: unknown) => ({ reason: String(error) }));
      if (outcome === 'closed') {
        closedMeanwhile.push(gap.warningId);
        log(`已关闭,无需重启 closed meanwhile, nothing to start: ${gap.warningId}`);
      } else if ('reason' in outcome) {
        notRestarted.push({ warningId: gap.warningId, reason: outcome.reason });
        log(`未能重启 not restarted ${gap.warningId}: ${outcome.reason}`);
      } else {
        restarted.push({ warningId: gap.warningId, runId: outcome.runId });
        log(`已重启 restarted ${gap.warningId} (run ${outcome.runId}), 从事件流恢复 resuming from its stream (${gap.phase})`);
      }
    }
  }
  return { at: deps.now, open, beyondReadModel, stopped, awaitingForwarder, restarted, notRestarted, closedMeanwhile };
};

/** 0: every open warning has a running workflow (or all stopped ones were started again); 1: some still have none. */
export const lifecyclesExitCode = (report: LifecyclesReport): 0 | 1 =>
  report.notRestarted.length === 0 && report.restarted.length + report.closedMeanwhile.length === report.stopped.length ? 0 : 1;

const statusText: Partial<Record<StoppedLifecycle['workflow'], string>> = {
  NOT_FOUND: '不存在 not found',
  TERMINATED: '已终止 terminated',
  FAILED: '已失败 failed',
  TIMED_OUT: '已超时 timed out',
  COMPLETED: '已结束 completed',
  CANCELLED: '已取消 cancelled',
  PAUSED: '已暂停 paused',
};
const local = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The report as lines for a terminal, Chinese first with English beside it. */
export const formatLifecycles = (report: LifecyclesReport): string[] => {
  const beyond = report.beyondReadModel > 0 ? ` (其中 ${report.beyondReadModel} 个尚未进入读模型,从事件日志读取 ${report.beyondReadModel} not yet in the read model, read from the log)` : '';
  const lines = [`${report.open} 个未关闭预警 open warnings${beyond}; 流程未运行 without a running workflow: ${report.stopped.length}`];
  for (const gap of report.stopped) {
    const closed = gap.closedAt ? ` since ${local(gap.closedAt)}` : '';
    lines.push(`  ${gap.warningId}  ${gap.phase}  流程 workflow ${statusText[gap.workflow] ?? gap.workflow}${closed}`);
  }
  if (report.awaitingForwarder.length > 0)
    lines.push(`转发器尚未送达 ${report.awaitingForwarder.length} 个新预警 ${report.awaitingForwarder.length} new warnings not yet reached by the forwarder (it starts them): ${report.awaitingForwarder.join(', ')}`);
  if (report.stopped.length === 0) lines.push('全部正常 every open warning has a running workflow');
  else if (report.restarted.length + report.notRestarted.length + report.closedMeanwhile.length === 0)
    lines.push('重新启动 start them again: npm run ops -- --lifecycles --repair');
  else
    lines.push(
      `已重启 restarted ${report.restarted.length}, 未能重启 not restarted ${report.notRestarted.length}${report.closedMeanwhile.length > 0 ? `, 期间已关闭 closed meanwhile ${report.closedMeanwhile.length}` : ''}`,
    );
  return lines;
};
