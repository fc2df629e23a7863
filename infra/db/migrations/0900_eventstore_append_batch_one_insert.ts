import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen. Group commit in one INSERT where it can be. `eventstore.append_batch` (0802) calls
// `append_events` once per append, and in a group of one-event appends that call is most of the
// server's time (infra/CAPACITY.md §2b: about half of it as one INSERT … SELECT). Rating
// submissions are that case: one event each, to a stream of their own. So when every append of a
// batch has one event and no two name the same stream, the batch reads each stream's head, checks
// each expectation and inserts every append that holds in one statement, in the order given (the
// store sends them in stream order). Anything else (several events in an append, one stream twice,
// where a later append must see the earlier one) goes to 0802's function, kept as
// `eventstore.append_batch_each`, which calls `append_events` one by one as before.
// The answers, the hashes (same content function, same transaction time) and the 200 ms lock timeout
// are those of 0802; the lock timeout is the function's own setting here, restored on exit.
// Numbered after 0802 because it renames and replaces what 0802 created.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter function eventstore.append_batch(jsonb) rename to append_batch_each`.execute(db);
  await sql`
    create function eventstore.append_batch(p_appends jsonb)
    returns table (ordinal integer, current_version integer, global_position bigint, transaction_id xid8, stream_version integer)
    language plpgsql set lock_timeout = '200ms' as $$
    #variable_conflict use_column
    begin
      if (select count(*) = count(distinct x.append ->> 'stream')
                 and bool_and(case when jsonb_typeof(x.append -> 'events') = 'array' then jsonb_array_length(x.append -> 'events') = 1 else false end)
            from jsonb_array_elements(p_appends) as x(append)) then
        return query
          with appends as (
            select x.ordinal::integer as ordinal, x.append ->> 'stream' as stream_id, x.append ->> 'category' as category,
                   x.append ->> 'kind' as kind, (x.append ->> 'exact')::integer as exact, x.append -> 'events' -> 0 as doc
            from jsonb_array_elements(p_appends) with ordinality as x(append, ordinal)
          ), heads as (
            select a.*, coalesce(h.stream_version, 0) as current_version, coalesce(h.event_hash, ''::bytea) as previous_hash
            from appends a
            left join lateral (select e.stream_version, e.event_hash from eventstore.events e
                               where e.stream_id = a.stream_id order by e.stream_version desc limit 1) h on true
          ), accepted as (
            select h.ordinal, h.stream_id, h.category, h.current_version + 1 as version, h.previous_hash,
                   (h.doc ->> 'id')::uuid as event_id, h.doc ->> 'type' as event_type, (h.doc ->> 'schemaVersion')::integer as schema_version,
                   h.doc -> 'data' as data, h.doc -> 'metadata' as metadata
            from heads h
            -- As append_events: refused only where the expectation is false.
            where (h.kind = 'any'
                   or (h.kind = 'no_stream' and h.current_version = 0)
                   or (h.kind = 'stream_exists' and h.current_version > 0)
                   or (h.kind = 'exact' and h.current_version = h.exact)) is not false
          ), inserted as (
            -- A sorted subquery is not flattened, so the identity default (global_position) is drawn
            -- after the sort: positions follow the order given, as the loop's do.
            insert into eventstore.events as ev
              (stream_id, stream_category, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, event_hash)
            select a.stream_id, a.category, a.version, a.event_id, a.event_type, a.schema_version, a.data, a.metadata, now(),
                   sha256(a.previous_hash || eventstore.event_hash_content(a.stream_id, a.version, a.event_id, a.event_type,
                     a.schema_version, a.data, a.metadata, now()))
            from accepted a order by a.ordinal
            returning ev.stream_id, ev.global_position, ev.transaction_id, ev.stream_version
          )
          select h.ordinal, h.current_version, i.global_position, i.transaction_id, i.stream_version
          from heads h left join inserted i on i.stream_id = h.stream_id
          order by h.ordinal;
        return;
      end if;
      return query select * from eventstore.append_batch_each(p_appends);
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function eventstore.append_batch(jsonb)`.execute(db);
  await sql`alter function eventstore.append_batch_each(jsonb) rename to append_batch`.execute(db);
}
