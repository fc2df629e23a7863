import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadHistoryFixtures } from './history-fixtures.ts';
import { bundleWarningWorkflows } from './worker.ts';

/**
 * Determinism check: every recorded lifecycle history replays against the current workflow code.
 * A change that breaks running warnings fails here and must go behind `patched()`.
 */
describe('warning lifecycle replay fixtures', () => {
  const fixtures = loadHistoryFixtures();

  it('has the recorded scenarios, each well under 300 history events', () => {
    expect(fixtures.map((f) => f.workflowId)).toEqual([
      'appeal-upheld',
      'continued-as-new',
      'fallback-2027',
      'loaded-2027',
      'missed-dispatch',
      'missed-reply-national-day',
      'missed-reply-spring-festival',
      'missed-reply-weekend',
      'on-time',
      'reopened-then-closed',
      'reply-races-escalation',
    ]);
    for (const fixture of fixtures) expect(fixture.eventCount, fixture.workflowId).toBeLessThan(300);
  });

  it('replays every history without a determinism error', async () => {
    const workflowBundle = await bundleWarningWorkflows();
    const results = Worker.runReplayHistories(
      { workflowBundle },
      fixtures.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of results) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(fixtures.length);
  });
});
