/**
 * The audit timeline (审计追溯): the full history of one warning, rating or configuration, replayed
 * from its event stream(s) alone. Every step says who (actor id and role), when, what (zh-CN and en),
 * the evidence files with their content hashes, and the deadlines in force with whether each was met.
 * Pure: the events and the instant the timeline is read at come in; nothing is looked up.
 */
import type { RecordedEvent } from '../eventstore/types.ts';

export interface Localized {
  readonly 'zh-CN': string;
  readonly en: string;
}

export const text = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });

export interface TimelineActor {
  readonly id: string;
  /** The role recorded with the event ('system' for timers and reactors); null when none was recorded. */
  readonly role: string | null;
  readonly department: string | null;
}

/** A file in the blob store; its key is the SHA-256 of its bytes. */
export interface TimelineEvidence {
  readonly blobKey: string;
  readonly sha256: string;
  readonly mediaType: string;
}

export interface TimelineDetail {
  readonly label: Localized;
  readonly value: string;
}

/**
 * `met`/`missed`: done on time or late; `overdue`: not done and past due when the timeline was read;
 * `open`: not done, not yet due; `void`: no longer required (the warning closed or was reopened first).
 */
export type DeadlineStatus = 'met' | 'missed' | 'overdue' | 'open' | 'void';

export interface TimelineDeadline {
  /** e.g. `dispatch`, `reply-0`, `phone-0`, `on_site-1` (round after the n-th reopening). */
  readonly id: string;
  readonly what: Localized;
  readonly dueAt: string;
  /** The step (stream version) that set it, and the one that fulfilled or voided it. */
  readonly setBy: number;
  readonly resolvedBy: number | null;
  readonly resolvedAt: string | null;
  readonly status: DeadlineStatus;
}

/** How a deadline stood at one step: set by it, fulfilled by it, or in force (past due or not) while it happened. */
export type StepDeadlineState = 'set' | 'met' | 'missed' | 'in_force' | 'overdue' | 'void';

export interface StepDeadline {
  readonly id: string;
  readonly what: Localized;
  readonly dueAt: string;
  readonly state: StepDeadlineState;
}

/** A configuration change: what the value was before and what it became (JSON paths that changed). */
export interface ConfigChange {
  readonly path: string;
  readonly from: string | null;
  readonly to: string | null;
}

export interface TimelineStep {
  /** 1-based position in the timeline. */
  readonly step: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventId: string;
  readonly type: string;
  readonly what: Localized;
  /** When it happened in the world, and when the store recorded it. */
  readonly at: string;
  readonly recordedAt: string;
  readonly actor: TimelineActor | null;
  readonly details: readonly TimelineDetail[];
  readonly evidence: readonly TimelineEvidence[];
  readonly deadlines: readonly StepDeadline[];
  readonly changes?: readonly ConfigChange[];
}

export type TimelineSubjectKind = 'warning' | 'rating' | 'config';

export interface TimelineLink {
  readonly kind: TimelineSubjectKind;
  readonly id: string;
  readonly label: Localized;
}

export interface Timeline {
  readonly subject: { readonly kind: TimelineSubjectKind; readonly id: string };
  /** Other histories this one refers to (a warning's rating, the configuration in force). */
  readonly related?: readonly TimelineLink[];
  readonly title: Localized;
  readonly streams: readonly string[];
  readonly asOf: string;
  readonly steps: readonly TimelineStep[];
  readonly deadlines: readonly TimelineDeadline[];
}

/** Who did it: the actor the command handler recorded; else the `by` the event itself names. */
export const actorOf = (event: RecordedEvent, by?: unknown): TimelineActor | null => {
  const actor = event.metadata.actor;
  if (actor) return { id: actor.id, role: actor.role ?? null, department: actor.department ?? null };
  return typeof by === 'string' && by !== '' ? { id: by, role: null, department: null } : null;
};

/** Evidence-like values (`blobKey` + `sha256` + `mediaType`) found anywhere in an event's data. */
export const evidenceIn = (value: unknown): TimelineEvidence[] => {
  if (Array.isArray(value)) return value.flatMap(evidenceIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record['sha256'] === 'string' && typeof record['mediaType'] === 'string') {
    const sha256 = record['sha256'];
    return [{ blobKey: typeof record['blobKey'] === 'string' ? record['blobKey'] : sha256, sha256, mediaType: record['mediaType'] }];
  }
  return Object.values(record).flatMap(evidenceIn);
};

/** One step's description, as a stream-specific describer returns it. */
export interface Described {
  readonly what: Localized;
  readonly details: readonly TimelineDetail[];
  readonly by?: unknown;
  readonly changes?: readonly ConfigChange[];
}

/**
 * Deadlines set and resolved along the stream. A describer reports, per event, which deadlines it
 * sets (`set`), fulfils (`fulfil`, at the event's time) or makes moot (`void`: `'*'` for all open).
 */
export interface DeadlineEffects {
  readonly set?: readonly { id: string; what: Localized; dueAt: string }[];
  readonly fulfil?: readonly string[];
  readonly void?: readonly string[] | '*';
}

interface Tracked {
  id: string;
  what: Localized;
  dueAt: string;
  setBy: number;
  resolvedBy: number | null;
  resolvedAt: string | null;
  status: DeadlineStatus;
}

const after = (a: string, b: string): boolean => Date.parse(a) > Date.parse(b);

/**
 * Assembles a timeline from events in order, a describer and a deadline tracker per event. Events of
 * several streams (a rating's case and invitation) are ordered by their global position.
 */
export const assembleTimeline = (
  head: Pick<Timeline, 'subject' | 'title' | 'streams' | 'related'>,
  events: readonly RecordedEvent[],
  asOf: Date,
  describe: (event: RecordedEvent) => Described,
  deadlinesOf: (event: RecordedEvent) => DeadlineEffects = () => ({}),
): Timeline => {
  const ordered = [...events].sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0));
  const tracked = new Map<string, Tracked>();
  const steps = ordered.map((event, index): TimelineStep => {
    const step = index + 1;
    const at = event.metadata.occurredAt ?? event.recordedAt;
    const described = describe(event);
    const effects = deadlinesOf(event);
    const touched = new Map<string, StepDeadlineState>();
    for (const id of effects.fulfil ?? []) {
      const deadline = tracked.get(id);
      if (!deadline || deadline.resolvedBy !== null) continue;
      deadline.resolvedBy = step;
      deadline.resolvedAt = at;
      deadline.status = after(at, deadline.dueAt) ? 'missed' : 'met';
      touched.set(id, deadline.status);
    }
    const voided = effects.void === '*' ? [...tracked.keys()] : (effects.void ?? []);
    for (const id of voided) {
      const deadline = tracked.get(id);
      if (!deadline || deadline.resolvedBy !== null) continue;
      deadline.resolvedBy = step;
      deadline.resolvedAt = at;
      deadline.status = 'void';
      touched.set(id, 'void');
    }
    for (const set of effects.set ?? []) {
      const existing = tracked.get(set.id);
      // A deadline computed again for the same round replaces the one in force.
      if (existing && existing.resolvedBy === null) Object.assign(existing, { dueAt: set.dueAt, what: set.what, setBy: step });
      else tracked.set(set.id, { ...set, setBy: step, resolvedBy: null, resolvedAt: null, status: 'open' });
      touched.set(set.id, 'set');
    }
    const deadlines: StepDeadline[] = [...tracked.values()]
      .filter((d) => touched.has(d.id) || d.resolvedBy === null)
      .map((d) => ({ id: d.id, what: d.what, dueAt: d.dueAt, state: touched.get(d.id) ?? (after(at, d.dueAt) ? 'overdue' : 'in_force') }));
    return {
      step,
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      eventId: event.id,
      type: event.type,
      what: described.what,
      at,
      recordedAt: event.recordedAt,
      actor: actorOf(event, described.by),
      details: described.details.filter((detail) => detail.value !== ''),
      evidence: evidenceIn(event.data),
      deadlines,
      ...(described.changes ? { changes: described.changes } : {}),
    };
  });
  const deadlines = [...tracked.values()].map(
    (d): TimelineDeadline => ({
      ...d,
      status: d.resolvedBy === null ? (after(asOf.toISOString(), d.dueAt) ? 'overdue' : 'open') : d.status,
    }),
  );
  return { ...head, asOf: asOf.toISOString(), steps, deadlines };
};

export const deadlineStatusText: Readonly<Record<DeadlineStatus | StepDeadlineState, Localized>> = {
  met: text('按时完成', 'met'),
  missed: text('超时完成', 'missed'),
  overdue: text('已超时', 'overdue'),
  open: text('未到期', 'open'),
  void: text('不再适用', 'no longer required'),
  set: text('设定', 'set'),
  in_force: text('生效中', 'in force'),
};
