// The small bundles (hook, lock, risk) run as short processes many times a session; compiling one costs a few
// ms each time. V8 can keep the compiled code of a script: saved beside the bundle after a first run (all the
// functions that run compiled), it spares later runs most of that work. Any doubt, and the bundle compiles as usual.
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { appliedV8Flags } from './appliedV8Flags';
import type * as LongRun from './longRunFlags';

/** Node's own module wrapper, kept on the first line so the bundle's line numbers stay as they are. */
const WRAP = '(function (exports, require, module, __filename, __dirname) { ';
/** The cache's first bytes: format 2 (1 was the source's length, then the source, then V8's data). */
const MAGIC = 0x32636466; // "fdc2"
/** Magic, source length, source inode, source mtime (ms, a double), ASCII flag (padded): then source, then V8's data. */
const HEADER = 32;

export interface LoadedBundle<T> {
  exports: T;
  /** Whether V8 took the saved code (false: compiled from the source, as without a cache). */
  usedCache: boolean;
  /** Saves the compiled code for the next run when there was none to use (never throws). */
  keep(): void;
}

/**
 * A cache holds the source it was made from and names the file that source was read from (its size, inode and
 * modification time), followed by V8's data: it is used only while the bundle is still that file, unchanged,
 * and then its copy of the source is what runs, so the bundle itself is not read again. V8 itself refuses data
 * from another V8 version or other flags. Named by the runtime, so VS Code's Electron and a terminal's node do
 * not overwrite each other's, and by the variant: what one run compiles is its own path (a PreToolUse decision,
 * a PostToolUse record), so each keeps its own.
 */
export function cacheFileFor(bundle: string, variant?: string): string {
  const runtime = `${process.versions.electron ? `electron-${process.versions.electron}` : `node-${process.version}`}-${process.arch}`;
  // A variant comes from the command line: only a plain word names a file.
  const named = variant !== undefined && /^[A-Za-z][A-Za-z-]{0,39}$/.test(variant) ? `${variant}.` : '';
  return `${bundle}.${named}${runtime}.v8cache`;
}

interface SourceFile {
  size: number;
  ino: number;
  mtimeMs: number;
}

/** The cache's source (as a string) and V8's data, when the cache was made from `file` as it is now. */
function usableCache(cacheFile: string, file: SourceFile): { source: string; data: Buffer } | undefined {
  let bytes: Buffer;
  let fd: number;
  try {
    fd = openSync(cacheFile, 'r');
  } catch {
    return undefined;
  }
  try {
    // One read into a buffer of the file's size: the descriptor calls are the ones the hook makes anyway.
    bytes = Buffer.allocUnsafe(fstatSync(fd).size);
    if (readSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) return undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC) return undefined;
  const length = bytes.readUInt32LE(4);
  if (length !== file.size || bytes.readDoubleLE(8) !== file.ino || bytes.readDoubleLE(16) !== file.mtimeMs) return undefined;
  if (bytes.length <= HEADER + length) return undefined;
  // esbuild writes ASCII (non-ASCII characters escaped): read as such, it needs no UTF-8 decoding. (Node's own
  // Buffer methods behind toString(), which costs a lookup of the encoding's name.)
  const slices = bytes as Buffer & Record<'latin1Slice' | 'utf8Slice', (start: number, end: number) => string>;
  const source = bytes[24] === 1 ? slices.latin1Slice(HEADER, HEADER + length) : slices.utf8Slice(HEADER, HEADER + length);
  return { source, data: bytes.subarray(HEADER + length) };
}

/**
 * The script's compiled code, taken under V8's default flags. V8 names the flags in force in the code it saves and
 * refuses it under others; a command may set flags as it runs (longRunFlags.ts), after loading its bundle.
 */
function compiledUnderDefaultFlags(script: Script): Buffer {
  if (appliedV8Flags().size === 0) return script.createCachedData();
  return (require('./longRunFlags') as typeof LongRun).withDefaultFlags(() => script.createCachedData());
}

/** The bundle's bytes and the identity of the file they were read from (one descriptor: the same file). */
function readSource(file: string): { bytes: Buffer; stat: SourceFile } {
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    return { bytes: readFileSync(fd), stat };
  } finally {
    closeSync(fd);
  }
}

/** Loads the bundle at `file` as a CommonJS module (its `require` is `load`) through its code cache for `variant`. */
export function loadBundle<T>(file: string, load: NodeRequire, variant?: string): LoadedBundle<T> {
  const cacheFile = cacheFileFor(file, variant);
  let stat: SourceFile = statSync(file);
  const cached = usableCache(cacheFile, stat);
  let bytes: Buffer | undefined;
  if (!cached) ({ bytes, stat } = readSource(file));
  const source = cached ? cached.source : (bytes as Buffer).toString('utf8');
  const script = new Script(WRAP + source + '\n})', { filename: file, cachedData: cached?.data });
  const module = { exports: {} as T, filename: file, id: file, loaded: false };
  (script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, load, module, file, dirname(file));
  module.loaded = true;
  const fresh = cached === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports,
    usedCache: !fresh,
    keep: () => {
      if (!fresh) return;
      // Whole or not at all (temp file, rename): a reader never sees half a cache; several writers race harmlessly.
      const staging = `${cacheFile}.${process.pid}.tmp`;
      try {
        const sourceBytes = bytes ?? Buffer.from(source, 'utf8');
        const header = Buffer.alloc(HEADER);
        header.writeUInt32LE(MAGIC, 0);
        header.writeUInt32LE(sourceBytes.length, 4);
        header.writeDoubleLE(stat.ino, 8);
        header.writeDoubleLE(stat.mtimeMs, 16);
        header[24] = /[^\x00-\x7f]/.test(source) ? 0 : 1;
        writeFileSync(staging, Buffer.concat([header, sourceBytes, compiledUnderDefaultFlags(script)]));
        renameSync(staging, cacheFile);
      } catch {
        // A read-only install keeps compiling each time; nothing else changes.
        try {
          rmSync(staging, { force: true });
        } catch {
          /* nothing was written */
        }
      }
    },
  };
}
