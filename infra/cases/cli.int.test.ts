import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvent } from '../../intake-edge/tests/fixtures.ts';
import { openEmbeddedDatabase } from '../embedded/event-store.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/** `npm run cases` as the operator runs it, on an embedded data folder; its exit code and what it says. */
const cases = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'infra/cases/cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, PINGGAI_DATA_DIR: dataDir, PINGGAI_DATABASE_URL: '', PINGGAI_PG_URL: '', PINGGAI_PII_KEYS: '', PINGGAI_INTAKE_SECRETS: '' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('npm run cases (the operator CLI)', () => {
  let dataDir: string;
  const events = async () => {
    const database = await openEmbeddedDatabase(dataDir, () => {});
    try {
      return (await sql<{ n: number }>`select count(*)::int as n from eventstore.events`.execute(database.db)).rows[0]!.n;
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinggai-cases-cli-'));
    const database = await openEmbeddedDatabase(dataDir, () => {});
    try {
      // As the projectors leave it: one case completed on 31 October, invited; one not.
      await sql`insert into app.case_facts (case_id, completed_day_key) values ('DONE-1', '2025-10-31'), ('DONE-2', '2025-10-31')`.execute(database.db);
      await sql`insert into app.invitation_funnel (invitation_id, case_id) values ('INV-1', 'DONE-1')`.execute(database.db);
    } finally {
      await database.close();
    }
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('reconcile refuses a day that is not on the calendar', async () => {
    const result = await cases(dataDir, 'reconcile', '--day', '2025-02-30');
    expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('2025-02-30') });
  });

  it('reconcile exits 1 when a completed case was not invited, and names it', async () => {
    const result = await cases(dataDir, 'reconcile', '--day', '2025-10-31');
    expect(result).toMatchObject({ code: 1, stdout: expect.stringContaining('未邀评 not invited (1): DONE-2') });
  });

  it('reconcile of a day without completed cases says so instead of the all-clear', async () => {
    const result = await cases(dataDir, 'reconcile', '--day', '2025-11-01');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no case was completed that day');
    expect(result.stdout).not.toContain('every completed case was invited');
  });

  it('backfill refuses a case system the intake is not configured with, naming the configured ones', async () => {
    const file = path.join(dataDir, 'cases.jsonl');
    await writeFile(file, `${JSON.stringify(caseEvent())}\n`);
    const result = await cases(dataDir, 'backfill', '--system', 'zwwf', '--file', file);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/zwwf is not a configured case system \(configured: zwfw\)/) });
    expect(await events()).toBe(0);
  });

  it('backfill refuses a file that is not UTF-8, suggesting to save it as UTF-8, and stores nothing', async () => {
    const file = path.join(dataDir, 'gbk.jsonl');
    const gbk = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
    const [before, after] = JSON.stringify(caseEvent({}, { staff: { id: 'S-1', name: 'NAME' } })).split('NAME') as [string, string];
    await writeFile(file, Buffer.concat([Buffer.from(`${JSON.stringify(caseEvent())}\n${before}`), gbk, Buffer.from(`${after}\n`)]));
    const result = await cases(dataDir, 'backfill', '--system', 'zwfw', '--file', file);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/gbk\.jsonl:2: .*UTF-8.* \/ .*save it as UTF-8/) });
    expect(await events()).toBe(0);
  });
});
