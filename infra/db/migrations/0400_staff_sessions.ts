import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: console sign-in sessions (工作人员会话) as first shipped. Change it only by adding a migration.
// Only the SHA-256 of the session token is kept, so a leaked table cannot be replayed as cookies.
// Role and department are copied at sign-in; anything that changes them ends the sessions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`
    create table app.staff_sessions (
      token_hash    text        primary key check (token_hash ~ '^[0-9a-f]{64}$'),
      account_id    text        not null,
      role          text        not null,
      department    text,
      created_at    timestamptz not null,
      last_seen_at  timestamptz not null,
      expires_at    timestamptz not null
    )`.execute(db);
  await sql`create index staff_sessions_account on app.staff_sessions (account_id)`.execute(db);
  await sql`create index staff_sessions_expires on app.staff_sessions (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.staff_sessions`.execute(db);
}
