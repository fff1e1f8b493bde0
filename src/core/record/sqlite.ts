import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

/** Bundled builds keep the WASM beside the bundle; unbundled tests find it in node_modules. */
function wasmDir(): string {
  if (existsSync(join(__dirname, 'sql-wasm.wasm'))) return __dirname;
  return join(require.resolve('sql.js'), '..');
}
