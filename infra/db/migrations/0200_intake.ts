import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: intake's working tables as first shipped. Change them only by adding a migration (0201…).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  // Nonces of signed case-system requests, kept a little longer than the accepted clock skew.
  await sql`
    create table app.intake_nonces (
      key_id  text        not null,
      nonce   text        not null,
      seen_at timestamptz not null,
      primary key (key_id, nonce)
    )`.execute(db);
  await sql`create index intake_nonces_seen_at on app.intake_nonces (seen_at)`.execute(db);
  // Invitations still waiting for a reminder or expiry; the sweeper reads due rows, the reactor adds them.
  await sql`
    create table app.pending_invitations (
      invitation_id text primary key,
      next_due_at   timestamptz not null,
      remind_at     timestamptz,
      expires_at    timestamptz not null,
      created_at    timestamptz not null
    )`.execute(db);
  await sql`create index pending_invitations_due on app.pending_invitations (next_due_at)`.execute(db);
  // Fixed-window counters for static-QR scans per device and window.
  await sql`
    create table app.intake_rate_limits (
      bucket       text        not null,
      window_start timestamptz not null,
      hits         integer     not null,
      primary key (bucket, window_start)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.intake_rate_limits`.execute(db);
  await sql`drop table if exists app.pending_invitations`.execute(db);
  await sql`drop table if exists app.intake_nonces`.execute(db);
}
