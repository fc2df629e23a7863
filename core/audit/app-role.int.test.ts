import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { createPgPool, postgresKysely } from '../db/postgres.ts';
import { createPgEventStore } from '../eventstore/pg.ts';
import { grantApplicationRole } from './app-role.ts';
import { verifyEventChain } from './verify.ts';

describe.runIf(needs('application role grants on a Postgres server', 'PINGGAI_TEST_PG_URL'))('application database role', () => {
  it('may append and read events but not update, delete or truncate them', async () => {
    const baseUrl = testEnv('PINGGAI_TEST_PG_URL')!;
    const database = await createTestDatabase(baseUrl, 'pinggai_role');
    const role = `pinggai_app_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
    const password = randomUUID();
    const owner = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 1 }));
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login password '${password}'`);
      await grantApplicationRole(owner, role);
      const url = new URL(database.url);
      url.username = role;
      url.password = password;
      const store = createPgEventStore({ connectionString: url.toString(), poolSize: 1 });
      const app = new pg.Client({ connectionString: url.toString() });
      await app.connect();
      try {
        const appended = await store.append('rating-role', [
          { id: randomUUID(), type: 'RatingSubmitted', schemaVersion: 1, data: { score: 5 }, metadata: { occurredAt: new Date().toISOString() } },
        ]);
        expect(appended.nextExpectedVersion).toBe(1);
        const read = await app.query<{ n: string }>(`select count(*)::text as n from eventstore.events`);
        expect(read.rows[0]!.n).toBe('1');
        for (const statement of [
          `update eventstore.events set data = '{}'`,
          `delete from eventstore.events`,
          `truncate eventstore.events`,
        ]) {
          await expect(app.query(statement), statement).rejects.toMatchObject({ code: '42501' }); // insufficient_privilege
        }
        // The app can still keep its other state, e.g. subscription checkpoints.
        await app.query(`insert into eventstore.checkpoints (subscriber_id, position) values ('role-test', '0')`);
        await app.query(`update eventstore.checkpoints set position = '1' where subscriber_id = 'role-test'`);
        expect((await verifyEventChain(owner)).ok).toBe(true);
      } finally {
        await app.end();
        await store.close();
      }
    } finally {
      await owner.destroy();
      await admin.query(`drop owned by ${role}`).catch(() => undefined);
      await admin.end();
      await database.drop();
      const cleanup = new pg.Client({ connectionString: baseUrl });
      await cleanup.connect();
      await cleanup.query(`drop role if exists ${role}`).catch(() => undefined);
      await cleanup.end();
    }
  });
});
