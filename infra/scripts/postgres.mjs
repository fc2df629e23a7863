// A throwaway Postgres cluster for tests: initdb in a temporary folder, a random free port, fsync on
// (benchmarks and durability tests must see real commits). As root, Postgres refuses to run, so
// initdb and pg_ctl run as the `postgres` user on a folder it owns.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomFreePort, run } from './processes.mjs';
import { say, warn } from './say.mjs';

const postgresUser = () => {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

/**
 * Starts the cluster and registers its stop (and folder removal) with `services`.
 * Resolves with a server URL, or undefined (with the reason printed) when it cannot.
 */
export const startThrowawayPostgres = async ({ bin, services }) => {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUser() : undefined;
  if (asRoot && !owner) {
    warn(
      'running as root and there is no postgres user to run the server as (apt-get install postgresql creates it)',
    );
    return undefined;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const tool = (name, args) =>
    owner
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args]]
      : [path.join(bin, name), args];
  const quiet = { stdio: ['ignore', 'pipe', 'pipe'] };
  const removeFolder = () => rmSync(dir, { recursive: true, force: true });

  const init = await run(
    ...tool('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']),
    quiet,
  );
  if (init.code !== 0) {
    warn(`initdb failed (exit ${init.code}):\n${init.output.trim()}`);
    removeFolder();
    return undefined;
  }
  const port = await randomFreePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const started = await run(
    ...tool('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']),
    quiet,
  );
  if (started.code !== 0) {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {
      // no log written
    }
    warn(`pg_ctl start failed (exit ${started.code}):\n${started.output.trim()}\n${log.trim()}`);
    removeFolder();
    return undefined;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  say(`started a throwaway Postgres cluster at 127.0.0.1:${port} (folder ${dir}, fsync on)`);
  services.add(
    `throwaway Postgres cluster (port ${port})`,
    async () => {
      const stopped = await run(
        ...tool('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']),
        quiet,
      );
      if (stopped.code !== 0) throw new Error(`pg_ctl stop failed: ${stopped.output.trim()}`);
      removeFolder();
    },
    () => {
      const [command, args] = tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      spawnSync(command, args, { stdio: 'ignore' });
      removeFolder();
    },
  );
  return url;
};
