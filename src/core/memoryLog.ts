import { appendFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { sqlJsMemoryBytes } from './record/sqlite';

/** FLIGHTDECK_MEMORY_LOG=<file>: where the process's memory is logged at named stages (the workbench bench sets it). */
const target = process.env.FLIGHTDECK_MEMORY_LOG;

const mb = (n: number): number => Math.round((n / (1 << 20)) * 10) / 10;

/** Appends one JSON line: RSS, V8 heap, external and array buffers, sql.js's WASM memory, in MB. Nothing without the variable. */
export function memoryLog(stage: string): void {
  if (!target) return;
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  const line = {
    at: new Date().toISOString(), pid: process.pid, stage,
    rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers),
    wasm: mb(sqlJsMemoryBytes()), heapLimit: mb(h.heap_size_limit), malloced: mb(h.malloced_memory), peakMalloced: mb(h.peak_malloced_memory),
  };
  try {
    appendFileSync(target, `${JSON.stringify(line)}\n`);
  } catch {
    // A diagnostic only.
  }
}

/** While the variable is set, a line every `everyMs` too (the timer never keeps the process alive). */
export function memoryLogEvery(everyMs: number): { dispose(): void } {
  if (!target) return { dispose: () => undefined };
  const t = setInterval(() => memoryLog('tick'), everyMs);
  t.unref();
  return { dispose: () => clearInterval(t) };
}
