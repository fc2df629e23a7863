import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen. Appends go through one server-side function: its statements are planned once per session
// (PL/pgSQL caches plans), so a single-event append costs about what a plain INSERT costs. The version
// check is still enforced by the unique constraint on (stream_id, stream_version), under READ COMMITTED.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function eventstore.append_events(
      p_stream_id text, p_category text, p_expected_kind text, p_expected_version integer, p_events jsonb)
    returns table (current_version integer, global_position bigint, transaction_id xid8, stream_version integer)
    language plpgsql as $$
    #variable_conflict use_column
    declare
      v_current integer;
    begin
      select coalesce(max(e.stream_version), 0) into v_current
        from eventstore.events e where e.stream_id = p_stream_id;
      if not (p_expected_kind = 'any'
              or (p_expected_kind = 'no_stream' and v_current = 0)
              or (p_expected_kind = 'stream_exists' and v_current > 0)
              or (p_expected_kind = 'exact' and v_current = p_expected_version)) then
        return query select v_current, null::bigint, null::xid8, null::integer;
        return;
      end if;
      return query
        insert into eventstore.events as ev
          (stream_id, stream_category, stream_version, event_id, event_type, schema_version, data, metadata)
        select p_stream_id, p_category, v_current + x.ord::integer, (x.doc ->> 'id')::uuid, x.doc ->> 'type',
               (x.doc ->> 'schemaVersion')::integer, x.doc -> 'data', x.doc -> 'metadata'
          from jsonb_array_elements(p_events) with ordinality as x(doc, ord)
        returning v_current, ev.global_position, ev.transaction_id, ev.stream_version;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function eventstore.append_events(text, text, text, integer, jsonb)`.execute(db);
}
