import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { AttachmentRef } from '../../../core/invitation/types.ts';
import { ratingList } from '../../../projections/queries/ratings.ts';
import type { RatingScope, StaffQueries } from '../deps.ts';

const scopeCondition = (scope: RatingScope) => {
  switch (scope.kind) {
    case 'district':
      return sql`true`;
    case 'department':
      return sql`department_code = ${scope.department}`;
    case 'staff':
      return sql`staff_id = ${scope.staffId}`;
    default: {
      const _never: never = scope;
      return sql`false`;
    }
  }
};

/**
 * The ratings behind a number with their attachments' references. ratingList (projections) counts
 * the attachments; the references come from the same rows by a second, keyed read (asked of the
 * projections engineer: return them from ratingList itself).
 */
export const ratingQueries = (
  db: Kysely<unknown>,
): Pick<StaffQueries, 'ratingList' | 'ratingHasAttachment'> => ({
  async ratingList({ filter, drill, negativeOnly, limit, offset }) {
    const rows = await ratingList(db, { filter, drill, negativeOnly, limit, offset });
    if (rows.length === 0) return [];
    const { rows: refs } = await sql<{ rating_id: string; attachments: AttachmentRef[] | string }>`
      select rating_id, attachments from app.rating_facts
      where rating_id in (${sql.join(rows.map((row) => sql`${row.ratingId}`))})`.execute(db);
    const byId = new Map(
      refs.map((ref) => [
        ref.rating_id,
        typeof ref.attachments === 'string'
          ? (JSON.parse(ref.attachments) as AttachmentRef[])
          : ref.attachments,
      ]),
    );
    return rows.map((row) => ({
      ...row,
      attachments: (byId.get(row.ratingId) ?? []).map((attachment) => ({
        sha256: attachment.sha256,
        mediaType: attachment.mediaType,
      })),
    }));
  },

  async ratingHasAttachment({ key, scope, ratingId }) {
    const { rows } = await sql<{ found: boolean }>`
      select exists (
        select 1 from app.rating_facts
        where attachments @> ${JSON.stringify([{ sha256: key }])}::jsonb and ${scopeCondition(scope)}
          ${ratingId === undefined ? sql`` : sql`and rating_id = ${ratingId}`}
      ) as found`.execute(db);
    return rows[0]?.found === true;
  },
});
