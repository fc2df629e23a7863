import { httpInstrumentationMiddleware } from '@hono/otel';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { instrumentEventStore } from '../../core/eventstore/instrumented.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { signCaseRequest } from '../../intake-edge/case-api/signature.ts';
import { caseEvent, tokenFromSms } from '../../intake-edge/tests/fixtures.ts';
import { caseSystemKey, freshNonce, testConfig } from '../../intake-edge/tests/harness.ts';
import { projectionRegistry } from '../../projections/index.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { needs, testEnv } from '../../tests/support/env.ts';
import type { RunningApplication } from '../app/application.ts';
import { startApplication } from '../app/application.ts';
import { demoStaffDirectory } from '../demo/world.ts';
import { createMetrics } from './metrics.ts';
import type { Tracing } from './tracing.ts';
import { tracingFromEnv } from './tracing.ts';

interface ReceivedSpan {
  readonly traceId: string;
  readonly name: string;
  readonly service: string;
}

/**
 * An OTLP/HTTP receiver, standing where an OpenTelemetry collector stands in production: the spans
 * arrive through the same exporter and endpoint variable the deployables use.
 */
const startReceiver = async () => {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: { traceId: string; name: string }[] }[];
        }[];
      };
      for (const resourceSpans of body.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ traceId: span.traceId, name: span.name, service });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { spans, endpoint: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 7, acceptance 4: one rating is followed by one trace from the edge through the append, the
 * projector, the warning policy and the forwarder into its warning's workflow and activities; and
 * `/metrics` exposes what operators watch.
 */
describe.runIf(needs('tracing one rating from the edge into its workflow', 'TEMPORAL_ADDRESS'))('observability', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tracing: Tracing;
  let store: EventStore;
  let db: Kysely<unknown>;
  let application: RunningApplication;
  let app: Hono;
  let close: () => Promise<void>;

  beforeAll(async () => {
    receiver = await startReceiver();
    tracing = tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, 'pinggai-test')!;
    const { pglite, db: pgliteDb } = await createTestPglite();
    db = pgliteDb;
    const metrics = createMetrics({ db, projections: projectionRegistry, now: () => new Date() });
    const raw = createPgliteEventStore({ pglite, db, onGroupCommit: metrics.observeGroupCommit });
    store = instrumentEventStore(raw, { onAppend: metrics.observeAppend });
    const blobRoot = await mkdtemp(path.join(tmpdir(), 'pinggai-trace-blobs-'));
    const vault = createPiiVault({ keyring: generatePiiKeyring() });
    const address = testEnv('TEMPORAL_ADDRESS')!;
    const connection = await Connection.connect({ address });
    const workerConnection = await NativeConnection.connect({ address });
    application = await startApplication({
      store,
      db,
      vault,
      sms: createOutboxSmsGateway({ db: db as Kysely<SmsDatabase>, vault }),
      blobs: createLocalBlobStore({ root: blobRoot }),
      intakeConfig: testConfig,
      temporal: {
        connection: workerConnection,
        client: new Client({ connection, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }),
        namespace: 'default',
        taskQueue: `traced-${crypto.randomUUID()}`,
        tracing,
      },
      staffDirectory: demoStaffDirectory(),
      clock: { now: () => new Date() },
      log: () => {},
    });
    app = new Hono();
    app.use(httpInstrumentationMiddleware({ serviceName: 'pinggai-test' }));
    app.use(metrics.http);
    app.get('/metrics', metrics.handler);
    app.route('/', application.app);
    close = async () => {
      await application.stop();
      await tracing.shutdown();
      await workerConnection.close();
      await connection.close();
      await raw.close();
      await pglite.close();
      await receiver.close();
      await rm(blobRoot, { recursive: true, force: true });
    };
  });
  afterAll(async () => close?.());

  const request = (url: string, init: RequestInit = {}) => app.request(`http://pinggai.test${url}`, init);

  it('one trace holds the intake request, the append, the projector and the workflow of the same rating', async () => {
    const body = JSON.stringify(caseEvent({}, { department: { code: 'SCJ', name: '区市场监督管理局' } }));
    const headers = await signCaseRequest({
      method: 'POST',
      pathWithQuery: '/api/v1/case-events',
      body,
      keyId: caseSystemKey.keyId,
      secret: caseSystemKey.secret,
      timestamp: Math.floor(Date.now() / 1000),
      nonce: freshNonce(),
    });
    expect((await request('/api/v1/case-events', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })).status).toBeLessThan(300);
    await application.settled();
    const { rows } = await sql<{ text: string }>`select text from app.sms_outbox where purpose = 'invitation'`.execute(db);
    const token = tokenFromSms(rows[0]!.text);
    const form = new URLSearchParams([['overall', '1'], ['reasons', 'R03'], ['comment', '等了两个小时']]);
    expect((await request(`/e/${token}`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBeLessThan(400);
    await application.settled();

    const submitted = (await store.readAll({ limit: 1000, categories: ['invitation'] })).find((e) => e.type === 'EvaluationSubmitted')!;
    const traceId = String(submitted.metadata.traceparent).split('-')[1]!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const raised = (await store.readAll({ limit: 1000, categories: ['warning'] })).find((e) => e.type === 'WarningRaised')!;
    expect(String(raised.metadata.traceparent).split('-')[1], 'the warning continues the rating’s trace').toBe(traceId);

    // The workflow alerts the dispatchers in an activity; its spans reach the exporter through the worker's sink.
    const wanted = {
      intake: (name: string) => name.startsWith('POST /e/'),
      append: (name: string) => name === 'eventstore.append',
      projector: (name: string) => name === 'projection ratings',
      policy: (name: string) => name === 'warning-policy',
      forward: (name: string) => name === 'warning.forward',
      workflow: (name: string) => /^(SignalWithStartWorkflow|HandleSignal|RunWorkflow|StartActivity):/.test(name),
      activity: (name: string) => name.startsWith('RunActivity:'),
    };
    const missing = () => {
      const names = receiver.spans.filter((span) => span.traceId === traceId).map((span) => span.name);
      return Object.entries(wanted).filter(([, match]) => !names.some(match)).map(([part]) => part);
    };
    for (let attempt = 0; attempt < 120 && missing().length > 0; attempt++) {
      await tracing.spanProcessor.forceFlush();
      await sleep(250);
    }
    const names = [...new Set(receiver.spans.filter((span) => span.traceId === traceId).map((span) => span.name))];
    console.log(`trace ${traceId}: ${names.join(', ')}`);
    expect(missing(), `spans of trace ${traceId}: ${names.join(', ')}`).toEqual([]);
  });

  it('/metrics exposes intake rate and errors, append latency, projector and subscriber lag, projector failures, warnings by stage, missed deadlines and SMS', async () => {
    expect((await request('/e/not-a-token')).status).toBeGreaterThanOrEqual(400);
    const response = await request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    const value = (pattern: RegExp) => {
      const line = text.split('\n').find((l) => pattern.test(l));
      expect(line, `a line matching ${pattern}`).toBeDefined();
      return Number(line!.split(' ').at(-1));
    };
    expect(value(/^pinggai_http_requests_total\{.*route="\/e\/:token".*status="(200|303)"/)).toBeGreaterThanOrEqual(1);
    expect(value(/^pinggai_http_requests_total\{.*status="4\d\d"/)).toBeGreaterThanOrEqual(1);
    expect(value(/^pinggai_event_append_seconds_count\{outcome="ok"\}/)).toBeGreaterThan(3);
    expect(value(/^pinggai_projector_lag_events\{projection="ratings"/)).toBeGreaterThanOrEqual(0);
    expect(value(/^pinggai_projector_lag_seconds\{projection="warnings"/)).toBeGreaterThanOrEqual(0);
    expect(value(/^pinggai_projector_failing_seconds\{projection="ratings"/), 'no projector is stuck').toBe(0);
    expect(value(/^pinggai_projector_failed_attempts\{projection="warnings"/)).toBe(0);
    // The forwarder started the warning's workflow and the reactor sent the invitation: both have checkpoints.
    expect(value(/^pinggai_subscriber_lag_events\{subscriber="warning-workflow-forwarder"\}/)).toBeGreaterThanOrEqual(0);
    expect(value(/^pinggai_subscriber_lag_events\{subscriber="intake-invitation-reactor"\}/)).toBeGreaterThanOrEqual(0);
    expect(value(/^pinggai_warnings_open\{stage="awaiting_dispatch"\}/)).toBe(1);
    expect(value(/^pinggai_warnings_overdue\{stage="awaiting_dispatch"\}/)).toBe(0);
    expect(value(/^pinggai_warning_deadlines_missed\{deadline="dispatch"\}/)).toBe(0);
    expect(value(/^pinggai_sms_messages\{status="sent"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^pinggai_sms_messages\{status="failed"\}/)).toBe(0);
  });

  it('counts the SMS waiting for a person: in doubt, or sending with no answer for over 5 minutes', async () => {
    const probe = await createTestPglite();
    try {
      const probeMetrics = createMetrics({ db: probe.db, projections: [], now: () => new Date() });
      const inDoubt = async () =>
        Number((await probeMetrics.registry.metrics()).split('\n').find((line) => line.startsWith('pinggai_sms_in_doubt '))?.split(' ')[1]);
      expect(await inDoubt()).toBe(0);
      await sql`insert into app.sms_outbox (idempotency_key, provider, purpose, template_code, phone_sealed, phone_masked, phone_index, text, status, attempts, updated_at)
        values ('a', 'aliyun', 'invitation', 'SMS_1', '{}'::jsonb, '138****0000', 'idx', '…', 'in_doubt', 1, now()),
               ('b', 'aliyun', 'invitation', 'SMS_1', '{}'::jsonb, '138****0001', 'idx', '…', 'sending', 1, now() - interval '6 minutes'),
               ('c', 'aliyun', 'invitation', 'SMS_1', '{}'::jsonb, '138****0002', 'idx', '…', 'sending', 1, now()),
               ('d', 'aliyun', 'invitation', 'SMS_1', '{}'::jsonb, '138****0003', 'idx', '…', 'failed', 3, now() - interval '1 hour')`.execute(probe.db);
      // The send under way now is not in doubt yet; the one that began six minutes ago is.
      expect(await inDoubt()).toBe(2);
    } finally {
      await probe.pglite.close();
    }
  });

  it('metrics count group-commit statements, and those redone append by append with the SQLSTATE that failed them', async () => {
    // Metrics of their own, so that the application's appends running beside this test do not count.
    const probeMetrics = createMetrics({ db, projections: [], now: () => new Date() });
    const reading = async () => {
      const text = await probeMetrics.registry.metrics();
      const value = (pattern: RegExp) => Number(text.split('\n').find((line) => pattern.test(line))?.split(' ').at(-1) ?? 0);
      return {
        together: value(/^pinggai_event_group_commits_total\{(?=.*outcome="together")(?=.*code="")/),
        redone: value(/^pinggai_event_group_commits_total\{(?=.*outcome="redone")(?=.*code="23505")/),
        statements: value(/^pinggai_event_group_commit_appends_count /),
        appends: value(/^pinggai_event_group_commit_appends_sum /),
      };
    };
    const before = await reading();
    // A store of its own too: the application's projectors need not see these events.
    const probe = await createTestPglite();
    const probeStore = createPgliteEventStore({ pglite: probe.pglite, db: probe.db, onGroupCommit: probeMetrics.observeGroupCommit });
    try {
      const event = () => ({ id: crypto.randomUUID(), type: 'Probed', schemaVersion: 1, data: {}, metadata: { occurredAt: new Date().toISOString() } });
      // One statement in flight on PGlite: the first append goes alone, the seven behind it together.
      await Promise.all(Array.from({ length: 8 }, (_, n) => probeStore.append(`probe-${n}`, [event()], { expectedVersion: 'no_stream' })));
      // A retried event in a group fails the statement (23505); each append is then made alone.
      const retried = event();
      const answers = await Promise.all([
        probeStore.append('probe-r1', [event()]),
        probeStore.append('probe-r2', [retried]),
        probeStore.append('probe-r2', [retried]),
        probeStore.append('probe-r3', [event()]),
      ]);
      expect(answers.filter((answer) => answer.alreadyAppended)).toHaveLength(1);
    } finally {
      await probeStore.close();
      await probe.pglite.close();
    }
    const after = await reading();
    expect({
      together: after.together - before.together,
      redone: after.redone - before.redone,
      statements: after.statements - before.statements,
      appends: after.appends - before.appends,
    }).toEqual({ together: 1, redone: 1, statements: 2, appends: 10 });
  });
});
