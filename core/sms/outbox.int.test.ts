import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import { generatePiiKeyring } from '../pii/keyring.ts';
import { createPiiVault } from '../pii/vault.ts';
import { createOutboxSmsGateway } from './outbox.ts';
import type { SmsDatabase } from './send-log.ts';
import { countSmsToPhoneSince, listSmsOutbox } from './send-log.ts';
import type { SmsMessage } from './types.ts';

const vault = createPiiVault({ keyring: generatePiiKeyring() });
const message = (key: string, to = '13812341234'): SmsMessage => ({
  idempotencyKey: key,
  to,
  templateCode: 'invitation',
  params: { link: 'https://pg.example/e/Ab3dE5gH7jK9mN1p' },
  text: '【评改通】您的事项已办结，请评价：https://pg.example/e/Ab3dE5gH7jK9mN1p',
  purpose: 'invitation',
});

const outboxContract = (name: string, open: () => Promise<{ db: Kysely<SmsDatabase>; close(): Promise<void> }>) =>
  describe(`development SMS outbox on ${name}`, () => {
    let db: Kysely<SmsDatabase>;
    let close: () => Promise<void>;
    const lines: string[] = [];
    beforeAll(async () => {
      ({ db, close } = await open());
    });
    afterAll(async () => close());

    it('stores a message once per idempotency key; a second send returns the first result and logs nothing', async () => {
      const sms = createOutboxSmsGateway({ db, vault, log: (line) => lines.push(line) });
      const first = await sms.send(message('case-1:invitation'));
      expect(first).toMatchObject({ status: 'sent', provider: 'outbox', duplicate: false });
      const again = await sms.send({ ...message('case-1:invitation'), text: '【评改通】another text' });
      expect(again).toEqual({ ...first, duplicate: true });
      expect(lines).toEqual(['[sms outbox] to 138****1234 (invitation): 【评改通】您的事项已办结，请评价：https://pg.example/e/Ab3dE5gH7jK9mN1p']);
      const rows = await db.selectFrom('app.sms_outbox').selectAll().where('idempotency_key', '=', 'case-1:invitation').execute();
      expect(rows).toHaveLength(1);
      expect(await vault.open(rows[0]!.phone_sealed, 'phone')).toBe('13812341234');
    });

    it('concurrent sends with one key store one row', async () => {
      const sms = createOutboxSmsGateway({ db, vault });
      const results = await Promise.all(Array.from({ length: 8 }, () => sms.send(message('case-2:invitation'))));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      const n = await db.selectFrom('app.sms_outbox').select(sql<number>`count(*)::int`.as('n')).where('idempotency_key', '=', 'case-2:invitation').executeTakeFirstOrThrow();
      expect(n.n).toBe(1);
    });

    it('never stores the plain phone number: a scan of the whole table finds no 7-digit run of it', async () => {
      const sms = createOutboxSmsGateway({ db, vault });
      await sms.send(message('case-3:invitation', '13987654321'));
      const dump = JSON.stringify(await db.selectFrom('app.sms_outbox').selectAll().execute());
      for (const phone of ['13812341234', '13987654321']) {
        for (let i = 0; i + 7 <= phone.length; i++) expect(dump).not.toContain(phone.slice(i, i + 7));
      }
    });

    it('lists newest first with masked phones and counts per phone by blind index', async () => {
      const listed = await listSmsOutbox(db, { limit: 10 });
      expect(listed[0]).toMatchObject({ idempotency_key: 'case-3:invitation', phone_masked: '139****4321' });
      expect(Object.keys(listed[0]!)).not.toContain('phone_sealed');
      const index = await vault.blindIndex('13812341234', 'phone');
      expect(await countSmsToPhoneSince(db, index, new Date(Date.now() - 3_600_000))).toBe(2);
    });

    it('refuses an invalid message naming the field, not the value, and stores nothing', async () => {
      const sms = createOutboxSmsGateway({ db, vault });
      await expect(sms.send({ ...message('case-4:invitation'), to: '12345' })).rejects.toMatchObject({
        code: 'SMS_MESSAGE_INVALID',
        details: { field: 'to' },
      });
      const none = await db.selectFrom('app.sms_outbox').select('idempotency_key').where('idempotency_key', '=', 'case-4:invitation').execute();
      expect(none).toEqual([]);
    });
  });

outboxContract('PGlite', async () => {
  const { pglite, db } = await createTestPglite();
  return { db: db as Kysely<SmsDatabase>, close: async () => pglite.close() };
});

if (needs('SMS outbox on the Postgres server', 'PINGGAI_TEST_PG_URL')) {
  outboxContract('the Postgres server', async () => {
    const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_sms');
    const db = postgresKysely<SmsDatabase>(createPgPool({ connectionString: database.url, max: 4 }));
    return {
      db,
      close: async () => {
        await db.destroy();
        await database.drop();
      },
    };
  });
}
