// `memory.json` beside the record: the hand-off for the next session, built ahead of time so the SessionStart hook
// only reads a small file (it loads no database). Written whole (temp file, rename) by whoever holds the record open.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MEMORY_FILE = 'memory.json';

export interface MemoryFile {
  flightdeck: 'memory';
  version: 1;
  /** The journal position the memory was built at. */
  gen: number;
  offset: number;
  builtAt: number;
  maxChars: number;
  /** For a branch without its own entry (or a detached HEAD): every branch's sessions. */
  any: string;
  /** Per branch, the ones with the most recent sessions. */
  branches: Record<string, string>;
}

export function writeMemoryFile(dir: string, memory: MemoryFile): void {
  const path = join(dir, MEMORY_FILE);
  const tmp = `${path}.${process.pid}.${Math.floor(Math.random() * 1e9).toString(36)}.tmp`;
  writeFileSync(tmp, JSON.stringify(memory));
  renameSync(tmp, path);
}

/** The file as written, or undefined when it is missing or not ours (never an error: the hand-off is optional). */
export function readMemoryFile(dir: string): MemoryFile | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MEMORY_FILE), 'utf8')) as Partial<MemoryFile>;
    if (m.flightdeck !== 'memory' || m.version !== 1 || typeof m.any !== 'string' || typeof m.branches !== 'object' || m.branches === null) return undefined;
    return m as MemoryFile;
  } catch {
    return undefined;
  }
}

/** The memory for a session starting on `branch`. */
export function memoryFor(m: MemoryFile, branch: string | undefined): string {
  const own = branch !== undefined && Object.prototype.hasOwnProperty.call(m.branches, branch) ? m.branches[branch] : undefined;
  return typeof own === 'string' && own ? own : m.any;
}
