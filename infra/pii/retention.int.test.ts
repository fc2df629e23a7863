import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogStreamId } from '../../core/access/access-log.ts';
import { verifyEventChain } from '../../core/audit/verify.ts';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { generatePiiKeyring, rotatePiiKeyring } from '../../core/pii/keyring.ts';
import { piiKeyFilePath, readPiiKeyFile, writePiiKeyFile } from '../../core/pii/key-file.node.ts';
import { periodKeyId } from '../../core/pii/retention.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import { purgeDueKeys } from './retention.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * Issue 6, retention: a month's personal data is erased by destroying that month's key. The rating
 * events stay (the hash chain still verifies), a newer month's phone still opens, the old one reports
 * PII_KEY_DESTROYED, and the purge itself is an event in the access log.
 */
describe('the retention policy erases a month of personal data by destroying its key', () => {
  let setup: Awaited<ReturnType<typeof createTestPglite>>;
  let store: EventStore;
  let dir: string;
  let keyringFile: string;
  const current = periodKeyId(new Date());

  beforeAll(async () => {
    setup = await createTestPglite();
    store = createPgliteEventStore({ pglite: setup.pglite, db: setup.db });
    dir = await mkdtemp(path.join(os.tmpdir(), 'pinggai-retention-'));
    keyringFile = piiKeyFilePath(dir);
    await mkdir(path.dirname(keyringFile), { recursive: true, mode: 0o700 });
    await writePiiKeyFile(keyringFile, generatePiiKeyring('p202301'));
  });
  afterAll(async () => {
    await setup?.pglite.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rate = async (vaultRing: Parameters<typeof createPiiVault>[0]['keyring'], phone: string) => {
    const sealed = await createPiiVault({ keyring: vaultRing }).seal(phone, 'phone');
    const id = crypto.randomUUID();
    await store.append(`rating-${id}`, [{ id: crypto.randomUUID(), type: 'RatingRecorded', schemaVersion: 1, data: { overall: 2, applicantPhone: sealed }, metadata: { actor: { id: 'citizen' }, occurredAt: new Date().toISOString() } }], { expectedVersion: 'no_stream' });
    return sealed;
  };

  it('keeps what is inside its retention, destroys what is due, and logs the purge', async () => {
    const old = await rate(await readPiiKeyFile(keyringFile), '13800001111');
    await writePiiKeyFile(keyringFile, rotatePiiKeyring(await readPiiKeyFile(keyringFile), current));
    const recent = await rate(await readPiiKeyFile(keyringFile), '13900002222');
    const eventsBefore = (await store.readAll({ limit: 1_000 })).length;
    const now = new Date();

    const dryRun = await purgeDueKeys({ db: setup.db, store, keyringFile, now, retentionMonths: 24, operator: 'ops', reason: '年度到期清理', dryRun: true });
    expect(dryRun.destroyed).toEqual([{ kid: 'p202301', dueSince: expect.any(String), events: 1 }]);
    expect(Object.keys((await readPiiKeyFile(keyringFile)).keys).sort()).toEqual(['p202301', current].sort());

    const purged = await purgeDueKeys({ db: setup.db, store, keyringFile, now, retentionMonths: 24, operator: 'ops', reason: '年度到期清理', dryRun: false });
    expect(purged.destroyed.map((key) => key.kid)).toEqual(['p202301']);
    const ring = await readPiiKeyFile(keyringFile);
    expect(ring.destroyed).toEqual(['p202301']);
    const vault = createPiiVault({ keyring: ring });
    await expect(vault.open(old, 'phone')).rejects.toMatchObject({ code: 'PII_KEY_DESTROYED' });
    expect(await vault.open(recent, 'phone')).toBe('13900002222');

    const log = (await store.readStream(accessLogStreamId(now))).filter((event) => event.type === 'PersonalDataPurged');
    expect(log).toHaveLength(1);
    expect(log[0]!.data).toMatchObject({ operator: 'ops', reason: '年度到期清理', retentionMonths: 24, keys: [{ kid: 'p202301', events: 1 }] });
    expect((await store.readAll({ limit: 1_000 })).length).toBe(eventsBefore + 1);
    expect((await verifyEventChain(setup.db)).firstBreak).toBeNull();

    const again = await purgeDueKeys({ db: setup.db, store, keyringFile, now, retentionMonths: 24, operator: 'ops', reason: '年度到期清理', dryRun: false });
    expect(again.destroyed).toEqual([]);
  });

  it('npm run pii refuses a purge without a reason, naming the option, and changes nothing', async () => {
    const before = await readPiiKeyFile(keyringFile);
    const refused = await run(process.execPath, ['--import', 'tsx', 'infra/cli/pii.ts', 'purge', '--retention-months', '1'], { cwd: root, env: { ...process.env, PINGGAI_DATA_DIR: dir } }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--reason') });
    expect(await readPiiKeyFile(keyringFile)).toEqual(before);
  });
});
