import { spawn } from 'node:child_process';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../tests/support/env.ts';
import { ratingsProjection } from '../ratings/projection.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { appendScenario } from '../testing/scenario.ts';
import { startProjector } from './projector.ts';
import { rebuildProjection } from './rebuild.ts';
import { prepareVersion } from './schema.ts';
import { schemaOf } from './types.ts';

const rows = async (db: Kysely<unknown>, schema: string, table: string) =>
  (
    await sql<{
      row: string;
    }>`select to_jsonb(t)::text as row from ${sql.id(schema, table)} t order by 1`.execute(db)
  ).rows.map((r) => r.row);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a failure that names the step that hung (rather than the test's bare timeout). */
const within = async <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
};

// A killed process must be a real process on a real server: PGlite lives inside the test process.
const postgres = needs('projector kill -9 test', 'PINGGAI_TEST_PG_URL')
  ? engines('projector kill -9 test').find((engine) => engine.name === 'postgres')
  : undefined;

describe.runIf(postgres !== undefined)('projector killed with SIGKILL mid-batch (Postgres server)', () => {
  let e: Engine;
  const v7 = { ...ratingsProjection, version: 7 };

  beforeAll(async () => {
    e = await postgres!.open();
    for (let round = 0; round < 4; round++) await appendScenario(e.store, round);
  });
  afterAll(async () => {
    await e?.close();
  });

  const applied = async (): Promise<number> =>
    (
      await sql<{ n: number }>`
        select coalesce(max(events_applied), 0)::int as n from app.projection_checkpoints
        where projection = 'ratings' and version = 7`.execute(e.db)
    ).rows[0]!.n;

  it('resumes after every kill and ends with exactly the rows of a clean rebuild, each event applied once', async () => {
    await prepareVersion(e.db, v7);
    const appliedAtKill: number[] = [];
    for (let kill = 0; kill < 4; kill++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'projections/testing/projector-child.ts', e.url!, '7'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      // Listen for the exit first: a child that dies early must fail the test, not leave it waiting.
      const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`code ${code}, signal ${signal}`)));
      const started = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await within(60_000, `projector child ${kill + 1} to start`, Promise.race([started, exited.then((how) => Promise.reject(new Error(`projector child ${kill + 1} exited before it started (${how})`)))]));
      await sleep(400 + 150 * kill);
      child.kill('SIGKILL');
      expect(await within(30_000, `projector child ${kill + 1} to exit after SIGKILL`, exited)).toBe('code null, signal SIGKILL');
      appliedAtKill.push(await applied());
    }
    const total = (
      await sql<{
        n: number;
      }>`select count(*)::int as n from eventstore.events where stream_category = any(${[...ratingsProjection.categories]}::text[])`.execute(
        e.db,
      )
    ).rows[0]!.n;
    // The kills landed while it was working: progress before the first kill, and not all of it.
    expect(appliedAtKill[0]).toBeGreaterThan(0);
    expect(appliedAtKill[0]).toBeLessThan(total);

    const finisher = startProjector(e, v7, { batchSize: 7, pollIntervalMs: 20 });
    await within(60_000, 'the finishing projector to catch up', finisher.caughtUp());
    await finisher.stop();
    // Every event was applied exactly once across all the processes.
    expect(await applied()).toBe(total);

    await rebuildProjection(e, { ...ratingsProjection, version: 8 }, { activate: false });
    for (const table of ratingsProjection.tables) {
      expect(await rows(e.db, schemaOf(v7), table), table).toEqual(
        await rows(e.db, schemaOf({ name: 'ratings', version: 8 }), table),
      );
    }
  });
});
