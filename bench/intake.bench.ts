/**
 * `npm run bench:intake` — the rating-submission endpoint against a bare Hono hello-world, in one run.
 *
 * A child process serves both apps with @hono/node-server: hello-world, and the intake app on a real
 * Postgres server (events appended through the store, attachments none). It first issues invitations
 * (one rating per invitation). The parent is the load generator: closed-loop maximum throughput of
 * hello-world and of POST /e/:token (overall=5, urlencoded), then an open-loop run at half the maximum
 * submission rate for the p99 latency. Ends with one JSON line.
 *
 * Env: PINGGAI_BENCH_PG_URL or PINGGAI_TEST_PG_URL; BENCH_SECONDS (4), BENCH_CONCURRENCY (32),
 * BENCH_INVITATIONS (6000).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { percentile, round } from './support/stats.ts';

const env = process.env;
const seconds = Number(env['BENCH_SECONDS'] ?? 4);
const concurrency = Number(env['BENCH_CONCURRENCY'] ?? 32);
const invitations = Number(env['BENCH_INVITATIONS'] ?? 6000);

const serveChild = async () => {
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const { createBenchDatabase } = await import('./support/database.ts');
  const { createPgEventStore } = await import('../core/eventstore/pg.ts');
  const { createPgPool, postgresKysely } = await import('../core/db/postgres.ts');
  const { createHarness } = await import('../intake-edge/tests/harness.ts');
  const { issueInvitation } = await import('../intake-edge/invitations/issue.ts');
  const serverUrl = env['PINGGAI_BENCH_PG_URL'] ?? env['PINGGAI_TEST_PG_URL'];
  if (!serverUrl) throw new Error('PINGGAI_BENCH_PG_URL (or PINGGAI_TEST_PG_URL) is not set: the bench needs a Postgres server');
  const database = await createBenchDatabase(serverUrl);
  const store = createPgEventStore({ connectionString: database.url, listen: false });
  const db = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 10 }));
  const harness = await createHarness({ store, db });
  const tokens: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < invitations) {
        const index = next++;
        const issued = await issueInvitation(harness.services, {
          invitationId: `B${index.toString(36).padStart(9, '0')}`,
          channel: 'qr_case',
          trigger: 'case_completed',
          recipient: null,
          subject: {
            caseId: `bench:${index}`,
            caseNumber: `${index}`,
            matter: { code: 'M-FOOD', name: '食品经营许可', type: 'administrative_licence' },
            department: { code: 'SCJGJ', name: '区市场监督管理局' },
            hall: { code: 'SMZJ', name: '市民之家' },
            window: { code: 'W07', name: '7号窗口' },
            staff: { id: 'S-0107', displayName: '李明' },
            applicantType: 'natural_person',
            enterpriseType: null,
            regionCode: '421202',
            stage: 'concluded',
            progress: 'on_time',
          },
        });
        tokens.push(issued.token);
      }
    }),
  );
  const hello = new Hono().get('/', (c) => c.text('Hello Hono!'));
  const listen = (fetch: (request: Request) => Response | Promise<Response>) =>
    new Promise<{ port: number; close(): void }>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ port: info.port, close: () => server.close() }));
    });
  const helloServer = await listen(hello.fetch);
  const intakeServer = await listen(harness.app.fetch);
  process.stdout.write(`${JSON.stringify({ helloPort: helloServer.port, intakePort: intakeServer.port, tokens })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    helloServer.close();
    intakeServer.close();
    void (async () => {
      await harness.close();
      await store.close();
      await db.destroy();
      await database.drop();
      process.exit(0);
    })();
  });
};

/** Closed loop: `concurrency` workers, each sending the next request when the last one answered. */
const closedLoop = async (send: (index: number) => Promise<void>, limit: number): Promise<{ done: number; elapsedMs: number }> => {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && issued < limit) await send(issued++);
    }),
  );
  return { done: issued, elapsedMs: performance.now() - started };
};

const expectOk = async (response: Response, what: string) => {
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`${what}: HTTP ${response.status}`);
};

const main = async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server process exited (${code})`)));
  });
  const { helloPort, intakePort, tokens } = JSON.parse(first) as { helloPort: number; intakePort: number; tokens: string[] };
  try {
    const helloUrl = `http://127.0.0.1:${helloPort}/`;
    const intake = `http://127.0.0.1:${intakePort}`;
    const pageResponse = await fetch(`${intake}/e/${tokens[0]}`);
    const pageBytes = (await pageResponse.arrayBuffer()).byteLength;

    const helloRun = await closedLoop(async () => expectOk(await fetch(helloUrl), 'hello'), Number.POSITIVE_INFINITY);
    const helloRps = (helloRun.done / helloRun.elapsedMs) * 1000;

    let cursor = 1;
    const submit = async () => {
      const token = tokens[cursor++];
      if (!token) throw new Error('ran out of invitations: raise BENCH_INVITATIONS');
      const started = performance.now();
      await expectOk(await fetch(`${intake}/e/${token}`, { method: 'POST', body: new URLSearchParams({ overall: '5' }), headers: { accept: 'application/json' } }), 'submit');
      return performance.now() - started;
    };
    const maxRun = await closedLoop(async () => void (await submit()), Math.floor(tokens.length * 0.6));
    const submitRps = (maxRun.done / maxRun.elapsedMs) * 1000;

    // Open loop at half the maximum rate: requests leave on schedule whether or not earlier ones answered.
    const rate = submitRps / 2;
    const count = Math.min(Math.floor(rate * seconds), tokens.length - cursor);
    const latencies: number[] = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const due = start + (i / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        latencies.push(await submit());
      }),
    );
    latencies.sort((a, b) => a - b);
    const result = {
      bench: 'intake',
      hello_per_s: round(helloRps, 0),
      submits_per_s: round(submitRps, 0),
      submit_vs_hello: round(submitRps / helloRps, 3),
      p99_ms_at_half_load: round(percentile(latencies, 99), 1),
      p50_ms_at_half_load: round(percentile(latencies, 50), 1),
      half_load_per_s: round(rate, 0),
      page_bytes: pageBytes,
      concurrency,
      seconds,
    };
    console.log(`hello-world ${result.hello_per_s}/s; submissions ${result.submits_per_s}/s (${(result.submit_vs_hello * 100).toFixed(1)}% of hello; target ≥ 25%)`);
    console.log(`at ${result.half_load_per_s}/s (half load): p50 ${result.p50_ms_at_half_load} ms, p99 ${result.p99_ms_at_half_load} ms (target ≤ 50); page ${pageBytes} bytes (target ≤ 51200)`);
    console.log(JSON.stringify({ bench: result.bench, submit_vs_hello: result.submit_vs_hello, submits_per_s: result.submits_per_s, p99_ms_at_half_load: result.p99_ms_at_half_load, page_bytes: result.page_bytes, hello_per_s: result.hello_per_s }));
  } finally {
    child.stdin!.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
};

if (process.argv[2] === 'serve') await serveChild();
else await main();
