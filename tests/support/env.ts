/**
 * What the test run was given. `npm test` (infra/scripts/launch.mjs) starts the engines and sets
 * these; a test that needs one that is missing skips with a printed reason instead of failing.
 *
 * @example
 *   describe.runIf(needs('Postgres server contract', 'PINGGAI_TEST_PG_URL'))('event store on pg', () => { … });
 */
export type TestEnvName =
  | 'PINGGAI_TEST_PG_URL'
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TEST_SERVER_PATH'
  | 'TEMPORAL_CLI_PATH'
  | 'DENO_PATH'
  | 'CHROMIUM_PATH'
  | 'ESDB_URL';

export const testEnv = (name: TestEnvName): string | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
};

/** True when every variable is set; otherwise prints which are missing and why the block skips. */
export const needs = (what: string, ...names: TestEnvName[]): boolean => {
  const missing = names.filter((name) => testEnv(name) === undefined);
  if (missing.length > 0) {
    console.warn(`[skip] ${what}: ${missing.join(', ')} not set (npm test starts these engines and sets them)`);
    return false;
  }
  return true;
};
