import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen: the unfinished steps of a console sign-in (登录中间步骤) and single sign-on links.
// app.staff_sign_in_steps: a password that was right but still needs a TOTP code (or TOTP enrolment),
// or an OIDC redirect waiting for its callback (state, nonce, PKCE verifier). Keyed by the SHA-256 of
// a random token held in a short-lived cookie; a row is used once and lives minutes.
// app.staff_oidc_links: which account a verified single sign-on subject signs in as (the link itself
// is an account event; this table finds the account by subject and keeps one account per subject).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create schema if not exists app`.execute(db);
  await sql`
    create table app.staff_sign_in_steps (
      token_hash  text        primary key check (token_hash ~ '^[0-9a-f]{64}$'),
      kind        text        not null check (kind in ('totp', 'totp_enrol', 'oidc')),
      account_id  text,
      data        jsonb       not null default '{}'::jsonb,
      created_at  timestamptz not null,
      expires_at  timestamptz not null
    )`.execute(db);
  await sql`create index staff_sign_in_steps_expires on app.staff_sign_in_steps (expires_at)`.execute(db);
  await sql`
    create table app.staff_oidc_links (
      issuer      text        not null,
      subject     text        not null,
      account_id  text        not null unique,
      linked_at   timestamptz not null,
      primary key (issuer, subject)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists app.staff_oidc_links`.execute(db);
  await sql`drop table if exists app.staff_sign_in_steps`.execute(db);
}
