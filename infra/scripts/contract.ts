/**
 * `npm run test:contract`: schemathesis (PyPI) against the served OpenAPI documents of the intake
 * edge (/api/openapi.json) and the staff API (/api/staff/openapi.json). The embedded stack runs
 * in this process on a free port (PGlite in a temporary directory, a few simulated demo days, the
 * demo accounts); the staff run is signed in as the demo administrator (session cookie and CSRF
 * header passed with -H). Checks: no 5xx, and every answer matches its documented schema.
 *
 * Left out, with the reason printed: the signed case-system operations (schemathesis cannot compute
 * the HMAC; case-api property tests cover them) and the routes that would end the run's own session.
 *
 * Environment: SCHEMATHESIS (the command, default `python3 -m schemathesis.cli`), CONTRACT_MAX_EXAMPLES (default 25).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoIntakeHalls } from '../demo/world.ts';
import { startConsoleStack } from '../../tests/support/console-stack.ts';
import { signInStaff } from '../../tests/support/staff-sign-in.ts';

// The module, not the `schemathesis` script: a pip --user install need not be on PATH.
const [command, ...commandArgs] = (process.env['SCHEMATHESIS'] ?? 'python3 -m schemathesis.cli').split(' ') as [string, ...string[]];
const maxExamples = process.env['CONTRACT_MAX_EXAMPLES'] ?? '25';
const password = `contract-${crypto.randomUUID()}`;

/** Runs schemathesis, showing its output as it comes and keeping it to read afterwards. */
const runOnce = (args: string[]): Promise<{ code: number; output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...commandArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (process.stdout.write(chunk), (output += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => (process.stderr.write(chunk), (output += chunk.toString())));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });

/**
 * A run whose only trouble is an error inside the tool itself (a "Runtime Error" in the ERRORS section
 * and no FAILURES section: e.g. Hypothesis tripping over CPython's "AST constructor recursion depth
 * mismatch" while describing a lambda) says nothing about our API: it is run once more, and says so.
 * A failure of a check (a 5xx, a schema violation) is never retried.
 */
const run = async (args: string[]): Promise<{ code: number; output: string }> => {
  const first = await runOnce(args);
  const toolError = first.code !== 0 && !/=+ FAILURES =+/.test(first.output) && /=+ ERRORS =+[\s\S]*Runtime Error/.test(first.output);
  if (!toolError) return first;
  console.log('[contract] schemathesis stopped on an error inside itself, not on a finding about the API: running it once more');
  return runOnce(args);
};

/**
 * What a failed run found, for the end of the output (where a CI log's tail shows it): the FAILURES
 * and ERRORS sections of schemathesis's report, or, when there are none, the report's last lines.
 */
const findingsOf = (output: string, maxLines = 150): string => {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => /^=+ (FAILURES|ERRORS) =+$/.test(line.trim()));
  const end = lines.findIndex((line, index) => index > start && /^=+ SUMMARY =+$/.test(line.trim()));
  const section = start >= 0 ? lines.slice(start, end > start ? end : undefined) : lines.slice(-40);
  return section.length > maxLines ? [...section.slice(0, maxLines), `… ${section.length - maxLines} more lines above in the log`].join('\n') : section.join('\n');
};

const common = (origin: string) => [
  '--url',
  origin,
  '--checks',
  'not_a_server_error,response_schema_conformance',
  '--phases',
  'examples,coverage,fuzzing',
  '--max-examples',
  maxExamples,
  '--seed',
  '20261128',
  // One worker: with two, schemathesis's threads trip CPython 3.11's AST constructor, whose recursion
  // counter is shared between threads ("AST constructor recursion depth mismatch", python/cpython#106905),
  // often enough that the run once more (below) failed the same way.
  '--workers',
  '1',
  '--no-color',
  '--suppress-health-check',
  'all',
  // No .schemathesis/ example database in the checkout: every run starts from the seed.
  '--generation-database',
  'none',
];

const excluded = {
  intake: [['^/api/v1/', 'signed case-system operations (HMAC over the body; schemathesis cannot sign): covered by the case-api property tests']],
  staff: [
    ['^/api/staff/session(/all|/password)?$', 'signing in, out and changing the password would end the run’s own session: covered by session.int.test.ts'],
  ],
} as const;

/**
 * Signs in as a demo account as a browser would (tests/support/staff-sign-in.ts: the password, then
 * the TOTP step when the sign-in asks for it), and gives the session as schemathesis's header options.
 */
const signInAs = async (origin: string, username: string): Promise<string[]> => {
  const post = (body: unknown, cookie?: string) =>
    fetch(`${origin}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const session = await signInStaff(post, username, password);
  return ['-H', `Cookie: ${session.cookie}`, '-H', `X-CSRF-Token: ${session.csrfToken}`, '-H', `Origin: ${origin}`];
};

const stack = await startConsoleStack({ days: 2, seed: 'contract', password });
const results: { api: string; code: number; output: string }[] = [];
const configDir = await mkdtemp(path.join(tmpdir(), 'pinggai-contract-'));
try {
  const administrator = await signInAs(stack.origin, 'admin');
  const dispatcher = await signInAs(stack.origin, 'dispatcher');
  const inbox = await fetch(`${stack.origin}/api/staff/warnings`, { headers: { cookie: dispatcher[1]!.slice('Cookie: '.length) } });
  const warningId = inbox.ok ? ((await inbox.json()) as { items: { warningId: string }[] }).items[0]?.warningId : undefined;
  const hall = demoIntakeHalls()[0]!;
  // Real hall, window and warning ids in schemathesis.toml, so that part of the generated requests
  // reach the handlers' logic instead of a 404 (every other value stays generated).
  const runs = [
    {
      api: 'intake',
      spec: '/api/openapi.json',
      config: `[[operations]]\ninclude-path-regex = "^/q/"\nparameters = { "path.hall" = ${JSON.stringify(hall.code)}, "path.window" = ${JSON.stringify(hall.windows[0]!.code)} }\n`,
      excluded: excluded.intake,
      extra: [],
    },
    { api: 'staff (administrator)', spec: '/api/staff/openapi.json', config: '', excluded: excluded.staff, extra: administrator },
    {
      // The warning actions and uploads are a dispatcher's (an administrator only ever gets 403).
      api: 'staff (dispatcher)',
      spec: '/api/staff/openapi.json',
      config: warningId ? `[[operations]]\ninclude-path-regex = "^/api/staff/warnings/"\nparameters = { "path.id" = ${JSON.stringify(warningId)} }\n` : '',
      excluded: excluded.staff,
      extra: [...dispatcher, '--include-path-regex', '^/api/staff/(warnings|blobs)'],
    },
  ];
  console.log(`[contract] warning used for /warnings/{id}: ${warningId ?? 'none in the inbox'}`);
  for (const [index, { api, spec, config, excluded: left, extra }] of runs.entries()) {
    for (const [pattern, reason] of left) console.log(`[contract] ${api}: leaving out ${pattern}: ${reason}`);
    const file = path.join(configDir, `${index}.toml`);
    await writeFile(file, config);
    console.log(`[contract] ${api}: schemathesis run ${stack.origin}${spec}`);
    const args = ['--config-file', file, 'run', `${stack.origin}${spec}`, ...common(stack.origin), ...left.flatMap(([pattern]) => ['--exclude-path-regex', pattern]), ...extra];
    results.push({ api, ...(await run(args)) });
  }
} finally {
  await stack.close();
  await rm(configDir, { recursive: true, force: true });
}
for (const { api, code, output } of results) {
  if (code !== 0) console.log(`\n[contract] ${api} API, what schemathesis found:\n${findingsOf(output)}\n`);
}
for (const { api, code } of results) console.log(`[contract] ${api} API: ${code === 0 ? 'passed' : `FAILED (schemathesis exit ${code})`}`);
if (results.length < 3) console.log(`[contract] only ${results.length} of 3 runs finished: see the error above`);
process.exitCode = results.length === 3 && results.every(({ code }) => code === 0) ? 0 : 1;
