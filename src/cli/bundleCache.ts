// The small bundles (hook, lock, risk) run as short processes many times a session; compiling one costs a few
// ms each time. V8 can keep the compiled code of a script: saved beside the bundle after a first run (all the
// functions that run compiled), it spares later runs most of that work. Any doubt, and the bundle compiles as usual.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** Node's own module wrapper, kept on the first line so the bundle's line numbers stay as they are. */
const WRAP = '(function (exports, require, module, __filename, __dirname) { ';

export interface LoadedBundle<T> {
  exports: T;
  /** Whether V8 took the saved code (false: compiled from the source, as without a cache). */
  usedCache: boolean;
  /** Saves the compiled code for the next run when there was none to use (never throws). */
  keep(): void;
}

/**
 * A cache is the source it was made from (its length, then its bytes) followed by V8's data: it is used only
 * for exactly that source, and V8 itself refuses data from another V8 version or other flags. Named by the
 * runtime, so VS Code's Electron and a terminal's node do not overwrite each other's, and by the variant: what
 * one run compiles is its own path (a PreToolUse decision, a PostToolUse record), so each keeps its own.
 */
export function cacheFileFor(bundle: string, variant?: string): string {
  const runtime = `${process.versions.electron ? `electron-${process.versions.electron}` : `node-${process.version}`}-${process.arch}`;
  // A variant comes from the command line: only a plain word names a file.
  const named = variant !== undefined && /^[A-Za-z][A-Za-z-]{0,39}$/.test(variant) ? `${variant}.` : '';
  return `${bundle}.${named}${runtime}.v8cache`;
}

function usableCache(cacheFile: string, source: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (data.length < 4) return undefined;
  const length = data.readUInt32LE(0);
  if (length !== source.length || data.length <= 4 + length) return undefined;
  if (!source.equals(data.subarray(4, 4 + length))) return undefined;
  return data.subarray(4 + length);
}

/** Loads the bundle at `file` as a CommonJS module (its `require` is `load`) through its code cache for `variant`. */
export function loadBundle<T>(file: string, load: NodeRequire, variant?: string): LoadedBundle<T> {
  const source = readFileSync(file);
  const cacheFile = cacheFileFor(file, variant);
  const cached = usableCache(cacheFile, source);
  const script = new Script(WRAP + source.toString('utf8') + '\n})', { filename: file, cachedData: cached });
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
        const header = Buffer.alloc(4);
        header.writeUInt32LE(source.length, 0);
        writeFileSync(staging, Buffer.concat([header, source, script.createCachedData()]));
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
