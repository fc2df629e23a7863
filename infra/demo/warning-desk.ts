/**
 * The people and timers around each warning in the demo month. Staff act through `handleCommand` on
 * the warning decider, as the console does (dispatcher, department handlers, call-back officer,
 * rated staff, working-group lead as appeal reviewer). The clocks are the lifecycle workflow's own
 * code run on the simulated clock: `planActions` says what is due, and the workflow's activity
 * `performLifecycleAction` carries it out (reply deadline from the working calendar, reminders,
 * escalations, citizen notices) with the same command ids and SMS keys the Temporal workflow uses,
 * so when the live workflows take over the open warnings nothing is done twice.
 */
import type { WorkingCalendar } from '../../core/calendar/working-calendar.ts';
import { civilDateOf } from '../../core/calendar/civil-date.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import { fold } from '../../core/decider/decider.ts';
import type { Actor, EventStore } from '../../core/eventstore/types.ts';
import { DomainError } from '../../core/shared/errors.ts';
import type { WarningCommand } from '../../core/warning/commands.ts';
import { warningDecider } from '../../core/warning/decider.ts';
import type { Evidence, WarningEvent } from '../../core/warning/events.ts';
import type { OpenWarning, WarningState } from '../../core/warning/state.ts';
import { warningStreamId } from '../../core/warning/stream.ts';
import type { WarningActivities } from '../../workflows/activities.ts';
import type { LifecycleConfig } from '../../workflows/config.ts';
import { planActions } from '../../workflows/plan.ts';
import { HOUR, MINUTE, minuteOfDay, officeMomentAfter } from './office-time.ts';
import { demoPhotoPng } from './photo.ts';
import type { Random } from './random.ts';
import * as texts from './texts.ts';
import { serviceDepartment } from './world.ts';

export type StaffStep =
  'dispatch' | 'collaborate' | 'status' | 'evidence' | 'reply' | 'phone' | 'on_site' | 'appeal' | 'review';

export type DeskAction =
  | { readonly kind: 'timer'; readonly warningId: string; readonly key: string }
  | { readonly kind: 'staff'; readonly warningId: string; readonly step: StaffStep; readonly round: number };

export interface DeskCounts {
  raised: number;
  closed: number;
  reopened: number;
  appeals: number;
  lateDispatches: number;
  lateReplies: number;
  refused: number;
}

const actors = {
  dispatcher: { id: 'dispatcher', role: 'dispatcher', department: serviceDepartment.code },
  callback: { id: 'callback', role: 'callback_officer', department: serviceDepartment.code },
  reviewer: { id: 'wglead', role: 'appeal_reviewer', department: serviceDepartment.code },
  handler: (department: string): Actor => ({
    id: `handler-${department.toLowerCase()}`,
    role: 'department_handler',
    department,
  }),
};

export const createWarningDesk = (deps: {
  readonly store: EventStore;
  readonly blobs: BlobStore;
  readonly calendar: WorkingCalendar;
  readonly activities: WarningActivities;
  readonly lifecycle: LifecycleConfig;
  readonly schedule: (at: number, action: DeskAction) => void;
  readonly now: () => number;
  readonly random: Random;
  /** How many appeals (申诉) to file in the month: the first is upheld, the rest rejected. */
  readonly appeals: number;
  readonly log: (line: string) => void;
}) => {
  const { calendar } = deps;
  const scheduledTimers = new Set<string>();
  const counts: DeskCounts = {
    raised: 0,
    closed: 0,
    reopened: 0,
    appeals: 0,
    lateDispatches: 0,
    lateReplies: 0,
    refused: 0,
  };
  let photos = 0;

  const load = async (warningId: string): Promise<{ state: WarningState; version: number }> => {
    const events = await deps.store.readStream(warningStreamId(warningId));
    return {
      state: fold(warningDecider, events as unknown as WarningEvent[]),
      version: events.at(-1)?.streamVersion ?? 0,
    };
  };

  const randomFor = (warningId: string, what: string) => deps.random.fork(`${warningId}:${what}`);
  const staffAt = (at: number, action: Omit<Extract<DeskAction, { kind: 'staff' }>, 'kind'>) =>
    deps.schedule(Math.max(at, deps.now()), { kind: 'staff', ...action });

  /** Schedules every lifecycle action the workflow would now wait for (once per key). */
  const syncTimers = async (warningId: string): Promise<void> => {
    const { state } = await load(warningId);
    if (state.phase === 'none' || state.phase === 'closed') return;
    for (const planned of planActions(state, deps.lifecycle)) {
      const id = `${warningId}:${planned.key}`;
      if (scheduledTimers.has(id)) continue;
      scheduledTimers.add(id);
      deps.schedule(Math.max(planned.at, deps.now()), { kind: 'timer', warningId, key: planned.key });
    }
  };

  const photo = async (): Promise<Evidence> => {
    photos++;
    const blob = await deps.blobs.put(demoPhotoPng(photos, [90 + ((photos * 37) % 120), 140, 120]), {
      declaredType: 'image/png',
    });
    return { blobKey: blob.key, sha256: blob.sha256, mediaType: blob.mediaType };
  };

  const command = async (
    warningId: string,
    step: string,
    build: (at: Date) => WarningCommand,
    actor: Actor,
  ): Promise<OpenWarning | null> => {
    const at = new Date(deps.now());
    try {
      const result = await handleCommand(deps.store, warningStreamId(warningId), warningDecider, build(at), {
        commandId: `demo:${warningId}:${step}`,
        actor,
        now: at,
        correlationId: warningId,
      });
      return result.state.phase === 'none' ? null : result.state;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // Someone (or a timer) got there first: as in the console, the decider's answer stands.
      counts.refused++;
      deps.log(`[demo] ${warningId} ${step}: ${error.code}`);
      return null;
    }
  };

  /** When the dispatcher gets to it: on duty 8:00–21:00 every day; mostly within the hour. */
  const dispatchTime = (warningId: string, raisedAt: number): number => {
    const random = randomFor(warningId, 'dispatch');
    const late = random.chance(0.12);
    const at = raisedAt + (late ? random.int(65, 140) : random.int(6, 50)) * MINUTE;
    const minute = minuteOfDay(at);
    if (minute >= 8 * 60 && minute < 21 * 60) return at;
    const nextMorning = minute >= 21 * 60 ? at + 24 * HOUR : at;
    const day = civilDateOf(new Date(nextMorning));
    return Date.parse(`${day}T08:00:00+08:00`) + random.int(5, 50) * MINUTE;
  };

  /** Reply: most within the 3 working days, some after the deadline (escalated first). */
  const replyTime = (warningId: string, round: number, from: number): number => {
    const random = randomFor(warningId, `reply:${round}`);
    const k = random.weighted(
      [
        { k: 0, w: 15 },
        { k: 1, w: 36 },
        { k: 2, w: 30 },
        { k: 3, w: 7 },
        { k: 4, w: 10 },
        { k: 5, w: 2 },
      ],
      (entry) => entry.w,
    ).k;
    return officeMomentAfter(calendar, random, from, k);
  };

  const onRaised = async (warningId: string): Promise<void> => {
    counts.raised++;
    const { state } = await load(warningId);
    if (state.phase !== 'awaiting_dispatch') return;
    const raisedAt = deps.now();
    const dispatchAt = dispatchTime(warningId, raisedAt);
    if (dispatchAt > Date.parse(state.dispatch.deadline.dueAt)) counts.lateDispatches++;
    staffAt(dispatchAt, { warningId, step: 'dispatch', round: 0 });
    await syncTimers(warningId);
  };

  const afterDispatch = (warning: OpenWarning) => {
    const id = warning.warningId;
    const random = randomFor(id, 'after-dispatch');
    const from = deps.now();
    if (warning.cooperatingDepartments.length > 0 ? random.chance(0.7) : random.chance(0.25)) {
      staffAt(officeMomentAfter(calendar, random, from, 0), { warningId: id, step: 'collaborate', round: 0 });
    }
    if (random.chance(0.4))
      staffAt(officeMomentAfter(calendar, random, from, random.int(0, 1)), {
        warningId: id,
        step: 'status',
        round: 0,
      });
    if (random.chance(0.55))
      staffAt(officeMomentAfter(calendar, random, from, random.int(0, 1)), {
        warningId: id,
        step: 'evidence',
        round: 0,
      });
    const replyAt = replyTime(id, 0, from);
    staffAt(replyAt, { warningId: id, step: 'reply', round: 0 });
    const eligibleForAppeal =
      warning.kind === 'negative_rating' &&
      warning.source.ratingEventId !== undefined &&
      warning.subject.staffId !== undefined;
    if (eligibleForAppeal && counts.appeals < deps.appeals && random.chance(0.7)) {
      counts.appeals++;
      staffAt(from + random.int(2, 6) * HOUR, { warningId: id, step: 'appeal', round: counts.appeals });
    }
  };

  const afterReply = (warning: OpenWarning) => {
    const random = randomFor(warning.warningId, `callbacks:${warning.round}`);
    const from = deps.now();
    staffAt(officeMomentAfter(calendar, random, from, random.chance(0.06) ? 3 : random.int(0, 1)), {
      warningId: warning.warningId,
      step: 'phone',
      round: warning.round,
    });
    staffAt(officeMomentAfter(calendar, random, from, random.int(1, 3)), {
      warningId: warning.warningId,
      step: 'on_site',
      round: warning.round,
    });
  };

  const staffStep = async (warningId: string, step: StaffStep, round: number): Promise<void> => {
    const { state } = await load(warningId);
    if (state.phase === 'none' || state.phase === 'closed') return;
    const random = randomFor(warningId, `${step}:${round}`);
    const lead = actors.handler(state.leadDepartment);
    switch (step) {
      case 'dispatch': {
        const done = await command(
          warningId,
          'dispatch',
          (at) => ({
            type: 'DispatchWarning',
            at,
            actor: actors.dispatcher,
            ...(random.chance(0.3) ? { note: '请牵头部门按时处置答复' } : {}),
          }),
          actors.dispatcher,
        );
        if (done) afterDispatch(done);
        break;
      }
      case 'collaborate': {
        const departments =
          state.cooperatingDepartments.length > 0
            ? state.cooperatingDepartments
            : [serviceDepartment.code].filter((d) => d !== state.leadDepartment);
        if (departments.length === 0 || state.phase !== 'awaiting_reply') break;
        const done = await command(
          warningId,
          `collaborate:${round}`,
          (at) => ({
            type: 'RequestCollaboration',
            at,
            actor: lead,
            departments,
            note: random.pick(texts.collaborationNotes),
          }),
          lead,
        );
        // The cooperating department answers with its own evidence (配合部门上传佐证材料).
        if (done)
          staffAt(officeMomentAfter(calendar, random, deps.now(), random.int(0, 1)), {
            warningId,
            step: 'evidence',
            round: 1,
          });
        break;
      }
      case 'status':
        if (state.phase !== 'awaiting_reply') break;
        await command(
          warningId,
          `status:${round}`,
          (at) => ({ type: 'UpdateWarningStatus', at, actor: lead, note: random.pick(texts.statusNotes) }),
          lead,
        );
        break;
      case 'evidence': {
        if (state.phase === 'awaiting_dispatch') break;
        // round 1 here means "by the cooperating department".
        const by =
          round === 1 && state.cooperatingDepartments.length > 0
            ? actors.handler(state.cooperatingDepartments[0]!)
            : lead;
        const evidence = await photo();
        await command(
          warningId,
          `evidence:${by.department}`,
          (at) => ({
            type: 'AddEvidence',
            at,
            actor: by,
            evidence,
            description: random.pick(texts.evidenceDescriptions),
          }),
          by,
        );
        break;
      }
      case 'reply': {
        if (state.phase !== 'awaiting_reply' || state.round !== round) break;
        const evidence = random.chance(0.5) ? [await photo()] : [];
        const text = random.pick(texts.replies[state.kind] ?? texts.replies['negative_rating']!);
        const done = await command(
          warningId,
          `reply:${round}`,
          (at) => ({ type: 'ReplyToWarning', at, actor: lead, text, evidence }),
          lead,
        );
        if (done) {
          const late =
            state.reply.escalationLevel > 0 ||
            (state.reply.deadline !== null && deps.now() > Date.parse(state.reply.deadline.dueAt));
          if (late) counts.lateReplies++;
          afterReply(done);
        }
        break;
      }
      case 'phone':
      case 'on_site': {
        if (state.phase !== 'awaiting_callback' || state.round !== round) break;
        const satisfied = round > 0 || random.chance(step === 'phone' ? 0.93 : 0.94);
        const pool = step === 'phone' ? texts.phoneCallbackNotes : texts.onSiteNotes;
        const notes = random.pick(satisfied ? pool.satisfied : pool.unsatisfied);
        const checkedAt = new Date(deps.now() - random.int(5, 40) * MINUTE);
        const evidencePhoto = step === 'on_site' ? await photo() : null;
        const build =
          step === 'phone'
            ? (when: Date): WarningCommand => ({
                type: 'RecordPhoneCallback',
                at: when,
                actor: actors.callback,
                calledAt: checkedAt,
                satisfied,
                notes,
              })
            : (when: Date): WarningCommand => ({
                type: 'RecordOnSiteCheck',
                at: when,
                actor: actors.callback,
                checkedAt,
                satisfied,
                notes,
                photo: evidencePhoto!,
              });
        const done = await command(warningId, `${step}:${round}`, build, actors.callback);
        if (!done) break;
        if (done.phase === 'closed') counts.closed++;
        else if (done.round > round) {
          // 重新整改: a new round, a new reply from the lead department.
          counts.reopened++;
          staffAt(replyTime(warningId, done.round, deps.now()), {
            warningId,
            step: 'reply',
            round: done.round,
          });
        }
        break;
      }
      case 'appeal': {
        const staffId = state.subject.staffId;
        if (!staffId || state.appeal.status !== 'none') break;
        const appellant: Actor = {
          id: staffId,
          role: 'rated_staff',
          ...(state.subject.department ? { department: state.subject.department } : {}),
        };
        const evidence = [await photo()];
        const reason = texts.appealReasons[(round - 1) % texts.appealReasons.length]!;
        const done = await command(
          warningId,
          'appeal',
          (at) => ({ type: 'FileAppeal', at, actor: appellant, reason, evidence }),
          appellant,
        );
        if (done)
          staffAt(officeMomentAfter(calendar, random, deps.now(), 1), { warningId, step: 'review', round });
        break;
      }
      case 'review': {
        if (state.appeal.status !== 'pending') break;
        const decision = round === 1 ? 'upheld' : 'rejected';
        const done = await command(
          warningId,
          'review',
          (at) => ({
            type: 'ReviewAppeal',
            at,
            actor: actors.reviewer,
            decision,
            reason: texts.appealDecisions[decision],
          }),
          actors.reviewer,
        );
        if (done?.phase === 'closed') counts.closed++;
        break;
      }
      default: {
        const _never: never = step;
        throw new Error(`unknown staff step ${String(_never)}`);
      }
    }
    await syncTimers(warningId);
  };

  /** A lifecycle timer fired: do what the workflow would do now, if it is still planned. */
  const timer = async (warningId: string, key: string): Promise<void> => {
    const { state, version } = await load(warningId);
    if (state.phase === 'none' || state.phase === 'closed') return;
    const planned = planActions(state, deps.lifecycle).find((candidate) => candidate.key === key);
    if (!planned) return;
    try {
      await deps.activities.performLifecycleAction({
        warningId,
        key,
        action: planned.action,
        at: new Date(deps.now()).toISOString(),
        config: deps.lifecycle,
        knownVersion: version,
      });
    } catch (error) {
      counts.refused++;
      deps.log(`[demo] ${warningId} timer ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await syncTimers(warningId);
  };

  return {
    counts,
    onRaised,
    async run(action: DeskAction): Promise<void> {
      if (action.kind === 'timer') await timer(action.warningId, action.key);
      else await staffStep(action.warningId, action.step, action.round);
    },
  };
};

export type WarningDesk = ReturnType<typeof createWarningDesk>;
