#!/usr/bin/env node
// The project's two commands, `npm start` and `npm test`, on a fresh clone: plain Node with no
// dependencies, because it runs before `npm ci` has installed anything.
//
//   node infra/scripts/launch.mjs start [--demo]      the embedded stack (see start.mjs)
//   node infra/scripts/launch.mjs cluster             the production shape on one machine (see cluster.mjs)
//   node infra/scripts/launch.mjs test [-- filter…]   engines + typecheck + lint + test tiers (see test.mjs)
//   node infra/scripts/launch.mjs pg-cluster --url-file F
//                                                     a throwaway Postgres cluster until SIGTERM (CI)
//   node infra/scripts/launch.mjs npm-ci             npm ci, with the workaround in dependencies.mjs (CI)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDependencies } from './dependencies.mjs';
import { findPostgresBin } from './engines.mjs';
import { startThrowawayPostgres } from './postgres.mjs';
import { Services } from './processes.mjs';
import { reasonOf, say, warn } from './say.mjs';
import { start } from './start.mjs';
import { cluster } from './cluster.mjs';
import { test } from './test.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);

const [mode, ...args] = process.argv.slice(2);
const services = new Services();

const pgCluster = async () => {
  const at = args.indexOf('--url-file');
  const urlFile = at >= 0 ? args[at + 1] : undefined;
  const bin = findPostgresBin();
  const url = bin ? await startThrowawayPostgres({ bin, services }) : undefined;
  if (!url) return 1;
  if (urlFile) writeFileSync(urlFile, `${url}\n`);
  say(`PINGGAI_TEST_PG_URL=${url}`);
  setInterval(() => {}, 1 << 30); // the server is a daemon, not our child: keep this process alive until a signal
  return new Promise(() => {});
};

const modes = {
  start: () => start({ root, args, services }),
  cluster: () => cluster({ root, services }),
  test: () => test({ root, args, services }),
  'pg-cluster': pgCluster,
  'npm-ci': () => installDependencies(root).then(() => 0),
};

// Whatever the launcher is doing when a signal arrives, everything it started is stopped in reverse
// order. `npm start` exits 0 on Ctrl-C (a normal way to stop it); an interrupted test run does not.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) {
      warn(`${signal} again: killing everything now`);
      services.killAllNow();
      process.exit(130);
    }
    interrupted = true;
    say(`${signal} received: stopping everything`);
    void services.stopAll().then(() => {
      say('all stopped');
      process.exit(mode === 'test' ? 130 : 0);
    });
  });
}
// Last resort on an unexpected exit: nothing asynchronous can run any more, so SIGKILL what is left.
process.on('exit', () => services.killAllNow());

if (!(mode in modes)) {
  process.stderr.write(
    'usage: node infra/scripts/launch.mjs start [--demo] | cluster | test [-- <vitest file filter>…] | pg-cluster [--url-file <file>] | npm-ci\n',
  );
  process.exit(2);
}

try {
  const code = await modes[mode]();
  process.exitCode = code;
} catch (error) {
  if (interrupted) await new Promise(() => {}); // the signal handler is stopping everything and will exit
  warn(`${mode} failed: ${reasonOf(error)}`);
  await services.stopAll();
  process.exitCode = 1;
}
