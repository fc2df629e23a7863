/**
 * `npm run bulletin -- [--month 2026-10] [--out bulletin.docx] [--html bulletin.html]` — writes the
 * monthly bulletin (月度通报) of a month (default: last month, Beijing time) as an editable .docx,
 * and optionally its HTML view. On a Postgres server (PINGGAI_PG_URL) it reads beside the live
 * system; for the embedded PGlite (PINGGAI_DATA_DIR, default .data) it takes the data folder's lock,
 * so stop `npm start` first. Before reading, the serving projections are brought up to date with
 * the event store, so the figures include every event committed so far.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { createPgEventStore } from '../../core/eventstore/pg.ts';
import { lockDataFolder } from '../../infra/embedded/data-lock.ts';
import { openEmbeddedDatabase } from '../../infra/embedded/event-store.ts';
import { projectionRegistry } from '../index.ts';
import { startProjector } from '../runtime/projector.ts';
import { activeVersion } from '../runtime/schema.ts';
import { shanghaiKeys } from '../time/shanghai.ts';
import { BulletinMonthSchema, buildMonthlyBulletin } from './index.ts';

const fail = (message: string): never => {
  console.error(`bulletin: ${message}`);
  process.exit(2);
};
const log = (line: string) => console.log(line);

const lastMonth = (now: Date): string => {
  const [year, month] = shanghaiKeys(now).monthKey.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(year, month - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

const Args = v.strictObject({
  month: v.optional(BulletinMonthSchema),
  out: v.optional(v.pipe(v.string(), v.regex(/\.docx$/i, 'a file name ending in .docx'))),
  html: v.optional(v.pipe(v.string(), v.regex(/\.html?$/i, 'a file name ending in .html'))),
});
const Env = v.object({
  PINGGAI_PG_URL: v.optional(v.pipe(v.string(), v.url('PINGGAI_PG_URL must be a postgres:// URL'))),
  PINGGAI_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
});

let raw: Record<string, unknown>;
try {
  raw = parseArgs({
    options: { month: { type: 'string' }, out: { type: 'string' }, html: { type: 'string' } },
    strict: true,
  }).values;
} catch (error) {
  raw = fail(`${error instanceof Error ? error.message : String(error)}\nusage: --month YYYY-MM [--out file.docx] [--html file.html]`);
}
const parsed = v.safeParse(Args, raw);
const args = parsed.success
  ? parsed.output
  : fail(`--${v.getDotPath(parsed.issues[0]) ?? 'arguments'}: ${parsed.issues[0].message}`);
const env = v.safeParse(Env, {
  PINGGAI_PG_URL: process.env.PINGGAI_PG_URL || undefined,
  PINGGAI_DATA_DIR: process.env.PINGGAI_DATA_DIR || undefined,
});
const config = env.success
  ? env.output
  : fail(`${v.getDotPath(env.issues[0]) ?? 'environment'}: ${env.issues[0].message}`);

const clock = { now: () => new Date() };
const month = args.month ?? lastMonth(clock.now());
const out = path.resolve(args.out ?? `PingGai-月度通报-${month}.docx`);

const open = async () => {
  if (config.PINGGAI_PG_URL) {
    const url = config.PINGGAI_PG_URL;
    const store = createPgEventStore({ connectionString: url, poolSize: 2, listen: false });
    const db = postgresKysely<unknown>(
      createPgPool({ connectionString: url, max: 2, applicationName: 'pinggai-bulletin-cli' }),
    );
    return { store, db, close: async () => (await store.close(), await db.destroy()) };
  }
  const dataDir = path.resolve(config.PINGGAI_DATA_DIR);
  const lock = lockDataFolder(dataDir, { now: clock.now, log });
  const embedded = await openEmbeddedDatabase(dataDir, log);
  return {
    store: embedded.store,
    db: embedded.db,
    close: async () => (await embedded.close(), lock.release()),
  };
};

const deps = await open();
try {
  for (const name of [...new Set(projectionRegistry.map((projection) => projection.name))]) {
    const serving = await activeVersion(deps.db, name);
    const code = projectionRegistry.find((p) => p.name === name && p.version === serving);
    if (!code) {
      log(`projection ${name}: serving version ${serving ?? 'none'} has no code here; reading it as it is`);
      continue;
    }
    const projector = startProjector(deps, code, { batchSize: 500 });
    await projector.caughtUp();
    await projector.stop();
  }
  const bulletin = await buildMonthlyBulletin(deps.db, { month, clock });
  await writeFile(out, bulletin.docx);
  log(`wrote ${out} (${bulletin.figures.overall.rated} ratings, ${bulletin.figures.warnings.raised} warnings in ${month})`);
  if (args.html) {
    const htmlPath = path.resolve(args.html);
    await writeFile(htmlPath, bulletin.html, 'utf8');
    log(`wrote ${htmlPath}`);
  }
} catch (error) {
  console.error(`bulletin: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
