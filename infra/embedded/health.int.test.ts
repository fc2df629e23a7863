import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, testEnv } from '../../tests/support/env.ts';
import { eventStoreHealth, temporalHealth } from './components.ts';
import { lockDataFolder } from './data-lock.ts';
import type { EmbeddedDatabase } from './event-store.ts';
import { openEmbeddedDatabase } from './event-store.ts';
import { healthRoutes } from './health.ts';

// The embedded parts for real: PGlite in a data folder (migrated), the folder's lock, a Temporal server.
describe.runIf(needs('embedded health against PGlite and Temporal', 'TEMPORAL_ADDRESS'))(
  'embedded health, real components',
  () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-embedded-'));
    const address = testEnv('TEMPORAL_ADDRESS') ?? '';
    let database: EmbeddedDatabase;
    let connection: Connection;
    const lines: string[] = [];

    beforeAll(async () => {
      database = await openEmbeddedDatabase(dataDir, (line) => lines.push(line));
      connection = await Connection.connect({ address });
    });
    afterAll(async () => {
      await connection?.close();
      await database?.pglite.close().catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
    });

    const app = () =>
      healthRoutes({
        service: 'PingGai embedded',
        startedAt: new Date(),
        now: () => new Date(),
        components: [
          eventStoreHealth(database.store, database.folder),
          temporalHealth(connection, address, 'default'),
        ],
      });

    it('opens PGlite in <dataDir>/pglite and applies the migrations', () => {
      expect(database.folder).toBe(path.join(dataDir, 'pglite'));
      expect(lines).toContain('migration 0001_eventstore: Success');
    });

    it('is ready when the event store and Temporal answer', async () => {
      const response = await app().request('/readyz');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        components: [
          { id: 'eventStore', ok: true },
          { id: 'temporal', ok: true },
        ],
      });
    });

    it('reports a namespace Temporal does not know as not ready', async () => {
      const routes = healthRoutes({
        service: 't',
        startedAt: new Date(),
        now: () => new Date(),
        components: [temporalHealth(connection, address, 'no-such-namespace')],
      });
      const response = await routes.request('/readyz?lang=en');
      expect(response.status).toBe(503);
      expect((await response.json()).detail).toMatch(/Workflow engine \(Temporal\): .*no-such-namespace/i);
    });

    it('a second process cannot lock the same folder while this one holds it', async () => {
      const lock = lockDataFolder(dataDir, { now: () => new Date(), log: () => {} });
      try {
        const { spawnSync } = await import('node:child_process');
        const other = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            '-e',
            `import('./infra/embedded/data-lock.ts').then(m => m.lockDataFolder(${JSON.stringify(dataDir)}, { now: () => new Date(), log: () => {} }))`,
          ],
          { encoding: 'utf8' },
        );
        expect(other.status).not.toBe(0);
        expect(other.stderr).toContain('DATA_FOLDER_LOCKED');
      } finally {
        lock.release();
      }
    });

    it('is not ready once the event store is closed', async () => {
      await database.close();
      const response = await app().request('/readyz?lang=en');
      expect(response.status).toBe(503);
      expect((await response.json()).components).toMatchObject([
        { id: 'eventStore', ok: false },
        { id: 'temporal', ok: true },
      ]);
    });
  },
);
