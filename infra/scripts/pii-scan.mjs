// Acceptance check: no plain-text mobile number (手机号) in a database dump or a log of the test run.
// `node infra/scripts/pii-scan.mjs <dir-or-file>…` scans every file under the given paths (database
// dumps written by tests/support/pii-dump.ts, logs and reports of infra/scripts/test.mjs) and exits 1,
// naming file, line and column, when it finds one. Masked numbers (138****1234) do not match.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A mainland mobile number standing alone: 1[3-9] and nine more digits, with no letter or digit on
 * either side (so ids, timestamps, UUID and base64 runs of ciphertext do not count), optionally with
 * the +86 / 86 country prefix.
 */
// Not the digits of a decimal fraction (a report's `"duration":92807.14898400001`).
export const PLAIN_MOBILE = /(?<![0-9A-Za-z]|\d\.)(?:\+?86[ -]?)?(1[3-9]\d{9})(?![0-9A-Za-z])/g;

/** Every plain mobile number in `text`, with its 1-based line and column. */
export const findPlainMobiles = (text) => {
  const found = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const match of line.matchAll(PLAIN_MOBILE))
      found.push({ line: index + 1, column: match.index + 1, number: match[1] });
  });
  return found;
};

const filesUnder = (target) => {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [target];
  if (!stat.isDirectory()) return [];
  return readdirSync(target).sort().flatMap((name) => filesUnder(path.join(target, name)));
};

/** Scans files and folders; returns the findings (number shown masked, so the report leaks nothing). */
export const scanPaths = (targets) => {
  const findings = [];
  let files = 0;
  let bytes = 0;
  for (const file of targets.flatMap(filesUnder)) {
    const text = readFileSync(file, 'utf8');
    files += 1;
    bytes += text.length;
    for (const hit of findPlainMobiles(text))
      findings.push({ file, line: hit.line, column: hit.column, masked: `${hit.number.slice(0, 3)}****${hit.number.slice(7)}` });
  }
  return { files, bytes, findings };
};

const main = (targets) => {
  if (targets.length === 0) {
    process.stderr.write('usage: node infra/scripts/pii-scan.mjs <dir-or-file>…\n');
    return 2;
  }
  const { files, bytes, findings } = scanPaths(targets);
  for (const f of findings) process.stderr.write(`plain phone number ${f.masked} at ${f.file}:${f.line}:${f.column}\n`);
  process.stdout.write(`pii scan: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${findings.length} plain phone number${findings.length === 1 ? '' : 's'}\n`);
  if (files === 0) {
    process.stderr.write('pii scan: nothing to scan (no dumps were written): the check proves nothing\n');
    return 1;
  }
  return findings.length === 0 ? 0 : 1;
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
