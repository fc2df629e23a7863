// Reading vitest's JSON report: how many tests passed, failed and were skipped in one tier.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Counts for one tier. A test file that fails before any test runs (an import error) has no test
 * results; it counts as one failure so that the summary can never read "0 failed" over a broken file.
 */
export const readTierReport = (file, root) => {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const brokenFiles = (report.testResults ?? []).filter(
    (result) => result.status === 'failed' && (result.assertionResults ?? []).length === 0,
  );
  return {
    files: (report.testResults ?? []).length,
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles.length,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    brokenFiles: brokenFiles.map((result) => ({
      file: path.relative(root, result.name),
      message: (result.message ?? '').split('\n')[0],
    })),
  };
};
