/**
 * A small, hand-countable set of facts for the staff API's read-route tests: ratings of two
 * departments (SCJ 市场监管局, RSJ 人社局) on 2 March 2026, one with a picture, completed cases rated
 * and not, appended with the projections' event builders and projected by the real projectors.
 */
import type { Kysely } from 'kysely';
import { samples } from '../../core/blobs/testing/samples.ts';
import type { BlobStore } from '../../core/blobs/types.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { InvitationEvent } from '../../core/invitation/events.ts';
import type { RatingSubject } from '../../core/invitation/types.ts';
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';
import {
  appendFacts,
  caseCompleted,
  caseDetails,
  caseRegistered,
  evaluationSubmitted,
  invitationIssued,
  invitationOpened,
  subject,
} from '../../projections/testing/events.ts';
import { ratingsProjection } from '../../projections/ratings/projection.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';

export const scjSubject = (caseId: string): RatingSubject =>
  subject({
    caseId,
    caseNumber: caseId.split(':')[1]!,
    department: { code: 'SCJ', name: '市场监管局' },
    matter: { code: 'M-001', name: '营业执照登记', type: '行政许可' },
    hall: { code: 'H01', name: '市民之家' },
    window: { code: 'W12', name: '12号窗口' },
    staff: { id: 'staff-0412', displayName: '0412号' },
  });

export const rsjSubject = (caseId: string): RatingSubject =>
  subject({
    caseId,
    caseNumber: caseId.split(':')[1]!,
    department: { code: 'RSJ', name: '人社局' },
    matter: { code: 'M-101', name: '社保卡申领', type: '公共服务' },
    hall: { code: 'H01', name: '市民之家' },
    window: { code: 'W03', name: '3号窗口' },
    staff: { id: 'staff-0301', displayName: '0301号' },
  });

interface PlannedRating {
  readonly id: string;
  readonly subject: RatingSubject;
  readonly at: string;
  readonly level: SatisfactionLevel;
  readonly reasons?: readonly string[];
  readonly withPicture?: boolean;
}

/** Ratings by department and level: SCJ 5, 4, 2 (with a picture), RSJ 1, 5, 5. */
export const plannedRatings: readonly PlannedRating[] = [
  { id: 'scj-1', subject: scjSubject('hall:S1'), at: '2026-03-02T01:10:00.000Z', level: 5 },
  { id: 'scj-2', subject: scjSubject('hall:S2'), at: '2026-03-02T02:20:00.000Z', level: 4 },
  {
    id: 'scj-3',
    subject: scjSubject('hall:S3'),
    at: '2026-03-02T06:30:00.000Z',
    level: 2,
    reasons: ['R04'],
    withPicture: true,
  },
  { id: 'rsj-1', subject: rsjSubject('hall:R1'), at: '2026-03-02T01:40:00.000Z', level: 1, reasons: ['R01'] },
  { id: 'rsj-2', subject: rsjSubject('hall:R2'), at: '2026-03-02T03:00:00.000Z', level: 5 },
  { id: 'rsj-3', subject: rsjSubject('hall:R3'), at: '2026-03-02T03:05:00.000Z', level: 5 },
];

/** Completed cases: every rated one, plus one unrated in each department (未评). */
const unratedCases = [scjSubject('hall:S9'), rsjSubject('hall:R9')];

export interface AppendedFacts {
  /** Rating event id by planned id. */
  readonly ratingIds: Readonly<Record<string, string>>;
  /** The picture attached to scj-3 (its blob key). */
  readonly pictureKey: string;
}

const minus = (at: string, minutes: number) => new Date(Date.parse(at) - minutes * 60_000).toISOString();

export const appendReadModelFacts = async (store: EventStore, blobs: BlobStore): Promise<AppendedFacts> => {
  const picture = await blobs.put(samples.png(4096), { declaredType: 'image/png' });
  const ratingIds: Record<string, string> = {};
  for (const rating of plannedRatings) {
    const caseId = rating.subject.caseId!;
    await appendFacts(store, `case-${caseId}`, [
      caseRegistered(caseId, minus(rating.at, 60), caseDetails(rating.subject)),
      caseCompleted(caseId, minus(rating.at, 10), 2),
    ]);
    const submitted = evaluationSubmitted(rating.id, rating.at, {
      overall: rating.level,
      subject: rating.subject,
      reasons: rating.reasons ?? [],
      answers: { SM01: rating.level, PC01: rating.level },
    });
    const withAttachments: InvitationEvent =
      rating.withPicture && submitted.type === 'EvaluationSubmitted'
        ? {
            ...submitted,
            data: {
              ...submitted.data,
              attachments: [{ sha256: picture.sha256, mediaType: picture.mediaType, bytes: picture.size }],
            },
          }
        : submitted;
    const ids = await appendFacts(store, invitationStreamId(rating.id), [
      invitationIssued(rating.id, 'sms', minus(rating.at, 9), rating.subject),
      invitationOpened(rating.id, 'sms', minus(rating.at, 2)),
      withAttachments,
    ]);
    ratingIds[rating.id] = ids[2]!;
  }
  for (const unrated of unratedCases) {
    const caseId = unrated.caseId!;
    await appendFacts(store, `case-${caseId}`, [
      caseRegistered(caseId, '2026-03-02T05:00:00.000Z', caseDetails(unrated)),
      caseCompleted(caseId, '2026-03-02T05:30:00.000Z', 2),
    ]);
  }
  return { ratingIds, pictureKey: picture.key };
};

/** The real projectors of the read models the staff API reads, on the harness's store and database. */
export const startReadModels = (deps: { store: EventStore; db: Kysely<unknown> }) => {
  const projectors = [ratingsProjection, warningsProjection].map((projection) =>
    startProjector(deps, projection, { pollIntervalMs: 50 }),
  );
  return {
    caughtUp: () => Promise.all(projectors.map((projector) => projector.caughtUp())),
    stop: () => Promise.all(projectors.map((projector) => projector.stop())),
  };
};
