import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAccounts } from '../../core/access/seed.ts';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { samples } from '../../core/blobs/testing/samples.ts';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import type { EventStore, RecordedEvent } from '../../core/eventstore/types.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { signCaseRequest } from '../../intake-edge/case-api/signature.ts';
import { caseEvent, tokenFromSms } from '../../intake-edge/tests/fixtures.ts';
import { caseSystemKey, freshNonce, testConfig } from '../../intake-edge/tests/harness.ts';
import { startApplication } from '../../infra/app/application.ts';
import type { RunningApplication } from '../../infra/app/application.ts';
import { demoStaffDirectory } from '../../infra/demo/world.ts';
import { createTestDatabase } from '../support/databases.ts';
import { needs, testEnv } from '../support/env.ts';
import { signInStaff } from '../support/staff-sign-in.ts';

const password = `demo-${crypto.randomUUID()}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 4, acceptance 2: the whole 即评即改 loop on a real Postgres server and a real Temporal dev
 * server. A case system posts a completed case; the citizen rates 不满意 over HTTP; the warning policy
 * raises a warning; its workflow sets the clocks; staff dispatch, reply and verify by phone and on
 * site through the staff API; the warning closes and its stream holds the whole history.
 */
describe.runIf(needs('rating → warning → closure on Postgres and Temporal', 'PINGGAI_TEST_PG_URL', 'TEMPORAL_ADDRESS'))(
  'a negative rating ends in a closed warning',
  () => {
    let database: { url: string; drop(): Promise<void> };
    let store: EventStore;
    let db: Kysely<unknown>;
    let application: RunningApplication;
    let blobRoot: string;
    let close: () => Promise<void>;

    beforeAll(async () => {
      database = await createTestDatabase(testEnv('PINGGAI_TEST_PG_URL')!, 'pinggai_flow');
      store = createPgEventStore({ connectionString: database.url });
      db = postgresKysely<unknown>(createPgPool({ connectionString: database.url, max: 8 }));
      blobRoot = await mkdtemp(path.join(tmpdir(), 'pinggai-flow-blobs-'));
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
          client: new Client({ connection }),
          namespace: 'default',
          taskQueue: `flow-${crypto.randomUUID()}`,
        },
        staffDirectory: demoStaffDirectory(),
        clock: { now: () => new Date() },
        log: () => {},
      });
      await seedDemoAccounts(application.access, { password });
      close = async () => {
        await application.stop();
        await workerConnection.close();
        await connection.close();
        await store.close();
        await db.destroy();
        await database.drop();
        await rm(blobRoot, { recursive: true, force: true });
      };
    });
    afterAll(async () => close?.());

    const request = (url: string, init: RequestInit = {}) => application.app.request(`http://pinggai.test${url}`, init);

    // The call-back officer enrols a TOTP authenticator at the first sign-in (they can reveal phones).
    const signIn = (username: string) =>
      signInStaff(
        (body, cookie) => request('/api/staff/session', { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) }),
        username,
        password,
      );

    const act = async (session: Awaited<ReturnType<typeof signIn>>, url: string, body: unknown, contentType = 'application/json') => {
      const res = await request(url, {
        method: 'POST',
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrfToken,
          'content-type': contentType,
          'idempotency-key': crypto.randomUUID(),
        },
        body: body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
      });
      expect(res.status, `${url}: ${await res.clone().text()}`).toBeLessThan(300);
      return res.json() as Promise<Record<string, unknown>>;
    };

    const warningEvents = (warningId: string) => store.readStream(`warning-${warningId}`);
    const waitFor = async (warningId: string, type: string, timeoutMs = 60_000): Promise<RecordedEvent[]> => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const events = await warningEvents(warningId);
        if (events.some((event) => event.type === type)) return events;
        if (Date.now() > until) throw new Error(`warning ${warningId}: no ${type} within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ')}`);
        await sleep(200);
      }
    };

    it('runs from the case system to a closed warning', async () => {
      // 1. The case system reports a completed case (signed HTTPS API).
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
      const posted = await request('/api/v1/case-events', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      expect(posted.status).toBeLessThan(300);
      await application.settled();

      // 2. The invitation SMS is in the outbox; the citizen opens the link and rates 不满意.
      const { rows } = await sql<{ text: string }>`select text from app.sms_outbox where purpose = 'invitation'`.execute(db);
      expect(rows).toHaveLength(1);
      const token = tokenFromSms(rows[0]!.text);
      const opened = await request(`/e/${token}`);
      expect(opened.status, await opened.clone().text()).toBe(200);
      const rating = new URLSearchParams([
        ['overall', '2'],
        ['reasons', 'R03'],
        ['comment', '材料交了三次才受理'],
      ]);
      const submitted = await request(`/e/${token}`, { method: 'POST', body: rating, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(submitted.status).toBeLessThan(400);
      await application.settled();

      // 3. The warning policy raised one warning, routed to the competent department.
      const raised = (await store.readAll({ limit: 100, categories: ['warning'] })).filter((e) => e.type === 'WarningRaised');
      expect(raised).toHaveLength(1);
      const warningId = (raised[0]!.data as { warningId: string }).warningId;
      expect(raised[0]!.data).toMatchObject({ kind: 'negative_rating', leadDepartment: 'SCJ' });

      // 4. Its workflow alerts the dispatchers; a dispatcher dispatches through the staff API.
      await waitFor(warningId, 'DispatchersAlerted');
      await act(await signIn('dispatcher'), `/api/staff/warnings/${warningId}/dispatch`, { note: '请市场监管局核实材料要求' });

      // 5. The workflow sets the reply deadline (3 working days); the department replies.
      await waitFor(warningId, 'ReplyDeadlineSet');
      await act(await signIn('handler-scj'), `/api/staff/warnings/${warningId}/reply`, {
        text: '已核实:窗口未一次性告知材料清单,已对窗口人员培训并在导办台张贴清单。',
      });

      // 6. The workflow sets the call-back deadlines; the call-back officer verifies by phone and on site.
      await waitFor(warningId, 'CallbackDeadlinesSet');
      const officer = await signIn('callback');
      await act(officer, `/api/staff/warnings/${warningId}/phone-callback`, { calledAt: new Date().toISOString(), satisfied: true, notes: '群众表示满意' });
      const photo = (await act(officer, '/api/staff/blobs', samples.jpeg(4096), 'image/jpeg')) as { key: string };
      await act(officer, `/api/staff/warnings/${warningId}/onsite-check`, {
        checkedAt: new Date().toISOString(),
        satisfied: true,
        notes: '清单已张贴',
        photoBlobKey: photo.key,
      });

      // 7. Closed, with the whole history in the warning's stream.
      const history = await waitFor(warningId, 'WarningClosed');
      const types = history.map((e) => e.type);
      for (const step of [
        'WarningRaised',
        'DispatchersAlerted',
        'WarningDispatched',
        'ReplyDeadlineSet',
        'WarningReplied',
        'CallbackDeadlinesSet',
        'PhoneCallbackRecorded',
        'OnSiteCheckRecorded',
        'WarningClosed',
      ]) {
        expect(types, step).toContain(step);
      }
      expect(types.indexOf('WarningDispatched')).toBeLessThan(types.indexOf('WarningReplied'));
      expect(history.at(-1)!.type === 'WarningClosed' || types.includes('CitizenNotified')).toBe(true);
      expect(new Set(history.map((e) => e.id)).size).toBe(history.length);
    });
  },
);
