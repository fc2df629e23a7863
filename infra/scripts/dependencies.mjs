// `npm ci` when node_modules is missing or does not match package-lock.json.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from './processes.mjs';
import { say } from './say.mjs';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * Why node_modules needs `npm ci`, or undefined when it is current. A newer package-lock.json alone
 * is not enough (an `npm i` rewrites both files within milliseconds, in either order): the installed
 * versions, recorded by npm in node_modules/.package-lock.json, must differ from the lock file's.
 */
const staleReason = (root) => {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installed)) return 'node_modules has no record of what was installed';
  if (statSync(installed).mtimeMs >= statSync(path.join(root, 'package-lock.json')).mtimeMs) return undefined;
  const wanted = readJson(path.join(root, 'package-lock.json')).packages ?? {};
  const have = readJson(installed).packages ?? {};
  for (const [name, entry] of Object.entries(wanted)) {
    if (name === '' || entry.optional || entry.link) continue;
    if (have[name]?.version !== entry.version) {
      return `node_modules is older than package-lock.json (${name.replace(/^node_modules\//, '')} ${have[name]?.version ?? 'missing'} ≠ ${entry.version})`;
    }
  }
  return undefined;
};

export const ensureDependencies = async (root) => {
  const reason = staleReason(root);
  if (!reason) {
    say('npm dependencies: node_modules matches package-lock.json');
    return;
  }
  say(`npm dependencies: ${reason}; running npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { code } = await run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root });
  if (code !== 0) throw new Error(`npm ci failed (exit ${code})`);
  say('npm dependencies: installed with npm ci');
};
