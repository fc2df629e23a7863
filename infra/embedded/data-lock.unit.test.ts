import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/shared/errors.ts';
import { lockDataFolder } from './data-lock.ts';

const folders: string[] = [];
const freshFolder = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pinggai-lock-'));
  folders.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const options = (lines: string[] = []) => ({
  now: () => new Date('2026-03-02T08:00:00Z'),
  log: (line: string) => lines.push(line),
});

/** The pid of a process that has already exited: what a killed launcher leaves in its lock. */
const deadPid = (): number =>
  Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
      .stdout,
  );

describe('data folder lock (PGlite does not lock its folder)', () => {
  it('is created exclusively, names its holder, and is removed on release', () => {
    const dir = freshFolder();
    const lock = lockDataFolder(dir, options());
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toEqual({
      pid: process.pid,
      hostname: os.hostname(),
      startedAt: '2026-03-02T08:00:00.000Z',
    });
    lock.release();
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses a folder held by a live process, with a message in Chinese and English', () => {
    const dir = freshFolder();
    const first = lockDataFolder(dir, options());
    let refusal: unknown;
    try {
      lockDataFolder(dir, options());
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('DATA_FOLDER_LOCKED');
    expect((refusal as DomainError).message).toContain('数据目录正被另一个 PingGai 进程使用');
    expect((refusal as DomainError).message).toContain(
      `The data folder is in use by another PingGai process (host ${os.hostname()}, pid ${process.pid}`,
    );
    first.release();
  });

  it('takes over a stale lock whose holder is dead, and says so', () => {
    const dir = freshFolder();
    const pid = deadPid();
    writeFileSync(
      path.join(dir, 'pglite.lock'),
      JSON.stringify({ pid, hostname: os.hostname(), startedAt: '2026-03-01T00:00:00.000Z' }),
    );
    const lines: string[] = [];
    const lock = lockDataFolder(dir, options(lines));
    expect(lines).toEqual([
      expect.stringContaining(`its holder (pid ${pid}, since 2026-03-01T00:00:00.000Z) is no longer running`),
    ]);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over an unreadable (half-written) lock', () => {
    const dir = freshFolder();
    writeFileSync(path.join(dir, 'pglite.lock'), '{"pid":');
    const lines: string[] = [];
    lockDataFolder(dir, options(lines)).release();
    expect(lines).toEqual([expect.stringContaining('taking over an unreadable lock')]);
  });

  it('treats a lock held on another host as live (its process cannot be checked from here)', () => {
    const dir = freshFolder();
    writeFileSync(
      path.join(dir, 'pglite.lock'),
      JSON.stringify({ pid: deadPid(), hostname: 'other-host', startedAt: '2026-03-01T00:00:00.000Z' }),
    );
    expect(() => lockDataFolder(dir, options())).toThrow(/host other-host/);
  });

  it('does not remove a lock that someone else holds by the time we release', () => {
    const dir = freshFolder();
    const lock = lockDataFolder(dir, options());
    writeFileSync(lock.file, JSON.stringify({ pid: 1, hostname: os.hostname(), startedAt: 'x' }));
    lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });
});
