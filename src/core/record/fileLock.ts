import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomName } from './randomName';
import { describeFsError, RecordError } from './errors';

let host: string | undefined;
/**
 * This machine's name, as os.hostname() gives it. On Linux it is read from /proc: the hook takes this lock on
 * every tool call, and loading node:os costs more than the append it guards.
 */
export function hostname(): string {
  if (host !== undefined) return host;
  if (process.platform === 'linux') {
    try {
      host = readFileSync('/proc/sys/kernel/hostname', 'utf8').trim() || undefined;
    } catch {
      // No /proc (a sandbox): node's answer below.
    }
  }
  return (host ??= (require('node:os') as typeof import('node:os')).hostname());
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
export function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Owner {
  pid: number;
  host: string;
  since: number;
  token: string;
}

function parseOwner(text: string): Owner | undefined {
  const [pid, host, since, token] = text.split(' ');
  const owner = { pid: Number(pid), host: host ?? '', since: Number(since), token: token ?? '' };
  return Number.isInteger(owner.pid) && owner.pid > 0 && owner.host && Number.isFinite(owner.since) && owner.token ? owner : undefined;
}

/**
 * A short cross-process lock: a directory holding its owner's note (pid, host, time, a random token),
 * moved into place by rename, which is atomic and fails while the lock exists. A holder killed with
 * SIGKILL leaves it behind: on this host a lock is broken only when its owner process is gone; a
 * lock from another host (a shared file system) or without a readable note, only when it is old.
 */
export class FileLock {
  private token: string | undefined;

  constructor(
    readonly path: string,
    private readonly staleMs = 10_000,
  ) {}

  tryAcquire(): boolean {
    const token = randomName(12);
    const staging = `${this.path}.${process.pid}.${token}`;
    try {
      mkdirSync(staging);
      writeFileSync(join(staging, 'owner'), `${process.pid} ${hostname()} ${Date.now()} ${token}`);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw describeFsError('create the lock', this.path, err);
    }
    try {
      renameSync(staging, this.path);
      this.token = token;
      return true;
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw describeFsError('take the lock', this.path, err);
    }
    return this.breakIfStale() ? this.tryAcquire() : false;
  }

  /** Waits up to `timeoutMs`; holders keep the lock for a write and an fsync, so polls are short. */
  acquire(timeoutMs = 15_000): void {
    const deadline = Date.now() + timeoutMs;
    let wait = 0.3;
    while (!this.tryAcquire()) {
      if (Date.now() > deadline) throw new RecordError(`timed out waiting for the lock ${this.path}`, 'ELOCKED');
      sleepMs(Math.ceil(wait));
      wait = Math.min(wait * 1.5, 5);
    }
  }

  /** Releases only our own lock: if someone broke it and took it meanwhile, theirs is put back. */
  release(): void {
    const token = this.token;
    if (!token) return;
    this.token = undefined;
    const grave = `${this.path}.released-${process.pid}-${token}`;
    try {
      renameSync(this.path, grave);
    } catch {
      return;
    }
    if (this.ownerAt(grave)?.token !== token) {
      this.restore(grave);
      return;
    }
    try {
      // What we made holds only the owner note: two calls, not a recursive removal, on every append.
      unlinkSync(join(grave, 'owner'));
      rmdirSync(grave);
    } catch {
      rmSync(grave, { recursive: true, force: true });
    }
  }

  /** Whether another live process holds the lock now (one whose owner died, or this process, does not count). */
  heldByAnother(): boolean {
    const owner = this.ownerAt(this.path);
    if (owner && owner.host === hostname() && owner.pid === process.pid) return false;
    if (!owner && !existsSync(this.path)) return false;
    return !this.isStale(owner);
  }

  withLock<T>(fn: () => T, timeoutMs?: number): T {
    this.acquire(timeoutMs);
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  private ownerAt(dir: string): Owner | undefined {
    try {
      return parseOwner(readFileSync(join(dir, 'owner'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  private restore(moved: string): void {
    try {
      renameSync(moved, this.path);
    } catch {
      // A third process holds the lock now; the moved one's holder finds it gone and releases nothing.
      rmSync(moved, { recursive: true, force: true });
    }
  }

  private isStale(owner: Owner | undefined): boolean {
    // Same host: the owner's death decides; the age bound only guards against a reused pid.
    if (owner && owner.host === hostname()) return !isAlive(owner.pid) || Date.now() - owner.since > 10 * 60_000;
    let since = owner?.since;
    if (since === undefined) {
      try {
        since = statSync(this.path).mtimeMs;
      } catch {
        return true; // Released meanwhile.
      }
    }
    return Date.now() - since > this.staleMs;
  }

  /**
   * Breaks a stale lock. Breakers take a short mutex of their own and look again under it, so a
   * live lock is never moved: between that look and the move, nobody else can take or break it.
   */
  private breakIfStale(): boolean {
    const owner = this.ownerAt(this.path);
    if (!owner && !existsSync(this.path)) return true; // Released meanwhile: try again.
    if (!this.isStale(owner)) return false;
    const breaking = `${this.path}.breaking`;
    try {
      mkdirSync(breaking);
    } catch {
      // Another breaker is at work; its mutex lives for microseconds unless its process died.
      try {
        if (Date.now() - statSync(breaking).mtimeMs > 2000) rmdirSync(breaking);
      } catch {
        /* gone already */
      }
      return false;
    }
    try {
      const now = this.ownerAt(this.path);
      if (!now && !existsSync(this.path)) return true;
      if (now?.token !== owner?.token || !this.isStale(now)) return false;
      const grave = `${this.path}.stale-${process.pid}-${randomName(6)}`;
      renameSync(this.path, grave);
      rmSync(grave, { recursive: true, force: true });
      return true;
    } catch {
      return false;
    } finally {
      rmSync(breaking, { recursive: true, force: true });
    }
  }
}
