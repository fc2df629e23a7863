import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../embedded/event-store.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const secret = 'province-shared-secret-0123456789';

/**
 * `npm run feed -- send` as the operator runs it, on an embedded data folder, against a province on
 * this machine that rejects every record whose id ends in 2: the exit code says whether all arrived.
 */
describe('npm run feed -- send', () => {
  let dataDir: string;
  let url: string;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const recordIds = (JSON.parse(body) as { records: { recordId: string }[] }).records.map((record) => record.recordId);
      const results = recordIds.map((recordId) => (recordId.endsWith('2') ? { recordId, status: 'rejected', reason: 'E102 事项编码不存在' } : { recordId, status: 'accepted' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    });
  });
  const send = (month: string) =>
    run(process.execPath, ['--import', 'tsx', 'infra/feed/cli.ts', 'send', '--month', month], {
      cwd: root,
      env: { ...process.env, PINGGAI_DATA_DIR: dataDir, PINGGAI_DATABASE_URL: '', PINGGAI_PG_URL: '', PINGGAI_FEED_URL: url, PINGGAI_FEED_KEY_ID: 'xianan', PINGGAI_FEED_SECRET: secret },
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hcp/records`;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinggai-feed-cli-'));
    const database = await openEmbeddedDatabase(dataDir, () => {});
    try {
      for (const [id, month] of [['PJrating000001', '2025-10'], ['PJrating000002', '2025-10'], ['PJrating000003', '2025-09']] as const)
        await sql`insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload, next_attempt_at)
                  values (${id}, 'rating', ${`e-${id}`}, ${month}, ${JSON.stringify({ kind: 'rating', recordId: id })}::jsonb, '2025-11-01T00:00:00Z')`.execute(database.db);
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 1 when the province rejected a record, as report does', async () => {
    const result = await send('2025-10');
    expect(result.stdout).toContain('done: accepted 1, rejected 1, to retry later 0, given up 0');
    expect(result.code).toBe(1);
  });

  it('exits 0 when every record of the month was accepted', async () => {
    const result = await send('2025-09');
    expect(result.stdout).toContain('done: accepted 1, rejected 0, to retry later 0, given up 0');
    expect(result.code).toBe(0);
  });
});
