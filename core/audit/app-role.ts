/**
 * The application's database role for a Postgres server: it may read and write what the app needs, but
 * on eventstore.events only SELECT and INSERT — no UPDATE, DELETE or TRUNCATE — so the running app can
 * never rewrite history, and anything that does is caught by `npm run audit:verify`.
 * Run by an owner (the migration user) after `npm run migrate`; idempotent. The role itself (LOGIN,
 * password) is created by the operator; this grants and revokes its privileges in the current database.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

export const grantApplicationRole = async (db: Kysely<unknown>, role: string): Promise<void> => {
  if (!ROLE.test(role)) throw new Error(`application role ${JSON.stringify(role)} is not a plain lower-case identifier`);
  const r = sql.id(role);
  const { rows } = await sql<{ nspname: string }>`
    select nspname from pg_namespace
     where nspname not like 'pg\\_%' and nspname <> 'information_schema'`.execute(db);
  for (const { nspname } of rows) {
    const s = sql.id(nspname);
    await sql`grant usage on schema ${s} to ${r}`.execute(db);
    await sql`grant select, insert, update, delete on all tables in schema ${s} to ${r}`.execute(db);
    await sql`grant usage, select on all sequences in schema ${s} to ${r}`.execute(db);
    await sql`grant execute on all functions in schema ${s} to ${r}`.execute(db);
  }
  await sql`revoke update, delete, truncate, references, trigger on eventstore.events from ${r}`.execute(db);
  await sql`grant select, insert on eventstore.events to ${r}`.execute(db);
};
