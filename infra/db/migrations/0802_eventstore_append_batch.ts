import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen. Group commit: one call appends to several streams in one transaction, each append exactly
// as `eventstore.append_events` does it alone (its own expectation, its own hash chain), in the
// order given, so a later append to the same stream sees the earlier one. The answer is one row per
// append: its ordinal in the batch and the last row `append_events` returned for it (positions null
// when its expectation did not hold). A broken constraint fails the whole call; the store then
// appends each one alone, which tells whose it was. So does a lock wait longer than 200 ms (another
// transaction holding one of the streams): one stuck append must not hold up a batch of others.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function eventstore.append_batch(p_appends jsonb)
    returns table (ordinal integer, current_version integer, global_position bigint, transaction_id xid8, stream_version integer)
    language plpgsql as $$
    #variable_conflict use_column
    declare
      v_append jsonb;
      v_ordinal integer;
      v_lock_timeout text := current_setting('lock_timeout');
    begin
      perform set_config('lock_timeout', '200ms', true);
      for v_append, v_ordinal in
        select x.append, x.ordinal from jsonb_array_elements(p_appends) with ordinality as x(append, ordinal) order by x.ordinal
      loop
        return query
          select v_ordinal::integer, r.current_version, r.global_position, r.transaction_id, r.stream_version
          from eventstore.append_events(v_append ->> 'stream', v_append ->> 'category', v_append ->> 'kind',
                                        (v_append ->> 'exact')::integer, v_append -> 'events') r
          order by r.stream_version desc nulls last
          limit 1;
      end loop;
      perform set_config('lock_timeout', v_lock_timeout, true);
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function eventstore.append_batch(jsonb)`.execute(db);
}
