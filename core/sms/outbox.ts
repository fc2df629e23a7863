import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { PiiVault } from '../pii/vault.ts';
import { DomainError } from '../shared/errors.ts';
import type { SmsDatabase } from './send-log.ts';
import { recordOutboxMessage, resultOfRow } from './send-log.ts';
import type { SmsGateway, SmsMessage, SmsSendResult } from './types.ts';
import { SmsMessageSchema } from './types.ts';

export const validateSmsMessage = (message: SmsMessage): SmsMessage => {
  const result = v.safeParse(SmsMessageSchema, message);
  if (result.success) return result.output;
  const issue = result.issues[0];
  // The message names the field, never the value: the value may be a phone number.
  throw new DomainError('SMS_MESSAGE_INVALID', `SMS message field ${v.getDotPath(issue!) ?? '?'} is invalid: ${issue?.message}`, {
    status: 422,
    details: { field: v.getDotPath(issue!) },
  });
};

/**
 * The development outbox (开发用发件箱): nothing leaves the machine. Each message is stored once per
 * idempotency key in app.sms_outbox (phone sealed + masked, text with its link) and announced with one
 * log line carrying the masked phone and the text; the console lists the table.
 *
 * @example
 *   const sms = createOutboxSmsGateway({ db, vault, log: (line) => console.log(line) });
 */
export const createOutboxSmsGateway = (deps: {
  db: Kysely<SmsDatabase>;
  vault: PiiVault;
  log?: (line: string) => void;
}): SmsGateway => ({
  provider: 'outbox',
  async send(message: SmsMessage): Promise<SmsSendResult> {
    const valid = validateSmsMessage(message);
    const { row, inserted } = await recordOutboxMessage(deps.db, deps.vault, valid);
    if (inserted) deps.log?.(`[sms outbox] to ${row.phone_masked} (${row.purpose}): ${row.text}`);
    return resultOfRow(row, !inserted);
  },
});
