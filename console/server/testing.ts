/**
 * Test support for the staff API: a migrated in-memory PGlite, the real event store, PII vault and
 * a local blob store in a temporary folder, the demo accounts, a clock the test moves, and helpers
 * that sign in and send requests through `app.request()` (no network).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createTestPglite } from '../../tests/support/databases.ts';
import type { AccessDatabase } from '../../core/access/sessions.ts';
import type { AccessDeps } from '../../core/access/service.ts';
import { seedDemoAccounts } from '../../core/access/seed.ts';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import type { RaiseWarning } from '../../core/warning/commands.ts';
import { warningDecider } from '../../core/warning/decider.ts';
import { warningStreamId } from '../../core/warning/stream.ts';
import { cst, raiseCommand } from '../../core/warning/testing.ts';
import { createStaffApi } from './app.ts';
import type { StaffApiDeps } from './deps.ts';
import { projectionQueries } from './inbox.ts';

// Generated per run, never a constant secret.
export const testPassword = `pw-${crypto.randomUUID()}`;

/**
 * `totp`: administrators, auditors, appraisal officers and call-back officers sign in with a TOTP code, as in
 * production. Off by default here: the harness clock stands still, and a TOTP code cannot be used
 * twice in one 30-second step (console/server/totp.int.test.ts covers the TOTP sign-in).
 */
export const createStaffApiHarness = async (options: { inbox?: boolean; totp?: boolean } = {}) => {
  const { pglite, db } = await createTestPglite();
  const store = createPgliteEventStore({ pglite, db });
  const blobRoot = await mkdtemp(path.join(tmpdir(), 'pinggai-staff-blobs-'));
  let now = cst('2026-03-03T10:05:00');
  const clock = { now: () => new Date(now) };
  const access: AccessDeps = {
    store,
    db: db as unknown as Kysely<AccessDatabase>,
    vault: createPiiVault({ keyring: generatePiiKeyring() }),
    clock,
    newId: () => crypto.randomUUID(),
    ...(options.totp ? {} : { secondFactorRoles: [] }),
  };
  const deps: StaffApiDeps = {
    access,
    store,
    clock,
    blobs: createLocalBlobStore({ root: blobRoot }),
    ...(options.inbox ? { queries: projectionQueries(db, clock) } : {}),
    log: (line) => console.error(line),
  };
  await seedDemoAccounts(access, { password: testPassword });
  const app = createStaffApi(deps);

  const request = (url: string, init: RequestInit = {}) => app.request(`http://console.test${url}`, init);

  const signIn = async (username: string, password = testPassword) => {
    const res = await request('/api/staff/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in of ${username}: ${res.status} ${await res.text()}`);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return { cookie, csrfToken };
  };

  type Session = Awaited<ReturnType<typeof signIn>>;

  /** A JSON request as a signed-in officer, with the CSRF token and a fresh Idempotency-Key unless given. */
  const as = (session: Session, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(url, {
      method,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
        ...(method === 'GET' ? {} : { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** Raises a warning as the warning policy would (system actor), at the harness's clock. */
  const raise = async (warningId: string, overrides: Partial<RaiseWarning> = {}) => {
    const command = raiseCommand(warningId, { at: cst('2026-03-03T10:00:00'), ...overrides });
    await handleCommand(store, warningStreamId(warningId), warningDecider, command, {
      commandId: `raise:${warningId}`,
      actor: command.actor,
      now: command.at,
    });
  };

  return {
    app,
    deps,
    store,
    db,
    request,
    signIn,
    as,
    raise,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    async close() {
      await store.close();
      await pglite.close();
      await rm(blobRoot, { recursive: true, force: true });
    },
  };
};

export type StaffApiHarness = Awaited<ReturnType<typeof createStaffApiHarness>>;

/** A warning about the SCJ (市场监管局) window officer staff-0412, routed to SCJ. */
export const scjWarning = (): Partial<RaiseWarning> => ({
  subject: { matterCode: 'M-001', department: 'SCJ', hallId: 'H01', windowId: 'W12', staffId: 'staff-0412' },
  leadDepartment: 'SCJ',
  cooperatingDepartments: [],
});

/** A warning about an RSJ (人社局) service, routed to RSJ. */
export const rsjWarning = (): Partial<RaiseWarning> => ({
  subject: { matterCode: 'M-101', department: 'RSJ', hallId: 'H01', windowId: 'W03', staffId: 'staff-0301' },
  leadDepartment: 'RSJ',
  cooperatingDepartments: [],
});
