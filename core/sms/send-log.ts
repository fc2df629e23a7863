import type { Generated, Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { maskPhone } from '../pii/mask.ts';
import type { PiiVault, SealedPii } from '../pii/vault.ts';
import type { SmsMessage, SmsProviderName, SmsSendResult, SmsSendStatus } from './types.ts';

/** app.sms_outbox (migration 0100): the send log shared by every adapter. */
export interface SmsOutboxTable {
  idempotency_key: string;
  provider: SmsProviderName;
  purpose: string;
  template_code: string;
  phone_sealed: SealedPii;
  phone_masked: string;
  phone_index: string;
  text: string;
  status: SmsSendStatus | 'sending';
  attempts: Generated<number>;
  provider_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SmsDatabase {
  'app.sms_outbox': SmsOutboxTable;
}

export type SmsOutboxRow = Selectable<SmsOutboxTable>;

/** A send that began this long ago with no answer recorded will not get one: its sender stopped. */
export const SENDING_STALE_MINUTES = 5;

/**
 * The rows that wait for a person (never resent automatically): `in_doubt`, or `sending` for over
 * SENDING_STALE_MINUTES before `now`. Either may or may not have reached the phone; the provider's
 * delivery report tells.
 */
export const inDoubtAt = (now: Date | 'now') =>
  sql<boolean>`(status = 'in_doubt' or (status = 'sending' and updated_at < ${now === 'now' ? sql`now()` : sql`${now}::timestamptz`} - make_interval(mins => ${SENDING_STALE_MINUTES})))`;

/**
 * A message's text with the token of a rating link (`…/e/<token>`) hidden: the token is a bearer
 * credential, with which anyone could rate in the citizen's place. A provider's send log keeps the
 * text for the record only (the provider sends its template), so it keeps it without; the development
 * outbox, which sends nothing, keeps the link: it is how a tester opens it.
 */
export const withoutLinkTokens = (text: string): string => text.replace(/\/e\/[A-Za-z0-9_-]{8,}/g, '/e/…');

/** The first result of an earlier send, returned to a retry. */
export const resultOfRow = (row: SmsOutboxRow, duplicate: boolean): SmsSendResult => {
  const status: SmsSendStatus = row.status === 'sending' ? 'in_doubt' : row.status;
  return {
    status,
    provider: row.provider,
    duplicate,
    ...(row.provider_message_id ? { providerMessageId: row.provider_message_id } : {}),
    ...(row.error_code
      ? { error: { code: row.error_code, message: row.error_message ?? '' } }
      : row.status === 'sending'
        ? { error: { code: 'SMS_SEND_IN_PROGRESS', message: 'another attempt with this key has not finished (or died mid-send)' } }
        : {}),
  };
};

const protectedPhone = async (vault: PiiVault, phone: string) => ({
  phone_sealed: sql<SealedPii>`${JSON.stringify(await vault.seal(phone, 'phone'))}::jsonb`,
  phone_masked: maskPhone(phone),
  phone_index: await vault.blindIndex(phone, 'phone'),
});

/**
 * Records a message as delivered to the development outbox, once per key.
 * Returns the row and whether this call inserted it.
 */
export const recordOutboxMessage = async (
  db: Kysely<SmsDatabase>,
  vault: PiiVault,
  message: SmsMessage,
): Promise<{ row: SmsOutboxRow; inserted: boolean }> => {
  const inserted = await db
    .insertInto('app.sms_outbox')
    .values({
      idempotency_key: message.idempotencyKey,
      provider: 'outbox',
      purpose: message.purpose,
      template_code: message.templateCode,
      ...(await protectedPhone(vault, message.to)),
      text: message.text,
      status: 'sent',
      provider_message_id: `outbox:${message.idempotencyKey}`,
      error_code: null,
      error_message: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, inserted: true };
  return { row: await findSmsByKey(db, message.idempotencyKey), inserted: false };
};

/** An operator's staff account (not a name: the send log keeps no one's name): letters, digits, . _ @ - */
export const OPERATOR_ACCOUNT = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * An operator's answer for a message in doubt, read from the provider's delivery report: delivered
 * (→ `sent`) or not (→ `failed`: nothing went out, so the next send with this key may go). Only a row
 * in doubt at `at` changes (see inDoubtAt); it keeps who checked, when, and what it said before.
 * Undefined when no row with this key is in doubt.
 */
export const settleInDoubtSms = async (
  db: Kysely<SmsDatabase>,
  idempotencyKey: string,
  answer: { readonly delivered: boolean; readonly checkedBy: string; readonly at: Date },
): Promise<SmsOutboxRow | undefined> => {
  if (!OPERATOR_ACCOUNT.test(answer.checkedBy)) throw new Error('checkedBy must be a staff account id');
  const said = answer.delivered ? '服务商回执:已送达 delivered' : '服务商回执:未送达 not delivered';
  const note = `${said}, checked by ${answer.checkedBy} at ${answer.at.toISOString()}`;
  return db
    .updateTable('app.sms_outbox')
    .set({
      status: answer.delivered ? 'sent' : 'failed',
      error_code: 'CHECKED_BY_OPERATOR',
      // Every expression here reads the row as it was: the earlier error goes into the note.
      error_message: sql<string>`left(${note} || ' (was ' || status || coalesce(', ' || error_code || ': ' || coalesce(error_message, ''), '') || ')', 500)`,
      updated_at: sql<Date>`now()`,
    })
    .where('idempotency_key', '=', idempotencyKey)
    .where(inDoubtAt(answer.at))
    .returningAll()
    .executeTakeFirst();
};

export const findSmsByKey = async (db: Kysely<SmsDatabase>, idempotencyKey: string): Promise<SmsOutboxRow> =>
  db.selectFrom('app.sms_outbox').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirstOrThrow();

/**
 * Claims the right to call the provider for this key: a new row in state `sending`, or a row whose
 * last attempt `failed` with a definite refusal. Anything else (sent, in doubt, still sending) is not
 * claimed and the existing row is returned, so a retry never sends twice.
 */
export const claimProviderSend = async (
  db: Kysely<SmsDatabase>,
  vault: PiiVault,
  provider: SmsProviderName,
  message: SmsMessage,
): Promise<{ claimed: true } | { claimed: false; row: SmsOutboxRow }> => {
  const claimed = await db
    .insertInto('app.sms_outbox')
    .values({
      idempotency_key: message.idempotencyKey,
      provider,
      purpose: message.purpose,
      template_code: message.templateCode,
      ...(await protectedPhone(vault, message.to)),
      text: withoutLinkTokens(message.text),
      status: 'sending',
      provider_message_id: null,
      error_code: null,
      error_message: null,
    })
    .onConflict((oc) =>
      oc
        .column('idempotency_key')
        .doUpdateSet({
          status: 'sending',
          provider,
          attempts: sql<number>`app.sms_outbox.attempts + 1`,
          error_code: null,
          error_message: null,
          updated_at: sql<Date>`now()`,
        })
        .where('app.sms_outbox.status', '=', 'failed'),
    )
    .returning('idempotency_key')
    .executeTakeFirst();
  if (claimed) return { claimed: true };
  return { claimed: false, row: await findSmsByKey(db, message.idempotencyKey) };
};

/** Records the provider's answer for a claimed send. */
export const completeProviderSend = async (
  db: Kysely<SmsDatabase>,
  idempotencyKey: string,
  outcome: { status: SmsSendStatus; providerMessageId?: string; error?: { code: string; message: string } },
): Promise<SmsOutboxRow> =>
  db
    .updateTable('app.sms_outbox')
    .set({
      status: outcome.status,
      provider_message_id: outcome.providerMessageId ?? null,
      error_code: outcome.error?.code ?? null,
      error_message: outcome.error?.message.slice(0, 500) ?? null,
      updated_at: sql<Date>`now()`,
    })
    .where('idempotency_key', '=', idempotencyKey)
    .where('status', '=', 'sending')
    .returningAll()
    .executeTakeFirstOrThrow();

/** Newest first, for the console's outbox page (masked phones only). */
export const listSmsOutbox = async (db: Kysely<SmsDatabase>, options: { limit?: number; before?: Date } = {}) =>
  db
    .selectFrom('app.sms_outbox')
    .select(['idempotency_key', 'provider', 'purpose', 'template_code', 'phone_masked', 'text', 'status', 'attempts', 'created_at'])
    .$if(options.before !== undefined, (q) => q.where('created_at', '<', options.before!))
    .orderBy('created_at', 'desc')
    .limit(Math.min(options.limit ?? 50, 500))
    .execute();

/** How many messages went to this phone (by blind index) since a moment: for rate limits. */
export const countSmsToPhoneSince = async (db: Kysely<SmsDatabase>, phoneIndex: string, since: Date): Promise<number> => {
  const row = await db
    .selectFrom('app.sms_outbox')
    .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
    .where('phone_index', '=', phoneIndex)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};
