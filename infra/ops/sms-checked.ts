/**
 * `npm run ops -- --sms-checked KEY --delivered | --not-delivered --by ACCOUNT`: an operator's answer
 * for an SMS in doubt, after reading the provider's delivery report (the console's SMS page and
 * `npm run ops` list them). Delivered: it counts as sent. Not delivered: it is failed, and the next
 * send with its key goes. Either way it leaves the in-doubt count (`pinggai_sms_in_doubt`), and the row
 * keeps who checked and when. Exit code 0 when settled, 1 when no message with that key is in doubt.
 */
import type { Kysely } from 'kysely';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { OPERATOR_ACCOUNT, SENDING_STALE_MINUTES, settleInDoubtSms } from '../../core/sms/send-log.ts';

export interface SmsCheckedValues {
  readonly 'sms-checked'?: string;
  readonly delivered?: boolean;
  readonly 'not-delivered'?: boolean;
  readonly by?: string;
}

/** What is wrong with the arguments of an `npm run ops` that mentions --sms-checked, or null. */
export const smsCheckedUsageProblem = (values: SmsCheckedValues & { readonly [other: string]: unknown }): string | null => {
  const answers = [values.delivered, values['not-delivered']].filter(Boolean).length;
  if (values['sms-checked'] === undefined) {
    return answers > 0 || values.by !== undefined ? '--delivered, --not-delivered and --by go with --sms-checked KEY' : null;
  }
  if (values['sms-checked'].trim() === '') return '--sms-checked needs the message key (the idempotency key the SMS page shows)';
  if (answers !== 1) return '--sms-checked needs exactly one of --delivered and --not-delivered (what the provider\'s delivery report says)';
  if (values.by === undefined || !OPERATOR_ACCOUNT.test(values.by)) return '--by needs your staff account id (letters, digits, . _ @ -; not a name)';
  const others = Object.entries(values).filter(([name, value]) => value !== undefined && !['sms-checked', 'delivered', 'not-delivered', 'by'].includes(name));
  if (others.length > 0) return `--sms-checked is a run of its own, without --${others.map(([name]) => name).join(', --')}`;
  return null;
};

export const runSmsChecked = async (deps: {
  readonly db: Kysely<unknown>;
  readonly key: string;
  readonly delivered: boolean;
  readonly by: string;
  readonly now: Date;
  readonly log: (line: string) => void;
}): Promise<0 | 1> => {
  const db = deps.db as Kysely<SmsDatabase>;
  const settled = await settleInDoubtSms(db, deps.key, { delivered: deps.delivered, checkedBy: deps.by, at: deps.now });
  if (settled) {
    deps.log(`已记录 recorded: ${deps.key} ${settled.status === 'sent' ? '已送达,计为已发送 delivered, counts as sent' : '未送达,计为失败,下次发送可再发 not delivered, failed: the next send with this key goes'}`);
    return 0;
  }
  const row = await db.selectFrom('app.sms_outbox').select('status').where('idempotency_key', '=', deps.key).executeTakeFirst();
  deps.log(
    row
      ? `未改变 unchanged: ${deps.key} is ${row.status}, not in doubt (a send under way counts as in doubt after ${SENDING_STALE_MINUTES} minutes)`
      : `未找到 not found: no SMS with the key ${deps.key}`,
  );
  return 1;
};
