import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';

/** One sql.js instance: its module, and a handle on its WASM memory (which grows to its peak and never shrinks). */
export interface SqlJs {
  SQL: SqlJsStatic;
  /** Bytes of this instance's WASM memory now. */
  memoryBytes(): number;
}

let shared: Promise<SqlJs> | undefined;
/** The instance loaded last: the one the memory log reports. */
let latest: SqlJs | undefined;

/** The few WebAssembly names used here (this project's TypeScript libs leave WebAssembly out). */
interface Wasm {
  Memory: abstract new (...a: never[]) => { buffer: ArrayBuffer };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
type Instance = { exports: Record<string, unknown> };
type Instantiate = (imports: object, done: (instance: Instance) => void) => object;
type Init = (config: { locateFile: (f: string) => string; instantiateWasm?: Instantiate; fresh?: boolean }) => Promise<SqlJsStatic>;

/**
 * Loads the sql.js WASM once per process, on first use (never at extension activation). With `fresh`, a new
 * instance with its own memory (the bundles' sql.js is patched to allow it, esbuild.mjs): once nothing refers to
 * an older one, its memory, grown to whatever peak it saw, goes back to the system.
 */
export function loadSqlJs(options: { fresh?: boolean } = {}): Promise<SqlJs> {
  if (!options.fresh && shared) return shared;
  const loading = instantiate(options.fresh === true);
  if (!options.fresh) shared = loading;
  return loading;
}

async function instantiate(fresh: boolean): Promise<SqlJs> {
  // Required here, not imported at the top, so that loading the bundle costs nothing until used.
  const init = require('sql.js') as Init;
  const wasm = join(wasmDir(), 'sql-wasm.wasm');
  let memory: { buffer: ArrayBuffer } | undefined;
  let failed: (err: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  // Instantiated here rather than by sql.js to keep a handle on its memory; a failure rejects the load.
  const instantiateWasm: Instantiate = (imports, done) => {
    const wa = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
    void (async () => {
      const { instance } = await wa.instantiate(readFileSync(wasm), imports);
      memory = Object.values(instance.exports).find((v): v is { buffer: ArrayBuffer } => v instanceof wa.Memory);
      done(instance);
    })().catch((err: Error) => failed(err));
    return {};
  };
  const SQL = await Promise.race([init({ locateFile: (file) => join(wasmDir(), file), instantiateWasm, fresh }), failure]);
  const out: SqlJs = { SQL, memoryBytes: () => memory?.buffer.byteLength ?? 0 };
  latest = out;
  return out;
}

/** Bytes of the WASM memory of the sql.js instance loaded last (0 before one loads). */
export function sqlJsMemoryBytes(): number {
  return latest?.memoryBytes() ?? 0;
}

/** Where the bundles' patched sql.js (esbuild.mjs) asks how far to grow a database file of `m` bytes that must grow. */
const GROWTH = Symbol.for('flightdeck.sqlFileGrowth');
const LEAN_STEP_MAX = 8 << 20;

/**
 * How sql.js grows a database file held in memory. 'fast' (the default) grows by up to 64 MB at a time: few copies
 * while a record fills (an import, a CLI command). 'lean' grows by 12.5% and at most 8 MB: a long-lived process
 * keeps at most that unused, at the price of a copy of the file every 8 MB of growth.
 */
export function setFileGrowth(mode: 'fast' | 'lean'): void {
  const g = globalThis as { [GROWTH]?: (m: number) => number };
  if (mode === 'fast') delete g[GROWTH];
  else g[GROWTH] = (m) => (m < 1 << 20 ? 2 * m : m + Math.min(m / 8, LEAN_STEP_MAX));
}

/** Bundles keep the WASM beside them; test bundles find it in the nearest node_modules above. */
function wasmDir(): string {
  if (existsSync(join(__dirname, 'sql-wasm.wasm'))) return __dirname;
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', 'sql.js', 'dist');
    if (existsSync(join(candidate, 'sql-wasm.wasm'))) return candidate;
  }
  return __dirname;
}
