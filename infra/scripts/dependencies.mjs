// `npm ci` when node_modules is missing or does not match package-lock.json.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './processes.mjs';
import { say, warn } from './say.mjs';

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

// npm 11.16+ leaves an optional dependency that the registry does not serve out of the lock file,
// then `npm ci` rejects that same lock file: "Missing: <name>@ from lock file" with an empty version
// (npm/cli#9846). Only that exact refusal is worked around.
const unservedOptionalDependency = /^npm error Missing: (\S+)@ from lock file$/m;

/**
 * `npm ci`. When npm refuses the lock file only because of an unserved optional dependency, installs
 * from the same lock with `npm install` instead, and fails if that changed package-lock.json.
 */
export const installDependencies = async (root) => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const ci = await run(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, tee: true });
  if (ci.code === 0) return;
  const missing = ci.output.match(unservedOptionalDependency);
  if (!missing || /Missing: \S+@\d/.test(ci.output)) throw new Error(`npm ci failed (exit ${ci.code})`);
  warn(
    `npm ci refused the lock file over ${missing[1]}, an optional dependency the registry does not serve (npm/cli#9846); installing from the same lock with npm install`,
  );
  const lockFile = path.join(root, 'package-lock.json');
  const lock = readFileSync(lockFile);
  const digest = (bytes) => createHash('sha256').update(bytes).digest('hex');
  const install = await run(npm, ['install', '--no-audit', '--no-fund'], { cwd: root });
  if (digest(readFileSync(lockFile)) !== digest(lock)) {
    writeFileSync(lockFile, lock);
    throw new Error(
      'npm install would have changed package-lock.json (restored): the lock file is really out of date',
    );
  }
  if (install.code !== 0) throw new Error(`npm install failed (exit ${install.code})`);
};

export const ensureDependencies = async (root) => {
  const reason = staleReason(root);
  if (!reason) {
    say('npm dependencies: node_modules matches package-lock.json');
    return;
  }
  say(`npm dependencies: ${reason}; running npm ci`);
  await installDependencies(root);
  say('npm dependencies: installed from package-lock.json');
};
