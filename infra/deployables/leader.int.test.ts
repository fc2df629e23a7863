import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import { holdLeadership } from './leader.ts';

describe.runIf(needs('projector group leadership on Postgres', 'PINGGAI_TEST_PG_URL'))('one process runs a projector group; a second waits as a standby', () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_leader');
  });
  afterAll(async () => database?.drop());

  it('the standby takes over when the holder lets go (or its session ends)', async () => {
    const lines: string[] = [];
    const lost: unknown[] = [];
    const options = { connectionString: database.url, key: `pinggai:projector:test-${crypto.randomUUID()}`, log: (line: string) => lines.push(line), onLost: (error: unknown) => lost.push(error), retryMs: 50 };
    const first = holdLeadership(options);
    await first.acquired;
    const second = holdLeadership(options);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(first.isLeader()).toBe(true);
    expect(second.isLeader()).toBe(false);
    expect(lines.some((line) => line.includes('standby'))).toBe(true);

    await first.release();
    await second.acquired;
    expect(second.isLeader()).toBe(true);
    await second.release();
    expect(lost).toEqual([]);
  });
});
