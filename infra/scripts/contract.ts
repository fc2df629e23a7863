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
import { generate } from 'otplib';
import { startConsoleStack } from '../../tests/support/console-stack.ts';

// The module, not the `schemathesis` script: a pip --user install need not be on PATH.
const [command, ...commandArgs] = (process.env['SCHEMATHESIS'] ?? 'python3 -m schemathesis.cli').split(' ') as [string, ...string[]];
const maxExamples = process.env['CONTRACT_MAX_EXAMPLES'] ?? '25';
const password = `contract-${crypto.randomUUID()}`;

const run = (args: string[]): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...commandArgs, ...args], { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

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
  '--workers',
  '2',
  '--no-color',
  '--suppress-health-check',
  'all',
];

const excluded = {
  intake: [['^/api/v1/', 'signed case-system operations (HMAC over the body; schemathesis cannot sign): covered by the case-api property tests']],
  staff: [
    ['^/api/staff/session(/all|/password)?$', 'signing in, out and changing the password would end the run’s own session: covered by session.int.test.ts'],
  ],
} as const;

const cookiesOf = (headers: Headers): string[] => headers.getSetCookie().map((line) => line.split(';')[0]!);

/**
 * Signs in as the demo administrator: the password, then, when the sign-in asks for it, the TOTP
 * step (an administrator enrols on first sign-in; the code comes from the secret the answer shows).
 */
const signInAsAdministrator = async (origin: string): Promise<{ cookie: string; csrfToken: string }> => {
  const post = (body: unknown, cookie?: string) =>
    fetch(`${origin}/api/staff/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  let response = await post({ username: 'admin', password });
  let answer = (await response.json()) as { csrfToken?: string; stage?: string; enrolment?: { secret: string } };
  if (response.ok && answer.enrolment) {
    const code = await generate({ secret: answer.enrolment.secret, epoch: Math.floor(Date.now() / 1000), period: 30 });
    response = await post({ code }, cookiesOf(response.headers).join('; '));
    answer = (await response.json()) as typeof answer;
  }
  if (!response.ok || !answer.csrfToken) throw new Error(`signing in as the demo administrator failed: ${response.status} ${JSON.stringify(answer)}`);
  return { cookie: cookiesOf(response.headers).join('; '), csrfToken: answer.csrfToken };
};

const stack = await startConsoleStack({ days: 2, seed: 'contract', password });
const results: { api: string; code: number }[] = [];
try {
  const { cookie, csrfToken } = await signInAsAdministrator(stack.origin);
  for (const [api, path, extra] of [
    ['intake', '/api/openapi.json', []],
    ['staff', '/api/staff/openapi.json', ['-H', `Cookie: ${cookie}`, '-H', `X-CSRF-Token: ${csrfToken}`, '-H', `Origin: ${stack.origin}`]],
  ] as const) {
    for (const [pattern, reason] of excluded[api]) console.log(`[contract] ${api}: leaving out ${pattern}: ${reason}`);
    const exclusions = excluded[api].flatMap(([pattern]) => ['--exclude-path-regex', pattern]);
    console.log(`[contract] ${api}: schemathesis run ${stack.origin}${path}`);
    results.push({ api, code: await run(['run', `${stack.origin}${path}`, ...common(stack.origin), ...exclusions, ...extra]) });
  }
} finally {
  await stack.close();
}
for (const { api, code } of results) console.log(`[contract] ${api} API: ${code === 0 ? 'passed' : `FAILED (schemathesis exit ${code})`}`);
process.exitCode = results.length === 2 && results.every(({ code }) => code === 0) ? 0 : 1;
