import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../../tests/support/databases.ts';
import { newEvent } from '../eventstore/contract.ts';
import { createPgliteEventStore } from '../eventstore/pglite.ts';
import type { EventStore } from '../eventstore/types.ts';
import { defaultQuestionnaireConfig } from '../questionnaire/default-config.ts';
import { warningStreamId } from '../warning/stream.ts';
import { startWarningPolicy, warningIdFor } from './reactor.ts';
import { sampleRating } from './testing.ts';
import { sha256Hex } from '../pii/encoding.ts';

describe('warning-policy reactor on the embedded store', () => {
  let store: EventStore;
  let cleanup: () => Promise<void>;
  let resetCheckpoint: () => Promise<void>;
  const clock = () => new Date('2026-09-30T02:15:05Z');
  const reasons = async () => defaultQuestionnaireConfig.reasons;

  beforeAll(async () => {
    const { pglite, db } = await createTestPglite();
    store = createPgliteEventStore({ pglite, db });
    resetCheckpoint = async () => {
      await sql`delete from eventstore.checkpoints where subscriber_id = 'warning-policy'`.execute(db);
    };
    cleanup = async () => {
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => cleanup());

  const runOnce = async () => {
    const reactor = startWarningPolicy({ store, clock, reasons });
    await reactor.caughtUp();
    await reactor.stop();
  };

  it('raises one warning for a negative rating, and no second one when the log is replayed from 0', async () => {
    const rating = newEvent('EvaluationSubmitted', sampleRating({ invitationId: 'inv-neg' }));
    await store.append('invitation-inv-neg', [rating]);
    await store.append('invitation-inv-good', [
      newEvent('EvaluationSubmitted', sampleRating({ invitationId: 'inv-good', overall: 5, negative: false, reasons: [], answers: [] })),
    ]);
    await runOnce();
    const warningId = await warningIdFor(rating.id);
    const [raised, ...rest] = await store.readStream(warningStreamId(warningId));
    expect(rest).toEqual([]);
    expect(raised).toMatchObject({
      type: 'WarningRaised',
      data: { warningId, kind: 'negative_rating', leadDepartment: 'SCJ', source: { ratingEventId: rating.id } },
      metadata: { causationId: rating.id, actor: { id: 'system:warning-policy' } },
    });

    await resetCheckpoint();
    await runOnce();
    expect(await store.readStream(warningStreamId(warningId))).toHaveLength(1);
    const warnings = (await store.readAll({ limit: 1000, categories: ['warning'] })).filter((e) => e.type === 'WarningRaised');
    expect(warnings).toHaveLength(1);
  });

  it('raises an overdue-case warning routed to the case’s competent department', async () => {
    const caseStream = 'case-ga:OVERDUE-1';
    const base = { caseId: 'ga:OVERDUE-1', system: 'ga', externalCaseId: 'OVERDUE-1', occurredAt: '2026-09-29T01:00:00Z' };
    const details = sampleRating().subject;
    await store.append(caseStream, [
      newEvent('CaseRegistered', {
        ...base,
        sequence: 1,
        stage: 'accepted',
        details: {
          matter: details.matter,
          department: { code: 'RSJ', name: '区人力资源和社会保障局' },
          hall: details.hall,
          window: details.window,
          staff: details.staff,
          applicantType: 'natural_person',
          enterpriseType: null,
          regionCode: '421202',
          applicantPhone: null,
        },
      }),
    ]);
    const overdue = newEvent('CaseOverdue', { ...base, sequence: 2, dueAt: '2026-09-29T09:00:00Z' });
    await store.append(caseStream, [overdue]);
    await runOnce();
    const [raised] = await store.readStream(warningStreamId(await warningIdFor(overdue.id)));
    expect(raised).toMatchObject({
      type: 'WarningRaised',
      data: { kind: 'overdue_case', leadDepartment: 'RSJ', source: { caseId: 'ga:OVERDUE-1' } },
    });
  });

  it('a rating whose warning earlier code raised under its (event, rule) id, handed over again, raises no second one', async () => {
    const rating = newEvent('EvaluationSubmitted', sampleRating({ invitationId: 'inv-earlier' }));
    await store.append('invitation-inv-earlier', [rating]);
    // What that code appended: the warning under yj + SHA-256(event id, rule id).
    const earlierId = `yj${sha256Hex(`${rating.id}\u0000rating.negative`).slice(0, 22)}`;
    await store.append(warningStreamId(earlierId), [newEvent('WarningRaised', { warningId: earlierId, kind: 'negative_rating' })]);
    const before = (await store.readAll({ limit: 1000, categories: ['warning'] })).filter((e) => e.type === 'WarningRaised').length;
    await resetCheckpoint();
    await runOnce();
    expect(await store.readStream(warningStreamId(await warningIdFor(rating.id)))).toEqual([]);
    const after = (await store.readAll({ limit: 1000, categories: ['warning'] })).filter((e) => e.type === 'WarningRaised').length;
    expect(after).toBe(before);
  });
});
