import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { SmsDatabase } from '../../../core/sms/send-log.ts';
import { withoutLinkTokens } from '../../../core/sms/send-log.ts';
import type { StaffQueries } from '../deps.ts';

/**
 * The development SMS outbox page and the department list. The outbox query selects the masked
 * phone only (as core/sms listSmsOutbox does); it pages by offset, which listSmsOutbox does not.
 */
export const adminQueries = (db: Kysely<unknown>): Pick<StaffQueries, 'smsOutbox' | 'departments' | 'knownDepartments'> => ({
  async smsOutbox({ limit, offset }) {
    const rows = await (db as Kysely<SmsDatabase>)
      .selectFrom('app.sms_outbox')
      .select([
        'idempotency_key',
        'provider',
        'purpose',
        'template_code',
        'phone_masked',
        'text',
        'status',
        'attempts',
        'created_at',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('idempotency_key')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({
      idempotencyKey: row.idempotency_key,
      provider: row.provider,
      purpose: row.purpose,
      templateCode: row.template_code,
      phoneMasked: row.phone_masked,
      // Rows a provider sent may predate hiding the link's token at write: hidden here too.
      text: row.provider === 'outbox' ? row.text : withoutLinkTokens(row.text),
      status: row.status,
      attempts: Number(row.attempts),
      createdAt: new Date(row.created_at).toISOString(),
    }));
  },

  // The departments the read models know: rated services name them; warnings may route to more.
  async departments() {
    const { rows } = await sql<{ code: string; name: string | null }>`
      select code, max(name) as name from (
        select department_code as code, department_name as name from app.rating_facts
        union all select department_code, department_name from app.case_facts where department_code is not null
        union all select lead_department, null from app.warnings
        union all select unnest(cooperating_departments), null from app.warnings
      ) d group by code order by code`.execute(db);
    return rows;
  },

  // The same sources as departments(), asked about a few codes: a dispatch checks its departments
  // without grouping every rating of the district (rating_facts is probed by its department index).
  async knownDepartments(codes) {
    if (codes.length === 0) return [];
    const { rows } = await sql<{ code: string }>`
      select c.code from unnest(${[...codes]}::text[]) as c(code)
      where exists (select 1 from app.rating_facts where department_code = c.code)
         or exists (select 1 from app.warnings where lead_department = c.code or c.code = any(cooperating_departments))
         or exists (select 1 from app.case_facts where department_code = c.code)`.execute(db);
    return rows.map((row) => row.code);
  },
});
