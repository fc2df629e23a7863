/**
 * `npm run pii -- <command>` — the PII keyring and the retention policy (保存期限), for operators:
 *
 *   status [--retention-months N]          every key: active or not, events sealed under it, when it falls due
 *   rotate                                 make this month's key (p202611) the active one; idempotent
 *   purge --retention-months N --reason "…" [--dry-run]
 *                                          destroy the month keys whose retention has run out (crypto-shredding)
 *
 * The keyring is the embedded key file (`<PINGGAI_DATA_DIR>/keys/pii.json`) or, on a Postgres server
 * (PINGGAI_DATABASE_URL), the file given with `--keyring-file` (load it into the PINGGAI_PII_KEYS
 * Secret afterwards). The retention default is PINGGAI_PII_RETENTION_MONTHS, else 36 months.
 * Exit codes: 0 done, 1 failed, 2 bad input.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { piiKeyFilePath, readPiiKeyFile } from '../../core/pii/key-file.node.ts';
import { keyringStatus, purgeDueKeys, rotateToCurrentPeriod } from '../pii/retention.ts';
import { CliInputError, openCliDatabase } from './database.ts';

const log = (line: string) => console.log(`[pii] ${line}`);
const fail = (message: string): never => {
  console.error(`pii: ${message}`);
  process.exit(2);
};
const day = (date: Date | null) => (date ? new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) : '—');

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { 'retention-months': { type: 'string' }, reason: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'keyring-file': { type: 'string' } },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\nusage: status | rotate | purge --retention-months N --reason "…" [--dry-run] [--keyring-file F]`);
  }
})();
const input = v.safeParse(
  v.object({
    command: v.picklist(['status', 'rotate', 'purge'], 'the command must be status, rotate or purge'),
    retentionMonths: v.pipe(v.string(), v.regex(/^\d{1,3}$/, '--retention-months must be a whole number of months'), v.transform(Number), v.minValue(1, '--retention-months must be at least 1')),
    reason: v.optional(v.pipe(v.string(), v.trim(), v.minLength(4, '--reason must say why (at least 4 characters)'))),
  }),
  { command: positionals[0] ?? '', retentionMonths: values['retention-months'] ?? process.env.PINGGAI_PII_RETENTION_MONTHS ?? '36', reason: values.reason },
);
const { command, retentionMonths, reason } = input.success ? input.output : fail(input.issues[0].message);
if (command === 'purge' && !values['dry-run'] && !reason) fail('purge needs --reason "…" (it is kept in the access log)');

let opened;
try {
  opened = await openCliDatabase({ env: process.env, name: 'pinggai-pii', log });
} catch (error) {
  if (error instanceof CliInputError) fail(error.message);
  throw error;
}
const keyringFile = values['keyring-file'] ?? (opened.embedded ? piiKeyFilePath(opened.dataDir) : fail('on a Postgres server, name the keyring with --keyring-file (a JSON file like PINGGAI_PII_KEYS, mode 600)'));
const now = new Date();
try {
  log(`data: ${opened.where}; keyring: ${keyringFile}; retention ${retentionMonths} months after each key's month`);
  if (command === 'status') {
    const status = await keyringStatus({ db: opened.db, ring: await readPiiKeyFile(keyringFile), now, retentionMonths });
    for (const key of status.keys)
      log(`${key.kid.padEnd(10)} ${key.active ? 'active ' : '       '} ${String(key.events).padStart(8)} events  ${key.due ? `DUE since ${day(key.dueOn)}` : key.dueOn ? `due ${day(key.dueOn)}` : 'outside the policy (active, or not a month key)'}`);
    if (status.destroyed.length > 0) log(`destroyed: ${status.destroyed.join(', ')}`);
  } else if (command === 'rotate') {
    const rotated = await rotateToCurrentPeriod(keyringFile, now);
    log(rotated.rotated ? `new active key ${rotated.kid}; older keys stay to open what they sealed` : `${rotated.kid} is already the active key`);
  } else {
    const operator = process.env.PINGGAI_OPERATOR?.trim() || os.userInfo().username;
    const result = await purgeDueKeys({ db: opened.db, store: opened.store, keyringFile, now, retentionMonths, operator, reason: reason ?? '', dryRun: values['dry-run'] ?? false });
    if (result.destroyed.length === 0) log('no key is due: nothing to purge');
    for (const key of result.destroyed) log(`${values['dry-run'] ? 'would destroy' : 'destroyed'} ${key.kid} (due since ${day(new Date(key.dueSince))}): ${key.events} events carried data sealed under it`);
    if (!values['dry-run'] && result.destroyed.length > 0) log(`recorded PersonalDataPurged in the access log, by ${operator}`);
    for (const kept of result.plan.kept) log(`kept ${kept.kid} until ${day(kept.dueOn)}`);
  }
} catch (error) {
  console.error(`pii: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await opened.close();
}
