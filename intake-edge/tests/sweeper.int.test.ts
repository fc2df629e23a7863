import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { InvitationIssued } from '../../core/invitation/events.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { sweepInvitations } from '../invitations/sweeper.ts';
import { completeCaseAndGetToken } from './cases.ts';
import type { IntakeBackend } from './harness.ts';
import { createHarness, testConfig } from './harness.ts';

/** The reminder and expiry sweep when the configuration or one invitation is not what it expects. */
describe('the invitation sweeper (PGlite)', () => {
  let backend: IntakeBackend & { close(): Promise<void> };
  beforeAll(async () => {
    const { pglite, db } = await createTestPglite();
    const store = createPgliteEventStore({ pglite, db });
    backend = { store, db, close: async () => (await store.close(), await pglite.close()) };
  });
  afterAll(async () => backend?.close());

  it('expires on time when the reminder is configured later than the expiry', async () => {
    const h = await createHarness(backend, { config: { ...testConfig, invitations: { ...testConfig.invitations, expiresAfterHours: 12, remindAfterHours: 24 } } });
    try {
      await completeCaseAndGetToken(h, { caseId: 'zwfw:C-SWEEP-EXPIRY' });
      h.clock.advanceHours(13);
      const report = await sweepInvitations(h.services);
      expect(report).toMatchObject({ expired: 1, reminded: 0, failed: 0 });
      expect(await h.eventsOfType('InvitationReminded')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('one invitation that cannot be reminded (its phone sealed under a key this vault lacks) holds up none of the others', async () => {
    const h = await createHarness(backend);
    try {
      await completeCaseAndGetToken(h, { caseId: 'zwfw:C-SWEEP-GOOD' });
      // A copy of that invitation whose phone no key here opens, due first.
      const issued = (await h.eventsOfType('InvitationIssued')).at(-1)!;
      const data = issued.data as InvitationIssued['data'];
      const bad = { ...data, invitationId: 'inv-sweep-bad', recipient: { ...data.recipient!, sealed: { ...data.recipient!.sealed, kid: 'k-missing' } } };
      await h.services.store.append(invitationStreamId('inv-sweep-bad'), [{ id: crypto.randomUUID(), type: 'InvitationIssued', schemaVersion: issued.schemaVersion, data: bad, metadata: issued.metadata }]);
      await h.services.db
        .insertInto('app.pending_invitations')
        .values({ invitation_id: 'inv-sweep-bad', next_due_at: new Date(0), remind_at: new Date(data.remindAt!), expires_at: new Date(data.expiresAt), created_at: new Date(0) })
        .execute();
      h.clock.advanceHours(25);
      const report = await sweepInvitations(h.services);
      expect(report).toMatchObject({ reminded: 1, failed: 1 });
      const row = await h.services.db.selectFrom('app.pending_invitations').select('next_due_at').where('invitation_id', '=', 'inv-sweep-bad').executeTakeFirstOrThrow();
      expect(new Date(row.next_due_at).getTime()).toBe(h.clock.now().getTime() + 10 * 60_000);
    } finally {
      await h.close();
    }
  });
});
