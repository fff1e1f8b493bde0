import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;
/** sql.js's WASM memory: it grows to the peak of whatever ran and never shrinks (measured by memoryLog). */
let memory: { buffer: ArrayBuffer } | undefined;

/** The few WebAssembly names used here (this project's TypeScript libs leave WebAssembly out). */
interface Wasm {
  Memory: abstract new (...a: never[]) => { buffer: ArrayBuffer };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
type Instance = { exports: Record<string, unknown> };
type Instantiate = (imports: object, done: (instance: Instance) => void) => object;

/** Loads the sql.js WASM once per process, on first use (never at extension activation). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= (async () => {
    // Required here, not imported at the top, so that loading the bundle costs nothing until used.
    const init = require('sql.js') as (config: { locateFile: (f: string) => string; instantiateWasm?: Instantiate }) => Promise<SqlJsStatic>;
    const wasm = join(wasmDir(), 'sql-wasm.wasm');
    // Instantiated here rather than by sql.js only to keep a handle on its memory, for the memory log.
    const instantiateWasm: Instantiate = (imports, done) => {
      const wa = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
      void wa.instantiate(readFileSync(wasm), imports).then(({ instance }) => {
        memory = Object.values(instance.exports).find((v): v is { buffer: ArrayBuffer } => v instanceof wa.Memory);
        done(instance);
      });
      return {};
    };
    // Only for the memory log: the usual path stays sql.js's own (its failures reject this promise).
    return init({ locateFile: (file) => join(wasmDir(), file), ...(process.env.FLIGHTDECK_MEMORY_LOG ? { instantiateWasm } : {}) });
  })();
  return loading;
}

/** Bytes of sql.js's WASM memory (0 before it loads). */
export function sqlJsMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
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
