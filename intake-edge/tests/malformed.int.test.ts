import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../../core/blobs/testing/samples.ts';
import { unstorableTextAt } from '../../core/http/storable-text.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { caseEventSchema } from '../case-api/schema.ts';
import { completeCaseAndGetToken } from './cases.ts';
import { caseEvent, form } from './fixtures.ts';
import type { Harness } from './harness.ts';
import { createHarness } from './harness.ts';

/**
 * Acceptance 4: ≥ 10,000 malformed case events and submissions thrown at the API. Each input has
 * exactly one broken field (or is not a valid body at all); the API must answer 4xx problem+json
 * naming that field, never 5xx, and the store must not grow by a single event.
 */
type Problem = { status: number; code: string; errors?: { field: string }[] };

const anyValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constant('a'.repeat(300)),
  fc.constant(''),
  fc.constant('   '),
  // Timestamps of the right shape that Postgres (no such day, an offset past 15 hours) or Date (an
  // offset without minutes) would not read as written.
  fc.constantFrom('2025-02-30T10:00:00+08:00', '2025-04-31T10:00:00Z', '0000-01-01T00:00:00Z', '2025-10-31T09:30:00+08', '2025-10-31T09:30:00+16:00'),
  // Text the schema would take but jsonb cannot keep: a NUL, an unpaired surrogate.
  fc.constantFrom('Li\u0000Ming', '市民\ud800之家', '\udc00'),
);
const DELETE = Symbol('delete');

const setPath = (target: Record<string, unknown>, path: string, value: unknown): void => {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (value === DELETE) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
};

const caseFieldPaths = [
  'type', 'caseId', 'sequence', 'occurredAt', 'case', 'case.matter', 'case.matter.code', 'case.matter.name', 'case.matter.type',
  'case.department.code', 'case.department.name', 'case.hall.code', 'case.hall.name', 'case.window.code', 'case.window.name',
  'case.staff.id', 'case.staff.name', 'case.applicantType', 'case.enterpriseType', 'case.regionCode', 'case.applicantPhone',
] as const;

/** A case event with one field broken, alone or inside a batch of otherwise valid events. */
const brokenCaseEvent = fc
  .record({
    path: fc.constantFrom(...caseFieldPaths),
    value: fc.oneof(anyValue, fc.constant(DELETE)),
    kind: fc.constantFrom('registered', 'stage_changed', 'completed', 'overdue'),
    batch: fc.option(fc.record({ size: fc.integer({ min: 1, max: 4 }), at: fc.nat() }), { nil: undefined }),
  })
  .map(({ path, value, kind, batch }) => {
    const extra = kind === 'stage_changed' ? { stage: 'in_progress' } : kind === 'overdue' ? { dueAt: '2025-10-30T17:00:00+08:00' } : {};
    const built = structuredClone(caseEvent({ type: kind, ...extra })) as Record<string, unknown>;
    setPath(built, path, value);
    // What travels is JSON: NaN and ±Infinity arrive as null, which an optional field may accept.
    const event = JSON.parse(JSON.stringify(built)) as Record<string, unknown>;
    if (!batch) return { body: event, field: path, event };
    const index = batch.at % batch.size;
    const events = Array.from({ length: batch.size }, (_, i) => (i === index ? event : caseEvent()));
    return { body: { events }, field: `events.${index}.${path}`, event };
  })
  .filter(({ event }) => !v.safeParse(caseEventSchema, event).success || unstorableTextAt(event) !== null);

const notJson = fc.oneof(fc.string({ maxLength: 50 }).filter((text) => { try { JSON.parse(text); return false; } catch { return true; } }), fc.constant('{"type":'));

const formFields = ['overall', 'answers.SM02', 'answers.PC03', 'answers.XX01', 'answers.RS04', 'reasons', 'comment', 'anonymous', 'via'] as const;

/** A rating form with one field broken; the expected field name the problem must list. */
const brokenSubmission = fc
  .record({ field: fc.constantFrom(...formFields), value: fc.string({ maxLength: 40 }), level: fc.constantFrom('1', '2', '3', '4', '5') })
  .map(({ field, value, level }): { fields: Record<string, string | string[]>; field: string } => {
    const fields: Record<string, string | string[]> = { overall: level };
    switch (field) {
      case 'overall':
        if (/^[1-5]$/.test(value)) return { fields: { comment: 'no overall' }, field: 'overall' };
        return { fields: { ...fields, overall: value === '' ? [level, level] : value }, field: 'overall' };
      case 'answers.SM02':
      case 'answers.PC03':
        return /^[1-5]$/.test(value) ? { fields: { ...fields, [field]: `${value}0` }, field } : { fields: { ...fields, [field]: value }, field };
      case 'answers.XX01':
      case 'answers.RS04':
        // Valid levels for indicators the variant does not ask: the decider refuses them.
        return { fields: { ...fields, [field]: level }, field };
      case 'reasons':
        return { fields: { ...fields, reasons: ['R01', /^[A-Z]{1,4}\d{2,3}$/.test(value) ? 'R77' : value] }, field: 'reasons.1' };
      case 'comment':
        // Too long, or holding a NUL (which an event's jsonb cannot store).
        return { fields: { ...fields, comment: value.length % 2 === 0 ? `${value}${'长'.repeat(501)}` : `${value}\u0000` }, field: 'comment' };
      case 'anonymous':
        return { fields: { ...fields, anonymous: value === '1' || value === 'on' ? 'yes' : value }, field: 'anonymous' };
      case 'via':
        return { fields: { ...fields, via: ['sms', 'qr_case', 'qr_static'].includes(value) ? 'fax' : value }, field: 'via' };
    }
  });

const assertProblem = async (response: Response, field: string): Promise<void> => {
  expect(response.status, `status for ${field}`).toBeGreaterThanOrEqual(400);
  expect(response.status, `no 5xx for ${field}`).toBeLessThan(500);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Problem;
  expect(problem.status).toBe(response.status);
  // A broken object is reported at the fields inside it (`case.matter` → `case.matter.code`, …).
  const named = (problem.errors ?? []).some((error) => error.field === field || error.field.startsWith(`${field}.`));
  expect(named, `${field} named in ${JSON.stringify(problem)}`).toBe(true);
};

describe('malformed input at the intake API (fast-check)', () => {
  let harness: Harness;
  let close: () => Promise<void>;
  let token: string;
  let before: number;
  let thrown = 0;

  beforeAll(async () => {
    const { pglite, db } = await createTestPglite();
    const store = createPgliteEventStore({ pglite, db });
    harness = await createHarness({ store, db });
    token = (await completeCaseAndGetToken(harness)).token;
    before = await harness.eventCount();
    close = async () => {
      await harness.close();
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it('6,000 broken case events: 4xx problem+json naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(brokenCaseEvent, async ({ body, field }) => {
        thrown++;
        await assertProblem(await harness.postCaseEvents(body), field);
      }),
      { numRuns: 6000 },
    );
  });

  it('500 bodies that are not JSON at all: 400 naming the body', async () => {
    await fc.assert(
      fc.asyncProperty(notJson, async (raw) => {
        thrown++;
        await assertProblem(await harness.postCaseEvents(null, { raw }), 'body');
      }),
      { numRuns: 500 },
    );
  });

  it('4,000 broken rating submissions: 4xx problem+json naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(brokenSubmission, async ({ fields, field }) => {
        thrown++;
        // Half multipart, half urlencoded (the form without attachments, read as text).
        const body = thrown % 2 === 0 ? form(fields) : new URLSearchParams(Object.entries(fields).flatMap(([name, value]) => [value].flat().map((one) => [name, one])));
        const response = await harness.app.request(`/e/${token}`, { method: 'POST', body, headers: { accept: 'application/json' } });
        await assertProblem(response, field);
      }),
      { numRuns: 4000 },
    );
  });

  it('submissions with a forged token, a disguised file or a non-form body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom('token', 'file', 'body'), async (noise, kind) => {
        thrown++;
        if (kind === 'token') {
          const forged = encodeURIComponent(`${token.slice(0, 11)}${noise}`.slice(0, 23));
          await assertProblem(await harness.app.request(`/e/${forged}`, { method: 'POST', body: form({ overall: '5' }), headers: { accept: 'application/json' } }), 'token');
        } else if (kind === 'file') {
          const response = await harness.app.request(`/e/${token}`, {
            method: 'POST',
            body: form({ overall: '5' }, [{ name: `${noise}.png`, type: 'image/png', bytes: samples.html(256) }]),
            headers: { accept: 'application/json' },
          });
          await assertProblem(response, 'attachments.0');
        } else {
          await assertProblem(await harness.app.request(`/e/${token}`, { method: 'POST', body: noise, headers: { accept: 'application/json', 'content-type': 'text/plain' } }), 'body');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('threw at least 10,000 malformed inputs and not one event was appended', async () => {
    expect(thrown).toBeGreaterThanOrEqual(10_000);
    expect(await harness.eventCount()).toBe(before);
  });
});
