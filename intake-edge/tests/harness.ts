import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import type { EventStore, RecordedEvent, Subscription } from '../../core/eventstore/types.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import type { IntakeServices } from '../app.ts';
import { createIntakeApp, intakeServices } from '../app.ts';
import { signCaseRequest } from '../case-api/signature.ts';
import type { IntakeConfig } from '../config.ts';
import { parseIntakeConfig } from '../config.ts';
import type { IntakeDatabase } from '../tables.ts';
import { webCryptoIds } from '../deps.ts';
import { startInvitationReactor } from '../invitations/reactor.ts';

/** A real store and database (PGlite or a Postgres server), migrated; the runner owns them. */
export interface IntakeBackend {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
}

export const caseSystemKey = { keyId: 'zwfw-2025', secret: 'case-system-secret-0123456789abcdef' };

export const testConfig = parseIntakeConfig({
  publicBaseUrl: 'https://pj.xianan.gov.cn',
  sms: { signName: '咸安政务服务' },
  linkTokens: { active: 'a', keys: { a: 'link-token-secret-0123456789abcdefghij' } },
  caseSystems: [{ system: 'zwfw', keys: { [caseSystemKey.keyId]: caseSystemKey.secret } }],
  invitations: { expiresAfterHours: 168, remindAfterHours: 24 },
  halls: [
    {
      code: 'SMZJ',
      name: '市民之家',
      regionCode: '421202',
      windows: [
        {
          code: 'W07',
          name: '7号窗口',
          department: { code: 'SCJGJ', name: '区市场监督管理局' },
          matters: [
            { code: 'M-FOOD', name: '食品经营许可', type: 'administrative_licence' },
            { code: 'M-REG', name: '个体工商户登记', type: 'administrative_licence' },
          ],
        },
      ],
    },
  ],
  staticQr: { scansPerDevicePerWindowPerHour: 3 },
});

/** A clock the test moves by hand: reminders and expiry are tested without waiting. */
export const testClock = (start = new Date('2025-10-31T01:30:00.000Z')) => {
  let now = start;
  return { now: () => now, advanceHours: (hours: number) => (now = new Date(now.getTime() + hours * 3_600_000)) };
};

export type TestClock = ReturnType<typeof testClock>;

export interface CaseSigningOptions {
  readonly nonce?: string;
  readonly timestamp?: number;
  readonly secret?: string;
  readonly keyId?: string;
}

export interface Harness {
  readonly app: ReturnType<typeof createIntakeApp>;
  readonly services: IntakeServices;
  readonly clock: TestClock;
  readonly backend: IntakeBackend;
  /** The signature headers of a case-events POST of `text`, at the harness's clock (fresh nonce unless given). */
  signCaseEvents(text: string, options?: CaseSigningOptions): Promise<Record<string, string>>;
  /** POSTs a signed body to the case-events API (fresh nonce unless given). */
  postCaseEvents(body: unknown, options?: CaseSigningOptions & { raw?: string }): Promise<Response>;
  /** Lets the invitation reactor process everything appended so far. */
  react(): Promise<void>;
  eventCount(): Promise<number>;
  eventsOfType(type: string): Promise<RecordedEvent[]>;
  outbox(): Promise<{ idempotency_key: string; text: string; phone_masked: string; purpose: string; template_code: string }[]>;
  close(): Promise<void>;
}

let nonceCounter = 0;
export const freshNonce = (): string => `n${Date.now().toString(36)}${(nonceCounter++).toString(36).padStart(8, '0')}xyz`;

/** One keyring per test process: every harness on a shared database must open what the others sealed. */
const keyring = generatePiiKeyring();

export const createHarness = async (backend: IntakeBackend, options: { config?: IntakeConfig } = {}): Promise<Harness> => {
  const clock = testClock();
  const db = backend.db as Kysely<IntakeDatabase & SmsDatabase>;
  const vault = createPiiVault({ keyring });
  const blobs = createLocalBlobStore({ root: await mkdtemp(join(tmpdir(), 'pinggai-intake-blobs-')) });
  const services = intakeServices({
    store: backend.store,
    db: backend.db as Kysely<IntakeDatabase>,
    vault,
    sms: createOutboxSmsGateway({ db: backend.db as Kysely<SmsDatabase>, vault }),
    blobs,
    clock,
    ids: webCryptoIds(),
    config: options.config ?? testConfig,
    log: (line) => console.warn(line),
  });
  const app = createIntakeApp(services);
  let reactor: Subscription | null = null;
  const signCaseEvents = (text: string, options: CaseSigningOptions = {}) =>
    signCaseRequest({
      method: 'POST',
      pathWithQuery: '/api/v1/case-events',
      body: text,
      keyId: options.keyId ?? caseSystemKey.keyId,
      secret: options.secret ?? caseSystemKey.secret,
      timestamp: options.timestamp ?? Math.floor(clock.now().getTime() / 1000),
      nonce: options.nonce ?? freshNonce(),
    });

  return {
    app,
    services,
    clock,
    backend,
    signCaseEvents,
    async postCaseEvents(body, options = {}) {
      const text = options.raw ?? JSON.stringify(body);
      const headers = await signCaseEvents(text, options);
      return app.request('/api/v1/case-events', { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...headers } });
    },
    async react() {
      reactor ??= startInvitationReactor(services);
      await reactor.caughtUp();
    },
    async eventCount() {
      const row = await sql<{ n: string | number }>`select count(*) as n from eventstore.events`.execute(backend.db);
      return Number(row.rows[0]!.n);
    },
    async eventsOfType(type) {
      const all = await backend.store.readAll({ limit: 100_000 });
      return all.filter((event) => event.type === type);
    },
    async outbox() {
      return db.selectFrom('app.sms_outbox').select(['idempotency_key', 'text', 'phone_masked', 'purpose', 'template_code']).orderBy('created_at').execute();
    },
    async close() {
      await reactor?.stop();
    },
  };
};
