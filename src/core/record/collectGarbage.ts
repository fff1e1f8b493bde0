import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full collection, now. A snapshot's image and the copies sql.js makes as its file grows are each the size of
 * the database (100 MB at 1M events): dead at once, they were kept for minutes in an idle window, V8 seeing no
 * reason to collect, and counted in its memory. Called at quiet moments by long-lived processes (LiveRecord).
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      // Without --expose-gc on the command line (the extension host's is VS Code's): exposed in a new context only.
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
