// The deploy lock of one machine: a lease file and a queue file in the repository's record folder (shared by
// its worktrees), each replaced atomically and changed only under a short file lock, so two processes never
// both see the lock free and both take it.
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendToJournal } from '../record/appendToJournal';
import { describeFsError, readTextIfExists } from '../record/errors';
import { FileLock } from '../record/fileLock';
import { randomName } from '../record/randomName';
import { parseLock, parseQueue, unreadableLock } from './parse';
import { GateTx } from './rules';
import { factsToEvents, sameState, type GateRecorder, type GateStore } from './store';
import { DEFAULT_PROCESS_LEASE_MS, type GateEnv, type GateState, type QueueState } from './types';

export const LEASE_FILE = 'deploy-lock.json';
export const QUEUE_FILE = 'ship-queue.json';
const MUTEX = 'deploy-lock.mutex';


function writeAtomic(path: string, text: string | undefined): void {
  try {
    if (text === undefined) {
      try {
        unlinkSync(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      return;
    }
    const tmp = `${path}.${process.pid}.${randomName(6)}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    throw describeFsError('write', path, e);
  }
}

/** Appends the events to the record's journal (no database needed): durable once this returns. */
export function journalRecorder(dir: string): GateRecorder {
  return (events) => void appendToJournal(dir, events);
}

export class LocalGateStore implements GateStore {
  readonly scope = 'local' as const;
  readonly where: string;
  private readonly mutex: FileLock;

  constructor(
    readonly dir: string,
    private readonly env: GateEnv,
    private readonly record: GateRecorder = journalRecorder(dir),
    private readonly source = 'cli',
  ) {
    this.where = join(dir, LEASE_FILE);
    this.mutex = new FileLock(join(dir, MUTEX));
  }

  async read(): Promise<GateState> {
    return this.readNow();
  }

  readNow(): GateState {
    const lockPath = join(this.dir, LEASE_FILE);
    const lockText = readTextIfExists(lockPath);
    let lock = lockText === undefined ? undefined : parseLock(lockText);
    if (lockText !== undefined && !lock) {
      // A damaged lease still holds: nobody deploys over it until its lease from the file's last change runs out.
      let since = this.env.now();
      try {
        since = statSync(lockPath).mtimeMs;
      } catch {
        /* removed meanwhile */
      }
      lock = unreadableLock('unreadable', since, DEFAULT_PROCESS_LEASE_MS);
    }
    const queueText = readTextIfExists(join(this.dir, QUEUE_FILE));
    const queue: QueueState = (queueText === undefined ? undefined : parseQueue(queueText)) ?? { entries: [] };
    return { lock, queue };
  }

  async transact<R>(step: (tx: GateTx) => R): Promise<R> {
    return this.transactNow(step);
  }

  /** Synchronous: the whole read-change-write happens under the file lock, in microseconds. */
  transactNow<R>(step: (tx: GateTx) => R): R {
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw describeFsError('create the record in', this.dir, e);
    }
    return this.mutex.withLock(() => {
      const before = this.readNow();
      const tx = new GateTx(before, this.env);
      const result = step(tx);
      if (sameState(before, tx.state) && tx.facts.length === 0) return result;
      this.write(tx.state, before);
      try {
        this.record(factsToEvents(tx.facts, this.scope, this.where, this.source));
      } catch (e) {
        // Unrecorded means undone: the lock never changes without its record.
        this.write(before, tx.state);
        throw e;
      }
      return result;
    });
  }

  private write(state: GateState, previous: GateState): void {
    if (JSON.stringify(state.lock) !== JSON.stringify(previous.lock)) {
      writeAtomic(join(this.dir, LEASE_FILE), state.lock ? JSON.stringify(state.lock, null, 2) + '\n' : undefined);
    }
    if (JSON.stringify(state.queue) !== JSON.stringify(previous.queue)) {
      const empty = state.queue.entries.length === 0 && !state.queue.turn;
      writeAtomic(join(this.dir, QUEUE_FILE), empty ? undefined : JSON.stringify(state.queue, null, 2) + '\n');
    }
  }
}
