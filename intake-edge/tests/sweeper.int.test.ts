import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { InvitationIssued } from '../../core/invitation/events.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { sweepInvitations } from '../invitations/sweeper.ts';
import { completeCaseAndGetToken } from './cases.ts';
import { caseEvent, form, tokenFromSms } from './fixtures.ts';
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

  it('一事多评: an earlier stage is not reminded once the case is rated at completion; unrated, both are', async () => {
    const h = await createHarness(backend, { config: { ...testConfig, invitations: { ...testConfig.invitations, alsoAtStages: ['accepted'] } } });
    try {
      /** A case registered at 受理 and completed at once: two invitations; the completion's token is returned. */
      const stagedCase = async () => {
        const registered = caseEvent({ type: 'registered', sequence: 1, stage: 'accepted' });
        expect((await h.postCaseEvents(registered)).status).toBe(200);
        expect((await h.postCaseEvents(caseEvent({ caseId: registered.caseId, sequence: 2 }))).status).toBe(200);
        await h.react();
        const sms = (await h.outbox()).filter((row) => row.purpose === 'invitation');
        expect(sms.map((row) => row.template_code).slice(-2)).toEqual(['invitation_stage', 'invitation']);
        return tokenFromSms(sms.at(-1)!.text);
      };
      const ratedToken = await stagedCase();
      await stagedCase();
      const rated = await h.app.request(`/e/${ratedToken}`, { method: 'POST', body: form({ overall: '5' }), headers: { accept: 'application/json' } });
      expect(rated.status).toBe(201);

      h.clock.advanceHours(25);
      const report = await sweepInvitations(h.services);
      // The unrated case's two invitations are reminded; of the rated case, neither is.
      expect(report).toMatchObject({ reminded: 2, settled: 1, failed: 0 });
      const reminded = (await h.eventsOfType('InvitationReminded')).map((event) => event.streamId);
      const issued = (await h.eventsOfType('InvitationIssued')).slice(-4).map((event) => event.data as InvitationIssued['data']);
      expect(issued.map((data) => data.trigger)).toEqual(['stage_accepted', 'case_completed', 'stage_accepted', 'case_completed']);
      expect(reminded.slice(-2).sort()).toEqual([invitationStreamId(issued[2]!.invitationId), invitationStreamId(issued[3]!.invitationId)].sort());
      // The rated case's earlier-stage link still works until it expires: its row waits for the expiry.
      const row = await h.services.db.selectFrom('app.pending_invitations').select('next_due_at').where('invitation_id', '=', issued[0]!.invitationId).executeTakeFirstOrThrow();
      expect(new Date(row.next_due_at).toISOString()).toBe(issued[0]!.expiresAt);
    } finally {
      await h.close();
    }
  });
});
