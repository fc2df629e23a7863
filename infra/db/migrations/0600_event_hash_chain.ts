import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen. Tamper evidence: every event carries event_hash = sha256(previous event_hash of its stream ‖
// canonical content), computed inside the append function in the appending transaction, so appends to
// different streams stay as concurrent as before (the chain is per stream; no global lock).
// Canonical content (UTF-8 text, fields joined by a newline): stream id, stream version, event id, event
// type, schema version, data::text, metadata::text (jsonb's text form is normalised), recorded_at as
// microseconds since the epoch. core/audit/verify.ts recomputes the same bytes independently.
// Events appended before this migration are hashed here, stream by stream in version order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table eventstore.events add column event_hash bytea`.execute(db);
  await sql`
    create function eventstore.event_hash_content(
      p_stream_id text, p_version integer, p_event_id uuid, p_type text, p_schema_version integer,
      p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz)
    returns bytea language sql immutable as $$
      select convert_to(concat_ws(E'\n', p_stream_id, p_version::text, p_event_id::text, p_type, p_schema_version::text,
        p_data::text, p_metadata::text, (extract(epoch from p_recorded_at) * 1000000)::bigint::text), 'UTF8')
    $$`.execute(db);
  await sql`
    do $$
    declare
      r record;
      v_stream text := null;
      v_prev bytea := ''::bytea;
    begin
      for r in select global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at
                 from eventstore.events order by stream_id, stream_version loop
        if v_stream is distinct from r.stream_id then
          v_stream := r.stream_id;
          v_prev := ''::bytea;
        end if;
        v_prev := sha256(v_prev || eventstore.event_hash_content(r.stream_id, r.stream_version, r.event_id, r.event_type,
          r.schema_version, r.data, r.metadata, r.recorded_at));
        update eventstore.events set event_hash = v_prev where global_position = r.global_position;
      end loop;
    end
    $$`.execute(db);
  await sql`
    create or replace function eventstore.append_events(
      p_stream_id text, p_category text, p_expected_kind text, p_expected_version integer, p_events jsonb)
    returns table (current_version integer, global_position bigint, transaction_id xid8, stream_version integer)
    language plpgsql as $$
    #variable_conflict use_column
    declare
      v_current integer;
      v_prev bytea;
      v_now timestamptz := now();
      v_doc jsonb;
      v_ord integer := 0;
      v_version integer;
      v_id uuid;
      v_type text;
      v_schema integer;
      v_position bigint;
      v_xid xid8;
    begin
      select e.stream_version, e.event_hash into v_current, v_prev
        from eventstore.events e where e.stream_id = p_stream_id order by e.stream_version desc limit 1;
      v_current := coalesce(v_current, 0);
      v_prev := coalesce(v_prev, ''::bytea);
      if not (p_expected_kind = 'any'
              or (p_expected_kind = 'no_stream' and v_current = 0)
              or (p_expected_kind = 'stream_exists' and v_current > 0)
              or (p_expected_kind = 'exact' and v_current = p_expected_version)) then
        return query select v_current, null::bigint, null::xid8, null::integer;
        return;
      end if;
      for v_doc in select x.doc from jsonb_array_elements(p_events) with ordinality as x(doc, ord) order by x.ord loop
        v_ord := v_ord + 1;
        v_version := v_current + v_ord;
        v_id := (v_doc ->> 'id')::uuid;
        v_type := v_doc ->> 'type';
        v_schema := (v_doc ->> 'schemaVersion')::integer;
        v_prev := sha256(v_prev || eventstore.event_hash_content(p_stream_id, v_version, v_id, v_type, v_schema,
          v_doc -> 'data', v_doc -> 'metadata', v_now));
        insert into eventstore.events as ev
          (stream_id, stream_category, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, event_hash)
        values (p_stream_id, p_category, v_version, v_id, v_type, v_schema, v_doc -> 'data', v_doc -> 'metadata', v_now, v_prev)
        returning ev.global_position, ev.transaction_id into v_position, v_xid;
        return query select v_current, v_position, v_xid, v_version;
      end loop;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function eventstore.event_hash_content(text, integer, uuid, text, integer, jsonb, jsonb, timestamptz)`.execute(db);
  await sql`alter table eventstore.events drop column event_hash`.execute(db);
}
