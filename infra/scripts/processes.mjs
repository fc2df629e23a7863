// Child processes the launcher starts, and their orderly stop in reverse order of start.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { say, warn, reasonOf } from './say.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when nothing listens on host:port (we could bind it ourselves). */
export const isPortFree = (port, host = '127.0.0.1') =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });

/** `preferred` if free, else the next free port above it (skipping `avoid`). */
export const firstFreePort = async (preferred, { host = '127.0.0.1', avoid = [] } = {}) => {
  for (let port = preferred; port < preferred + 200; port += 1) {
    if (!avoid.includes(port) && (await isPortFree(port, host))) return port;
  }
  throw new Error(`no free port in ${preferred}–${preferred + 199} on ${host}`);
};

/** A port the kernel picks for us (for throwaway engines in tests). */
export const randomFreePort = (host = '127.0.0.1') =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Polls `check` until it returns true; gives up after `timeoutMs` or when `abandon()` says so. */
export const waitUntil = async (check, { timeoutMs, intervalMs = 250, what, abandon = () => undefined }) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abandon();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
};

/**
 * Runs a command to its end and resolves with its exit code (signals count as failure).
 * `onChild` receives the child so a Ctrl-C handler can interrupt it.
 */
export const run = (command, args, { env, cwd, stdio = 'inherit', onChild, tee = false } = {}) =>
  new Promise((resolve) => {
    // `tee`: show the output as it comes and also keep it (to read an error message afterwards).
    const child = spawn(command, args, { env, cwd, stdio: tee ? ['ignore', 'pipe', 'pipe'] : stdio });
    onChild?.(child);
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (tee) process.stdout.write(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
      if (tee) process.stderr.write(chunk);
    });
    child.once('error', (error) => resolve({ code: 127, output: `${output}${reasonOf(error)}` }));
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), signal, output }));
  });

/**
 * A long-running process we started. `detached` puts it in its own process group, so a terminal's
 * Ctrl-C reaches only the launcher, which then stops everything in reverse order of start.
 */
export const startProcess = (name, command, args, { env, cwd, stdio, detached = false } = {}) => {
  const child = spawn(command, args, { env, cwd, stdio, detached });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: 127, signal: null, error }));
  });
  let done = false;
  void exited.then(() => (done = true));
  const signalIt = (signal) => {
    try {
      process.kill(detached ? -child.pid : child.pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    pid: child.pid,
    exited,
    isRunning: () => !done && child.pid !== undefined,
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop({ signal = 'SIGTERM', graceMs = 10_000 } = {}) {
      if (done || child.pid === undefined) return;
      signalIt(signal);
      const timer = setTimeout(() => {
        warn(`${name} did not stop within ${graceMs / 1000} s; killing it`);
        signalIt('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
    killNow: () => {
      if (!done) signalIt('SIGKILL');
    },
  };
};

/**
 * What the launcher started, stopped in reverse order. `killNow` is the synchronous last resort
 * for process exit (an uncaught error), where nothing asynchronous can run any more.
 */
export class Services {
  #stack = [];
  #stopping = undefined;

  /** Registers something to stop; `remove()` forgets it once it has ended by itself. */
  add(name, stop, killNow = () => {}) {
    const service = { name, stop, killNow };
    this.#stack.push(service);
    return { remove: () => (this.#stack = this.#stack.filter((other) => other !== service)) };
  }

  get isStopping() {
    return this.#stopping !== undefined;
  }

  stopAll() {
    this.#stopping ??= (async () => {
      while (this.#stack.length > 0) {
        const service = this.#stack.pop();
        say(`stopping ${service.name}`);
        try {
          await service.stop();
          say(`stopped ${service.name}`);
        } catch (error) {
          warn(`could not stop ${service.name} cleanly: ${reasonOf(error)}`);
          service.killNow();
        }
      }
    })();
    return this.#stopping;
  }

  killAllNow() {
    for (const service of this.#stack.reverse()) service.killNow();
    this.#stack = [];
  }
}
