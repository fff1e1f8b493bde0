import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/** Loads the sql.js WASM once per process, on first use (never at extension activation). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= (async () => {
    // Required here, not imported at the top, so that loading the bundle costs nothing until used.
    const init = require('sql.js') as (config: { locateFile: (f: string) => string }) => Promise<SqlJsStatic>;
    return init({ locateFile: (file) => join(wasmDir(), file) });
  })();
  return loading;
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
