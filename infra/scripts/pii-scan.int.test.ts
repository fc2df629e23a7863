import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { dumpForPiiScan } from '../../tests/support/pii-dump.ts';
// @ts-expect-error — a plain .mjs script without type declarations
import { scanPaths } from './pii-scan.mjs';

type Scan = { files: number; findings: { file: string; line: number; masked: string }[] };
const scan = scanPaths as (targets: string[]) => Scan;

/** The dump and the scan together catch a phone number planted in a real database. */
describe('pii scan of database dumps', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-pii-dump-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('PGlite: a migrated database is clean; a phone planted in an event is found', async () => {
    const { pglite } = await createTestPglite();
    const clean = await dumpForPiiScan('clean', (sql) => pglite.query(sql), path.join(dir, 'clean'));
    expect(readFileSync(clean!, 'utf8')).toContain('-- "eventstore"."events"');
    expect(scan([path.join(dir, 'clean')]).findings).toEqual([]);

    await pglite.query('create table leak_probe (id int primary key, body jsonb not null)');
    await pglite.query(`insert into leak_probe values (1, '{"evaluator": {"phone": "13812341234"}}')`);
    await dumpForPiiScan('leaky', (sql) => pglite.query(sql), path.join(dir, 'leaky'));
    await pglite.close();
    const { findings } = scan([path.join(dir, 'leaky')]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.masked).toBe('138****1234');
  });

  it.runIf(needs('dump of a Postgres server test database', 'PINGGAI_TEST_PG_URL'))('Postgres server: the dump taken before a test database is dropped shows a planted phone', async () => {
    const target = path.join(dir, 'server');
    const previous = process.env.PINGGAI_PII_SCAN_DIR;
    process.env.PINGGAI_PII_SCAN_DIR = target;
    try {
      const database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_piiscan');
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('create table leak_probe (note text)');
      await client.query(`insert into leak_probe values ('回访 +86 15900001111 未接通')`);
      await client.end();
      await database.drop();
    } finally {
      if (previous === undefined) delete process.env.PINGGAI_PII_SCAN_DIR;
      else process.env.PINGGAI_PII_SCAN_DIR = previous;
    }
    const { files, findings } = scan([target]);
    expect(files).toBe(1);
    expect(findings.map((f) => f.masked)).toEqual(['159****1111']);
  });
});
