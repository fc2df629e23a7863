import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainError } from '../../core/shared/errors.ts';

/** Who holds the data folder; written into the lock file. */
interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

export interface DataFolderLock {
  readonly file: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = (file: string): LockHolder | undefined => {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' && typeof holder.hostname === 'string'
      ? { pid: holder.pid, hostname: holder.hostname, startedAt: String(holder.startedAt) }
      : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
};

const lockedError = (file: string, holder: LockHolder): DomainError =>
  new DomainError(
    'DATA_FOLDER_LOCKED',
    `数据目录正被另一个 PingGai 进程使用(主机 ${holder.hostname},进程 ${holder.pid},${holder.startedAt} 起),锁文件 ${file}。请先停止那个进程。` +
      `\nThe data folder is in use by another PingGai process (host ${holder.hostname}, pid ${holder.pid}, since ${holder.startedAt}); lock file ${file}. Stop that process first.`,
    { status: 503, details: { file, holder } },
  );

/**
 * PGlite does not lock its data folder: a second process opening it would corrupt it. This lock file
 * is created with O_EXCL and names its holder. A lock whose holder is dead on this host is stale
 * (the process was killed) and is taken over, with a log line; a live holder, or one on another host
 * (we cannot tell whether it lives), is an error.
 */
export const lockDataFolder = (
  dataDir: string,
  options: { now: () => Date; log: (line: string) => void },
): DataFolderLock => {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'pglite.lock');
  const me: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: options.now().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          if (readHolder(file)?.pid === me.pid) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder && (holder.hostname !== me.hostname || isAlive(holder.pid))) throw lockedError(file, holder);
    options.log(
      holder
        ? `taking over a stale lock ${file}: its holder (pid ${holder.pid}, since ${holder.startedAt}) is no longer running`
        : `taking over an unreadable lock ${file}`,
    );
    unlinkSync(file);
  }
  // Someone else took the stale lock between our unlink and our create.
  const holder = readHolder(file);
  throw holder
    ? lockedError(file, holder)
    : new DomainError('DATA_FOLDER_LOCKED', `could not take the lock ${file}`, { status: 503 });
};
