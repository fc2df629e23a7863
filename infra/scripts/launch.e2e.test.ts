import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { needs } from '../../tests/support/env.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves when `output()` matches, rejects when the process ends first or time runs out. */
const waitForOutput = (
  output: () => string,
  pattern: RegExp,
  exited: () => boolean,
  timeoutMs: number,
): Promise<RegExpMatchArray> =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      const match = output().match(pattern);
      if (match) {
        clearInterval(timer);
        resolve(match);
      } else if (exited() || Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`${pattern} did not appear; output so far:\n${output()}`));
      }
    }, 100);
  });

// `npm start` as a person uses it: the launcher brings the embedded stack up, the health page answers,
// Ctrl-C (SIGINT) stops every process it started and the launcher exits 0.
describe.runIf(needs('npm start end to end', 'TEMPORAL_CLI_PATH'))('npm start (launch.mjs start)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts Temporal and the embedded server, serves health, refuses a second process, and stops everything on SIGINT', async () => {
    const httpPort = await freePort();
    const launcher = spawn(process.execPath, ['infra/scripts/launch.mjs', 'start', '--demo'], {
      cwd: root,
      env: { ...process.env, PINGGAI_DATA_DIR: dataDir, PINGGAI_HTTP_PORT: String(httpPort), PINGGAI_DEMO_DAYS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    launcher.stdout.on('data', (chunk) => (output += chunk));
    launcher.stderr.on('data', (chunk) => (output += chunk));
    const exit = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    let ended = false;
    void exit.then(() => (ended = true));

    try {
      await waitForOutput(
        () => output,
        /PingGai is up/,
        () => ended,
        240_000,
      );
      const temporalPid = Number(output.match(/starting Temporal dev server \(pid (\d+)\)/)?.[1]);
      const serverPid = Number(output.match(/starting PingGai embedded server \(pid (\d+)\)/)?.[1]);
      expect(isAlive(temporalPid) && isAlive(serverPid)).toBe(true);
      expect(output).toContain(`SQLite file ${path.join(dataDir, 'temporal', 'temporal.sqlite')}`);
      expect(output).toMatch(/\[demo\] done in [\d.]+ s: \d+ cases/);
      expect(output).toContain('--demo: accounts created: admin, dispatcher');

      const base = `http://127.0.0.1:${httpPort}`;
      const healthz = await fetch(`${base}/healthz`);
      expect(healthz.status).toBe(200);
      expect(await healthz.json()).toMatchObject({ status: 'ok' });
      const readyz = await fetch(`${base}/readyz`);
      expect(readyz.status).toBe(200);
      const page = await (await fetch(`${base}/`)).text();
      expect(page).toContain('全部组件正常运行');

      const lockFile = path.join(dataDir, 'pglite.lock');
      expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(serverPid);
      const second = spawnSync(process.execPath, ['--import', 'tsx', 'infra/embedded/main.ts'], {
        cwd: root,
        env: {
          ...process.env,
          PINGGAI_DATA_DIR: dataDir,
          PINGGAI_HTTP_PORT: String(await freePort()),
          TEMPORAL_ADDRESS: '127.0.0.1:1',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('数据目录正被另一个 PingGai 进程使用');
      expect(second.stderr).toContain(`pid ${serverPid}`);

      launcher.kill('SIGINT');
      expect(await exit).toBe(0);
      expect(output).toMatch(
        /stopped PingGai embedded server[\s\S]*stopped Temporal dev server[\s\S]*all stopped/,
      );
      expect(isAlive(serverPid)).toBe(false);
      expect(isAlive(temporalPid)).toBe(false);
      expect(existsSync(lockFile)).toBe(false);
    } finally {
      // SIGTERM lets the launcher stop what it started (SIGKILL would orphan the Temporal server).
      if (!ended) {
        launcher.kill('SIGTERM');
        const timer = setTimeout(() => launcher.kill('SIGKILL'), 30_000);
        await exit;
        clearTimeout(timer);
      }
    }
  });
});
