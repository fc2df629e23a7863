import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../embedded/event-store.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/** `npm run audit:verify` as the operator runs it, on an embedded data folder. */
const auditVerify = (dataDir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'infra/cli/audit-verify.ts', ...args], { cwd: root, env: { ...process.env, PINGGAI_DATA_DIR: dataDir, PINGGAI_PG_URL: '' } }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );

describe('npm run audit:verify -- --stream', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinggai-audit-verify-'));
    const database = await openEmbeddedDatabase(dataDir, () => {});
    try {
      await database.store.append('rating-audit-1', [{ id: crypto.randomUUID(), type: 'RatingRecorded', schemaVersion: 1, data: { overall: 5 }, metadata: { actor: { id: 'citizen' }, occurredAt: new Date().toISOString() } }], {
        expectedVersion: 'no_stream',
      });
    } finally {
      await database.close();
    }
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('a stream with its events is intact', async () => {
    const result = await auditVerify(dataDir, '--stream', 'rating-audit-1');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('OK (stream rating-audit-1): 1 events') });
  });

  it('a stream with no events (deleted, or mistyped) is reported missing, not OK', async () => {
    const result = await auditVerify(dataDir, '--stream', 'rating-audit-l');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/MISSING \(stream rating-audit-l\): 该流没有任何事件.* \/ the stream has no events/);
    expect(result.stdout).not.toContain('OK (');
  });
});
