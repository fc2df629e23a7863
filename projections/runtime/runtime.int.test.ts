import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratingsProjection } from '../ratings/projection.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendScenario } from '../testing/scenario.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { formatOpsReport, opsReport } from '../../infra/ops/report.ts';
import { createMetrics } from '../../infra/telemetry/metrics.ts';
import { ProjectorConflict, applyBatch, loadCheckpoint } from './checkpoints.ts';
import { projectorFailures } from './failures.ts';
import { projectorLag } from './lag.ts';
import { startProjector } from './projector.ts';
import type { RebuildProgress } from './rebuild.ts';
import { formatProgress, rebuildProjection } from './rebuild.ts';
import { activeVersion, dropVersion } from './schema.ts';
import type { AnyProjection } from './types.ts';
import { schemaOf } from './types.ts';

/** Rows of one table of one version, in a stable order, as JSON text (compares any column type). */
const tableRows = async (db: Kysely<unknown>, schema: string, table: string): Promise<string[]> => {
  const { rows } = await sql<{
    row: string;
  }>`select to_jsonb(t)::text as row from ${sql.id(schema, table)} t order by 1`.execute(db);
  return rows.map((r) => r.row);
};

const expectSameTables = async (db: Kysely<unknown>, projection: AnyProjection, a: number, b: number) => {
  for (const table of projection.tables) {
    const left = await tableRows(db, schemaOf({ ...projection, version: a }), table);
    const right = await tableRows(db, schemaOf({ ...projection, version: b }), table);
    expect(left.length, `${table} has rows`).toBeGreaterThan(0);
    expect(right, `${table}: v${b} equals v${a}`).toEqual(left);
  }
};

/** What the deployables' GET /metrics serves about these projections (Prometheus text). */
const servedMetrics = (db: Kysely<unknown>, projections: readonly AnyProjection[], now: Date): Promise<string> =>
  createMetrics({ db, projections, now: () => now }).registry.metrics();

for (const engine of engines('projector runtime')) {
  describe(`projector runtime on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
    });
    afterAll(async () => {
      await e?.close();
    });

    it('lag counts the events not yet applied and their age; caught up it is zero', async () => {
      await appendScenario(e.store, 0);
      const now = new Date(Date.now() + 5_000);
      const before = await projectorLag(e.db, ratingsProjection, now);
      expect(before.checkpoint).toBeNull();
      expect(before.behindEvents).toBeGreaterThan(20);
      expect(before.behindSeconds).toBeGreaterThanOrEqual(5);
      expect(before.applied).toBe(0);

      const projector = startProjector(e, ratingsProjection, { batchSize: 7, pollIntervalMs: 50 });
      await projector.caughtUp();
      await projector.stop();
      const after = await projectorLag(e.db, ratingsProjection, now);
      expect(after).toMatchObject({ behindEvents: 0, behindSeconds: 0, applied: 1 });
      expect(after.checkpoint).not.toBeNull();
      const metrics = await servedMetrics(e.db, [ratingsProjection, warningsProjection], now);
      expect(metrics).toContain('pinggai_projector_lag_events{projection="ratings",version="1"} 0');
      expect(metrics).toMatch(/pinggai_projector_lag_events\{projection="warnings",version="1"\} [1-9]/);
    });

    it('a live projection fed in several rounds equals a rebuild from zero, table by table; the swap repoints app.* views', async () => {
      // Both projectors run live while events arrive in rounds, in batches that cut streams apart.
      const live = [
        startProjector(e, ratingsProjection, { batchSize: 5, pollIntervalMs: 20 }),
        startProjector(e, warningsProjection, { batchSize: 3, pollIntervalMs: 20 }),
      ];
      await appendScenario(e.store, 1);
      await Promise.all(live.map((projector) => projector.caughtUp()));
      await appendScenario(e.store, 2);
      await Promise.all(live.map((projector) => projector.caughtUp()));
      await Promise.all(live.map((projector) => projector.stop()));

      for (const projection of [ratingsProjection, warningsProjection]) {
        const progress: RebuildProgress[] = [];
        const v2 = { ...projection, version: 2 };
        const result = await rebuildProjection(e, v2, {
          // Many small batches: what one batch leaves half-folded the next one completes.
          batchSize: 11,
          applySize: 11,
          onProgress: (p) => progress.push(p),
          progressEveryMs: 0,
        });
        expect(result.activated).toBe(true);
        expect(result.percentOfHead).toBe(100);
        expect(progress.at(-1)?.applied).toBe(result.total);
        expect(formatProgress(progress.at(-1)!)).toContain('"percent_of_head":100');
        await expectSameTables(e.db, projection, 1, 2);
        expect(await activeVersion(e.db, projection.name)).toBe(2);
        const viewDefinition = await sql<{ definition: string }>`
          select definition from pg_views where schemaname = 'app' and viewname = ${projection.tables[0]!}`.execute(
          e.db,
        );
        expect(viewDefinition.rows[0]?.definition).toContain(`rm_${projection.name}_v2`);
        // The retired version can go; the serving one cannot be rebuilt in place or dropped.
        await dropVersion(e.db, projection);
        await expect(rebuildProjection(e, v2)).rejects.toMatchObject({ code: 'PROJECTION_VERSION_ACTIVE' });
        await expect(dropVersion(e.db, v2)).rejects.toMatchObject({ code: 'PROJECTION_VERSION_ACTIVE' });
      }
    });

    it('a batch that fails halfway leaves neither rows nor checkpoint; after the crash the result equals a clean rebuild', async () => {
      await appendScenario(e.store, 3);
      let calls = 0;
      const base = { ...ratingsProjection, version: 3 };
      const bulk = base.bulk!;
      // A rebuild loads with the bulk writer (facts only; the roll-ups are derived at the end).
      const crashing: AnyProjection = {
        ...base,
        bulk: {
          ...bulk,
          async apply(trx, events) {
            await bulk.apply(trx, events);
            calls++;
            // The rows of this batch are written, then the process "dies" before the commit.
            if (calls === 3) throw new Error('simulated crash after writing, before commit');
          },
        },
      };
      // One lane: the batch and its checkpoint in one transaction, so the crash undoes the whole batch.
      await rebuildProjection(e, crashing, { batchSize: 9, applySize: 9, activate: false, lanes: 1 }).then(
        () => expect.unreachable('the crash should surface'),
        (error: Error) => expect(error.message).toMatch(/simulated crash/),
      );
      const checkpoint = await loadCheckpoint(e.db, crashing);
      const events = await e.store.readAll({ after: null, limit: 18, categories: base.categories });
      expect(checkpoint).toBe(events[17]!.logPosition);
      const applied = await sql<{
        n: number;
      }>`select events_applied::int as n from app.projection_checkpoints where projection = 'ratings' and version = 3`.execute(
        e.db,
      );
      expect(applied.rows[0]?.n).toBe(18);

      const pending = () =>
        sql<{ n: number }>`select count(*)::int as n from app.projection_bulk_pending where schema_name = 'rm_ratings_v3'`
          .execute(e.db)
          .then(({ rows }) => rows[0]?.n);
      expect(await pending()).toBe(1);
      // A new process resumes from the checkpoint (no rebuild: it continues the version's tables). It
      // first derives the roll-ups the dead rebuild never summed, then adds to them batch by batch.
      const resumed = startProjector(e, base, { batchSize: 9, pollIntervalMs: 20 });
      await resumed.caughtUp();
      await resumed.stop();
      expect(await pending()).toBe(0);
      await rebuildProjection(e, { ...ratingsProjection, version: 4 }, { batchSize: 100, activate: false });
      await expectSameTables(e.db, ratingsProjection, 3, 4);
      await dropVersion(e.db, { name: 'ratings', version: 3 });
      await dropVersion(e.db, { name: 'ratings', version: 4 });
    });

    it('a rebuild in two lanes that dies after one lane committed: resumed, the batch applied again and copied facts change nothing', async () => {
      const base = { ...ratingsProjection, version: 7 };
      const bulk = base.bulk!;
      const firstBatch = await e.store.readAll({ after: null, limit: 12, categories: base.categories });
      const secondBatch = await e.store.readAll({ after: firstBatch[11]!.logPosition, limit: 12, categories: base.categories });
      const inSecondBatch = new Set(secondBatch.map((event) => event.id));
      let secondBatchParts = 0;
      const crashing: AnyProjection = {
        ...base,
        bulk: {
          ...bulk,
          async apply(trx, events) {
            // The second batch's second part fails; its other part commits on its own (and the lanes
            // do not wait for each other, so that lane may go on to the third batch).
            if (events.every((event) => inSecondBatch.has(event.id)) && ++secondBatchParts === 2)
              throw new Error('simulated crash in the second lane');
            await bulk.apply(trx, events);
          },
        },
      };
      await rebuildProjection(e, crashing, { batchSize: 12, applySize: 12, activate: false, lanes: 2 }).then(
        () => expect.unreachable('the crash should surface'),
        (error: Error) => expect(error.message).toMatch(/second lane/),
      );
      // The checkpoint stays after the first batch, though rows of the second are already written.
      expect(await loadCheckpoint(e.db, base)).toBe(firstBatch[11]!.logPosition);
      // The facts' keys are still deferred: had a part been inserted twice meanwhile, its rows would be
      // exact copies, which the key's rebuild removes.
      const keys = () =>
        sql<{ n: number }>`
          select count(*)::int as n from pg_constraint
          where conrelid in ('rm_ratings_v7.rating_facts'::regclass, 'rm_ratings_v7.indicator_answers'::regclass) and contype = 'p'`
          .execute(e.db)
          .then(({ rows }) => rows[0]?.n);
      expect(await keys()).toBe(0);
      const copied = await sql`insert into rm_ratings_v7.rating_facts select * from rm_ratings_v7.rating_facts limit 2`.execute(e.db);
      expect(Number(copied.numAffectedRows)).toBeGreaterThan(0);
      await sql`insert into rm_ratings_v7.indicator_answers select * from rm_ratings_v7.indicator_answers limit 3`.execute(e.db);
      const resumed = startProjector(e, base, { batchSize: 12, pollIntervalMs: 20 });
      await resumed.caughtUp();
      await resumed.stop();
      expect(await keys()).toBe(2);
      await rebuildProjection(e, { ...ratingsProjection, version: 8 }, { activate: false, lanes: 1 });
      await expectSameTables(e.db, ratingsProjection, 7, 8);
      await dropVersion(e.db, { name: 'ratings', version: 7 });
      await dropVersion(e.db, { name: 'ratings', version: 8 });
    });

    it('an event the projection cannot apply: the events before it are applied, it is named and retried, nothing after it is applied until the code is fixed', async () => {
      const v9 = { ...warningsProjection, version: 9 };
      await rebuildProjection(e, v9, { activate: false });
      await sql`delete from app.projection_checkpoints where projection = 'warnings' and version = 9`.execute(e.db);
      for (const table of v9.tables) await sql`truncate table ${sql.id(schemaOf(v9), table)}`.execute(e.db);
      const events = await e.store.readAll({ after: null, limit: 500, categories: v9.categories });
      expect(events.length).toBeGreaterThanOrEqual(5);
      const poison = events[2]!;
      let broken = true;
      const buggy: AnyProjection = {
        ...v9,
        async apply(trx, batch) {
          if (broken && batch.some((event) => event.id === poison.id)) throw new Error('simulated bug in the projection');
          await v9.apply(trx, batch);
        },
      };
      const projector = startProjector(e, buggy, { batchSize: 500, pollIntervalMs: 20, onError: () => {} });
      try {
        let failures = await projectorFailures(e.db);
        while (failures.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          failures = await projectorFailures(e.db);
        }
        expect(failures).toMatchObject([
          { projection: 'warnings', version: 9, eventId: poison.id, eventType: poison.type, streamId: poison.streamId, position: poison.logPosition, attempts: 1 },
        ]);
        expect(failures[0]!.error).toContain('simulated bug in the projection');
        // The two events before it are applied (each in its own transaction); nothing after it.
        expect(await loadCheckpoint(e.db, v9)).toBe(events[1]!.logPosition);
        expect(projector.status().failures).toBeGreaterThanOrEqual(1);
        const now = new Date(Date.now() + 1_000);
        const metrics = await servedMetrics(e.db, [v9], now);
        expect(metrics).toMatch(/pinggai_projector_failing_seconds\{projection="warnings",version="9"\} [1-9]/);
        expect(metrics).toContain('pinggai_projector_failed_attempts{projection="warnings",version="9"} 1');
        const report = formatOpsReport(await opsReport({ db: e.db, store: e.store, projections: [v9], now }));
        expect(report).toContain(`stuck at ${poison.type} ${poison.id}`);

        // Retried after its back-off (1 s, then 2 s …), it stays stuck on the same event.
        while ((await projectorFailures(e.db))[0]!.attempts < 2) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await loadCheckpoint(e.db, v9)).toBe(events[1]!.logPosition);

        broken = false; // the fix is deployed
        await projector.caughtUp();
        expect(await projectorFailures(e.db)).toEqual([]);
        expect(projector.status().failures).toBe(0);
      } finally {
        await projector.stop();
      }
      // Nothing skipped, nothing applied twice: the same rows as a clean rebuild, every event counted once.
      const applied = await sql<{ n: number }>`
        select events_applied::int as n from app.projection_checkpoints where projection = 'warnings' and version = 9`.execute(e.db);
      expect(applied.rows[0]?.n).toBe(events.length);
      await rebuildProjection(e, { ...warningsProjection, version: 10 }, { activate: false });
      await expectSameTables(e.db, warningsProjection, 9, 10);
      await dropVersion(e.db, v9);
      await dropVersion(e.db, { name: 'warnings', version: 10 });
    });

    it('a projector whose checkpoint was moved by another one refuses the batch and writes nothing', async () => {
      const v5 = { ...warningsProjection, version: 5 };
      await rebuildProjection(e, v5, { activate: false });
      const position = await loadCheckpoint(e.db, v5);
      const events = await e.store.readAll({ after: null, limit: 3, categories: v5.categories });
      const before = await tableRows(e.db, schemaOf(v5), 'warnings');
      await expect(applyBatch(e.db, v5, schemaOf(v5), null, events)).rejects.toBeInstanceOf(
        ProjectorConflict,
      );
      expect(await loadCheckpoint(e.db, v5)).toBe(position);
      expect(await tableRows(e.db, schemaOf(v5), 'warnings')).toEqual(before);
      await dropVersion(e.db, v5);
    });

    it('two projectors of one version starting together from no checkpoint: one batch wins, the other is refused', async () => {
      const v6 = { ...ratingsProjection, version: 6 };
      await rebuildProjection(e, v6, { activate: false });
      await sql`delete from app.projection_checkpoints where projection = 'ratings' and version = 6`.execute(
        e.db,
      );
      for (const table of v6.tables) await sql`truncate table ${sql.id(schemaOf(v6), table)}`.execute(e.db);
      const events = await e.store.readAll({ after: null, limit: 20, categories: v6.categories });
      const results = await Promise.allSettled([
        applyBatch(e.db, v6, schemaOf(v6), null, events),
        applyBatch(e.db, v6, schemaOf(v6), null, events),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(ProjectorConflict);
      const applied = await sql<{
        n: number;
      }>`select events_applied::int as n from app.projection_checkpoints where projection = 'ratings' and version = 6`.execute(
        e.db,
      );
      expect(applied.rows[0]?.n).toBe(20);
      await dropVersion(e.db, v6);
    });
  });
}
