/**
 * The embedded stack for console browser tests: PGlite with a few simulated demo days (the real case
 * API, invitation reactor, citizen pages, warning policy and lifecycle activities, on a simulated
 * clock ending now), then the application exactly as infra/app/application.ts composes it (staff API,
 * console/dist, reactors, projectors; no Temporal worker), the demo accounts, served over HTTP.
 */
import { serve } from '@hono/node-server';
import type { Kysely } from 'kysely';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedDemoAccounts } from '../../core/access/seed.ts';
import { seedDemoTotp } from '../../core/access/totp-seed.ts';
import { totpCodeAt } from '../../core/access/totp.ts';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import { generatePiiKeyring } from '../../core/pii/keyring.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { startApplication } from '../../infra/app/application.ts';
import { simulateDemoMonth } from '../../infra/demo/simulate.ts';
import { demoIntakeHalls, demoStaffDirectory } from '../../infra/demo/world.ts';
import { parseIntakeConfig } from '../../intake-edge/config.ts';
import { createTestPglite } from './databases.ts';

const consoleDist = path.resolve('console/dist');

const newestMtime = (folder: string): number =>
  readdirSync(folder, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(folder, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }, 0);

/** Builds console/dist when it is missing or older than the console's sources (npm run build:console). */
export const ensureConsoleBuilt = (log: (line: string) => void = console.log): void => {
  const index = path.join(consoleDist, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.resolve('console/web'))) return;
  log('[console e2e] building console/dist (npm run build:console)');
  execFileSync('npm', ['run', 'build:console'], { stdio: 'inherit' });
};

/**
 * `totp`: administrators, auditors, appraisal and call-back officers sign in with a TOTP code as in
 * production; their demo secrets come back as `totpSecrets` (type the code with `enterTotpCode`).
 * Off: password only.
 */
export const startConsoleStack = async (options: { days: number; seed: string; password: string; totp?: boolean }) => {
  const { pglite, db } = await createTestPglite();
  const store = createPgliteEventStore({ pglite, db });
  const vault = createPiiVault({ keyring: generatePiiKeyring() });
  const blobRoot = await mkdtemp(path.join(tmpdir(), 'pinggai-console-e2e-'));
  const blobs = createLocalBlobStore({ root: blobRoot });
  const sms = createOutboxSmsGateway({ db: db as Kysely<SmsDatabase>, vault });
  const intakeConfig = parseIntakeConfig({
    publicBaseUrl: 'http://127.0.0.1',
    sms: { signName: '咸安政务' },
    linkTokens: { active: 'a', keys: { a: `link-token-${crypto.randomUUID()}` } },
    caseSystems: [{ system: 'other', keys: { 'other-1': `case-system-${crypto.randomUUID()}` } }],
    halls: demoIntakeHalls(),
  });
  const staffDirectory = demoStaffDirectory();
  const demo = await simulateDemoMonth(
    { store, db, vault, sms, blobs, config: intakeConfig, staffDirectory },
    // More of the applicants open their links than in a real month, so a few days fill every page.
    {
      days: options.days,
      seed: options.seed,
      casesPerWorkingDay: [40, 50],
      overdueShare: 0.08,
      smsOpenShare: 0.7,
      caseQrOpenShare: 0.8,
      staticQrShare: 0.1,
    },
  );
  console.log(`[console e2e] demo: ${JSON.stringify(demo.counts)} in ${demo.tookMs} ms`);
  const clock = { now: () => new Date() };
  const application = await startApplication({
    store,
    db,
    vault,
    sms,
    blobs,
    intakeConfig,
    temporal: null,
    staffDirectory,
    clock,
    log: (line) => console.error(`[console e2e] ${line}`),
    consoleDist,
    ...(options.totp ? {} : { secondFactorRoles: [] }),
  });
  await seedDemoAccounts(application.access, { password: options.password });
  const totpSecrets = options.totp ? (await seedDemoTotp(application.access)).secrets : {};
  await application.settled();
  const server = serve({ fetch: application.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    db,
    store,
    clock,
    demo,
    totpSecrets,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await application.stop();
      await store.close();
      await pglite.close();
      await rm(blobRoot, { recursive: true, force: true });
    },
  };
};

/** The sign-in page's TOTP step: types the code the account's authenticator would show now. */
export const enterTotpCode = async (page: Page, secret: string): Promise<void> => {
  await page.locator('#signin-code').waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('#signin-code').fill(await totpCodeAt(secret, new Date()));
  await page.getByTestId('signin-second-factor').getByRole('button', { name: '验证并登录' }).click();
};
