import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { describeFsError, RecordError } from './errors';

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A short cross-process lock: a directory that holds its owner's note, moved into place by rename
 * (atomic, and it fails when the lock exists). A holder killed with SIGKILL leaves it behind, so a
 * lock whose owner process is gone, or that is older than `staleMs`, is broken.
 */
export class FileLock {
  private held = false;

  constructor(
    readonly path: string,
    private readonly staleMs = 10_000,
  ) {}

  tryAcquire(): boolean {
    const staging = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      mkdirSync(staging);
      writeFileSync(join(staging, 'owner'), `${process.pid} ${hostname()} ${Date.now()}`);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw describeFsError('create the lock', this.path, err);
    }
    try {
      renameSync(staging, this.path);
      this.held = true;
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

  release(): void {
    if (!this.held) return;
    this.held = false;
    const grave = `${this.path}.released-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(this.path, grave);
    } catch {
      return; // Broken by someone who judged it stale: nothing of ours is left to remove.
    }
    rmSync(grave, { recursive: true, force: true });
  }

  withLock<T>(fn: () => T, timeoutMs?: number): T {
    this.acquire(timeoutMs);
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  private breakIfStale(): boolean {
    let owner: string;
    try {
      owner = readFileSync(join(this.path, 'owner'), 'utf8');
    } catch {
      return true; // Released between our attempt and this look: try again.
    }
    const [pidText, host, sinceText] = owner.split(' ');
    const pid = Number(pidText);
    const dead = host === hostname() && Number.isInteger(pid) && pid > 0 && !isAlive(pid);
    const old = Date.now() - Number(sinceText) > this.staleMs;
    if (!dead && !old) return false;
    const grave = `${this.path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(this.path, grave);
    } catch {
      return true; // Someone else broke it first.
    }
    // If the lock we moved is not the stale one we read (a live holder took it meanwhile), put it back.
    let moved = '';
    try {
      moved = readFileSync(join(grave, 'owner'), 'utf8');
    } catch {
      /* unreadable: treat as the stale one */
    }
    if (moved && moved !== owner) {
      try {
        renameSync(grave, this.path);
        return false;
      } catch {
        /* a third process holds it now; the live holder's release tolerates a missing lock */
      }
    }
    rmSync(grave, { recursive: true, force: true });
    return true;
  }
}
