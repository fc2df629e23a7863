import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import type { PiiVault } from '../../core/pii/vault.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { signCaseRequest } from '../../intake-edge/case-api/signature.ts';
import { caseEvent } from '../../intake-edge/tests/fixtures.ts';
import { caseSystemKey, freshNonce, testConfig } from '../../intake-edge/tests/harness.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import type { RunningApplication } from '../app/application.ts';
import { startApplication } from '../app/application.ts';
import { demoStaffDirectory } from '../demo/world.ts';
import { backfillCases } from './backfill.ts';
import { reconcileCaseDay } from './reconcile.ts';

const DAY = '2025-10-31';
const completedOn = (caseId: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify(caseEvent({ caseId, occurredAt: `${DAY}T10:00:00+08:00`, ...extra }));

describe('case-system backfill and daily reconciliation (PGlite, reactors running)', () => {
  let store: EventStore;
  let db: Kysely<unknown>;
  let vault: PiiVault;
  let application: RunningApplication;
  let close: () => Promise<void>;
  const events = async () => (await sql<{ n: number }>`select count(*)::int as n from eventstore.events`.execute(db)).rows[0]!.n;

  beforeAll(async () => {
    const { pglite, db: pgliteDb } = await createTestPglite();
    db = pgliteDb;
    store = createPgliteEventStore({ pglite, db });
    vault = createPiiVault({ keyring: generatePiiKeyring() });
    const blobRoot = await mkdtemp(path.join(tmpdir(), 'pinggai-cases-blobs-'));
    application = await startApplication({
      store,
      db,
      vault,
      sms: createOutboxSmsGateway({ db: db as Kysely<SmsDatabase>, vault }),
      blobs: createLocalBlobStore({ root: blobRoot }),
      intakeConfig: testConfig,
      temporal: null,
      staffDirectory: demoStaffDirectory(),
      clock: { now: () => new Date() },
      log: () => {},
    });
    close = async () => {
      await application.stop();
      await store.close();
      await pglite.close();
      await rm(blobRoot, { recursive: true, force: true });
    };
  });
  afterAll(async () => close?.());

  it('a file with a bad line imports nothing and names the line and the field', async () => {
    const before = await events();
    const text = [completedOn('BF-1'), '', completedOn('BF-2', { sequence: 'three' }), '{not json'].join('\n');
    const { problems, summary } = await backfillCases({ store, vault, clock: { now: () => new Date() } }, { system: 'zwfw', source: 'bad.jsonl', text });
    expect(summary).toBeNull();
    expect(problems).toEqual([
      expect.objectContaining({ line: 3, field: 'sequence' }),
      expect.objectContaining({ line: 4, field: '(line)' }),
    ]);
    expect(await events()).toBe(before);
  });

  it('a NUL the event store cannot keep, late in the file, is found before anything is stored', async () => {
    const before = await events();
    const lines = ['NUL-1', 'NUL-2', 'NUL-3', 'NUL-4'].map((id) => completedOn(id));
    const text = [...lines, JSON.stringify(caseEvent({ caseId: 'NUL-5', occurredAt: `${DAY}T10:00:00+08:00` }, { staff: { id: 'S-1', name: '李\u0000明' } }))].join('\n');
    const { problems, summary } = await backfillCases({ store, vault, clock: { now: () => new Date() } }, { system: 'zwfw', source: 'nul.jsonl', text });
    expect(summary).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ line: 5, field: 'case.staff.name' })]);
    expect(await events()).toBe(before);
  });

  it('imports a period once, invites nobody for it, and the day reconciles against a live case', async () => {
    const text = `\uFEFF${['BF-1', 'BF-2', 'BF-3'].map((id) => completedOn(id)).join('\n')}\n`;
    const deps = { store, vault, clock: { now: () => new Date() } };
    const first = await backfillCases(deps, { system: 'zwfw', source: 'october.jsonl#abc', text });
    expect(first.summary).toEqual({ lines: 3, byOutcome: { recorded: 3, record: 0, duplicate: 0, stale: 0, no_change: 0 } });
    const again = await backfillCases(deps, { system: 'zwfw', source: 'october.jsonl#abc', text });
    expect(again.summary?.byOutcome).toMatchObject({ recorded: 0, duplicate: 3 });

    // The same day, one case arrives live through the signed API: it is invited.
    const body = completedOn('LIVE-1');
    const headers = await signCaseRequest({
      method: 'POST',
      pathWithQuery: '/api/v1/case-events',
      body,
      keyId: caseSystemKey.keyId,
      secret: caseSystemKey.secret,
      timestamp: Math.floor(Date.now() / 1000),
      nonce: freshNonce(),
    });
    const live = await application.app.request('http://pinggai.test/api/v1/case-events', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    expect(live.status).toBeLessThan(300);
    await application.settled();

    const { rows } = await sql<{ n: number }>`select count(*)::int as n from app.sms_outbox where purpose = 'invitation'`.execute(db);
    expect(rows[0]!.n, 'only the live case got an invitation SMS').toBe(1);
    const day = await reconcileCaseDay(db, DAY);
    expect(day).toMatchObject({ completed: 4, invited: 1, rated: 0 });
    expect(day.notInvited).toHaveLength(3);
    expect(day.notInvited.every((id) => /BF-\d$/.test(id))).toBe(true);
  });
});
