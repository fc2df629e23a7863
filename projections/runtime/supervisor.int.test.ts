import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratingsProjection } from '../ratings/projection.ts';
import type { Engine } from '../testing/engines.ts';
import { engines } from '../testing/engines.ts';
import { rate } from '../testing/events.ts';
import { appendScenario } from '../testing/scenario.ts';
import { warningsProjection } from '../warnings/projection.ts';
import { activeVersion } from './schema.ts';
import { startProjections } from './supervisor.ts';

const count = async (e: Engine, view: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.id('app', view)}`.execute(e.db)).rows[0]!.n;

for (const engine of engines('projection supervisor')) {
  describe(`startProjections on ${engine.name}`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine.open();
    });
    afterAll(async () => {
      await e?.close();
    });

    it('runs the serving versions live, rebuilds a newer version blue/green, swaps, and follows with it', async () => {
      await appendScenario(e.store, 0);
      const first = await startProjections(e, [ratingsProjection, warningsProjection], {
        pollIntervalMs: 20,
        log: () => {},
      });
      await first.caughtUp();
      await first.stop();
      expect(await count(e, 'rating_facts')).toBe(9);

      // A release adds ratings v2 beside v1: v1 keeps serving while v2 builds, then v2 takes over.
      const lines: string[] = [];
      const second = await startProjections(
        e,
        [ratingsProjection, { ...ratingsProjection, version: 2 }, warningsProjection],
        {
          pollIntervalMs: 20,
          log: (line) => lines.push(line),
        },
      );
      const [result] = await second.rebuilt;
      expect(result).toMatchObject({
        projection: 'ratings',
        version: 2,
        activated: true,
        percentOfHead: 100,
      });
      expect(await activeVersion(e.db, 'ratings')).toBe(2);
      expect(lines.some((line) => line.includes('"msg":"projection rebuild"'))).toBe(true);
      await rate(e.store, 'after-swap', '2025-10-20T02:00:00.000Z', { overall: 5 });
      await second.caughtUp();
      expect(
        second
          .projectors()
          .map((p) => `${p.projection.name}@v${p.projection.version}`)
          .sort(),
      ).toEqual(['ratings@v2', 'warnings@v1']);
      expect(await count(e, 'rating_facts')).toBe(10);
      await second.stop();

      // The next release drops v1 and keeps the code as v1 (an operator rebuild took it to v2): v2 still runs live.
      const third = await startProjections(e, [ratingsProjection, warningsProjection], {
        pollIntervalMs: 20,
        log: () => {},
      });
      expect(
        third
          .projectors()
          .map((p) => `${p.projection.name}@v${p.projection.version}`)
          .sort(),
      ).toEqual(['ratings@v2', 'warnings@v1']);
      await rate(e.store, 'after-restart', '2025-10-21T02:00:00.000Z', { overall: 4 });
      await third.caughtUp();
      expect(await count(e, 'rating_facts')).toBe(11);
      await third.stop();
    });
  });
}
