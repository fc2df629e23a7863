/**
 * `npm run bench:intake` — the rating-submission endpoint against a bare Hono hello-world, in one run.
 *
 * A child process serves both apps with @hono/node-server: hello-world, and the intake app on a real
 * Postgres server (events appended through the store, attachments none). It first issues invitations
 * (one rating per invitation). The parent is the load generator, autocannon (its own process, so the
 * generator does not share the server's event loop). In rounds: hello-world at full speed, then
 * POST /e/:token (overall=5, urlencoded, a distinct invitation per request) at full speed, then
 * hello-world again, which also opens the next round. A round's ratio takes the two hello-world runs
 * around it as its baseline; the figures reported are the median round's (every round's ratio is
 * listed). A bare Hono form post of the same shape (the floor: no link check, no store), sent the
 * same way and followed by hello-world, shows how much of the gap a form post leaves before the
 * rating does anything: what the server pays for a POST with a body (the gap is the server's:
 * driven by wrk, a bare Hono app of the same shape gives the same floor, infra/CAPACITY.md §2b).
 * Then an evenly paced open-loop run at half the median round's rate gives the p99 latency (its
 * first second is sent but not counted, see pacedLoad). Ends with one JSON line; its last key is
 * the Node version that served.
 *
 * Each side is warmed up first (a second of hello-world, a twentieth of the invitations), so that both
 * are measured after the JIT has compiled them. The server's CPU time per request is reported too:
 * on a shared machine it varies much less than throughput does.
 *
 * Env: PINGGAI_BENCH_PG_URL or PINGGAI_TEST_PG_URL; BENCH_SECONDS (4), BENCH_CONNECTIONS (64),
 * BENCH_INVITATIONS (40000: a twentieth for the warm-up, 55 % for the rounds, the rest for the half-load
 * run, enough up to ≈ 6,400 submissions/s), BENCH_ROUNDS (3, odd).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { round } from './support/stats.ts';

const env = process.env;
const seconds = Number(env['BENCH_SECONDS'] ?? 4);
const connections = Number(env['BENCH_CONNECTIONS'] ?? 64);
const invitations = Number(env['BENCH_INVITATIONS'] ?? 40000);
const rounds = Number(env['BENCH_ROUNDS'] ?? 3);
if (!Number.isInteger(rounds) || rounds < 1 || rounds % 2 === 0) throw new Error(`BENCH_ROUNDS must be an odd whole number (the median is a round's), not "${env['BENCH_ROUNDS']}"`);

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
  // The floor under any form post: the same route shape, the form read as the intake reads it, a JSON answer.
  const postFloor = new Hono().post('/e/:token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    return c.json({ invitationId: c.req.param('token'), recorded: form.has('overall') }, 201);
  });
  const listen = (fetch: (request: Request) => Response | Promise<Response>) =>
    new Promise<{ port: number; close(): void }>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ port: info.port, close: () => server.close() }));
    });
  const helloServer = await listen(hello.fetch);
  const postFloorServer = await listen(postFloor.fetch);
  const intakeServer = await listen(harness.app.fetch);
  process.stdout.write(`${JSON.stringify({ helloPort: helloServer.port, postFloorPort: postFloorServer.port, intakePort: intakeServer.port, tokens })}\n`);
  // Each line from the parent asks for the CPU time (µs) this process has used since the last one.
  let cpuSince = process.cpuUsage();
  createInterface({ input: process.stdin }).on('line', () => {
    const used = process.cpuUsage(cpuSince);
    cpuSince = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMicros: used.user + used.system })}\n`);
  });
  process.stdin.once('end', () => {
    helloServer.close();
    postFloorServer.close();
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

interface Load {
  readonly total: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Requests answered at full speed, and the server's CPU time (µs) over them. */
interface Measured {
  readonly total: number;
  readonly perSecond: number;
  readonly cpuMicros: number;
}

/**
 * One autocannon run (in this process, the server is in the child): fails on any error or non-2xx
 * answer. The rate is timed here, from the start to the last answer: autocannon ends a run on its next
 * one-second tick, so with `amount` its own duration counts up to a second of idling after the last
 * answer (9,600 submissions done in 3.2 s came out as 2,400/s).
 */
const load = async (what: string, options: autocannon.Options): Promise<Load> => {
  const started = performance.now();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ connections, pipelining: 1, ...options }, (error, finished) => (error ? reject(error as Error) : resolve(finished)));
    run.on('response', () => {
      lastAnswer = performance.now();
    });
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(`${what}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers (out of invitations? raise BENCH_INVITATIONS)`);
  }
  const total = result.requests.total;
  const elapsed = (lastAnswer - started) / 1000;
  return { total, seconds: elapsed, perSecond: total / elapsed, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
};

/**
 * Submissions sent at `rate` per second, one every 1/rate s, over kept-alive connections; each one's
 * latency counts from when it was due, not from when it left, so a stalled server cannot hide its
 * queue (no coordinated omission). The first second's are sent but not counted: it is when the
 * client opens its kept-alive connections, and the server takes them, while submissions already
 * arrive at the full half rate (measured: the first 100 ms answered in up to 80–160 ms, again so with
 * a fresh agent, but not with connections already open). The figure is the endpoint's steady state
 * at half load, over open connections as the maximum rate was measured.
 */
const pacedLoad = async (origin: string, rate: number, due: readonly string[]): Promise<Load> => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const warmUp = Math.min(rate, Math.floor(due.length / 2));
  const latencies: number[] = [];
  const started = performance.now();
  const post = (token: string, dueAt: number, counted: boolean) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(`${origin}/e/${token}`, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' } }, (response) => {
        response.resume();
        response.once('end', () => {
          if ((response.statusCode ?? 500) >= 300) reject(new Error(`submit at half load: HTTP ${response.statusCode}`));
          if (counted) latencies.push(performance.now() - dueAt);
          resolve();
        });
      });
      request.once('error', reject);
      request.end('overall=5');
    });
  const inFlight: Promise<void>[] = [];
  for (const [index, token] of due.entries()) {
    const dueAt = started + (index * 1000) / rate;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(post(token, dueAt, index >= warmUp));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const elapsed = (performance.now() - started) / 1000 - warmUp / rate;
  return { total: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99) };
};

const main = async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`server process exited (${child.exitCode})`);
    return line.value;
  };
  const { helloPort, postFloorPort, intakePort, tokens } = JSON.parse(await nextLine()) as { helloPort: number; postFloorPort: number; intakePort: number; tokens: string[] };
  /** The server's CPU time since the previous call, in µs. */
  const serverCpu = async (): Promise<number> => {
    child.stdin!.write('cpu\n');
    return (JSON.parse(await nextLine()) as { cpuMicros: number }).cpuMicros;
  };
  try {
    const intake = `http://127.0.0.1:${intakePort}`;
    const pageResponse = await fetch(`${intake}/e/${tokens[0]}`);
    const pageBytes = (await pageResponse.arrayBuffer()).byteLength;

    await load('hello warm-up', { url: `http://127.0.0.1:${helloPort}/`, duration: 1 });
    /** Hello-world at full speed, with the server's CPU time over the run. */
    const helloRun = async () => {
      await serverCpu();
      const run = await load('hello', { url: `http://127.0.0.1:${helloPort}/`, duration: seconds });
      return { ...run, cpuMicros: await serverCpu() };
    };

    // Every submission spends its own invitation (one rating per invitation).
    let cursor = 1;
    const submission: autocannon.Request = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'overall=5',
      setupRequest: (request) => ({ ...request, path: `/e/${tokens[cursor++] ?? 'exhausted'}` }),
    };
    await load('submit warm-up', { url: intake, amount: Math.floor(tokens.length * 0.05), requests: [submission] });

    // Rounds of hello-world, submissions and hello-world again (each hello-world run closes one round
    // and opens the next). A round's baseline is the two hello-world runs around it, so that the
    // machine's drift (it is shared) weighs on both sides alike; the figure is the median round, so
    // that one round hit by a neighbour's burst does not decide it.
    const hellos = [await helloRun()];
    const roundFigures: { hello: Measured; submit: Measured; ratio: number }[] = [];
    for (let index = 0; index < rounds; index++) {
      await serverCpu();
      // Closed loop at full speed over a fixed budget of invitations.
      const submit = await load('submit', { url: intake, amount: Math.floor((tokens.length * 0.55) / rounds), requests: [submission] });
      const submitCpu = await serverCpu();
      hellos.push(await helloRun());
      const [before, after] = [hellos[index]!, hellos[index + 1]!];
      const total = before.total + after.total;
      const hello = { total, perSecond: total / (before.seconds + after.seconds), cpuMicros: before.cpuMicros + after.cpuMicros };
      const ratio = submit.perSecond / hello.perSecond;
      roundFigures.push({ hello, submit: { ...submit, cpuMicros: submitCpu }, ratio });
      console.log(`round ${index + 1}/${rounds}: hello-world ${round(before.perSecond, 0)}/s and ${round(after.perSecond, 0)}/s, submissions ${round(submit.perSecond, 0)}/s (ratio ${round(ratio, 3)})`);
    }
    const median = [...roundFigures].sort((a, b) => a.ratio - b.ratio)[Math.floor(roundFigures.length / 2)]!;

    // The floor: a bare Hono POST of the same shape (path with a token, urlencoded form, JSON 201) sent
    // exactly as the submissions are, then hello-world again as its baseline. What a submission costs
    // above it is the rating's own work: the page view, the link check, the stream read, the form's
    // validation, the questionnaire, the decision and the append (infra/CAPACITY.md §2b, stage by stage).
    await serverCpu();
    const floorRun = await load('post floor', { url: `http://127.0.0.1:${postFloorPort}`, duration: seconds, requests: [{ ...submission, setupRequest: (request) => ({ ...request, path: `/e/${tokens[0]}` }) }] });
    const floorCpu = await serverCpu();
    const floorHello = await helloRun();
    const floorRatio = floorRun.perSecond / floorHello.perSecond;
    console.log(`post floor: ${round(floorRun.perSecond, 0)}/s against hello-world ${round(floorHello.perSecond, 0)}/s (ratio ${round(floorRatio, 3)})`);

    // At half the median round's rate, evenly spaced (open loop): autocannon's own rate limit
    // releases each second's quota at once, a burst that measures its own queue rather than the endpoint.
    const rate = Math.max(1, Math.floor(median.submit.perSecond / 2));
    const needed = rate * (seconds + 1);
    if (tokens.length - cursor < needed) {
      throw new Error(`half load: ${needed} invitations needed at ${rate}/s, ${tokens.length - cursor} left (raise BENCH_INVITATIONS)`);
    }
    const half = await pacedLoad(intake, rate, tokens.slice(cursor, cursor + needed));

    const result = {
      bench: 'intake',
      hello_per_s: round(median.hello.perSecond, 0),
      submits_per_s: round(median.submit.perSecond, 0),
      submit_vs_hello: round(median.ratio, 3),
      rounds: roundFigures.map((figures) => round(figures.ratio, 3)),
      p99_ms_at_half_load: round(half.p99Ms, 1),
      p50_ms_at_half_load: round(half.p50Ms, 1),
      half_load_per_s: round(half.perSecond, 0),
      server_cpu_us_per_hello: round(median.hello.cpuMicros / median.hello.total, 1),
      server_cpu_us_per_submit: round(median.submit.cpuMicros / median.submit.total, 1),
      post_floor_vs_hello: round(floorRatio, 3),
      server_cpu_us_per_post_floor: round(floorCpu / floorRun.total, 1),
      server_cpu_us_per_hello_after_floor: round(floorHello.cpuMicros / floorHello.total, 1),
      page_bytes: pageBytes,
      connections,
      seconds,
    };
    console.log(`median round: hello-world ${result.hello_per_s}/s, submissions ${result.submits_per_s}/s (${(result.submit_vs_hello * 100).toFixed(1)}% of hello; target ≥ 25%; rounds ${result.rounds.join(', ')})`);
    console.log(`server CPU per request: hello-world ${result.server_cpu_us_per_hello} µs, submission ${result.server_cpu_us_per_submit} µs (${round(result.server_cpu_us_per_hello / result.server_cpu_us_per_submit, 3)} of hello's CPU cost per request)`);
    console.log(`server CPU per request around the floor: hello-world ${result.server_cpu_us_per_hello_after_floor} µs, a bare form post ${result.server_cpu_us_per_post_floor} µs`);
    console.log(`at ${result.half_load_per_s}/s (half load): p50 ${result.p50_ms_at_half_load} ms, p99 ${result.p99_ms_at_half_load} ms (target ≤ 50); page ${pageBytes} bytes (target ≤ 51200)`);
    console.log(JSON.stringify({ bench: result.bench, submit_vs_hello: result.submit_vs_hello, submits_per_s: result.submits_per_s, p99_ms_at_half_load: result.p99_ms_at_half_load, page_bytes: result.page_bytes, hello_per_s: result.hello_per_s, rounds: result.rounds, half_load_per_s: result.half_load_per_s, server_cpu_us_per_hello: result.server_cpu_us_per_hello, server_cpu_us_per_submit: result.server_cpu_us_per_submit, post_floor_vs_hello: result.post_floor_vs_hello, server_cpu_us_per_post_floor: result.server_cpu_us_per_post_floor, node: process.versions.node }));
  } finally {
    child.stdin!.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
};

if (process.argv[2] === 'serve') await serveChild();
else await main();
