/**
 * `npm run cases -- <command>` — the case-system connector for operators:
 *   backfill --system NAME --file cases.jsonl   import a period of cases (JSON Lines, the API's
 *                                               event shape); all lines are checked first, nothing is
 *                                               stored if one is wrong; safe to run again. The file
 *                                               is UTF-8; NAME is one of the intake's case systems
 *   reconcile --day YYYY-MM-DD                  cases completed vs invitations issued vs ratings;
 *                                               exit code 1 when a completed case was not invited
 * On a Postgres server (PINGGAI_PG_URL) or the embedded PGlite (PINGGAI_DATA_DIR, default .data;
 * stop `npm start` first: the data folder is locked). Backfill needs the PII key (phones are sealed)
 * and, on a Postgres server, PINGGAI_INTAKE_SECRETS (the case systems it knows).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import { isCivilDate } from '../../core/calendar/civil-date.ts';
import { loadPiiKeyring } from '../../core/pii/key-file.node.ts';
import { createPiiVault } from '../../core/pii/vault.ts';
import { backfillCases, decodeCaseFile } from './backfill.ts';
import { configuredCaseSystems, unknownCaseSystem } from './case-systems.ts';
import { formatCaseDay, reconcileCaseDay } from './reconcile.ts';
import { CliInputError, openCliDatabase } from '../cli/database.ts';

const Args = v.union([
  v.tuple([v.literal('backfill'), v.literal('--system'), v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a case system name')), v.literal('--file'), v.pipe(v.string(), v.minLength(1))]),
  v.tuple([v.literal('reconcile'), v.literal('--day'), v.pipe(v.string(), v.check(isCivilDate, 'a day YYYY-MM-DD'))]),
]);
const fail = (message: string): never => {
  console.error(`cases: ${message}`);
  process.exit(2);
};
const args = v.safeParse(Args, process.argv.slice(2));
if (!args.success) {
  const [command, , day] = process.argv.slice(2);
  if (command === 'reconcile' && day !== undefined && !isCivilDate(day)) fail(`--day ${day}: 不是日历上的一天 / not a calendar day (YYYY-MM-DD)`);
  fail('usage: backfill --system NAME --file cases.jsonl | reconcile --day YYYY-MM-DD');
}
const parts = args.output! as readonly string[];
const log = (line: string) => console.log(`[cases] ${line}`);

const failOnInput = (error: unknown) => (error instanceof CliInputError ? fail(error.message) : Promise.reject(error));
const refuse = (message: string): never => {
  throw new CliInputError(message);
};
const open = () => openCliDatabase({ env: process.env, name: 'pinggai-cases-cli', log }).catch(failOnInput);

const opened = await open();
try {
  if (parts[0] === 'backfill') {
    const [, , system, , file] = parts as [string, string, string, string, string];
    const unknown = unknownCaseSystem(system, await configuredCaseSystems({ env: process.env, dataDir: opened.dataDir, embedded: opened.embedded }));
    if (unknown) throw new CliInputError(unknown);
    const decoded = decodeCaseFile(await readFile(file));
    const text =
      'text' in decoded
        ? decoded.text
        : refuse(`${file}:${decoded.notUtf8AtLine}: 文件不是 UTF-8 编码(GBK 导出?),请另存为 UTF-8 后重试 / the file is not UTF-8 (a GBK export?): save it as UTF-8 and try again`);
    const source = `${path.basename(file)}#${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
    const vault = createPiiVault({ keyring: await loadPiiKeyring({ env: process.env, dataDir: opened.dataDir }) });
    const { problems, summary } = await backfillCases(
      { store: opened.store, vault, clock: { now: () => new Date() } },
      { system, source, text, onProgress: (done, total) => log(`${done}/${total} events (${Math.round((done / total) * 100)}%)`) },
    );
    if (problems.length > 0) {
      for (const p of problems.slice(0, 50)) console.error(`${file}:${p.line}: ${p.field}: ${p.message}`);
      throw new CliInputError(`${problems.length} problem(s) in ${file}; nothing was imported`);
    }
    log(`imported ${source}: ${JSON.stringify(summary)}`);
    log('the read models take these in when the projectors next run (npm start)');
  } else {
    const day = await reconcileCaseDay(opened.db, parts[2]!);
    process.stdout.write(formatCaseDay(day));
    process.exitCode = day.invited === day.completed ? 0 : 1;
  }
} catch (error) {
  // Bad input found once the database is open: said, exit code 2, and the database closed properly.
  if (!(error instanceof CliInputError)) throw error;
  console.error(`cases: ${error.message}`);
  process.exitCode = 2;
} finally {
  await opened.close();
}
