/**
 * `npm run audit:verify` — recomputes the event store's hash chain and names the first event that was
 * edited, deleted (missing) or reordered; exit code 1 on a break, 2 on bad input.
 *   npm run audit:verify                                    the embedded PGlite under PINGGAI_DATA_DIR (default .data)
 *   PINGGAI_PG_URL=postgres://… npm run audit:verify         a Postgres server
 *   npm run audit:verify -- --stream <stream id>            one stream only (exit code 1 when it has no events)
 *   npm run audit:verify -- --url postgres://…              same as PINGGAI_PG_URL
 *   npm run audit:verify -- --write-anchor anchor.json      then write the external anchor (keep it outside the database)
 *   npm run audit:verify -- --anchor anchor.json            also check the store against an anchor written earlier:
 *                                                           names removed tails, dropped streams, recomputed chains
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as v from 'valibot';
import { checkAnchor, describeAnchorBreak, parseAnchor, writeAnchor } from '../../core/audit/anchor.ts';
import { describeBreak, verifyEventChain } from '../../core/audit/verify.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { openPglite, pgliteKysely } from '../../core/db/pglite.ts';
import { createPgPool, postgresKysely } from '../../core/db/postgres.ts';
import { lockDataFolder } from '../embedded/data-lock.ts';

const { values } = parseArgs({ options: { stream: { type: 'string' }, url: { type: 'string' }, anchor: { type: 'string' }, 'write-anchor': { type: 'string' } }, strict: true });
const input = v.safeParse(
  v.object({
    PINGGAI_PG_URL: v.optional(v.pipe(v.string(), v.url('PINGGAI_PG_URL must be a postgres:// URL'))),
    PINGGAI_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), '.data'),
    stream: v.optional(v.pipe(v.string(), v.minLength(1, 'stream must not be empty'))),
  }),
  {
    PINGGAI_PG_URL: values.url || process.env.PINGGAI_PG_URL || undefined,
    PINGGAI_DATA_DIR: process.env.PINGGAI_DATA_DIR || undefined,
    stream: values.stream,
  },
);
if (!input.success) {
  console.error(`audit:verify: ${v.getDotPath(input.issues[0]) ?? 'input'}: ${input.issues[0].message}`);
  process.exit(2);
}
const log = (line: string) => console.log(`[audit] ${line}`);

const verify = async (db: Kysely<unknown>): Promise<boolean> => {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from information_schema.columns
     where table_schema = 'eventstore' and table_name = 'events' and column_name = 'event_hash'`.execute(db);
  if (rows[0]?.n !== 1) {
    log('this store has no hash chain yet: run `npm run migrate` first (it hashes the existing events)');
    return false;
  }
  let lastPrinted = 0;
  const report = await verifyEventChain(db, {
    streamId: input.output.stream,
    onProgress: (events, streams) => {
      if (events - lastPrinted >= 20_000) {
        lastPrinted = events;
        log(`${events} events in ${streams} streams verified…`);
      }
    },
  });
  const scope = input.output.stream === undefined ? 'whole store' : `stream ${input.output.stream}`;
  if (report.firstBreak) {
    log(`BROKEN (${scope}) after ${report.events} intact events: ${describeBreak(report.firstBreak)}`);
    return false;
  }
  if (input.output.stream !== undefined && report.events === 0) {
    // An empty chain verifies trivially; a stream that was deleted (or mistyped) must not read as intact.
    log(`MISSING (${scope}): 该流没有任何事件(已被删除,或流 id 有误) / the stream has no events (deleted, or a mistyped stream id)`);
    return false;
  }
  log(`OK (${scope}): ${report.events} events in ${report.streams} streams, every hash recomputed and chained`);
  if (values.anchor) {
    let anchor;
    try {
      anchor = parseAnchor(JSON.parse(await readFile(values.anchor, 'utf8')));
    } catch (error) {
      log(`--anchor ${values.anchor}: not an anchor written by --write-anchor (${error instanceof Error ? error.message : String(error)})`);
      return false;
    }
    const check = await checkAnchor(db, anchor);
    if (!check.ok) {
      log(`BROKEN against the anchor of ${anchor.writtenAt} (${values.anchor}): ${check.firstBreak ? describeAnchorBreak(check.firstBreak) : `the running digest differs (${check.eventsThen} events then, ${check.eventsNow} now)`}`);
      return false;
    }
    log(`OK against the anchor of ${anchor.writtenAt}: the ${check.eventsThen} events it covers are all there, unchanged`);
  }
  if (values['write-anchor']) {
    const anchor = await writeAnchor(db, { now: new Date() });
    await writeFile(values['write-anchor'], `${JSON.stringify(anchor, null, 2)}\n`, { flag: 'wx' });
    log(`anchor written to ${values['write-anchor']}: ${anchor.events} events, digest ${anchor.digest}; keep it outside the database`);
  }
  return true;
};

let ok: boolean;
if (input.output.PINGGAI_PG_URL) {
  const url = new URL(input.output.PINGGAI_PG_URL);
  log(`Postgres server ${url.host}${url.pathname}`);
  const db = postgresKysely<unknown>(createPgPool({ connectionString: input.output.PINGGAI_PG_URL, max: 2, applicationName: 'pinggai-audit' }));
  try {
    ok = await verify(db);
  } finally {
    await db.destroy();
  }
} else {
  const dataDir = path.resolve(input.output.PINGGAI_DATA_DIR);
  const lock = lockDataFolder(dataDir, { now: () => new Date(), log });
  try {
    log(`embedded PGlite at ${path.join(dataDir, 'pglite')}`);
    const pglite = await openPglite(path.join(dataDir, 'pglite'));
    const db = pgliteKysely<unknown>(pglite);
    try {
      ok = await verify(db);
    } finally {
      await db.destroy();
      await pglite.close();
    }
  } finally {
    lock.release();
  }
}
process.exit(ok ? 0 : 1);
