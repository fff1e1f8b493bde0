// Keeps memory.json (memoryFile.ts) current from a record's database, the way gates.json is kept (gates/stateWriter.ts):
// whoever holds the record open for writing rewrites it when the store opens behind it, and after an advance that
// carried something the hand-off tells (a session's end or git facts, a check, a decision, a review, a task).
import type { RecordEvent } from '../record/events';
import type { RecordStore } from '../record/store';
import { buildMemory, DEFAULT_MEMORY_CHARS, recentBranches } from './memory';
import { readMemoryFile, writeMemoryFile, type MemoryFile } from './memoryFile';

/** Branches that get a memory of their own; any other branch gets the repository-wide one. */
export const MEMORY_BRANCHES = 8;

const KINDS = new Set([
  'session.ended', 'session.git', 'check.recorded', 'decision.recorded', 'review.opened', 'review.verdict', 'review.resolved',
  'override.recorded', 'task.started', 'task.ended',
]);

/** Whether an event changes what the hand-off says. */
export function changesMemory(e: RecordEvent): boolean {
  if (KINDS.has(e.kind)) return true;
  // Checks arrive inside tool results and terminal commands; a turn's end (Stop) closes what the session did so far.
  if ((e.kind === 'tool.result' || e.kind === 'command.ran') && e.data.check) return true;
  return e.kind === 'hook.received' && e.data.hook === 'Stop';
}

/** The memory file of the store as it stands. */
export function memoryFileFromStore(store: RecordStore, now = Date.now(), maxChars = DEFAULT_MEMORY_CHARS): MemoryFile {
  const { gen, offset } = store.position();
  const branches: Record<string, string> = {};
  for (const b of recentBranches(store.db, MEMORY_BRANCHES)) branches[b] = buildMemory(store.db, { branch: b, maxChars, now });
  return { flightdeck: 'memory', version: 1, gen, offset, builtAt: now, maxChars, any: buildMemory(store.db, { maxChars, now }), branches };
}

export function writeMemory(store: RecordStore, now = Date.now()): void {
  writeMemoryFile(store.dir, memoryFileFromStore(store, now));
}

export interface MemoryKeeper {
  /** Writes now if anything waits to be written. */
  flush(): void;
  /** Flushes, then stops following the store. */
  dispose(): void;
}

/**
 * Keeps the store's memory.json current while it is open. With `delayMs`, writes wait that long after the last
 * event that matters (a live session's checks come in bursts); without it, they wait for flush() or dispose()
 * (a CLI command writes once, at its end).
 */
export function keepMemory(store: RecordStore, options: { delayMs?: number; onError?: (err: Error) => void } = {}): MemoryKeeper {
  let due = false;
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (!due) return;
    due = false;
    try {
      writeMemory(store);
    } catch (err) {
      options.onError?.(err as Error);
    }
  };
  const schedule = (): void => {
    due = true;
    if (options.delayMs === undefined || timer) return;
    timer = setTimeout(flush, options.delayMs);
    timer.unref();
  };
  const file = readMemoryFile(store.dir);
  const { gen, offset } = store.position();
  // Opened behind the journal (events appended while no one held the record open, a `flightdeck decide`): rebuild.
  if (!file || file.gen !== gen || file.offset !== offset) schedule();
  const sub = store.onDidAdvance((applied, rotated) => {
    if (!disposed && (rotated || applied.some(changesMemory))) schedule();
  });
  return {
    flush,
    dispose: () => {
      if (disposed) return;
      flush();
      disposed = true;
      sub.dispose();
    },
  };
}
