// Output of the small command bundles (hook, lock, risk): written to the descriptor itself, since creating
// process.stdout or process.stderr loads node's streams (about 3 ms of every such process).
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to `fd`, waiting out a full non-blocking pipe. Best effort: a closed reader (EPIPE) or
 * descriptor loses the text, never the command's outcome (a hook's denial is its exit code).
 */
export function writeFd(fd: number, text: string): void {
  let rest = Buffer.from(text);
  for (let waits = 0; rest.length > 0; ) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++waits > 5000) return;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
