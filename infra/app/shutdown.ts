/**
 * How a composition root ends: what it opened is closed last-opened first, once, on SIGINT / SIGTERM,
 * when the launcher that started it with an IPC channel goes away, or when start-up fails; then the
 * process exits (1 if anything could not close). Shared by `npm start` (infra/embedded/main.ts) and the
 * production deployables (infra/deployables/runtime.ts).
 */
export interface Closer {
  readonly name: string;
  close(): Promise<void> | void;
}

export interface Shutdown {
  /** Registers something to close on the way out. */
  onClose(closer: Closer): void;
  stop(why: string, exitCode: number): Promise<void>;
}

export const installShutdown = (prefix: string, log: (line: string) => void): Shutdown => {
  const closers: Closer[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (why: string, exitCode: number): Promise<void> =>
    (stopping ??= (async () => {
      log(`${why}: shutting down`);
      for (const closer of closers.reverse()) {
        try {
          await closer.close();
          log(`closed ${closer.name}`);
        } catch (error) {
          console.error(`[${prefix}] could not close ${closer.name}:`, error);
          exitCode = 1;
        }
      }
      process.exit(exitCode);
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(signal, 0));
  // Started by a launcher with an IPC channel: if the launcher dies, so do we (and locks are released).
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => void stop('the launcher went away', 0));
  }
  return { onClose: (closer) => void closers.push(closer), stop };
};
