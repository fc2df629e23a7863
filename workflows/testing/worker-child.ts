/**
 * The parent's side of workflows/testing/worker-process.ts: bundle the workflow once, start the
 * worker as a child process, wait for it to poll, kill it with SIGKILL or stop it politely, read its
 * resident memory from /proc.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { AliyunSmsConfig } from '../../core/sms/aliyun/gateway.ts';
import type { LifecycleConfig } from '../config.ts';
import { bundleWarningWorkflows } from '../worker.ts';

const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Writes the bundled workflow code (and its source map beside it) for worker processes to load. */
export const writeWorkflowBundle = async (dir: string): Promise<string> => {
  const bundle = await bundleWarningWorkflows();
  const file = path.join(dir, 'warning-lifecycle.bundle.js');
  writeFileSync(file, bundle.code);
  writeFileSync(`${file}.map`, bundle.sourceMap);
  return file;
};

export interface WorkerChildOptions {
  readonly pgUrl: string;
  readonly temporalAddress: string;
  readonly taskQueue: string;
  /** JSON of a PII keyring shared with the parent (it seals the raters' phones the worker opens). */
  readonly piiKeys: string;
  readonly bundlePath?: string;
  readonly config?: LifecycleConfig;
  readonly forwarder?: boolean;
  readonly smsLog?: string;
  /** Send through the Aliyun adapter (to the provider emulator) instead of the development outbox. */
  readonly aliyun?: AliyunSmsConfig;
  /** Asks the worker to report its sticky-cache size this often (onCache). */
  readonly statusEveryMs?: number;
  readonly onLateness?: (key: string, ms: number) => void;
  readonly onCache?: (cache: { cached: number; max: number }) => void;
  readonly onLog?: (line: string) => void;
}

export interface WorkerChild {
  readonly pid: number;
  /** Resolves once the worker polls its task queue; rejects if the process exits first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9: no shutdown, no flush, nothing acknowledged. */
  kill9(): Promise<void>;
  /** SIGTERM: the worker drains and closes its connections. */
  stop(): Promise<void>;
  /** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
  rss(): number;
  /** CPU time used so far, user + system, in seconds (/proc/<pid>/stat, 100 ticks a second). */
  cpuSeconds(): number;
}

export const startWorkerChild = (options: WorkerChildOptions): WorkerChild => {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PINGGAI_PG_URL: options.pgUrl,
      TEMPORAL_ADDRESS: options.temporalAddress,
      WORKER_TASK_QUEUE: options.taskQueue,
      PINGGAI_PII_KEYS: options.piiKeys,
      WORKER_FORWARDER: options.forwarder === false ? '0' : '1',
      ...(options.bundlePath ? { WORKER_BUNDLE_PATH: options.bundlePath } : {}),
      ...(options.config ? { WORKER_LIFECYCLE_CONFIG: JSON.stringify(options.config) } : {}),
      ...(options.smsLog ? { WORKER_SMS_LOG: options.smsLog } : {}),
      ...(options.aliyun ? { WORKER_ALIYUN_CONFIG: JSON.stringify(options.aliyun) } : {}),
      ...(options.statusEveryMs ? { WORKER_STATUS_EVERY_MS: String(options.statusEveryMs) } : {}),
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the worker process did not start');
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: { ready?: boolean; lateness?: { key: string; ms: number }; cache?: { cached: number; max: number }; log?: string };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        options.onLog?.(line);
        return;
      }
      if (message.ready) resolve();
      else if (message.lateness) options.onLateness?.(message.lateness.key, message.lateness.ms);
      else if (message.cache) options.onCache?.(message.cache);
      else if (message.log) options.onLog?.(message.log);
    });
    void exited.then(({ code, signal }) => reject(new Error(`worker process ${pid} exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  ready.catch(() => {}); // observed by the caller; don't let an early kill count as unhandled
  return {
    pid,
    ready,
    exited,
    async kill9() {
      process.kill(pid, 'SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
    rss() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
      if (!kb) throw new Error(`no VmRSS for process ${pid}`);
      return Number(kb) * 1024;
    },
    cpuSeconds() {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
  };
};
