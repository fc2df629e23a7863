/**
 * `npm run demo -- --days 30 [--seed xianan] [--end 2026-11-28T18:00:00+08:00]`: fills the embedded
 * data folder (PINGGAI_DATA_DIR, default .data) with a simulated month of the four pilot halls, under
 * the folder's lock, with the same keys `npm start` uses (PII keyring, link-token keys). A folder that
 * already holds demo data is left as it is. Stop `npm start` first: the lock says so if it runs.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { createLocalBlobStore } from '../../core/blobs/local.node.ts';
import { loadPiiKeyring } from '../../core/pii/key-file.node.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { createOutboxSmsGateway } from '../../core/sms/outbox.ts';
import type { SmsDatabase } from '../../core/sms/send-log.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { embeddedIntakeConfig } from '../app/embedded-intake-config.ts';
import { loadOrCreateEmbeddedSecrets } from '../app/secrets.node.ts';
import { demoStaffDirectory } from './world.ts';
import { ConfigError, parseEmbeddedConfig } from '../embedded/config.ts';
import { lockDataFolder } from '../embedded/data-lock.ts';
import { openEmbeddedDatabase } from '../embedded/event-store.ts';
import { simulateDemoMonth } from './simulate.ts';
import { instantSchema } from '../../core/shared/instant.ts';

const log = (line: string): void => console.log(line.startsWith('[') ? line : `[demo] ${line}`);

const ArgsSchema = v.object({
  days: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, '--days: a whole number of days'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(366),
    ),
    '30',
  ),
  seed: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64)), 'xianan-2025'),
  end: v.optional(
    v.pipe(
      instantSchema('--end: an ISO-8601 timestamp with offset, e.g. 2026-11-28T18:00:00+08:00'),
      v.transform((text) => new Date(text)),
    ),
  ),
});

const main = async (): Promise<void> => {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      options: { days: { type: 'string' }, seed: { type: 'string' }, end: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new ConfigError([
      `${error instanceof Error ? error.message : String(error)} (known: --days, --seed, --end)`,
    ]);
  }
  const parsed = v.safeParse(ArgsSchema, values);
  if (!parsed.success)
    throw new ConfigError(parsed.issues.map((issue) => `--${v.getDotPath(issue) ?? '?'}: ${issue.message}`));
  const args = parsed.output;
  const config = parseEmbeddedConfig(process.env, [], process.cwd());
  const lock = lockDataFolder(config.dataDir, { now: () => new Date(), log });
  try {
    const database = await openEmbeddedDatabase(config.dataDir, log);
    try {
      const vault = createPiiVault({
        keyring: await loadPiiKeyring({ env: process.env, dataDir: config.dataDir }),
      });
      const { secrets } = await loadOrCreateEmbeddedSecrets(config.dataDir);
      const result = await simulateDemoMonth(
        {
          store: database.store,
          db: database.db,
          vault,
          sms: createOutboxSmsGateway({ db: database.db as Kysely<SmsDatabase>, vault }),
          blobs: createLocalBlobStore({ root: path.join(config.dataDir, 'blobs') }),
          config: embeddedIntakeConfig({ publicBaseUrl: config.publicBaseUrl, secrets }),
          staffDirectory: demoStaffDirectory(),
        },
        { days: args.days, seed: args.seed, ...(args.end ? { end: args.end } : {}), log },
      );
      if (!result.skipped) log(`data folder ${config.dataDir} is ready: npm start serves it`);
    } finally {
      await database.close();
    }
  } finally {
    lock.release();
  }
};

try {
  await main();
} catch (error) {
  if (error instanceof ConfigError || error instanceof DomainError) console.error(`[demo] ${error.message}`);
  else console.error('[demo] failed:', error);
  process.exitCode = error instanceof ConfigError ? 2 : 1;
}
