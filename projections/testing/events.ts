/**
 * Builders of real domain events for projection tests (given(events) → then(rows)): typed with the
 * other modules' event types, appended to a real store with `appendFacts`.
 */
import { randomUUID } from 'node:crypto';
import type { CaseEvent } from '../../core/case/events.ts';
import { caseSchemaVersions } from '../../core/case/events.ts';
import type { CaseDetails } from '../../core/case/types.ts';
import type { EventStore, NewEvent } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted, InvitationEvent, InvitationIssued } from '../../core/invitation/events.ts';
import { invitationSchemaVersions, invitationStreamId } from '../../core/invitation/events.ts';
import type { InvitationChannel, RatingSubject } from '../../core/invitation/types.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import type { WarningEvent, WarningRaised } from '../../core/warning/events.ts';
import { warningSchemaVersions } from '../../core/warning/events.ts';
import { warningStreamId } from '../../core/warning/stream.ts';

type Fact = CaseEvent | InvitationEvent | WarningEvent;

const versions: Record<string, number> = {
  ...caseSchemaVersions,
  ...invitationSchemaVersions,
  ...warningSchemaVersions,
};

const occurredAtOf = (fact: Fact): string => {
  const data = fact.data as Record<string, unknown>;
  for (const key of [
    'occurredAt',
    'at',
    'raisedAt',
    'issuedAt',
    'submittedAt',
    'openedAt',
    'sentAt',
    'remindedAt',
    'expiredAt',
  ]) {
    if (typeof data[key] === 'string') return data[key];
  }
  return '2025-10-01T00:00:00.000Z';
};

/** Appends facts to one stream, in order, each with its schema version. Returns the new event ids. */
export const appendFacts = async (
  store: EventStore,
  streamId: string,
  facts: readonly Fact[],
): Promise<string[]> => {
  const events: NewEvent[] = facts.map((fact) => ({
    id: randomUUID(),
    type: fact.type,
    schemaVersion: versions[fact.type] ?? 1,
    data: fact.data,
    metadata: { occurredAt: occurredAtOf(fact) },
  }));
  await store.append(streamId, events);
  return events.map((event) => event.id);
};

export const subject = (overrides: Partial<RatingSubject> = {}): RatingSubject => ({
  caseId: 'hall:C-1',
  caseNumber: 'C-1',
  matter: { code: 'M-LIC', name: '营业执照登记', type: '行政许可' },
  department: { code: 'D-MKT', name: '市场监管局' },
  hall: { code: 'H-SMZJ', name: '市民之家' },
  window: { code: 'W-12', name: '12号窗口' },
  staff: { id: 'S-7', displayName: '7号' },
  applicantType: 'enterprise',
  enterpriseType: 'private',
  regionCode: '421202',
  stage: 'concluded',
  progress: 'on_time',
  ...overrides,
});

export const caseDetails = (s: RatingSubject = subject()): CaseDetails => ({
  matter: s.matter,
  department: s.department,
  hall: s.hall,
  window: s.window,
  staff: s.staff ?? { id: 'S-0', displayName: '0号' },
  applicantType: s.applicantType,
  enterpriseType: s.enterpriseType,
  regionCode: s.regionCode,
  applicantPhone: null,
});

const caseBase = (caseId: string, sequence: number, occurredAt: string) => {
  const [system = 'hall', externalCaseId = caseId] = caseId.split(':');
  return { caseId, system, externalCaseId, sequence, occurredAt };
};

export const caseRegistered = (
  caseId: string,
  at: string,
  details: CaseDetails = caseDetails(),
): CaseEvent => ({
  type: 'CaseRegistered',
  data: { ...caseBase(caseId, 1, at), stage: 'accepted', details },
});
export const caseStageChanged = (
  caseId: string,
  at: string,
  sequence: number,
  to: 'in_progress' | 'concluded',
): CaseEvent => ({
  type: 'CaseStageChanged',
  data: { ...caseBase(caseId, sequence, at), from: 'accepted', to },
});
export const caseCompleted = (caseId: string, at: string, sequence = 3): CaseEvent => ({
  type: 'CaseCompleted',
  data: { ...caseBase(caseId, sequence, at), result: 'approved' },
});
export const caseOverdue = (caseId: string, at: string, sequence = 2): CaseEvent => ({
  type: 'CaseOverdue',
  data: { ...caseBase(caseId, sequence, at), dueAt: at },
});

export const invitationIssued = (
  invitationId: string,
  channel: InvitationChannel,
  at: string,
  s: RatingSubject = subject(),
): InvitationEvent => {
  const data: InvitationIssued['data'] = {
    invitationId,
    channel,
    trigger: channel === 'qr_static' ? 'static_qr' : 'case_completed',
    subject: s,
    recipient: null,
    tokenHash: '0'.repeat(64),
    issuedAt: at,
    expiresAt: new Date(Date.parse(at) + 7 * 86_400_000).toISOString(),
    remindAt: null,
    questionnaireVersion: 1,
    variantId: 'default',
  };
  return { type: 'InvitationIssued', data };
};
export const invitationOpened = (
  invitationId: string,
  via: InvitationChannel,
  at: string,
): InvitationEvent => ({
  type: 'InvitationOpened',
  data: { invitationId, openedAt: at, via },
});
export const invitationExpired = (invitationId: string, at: string): InvitationEvent => ({
  type: 'InvitationExpired',
  data: { invitationId, expiredAt: at },
});

export interface RatingInput {
  readonly overall: SatisfactionLevel;
  readonly answers?: Readonly<Record<string, SatisfactionLevel>>;
  readonly reasons?: readonly string[];
  readonly comment?: string | null;
  readonly channel?: InvitationChannel;
  readonly subject?: RatingSubject;
  /** The event's follow-up flag; by default the 差评 levels. A reason can set it at 基本满意 too. */
  readonly negative?: boolean;
}

export const evaluationSubmitted = (
  invitationId: string,
  at: string,
  input: RatingInput,
): InvitationEvent => {
  const data: EvaluationSubmitted['data'] = {
    invitationId,
    submittedAt: at,
    channel: input.channel ?? 'sms',
    overall: input.overall,
    subject: input.subject ?? subject(),
    answers: Object.entries(input.answers ?? {}).map(([code, level]) => ({ code, level })),
    reasons: [...(input.reasons ?? [])],
    comment: input.comment ?? null,
    attachments: [],
    evaluator: { identity: 'anonymous' },
    questionnaireVersion: 1,
    variantId: 'default',
    negative: input.negative ?? input.overall <= 2,
  };
  return { type: 'EvaluationSubmitted', data };
};

/** A whole rating: issued, opened and submitted, in the invitation's stream. Returns the rating event id. */
export const rate = async (
  store: EventStore,
  invitationId: string,
  at: string,
  input: RatingInput,
): Promise<string> => {
  const channel = input.channel ?? 'sms';
  const s = input.subject ?? subject();
  const opened = new Date(Date.parse(at) - 60_000).toISOString();
  const ids = await appendFacts(store, invitationStreamId(invitationId), [
    invitationIssued(invitationId, channel, new Date(Date.parse(at) - 120_000).toISOString(), s),
    invitationOpened(invitationId, channel, opened),
    evaluationSubmitted(invitationId, at, { ...input, channel, subject: s }),
  ]);
  return ids[2]!;
};

export const warningRaised = (
  warningId: string,
  at: string,
  options: {
    ratingEventId?: string;
    department?: string;
    matterCode?: string;
    hallId?: string;
    windowId?: string;
    staffId?: string;
    caseId?: string;
  } = {},
): WarningEvent => {
  const data: WarningRaised['data'] = {
    warningId,
    kind: options.ratingEventId ? 'negative_rating' : 'overdue_case',
    severity: 'medium',
    ruleId: 'negative@v1',
    source: {
      sourceEventId: options.ratingEventId ?? randomUUID(),
      ...(options.ratingEventId ? { ratingEventId: options.ratingEventId } : {}),
      ...(options.caseId ? { caseId: options.caseId } : {}),
    },
    subject: {
      department: options.department ?? 'D-MKT',
      matterCode: options.matterCode ?? 'M-LIC',
      hallId: options.hallId ?? 'H-SMZJ',
      windowId: options.windowId ?? 'W-12',
      staffId: options.staffId ?? 'S-7',
    },
    leadDepartment: options.department ?? 'D-MKT',
    cooperatingDepartments: [],
    routingTableVersion: 1,
    dispatch: {
      dueAt: new Date(Date.parse(at) + 3_600_000).toISOString(),
      reminderAt: new Date(Date.parse(at) + 3_000_000).toISOString(),
    },
    citizenContactRef: null,
    raisedAt: at,
  };
  return { type: 'WarningRaised', data };
};

const plus = (at: string, minutes: number): string =>
  new Date(Date.parse(at) + minutes * 60_000).toISOString();

/** The facts of a warning that goes the whole way: dispatched, replied, both call-backs satisfied, closed. */
export const rectifiedWarning = (
  warningId: string,
  at: string,
  options: Parameters<typeof warningRaised>[2] & {
    dispatchAfterMinutes?: number;
    replyOnTime?: boolean;
    replyText?: string;
  } = {},
): WarningEvent[] => {
  const dispatched = plus(at, options.dispatchAfterMinutes ?? 30);
  const replied = plus(dispatched, 24 * 60);
  return [
    warningRaised(warningId, at, options),
    {
      type: 'WarningDispatched',
      data: {
        by: 'u-dispatcher',
        leadDepartment: options.department ?? 'D-MKT',
        cooperatingDepartments: [],
        at: dispatched,
      },
    },
    {
      type: 'ReplyDeadlineSet',
      data: {
        round: 0,
        deadline: { dueAt: plus(dispatched, 3 * 24 * 60), reminderAt: plus(dispatched, 2 * 24 * 60) },
        workingDays: 3,
        countedFrom: dispatched,
        calendarCoverage: {},
        calendarFallbackYears: [],
        at: dispatched,
      },
    },
    {
      type: 'WarningReplied',
      data: {
        round: 0,
        by: 'u-handler',
        department: options.department ?? 'D-MKT',
        text: options.replyText ?? '已增设叫号提示并培训窗口人员',
        evidence: [],
        onTime: options.replyOnTime ?? true,
        at: replied,
      },
    },
    {
      type: 'PhoneCallbackRecorded',
      data: {
        round: 0,
        by: 'u-callback',
        calledAt: plus(replied, 60),
        satisfied: true,
        notes: '',
        at: plus(replied, 60),
      },
    },
    {
      type: 'OnSiteCheckRecorded',
      data: {
        round: 0,
        by: 'u-callback',
        checkedAt: plus(replied, 120),
        satisfied: true,
        notes: '',
        photo: { blobKey: 'b', sha256: 'a'.repeat(64), mediaType: 'image/jpeg' },
        at: plus(replied, 120),
      },
    },
    {
      type: 'WarningClosed',
      data: { outcome: 'rectified', ratingExcludedFromAppraisal: false, at: plus(replied, 121) },
    },
  ];
};

export const appendWarning = (
  store: EventStore,
  warningId: string,
  facts: readonly WarningEvent[],
): Promise<string[]> => appendFacts(store, warningStreamId(warningId), facts);
