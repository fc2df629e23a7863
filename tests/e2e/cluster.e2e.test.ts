import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../../core/blobs/testing/samples.ts';
import { signCaseRequest } from '../../intake-edge/case-api/signature.ts';
import { caseEvent, tokenFromSms } from '../../intake-edge/tests/fixtures.ts';
import { freshNonce } from '../../intake-edge/tests/harness.ts';
import { createTestDatabase } from '../support/databases.ts';
import { needs, testEnv } from '../support/env.ts';
import { dumpForPiiScan } from '../support/pii-dump.ts';
import { signInStaff } from '../support/staff-sign-in.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const caseKey = { keyId: 'zwfw-smoke', secret: randomBytes(32).toString('base64url') };
const password = `smoke-${randomBytes(9).toString('base64url')}`;
type Role = 'intake' | 'api' | 'worker' | 'projector';
interface ClusterState {
  readonly ready?: boolean;
  readonly processes: Record<Role, { url: string; pid: number; restarts: number }>;
}

/**
 * Issue 7, acceptance 2: `npm run start:cluster` — intake, API + console, Temporal worker and projector
 * as separate processes on a real Postgres server and a real Temporal server — carries citizens'
 * ratings to closed warnings, while each of the four processes is killed (SIGKILL, no goodbye) at
 * the moment it has work in hand and is restarted by the cluster's supervisor. Nothing is lost and
 * nothing is doubled: every case has one invitation, every rating one event, every negative rating
 * one warning, and every warning closes.
 */
describe.runIf(needs('start:cluster smoke test', 'PINGGAI_TEST_PG_URL', 'TEMPORAL_ADDRESS'))('npm run start:cluster', () => {
  let database: { url: string; drop(): Promise<void> };
  let launcher: ChildProcess;
  let output = '';
  let clusterDir: string;
  let db: pg.Pool;

  const state = (): ClusterState => JSON.parse(readFileSync(path.join(clusterDir, 'cluster.json'), 'utf8')) as ClusterState;
  const url = (role: Role) => state().processes[role].url;

  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n--- cluster output (tail) ---\n${output.slice(-4000)}`);
      await sleep(250);
    }
  };

  /** SIGKILL one process; resolves when the supervisor's replacement answers /readyz. */
  const killAndAwaitRestart = async (role: Role) => {
    const before = state().processes[role];
    process.kill(before.pid, 'SIGKILL');
    return waitFor(`${role} restarted`, async () => {
      const now = state().processes[role];
      if (now.pid === before.pid) return undefined;
      const ready = await fetch(`${now.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      return ready.ok ? now : undefined;
    });
  };

  /** A request that keeps trying while the process behind it is down (connection refused), as a client would. */
  const send = (role: Role, pathname: string, init: RequestInit = {}) =>
    waitFor(`${init.method ?? 'GET'} ${pathname}`, async () => fetch(`${url(role)}${pathname}`, { ...init, signal: AbortSignal.timeout(10_000) }), 60_000);

  const count = async (query: string, values: unknown[] = []) => Number((await db.query<{ n: string }>(query, values)).rows[0]!.n);
  const eventsOf = async (type: string) => count('select count(*) as n from eventstore.events where event_type = $1', [type]);

  beforeAll(async () => {
    database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_cluster');
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    clusterDir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-cluster-'));
    launcher = spawn(process.execPath, ['infra/scripts/launch.mjs', 'cluster'], {
      cwd: root,
      env: {
        ...process.env,
        PINGGAI_DATABASE_URL: database.url,
        PINGGAI_CLUSTER_DIR: clusterDir,
        PINGGAI_CLUSTER_CONSOLE: 'skip',
        PINGGAI_CLUSTER_PORT: String(20_000 + Math.floor(Math.random() * 20_000)),
        PINGGAI_TASK_QUEUE: `cluster-${randomBytes(6).toString('hex')}`,
        PINGGAI_DEMO_PASSWORD: password,
        PINGGAI_INTAKE_SECRETS: JSON.stringify({
          linkTokens: { active: 'a', keys: { a: randomBytes(32).toString('base64url') } },
          caseSystems: [{ system: 'zwfw', keys: { [caseKey.keyId]: caseKey.secret } }],
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the cluster to come up', async () => (launcher.exitCode === null ? (state().ready ? true : undefined) : Promise.reject(new Error('launcher exited'))), 300_000);
  }, 330_000);

  afterAll(async () => {
    if (launcher && launcher.exitCode === null) {
      launcher.kill('SIGTERM');
      await new Promise((resolve) => launcher.once('exit', resolve));
    }
    const scanDir = process.env.PINGGAI_PII_SCAN_DIR;
    if (scanDir) {
      // The processes' own log lines are scanned for plain phone numbers too.
      mkdirSync(scanDir, { recursive: true });
      writeFileSync(path.join(scanDir, `cluster-output-${Date.now().toString(36)}.log`), output);
    }
    if (db) {
      await dumpForPiiScan('cluster', (text) => db.query(text));
      await db.end();
    }
    await database?.drop();
    if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  }, 60_000);

  it('runs ratings to closed warnings while each process is killed and restarted', async () => {
    // 1. Four completed cases from the case system, posted to intake; the projector (running the
    //    invitation reactor) is killed as they land.
    const cases = [0, 1, 2, 3].map(() => caseEvent({}, { department: { code: 'SCJ', name: '区市场监督管理局' } }));
    for (const [index, body] of cases.map((c) => JSON.stringify(c)).entries()) {
      const headers = await signCaseRequest({
        method: 'POST',
        pathWithQuery: '/api/v1/case-events',
        body,
        keyId: caseKey.keyId,
        secret: caseKey.secret,
        timestamp: Math.floor(Date.now() / 1000),
        nonce: freshNonce(),
      });
      const res = await send('intake', '/api/v1/case-events', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      if (index === 1) await killAndAwaitRestart('projector');
    }
    const invitations = await waitFor('four invitations', async () => {
      const { rows } = await db.query<{ text: string }>(`select text from app.sms_outbox where purpose = 'invitation'`);
      return rows.length >= 4 ? rows : undefined;
    });

    // 2. Citizens rate: two 不满意, two 满意. Intake is killed between the ratings; the page is retried.
    const tokens = invitations.map((row) => tokenFromSms(row.text));
    for (const [index, token] of tokens.entries()) {
      const opened = await send('intake', `/e/${token}`);
      expect(opened.status, await opened.clone().text()).toBe(200);
      const negative = index < 2;
      const rating = new URLSearchParams(negative ? [['overall', '2'], ['reasons', 'R03'], ['comment', '材料交了三次才受理']] : [['overall', '5']]);
      const submitted = await send('intake', `/e/${token}`, { method: 'POST', body: rating, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(submitted.status, await submitted.clone().text()).toBeLessThan(400);
      if (index === 1) await killAndAwaitRestart('intake');
    }

    // 3. Two warnings are raised; the worker is killed while their workflows start.
    const warningIds = await waitFor('two warnings', async () => {
      const { rows } = await db.query<{ id: string }>(`select data->>'warningId' as id from eventstore.events where event_type = 'WarningRaised' order by global_position`);
      return rows.length >= 2 ? rows.map((row) => row.id) : undefined;
    });
    await killAndAwaitRestart('worker');
    const typesOf = async (warningId: string) =>
      (await db.query<{ type: string }>('select event_type as type from eventstore.events where stream_id = $1 order by stream_version', [`warning-${warningId}`])).rows.map((row) => row.type);
    const reached = (warningId: string, type: string) => waitFor(`warning ${warningId}: ${type}`, async () => ((await typesOf(warningId)).includes(type) ? true : undefined));

    // 4. Staff work the warnings through the API; the API is killed between steps (sessions live in Postgres).
    // The call-back officer enrols a TOTP authenticator at the first sign-in (they can reveal phones).
    const signIn = (username: string) =>
      signInStaff(
        (body, cookie) => send('api', '/api/staff/session', { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) }),
        username,
        password,
      );
    const act = async (session: { cookie: string; csrfToken: string }, pathname: string, body: unknown, contentType = 'application/json') => {
      const res = await send('api', pathname, {
        method: 'POST',
        headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': contentType, 'idempotency-key': randomBytes(12).toString('hex') },
        body: body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
      });
      expect(res.status, `${pathname}: ${await res.clone().text()}`).toBeLessThan(300);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const dispatcher = await signIn('dispatcher');
    const handler = await signIn('handler-scj');
    const officer = await signIn('callback');
    for (const warningId of warningIds) {
      await reached(warningId, 'DispatchersAlerted');
      await act(dispatcher, `/api/staff/warnings/${warningId}/dispatch`, { note: '请市场监管局核实' });
    }
    await killAndAwaitRestart('api');
    for (const warningId of warningIds) {
      await reached(warningId, 'ReplyDeadlineSet');
      await act(handler, `/api/staff/warnings/${warningId}/reply`, { text: '已核实:窗口未一次性告知材料清单,已培训并张贴清单。' });
    }
    for (const warningId of warningIds) {
      await reached(warningId, 'CallbackDeadlinesSet');
      await act(officer, `/api/staff/warnings/${warningId}/phone-callback`, { calledAt: new Date().toISOString(), satisfied: true, notes: '群众表示满意' });
      const photo = (await act(officer, '/api/staff/blobs', samples.jpeg(4096), 'image/jpeg')) as { key: string };
      await act(officer, `/api/staff/warnings/${warningId}/onsite-check`, { checkedAt: new Date().toISOString(), satisfied: true, notes: '清单已张贴', photoBlobKey: photo.key });
    }
    for (const warningId of warningIds) await reached(warningId, 'WarningClosed');

    // 5. Nothing lost, nothing doubled; every process was restarted once; the read models agree.
    expect(await eventsOf('CaseCompleted')).toBe(4);
    expect(await count(`select count(*) as n from app.sms_outbox where purpose = 'invitation'`)).toBe(4);
    expect(await eventsOf('EvaluationSubmitted')).toBe(4);
    expect(await eventsOf('WarningRaised')).toBe(2);
    expect(await eventsOf('WarningClosed')).toBe(2);
    expect(await count('select count(*) - count(distinct event_id) as n from eventstore.events')).toBe(0);
    const processes = state().processes;
    for (const role of ['intake', 'api', 'worker', 'projector'] as const) expect(processes[role].restarts, role).toBe(1);
    // The processes run as the application role, which may not rewrite the event log.
    const { rows: sessions } = await db.query<{ usename: string; application_name: string }>(
      `select usename, application_name from pg_stat_activity where datname = current_database() and application_name like 'pinggai%'`,
    );
    expect(sessions.length).toBeGreaterThan(0);
    expect(new Set(sessions.map((row) => row.usename)), JSON.stringify(sessions)).toEqual(new Set(['pinggai_app']));
    await waitFor('the ratings read model to hold four ratings', async () => ((await count('select count(*) as n from rm_ratings_v1.rating_facts')) === 4 ? true : undefined), 30_000);
  }, 600_000);
});
