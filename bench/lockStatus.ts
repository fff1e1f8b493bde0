// The status-bar deploy lock's cost: from a lease file changing (another process acquiring or releasing) to the
// status text recomputed, through the core's GateWatcher; the refresh itself (read + text); and the timers an
// idle watcher (free lock, empty queue) keeps: there must be none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGateStore } from '../src/core/gates/localStore';
import { lockView } from '../src/core/gates/statusView';
import { defaultGateEnv } from '../src/core/gates/store';
import { GateWatcher } from '../src/core/gates/watcher';
import type { GateState } from '../src/core/gates/types';

export interface LockStatusCost {
  /** File change to status text, median (includes the watcher's 20 ms settle of the file events). */
  changeToTextMs: number;
  /** One refresh: read the lease and queue files and compute the text and tooltip, median. */
  refreshMs: number;
  /** Timers alive while idle, beyond those alive before the watcher started. */
  idleTimers: number;
  /** The same count while someone holds the lock (the lease-end wake-up): shows the counter sees the watcher's timers. */
  heldTimers: number;
}

/** Counts live timers, unref'd ones included (process.getActiveResourcesInfo does not list those): the watcher's are. */
function trackTimers(): { live: () => number; restore: () => void } {
  const live = new Set<unknown>();
  const g = globalThis as unknown as Record<string, (...a: unknown[]) => unknown>;
  const orig = { setTimeout: g.setTimeout, setInterval: g.setInterval, clearTimeout: g.clearTimeout, clearInterval: g.clearInterval };
  g.setTimeout = (fn: unknown, ...rest: unknown[]) => {
    const t: unknown = orig.setTimeout?.((...a: unknown[]) => {
      live.delete(t);
      (fn as (...a: unknown[]) => void)(...a);
    }, ...rest);
    live.add(t);
    return t;
  };
  g.setInterval = (...a: unknown[]) => {
    const t = orig.setInterval?.(...a);
    live.add(t);
    return t;
  };
  g.clearTimeout = (t: unknown) => {
    live.delete(t);
    orig.clearTimeout?.(t);
  };
  g.clearInterval = (t: unknown) => {
    live.delete(t);
    orig.clearInterval?.(t);
  };
  return { live: () => live.size, restore: () => Object.assign(g, orig) };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function lockStatusCost(rounds = 40): Promise<LockStatusCost> {
  const dir = mkdtempSync(join(tmpdir(), 'fd-bench-lock-'));
  const env = defaultGateEnv();
  const store = new LocalGateStore(dir, env, () => undefined, 'bench');
  const me = { who: 'Bench <b@x>', host: env.host };
  const view = (state: GateState): string => lockView({ state, me, now: Date.now(), trusted: true, scope: 'local', where: store.where }).text;
  let waiting: ((text: string) => void) | undefined;
  const watcher = new GateWatcher(store, env, (state) => waiting?.(view(state)), { dir });
  const tracked = trackTimers();
  const first = new Promise<string>((r) => (waiting = r));
  watcher.start();
  await first;
  await new Promise((r) => setTimeout(r, 200));
  // The watcher's own timers once its reads are over (the sleep above has fired, so it does not count).
  const idleTimers = tracked.live();
  const other = { who: 'Other <o@x>', host: 'elsewhere', label: 'cli' };
  // The counter sees the watcher's timers: a held lock arms one for its lease's end.
  const heldSeen = new Promise<string>((r) => (waiting = r));
  store.transactNow((tx) => tx.acquire(other, 'probe', 3_600_000));
  await heldSeen;
  const heldTimers = tracked.live();
  store.transactNow((tx) => tx.release(other));
  await new Promise((r) => setTimeout(r, 200));
  tracked.restore();
  const change: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const seen = new Promise<string>((r) => (waiting = r));
    const t = performance.now();
    if (i % 2 === 0) store.transactNow((tx) => tx.acquire(other, `round ${i}`, 3_600_000));
    else store.transactNow((tx) => tx.release(other));
    await seen;
    change.push(performance.now() - t);
  }
  const refresh: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    view(store.readNow());
    refresh.push(performance.now() - t);
  }
  watcher.dispose();
  rmSync(dir, { recursive: true, force: true });
  return { changeToTextMs: median(change), refreshMs: median(refresh), idleTimers, heldTimers };
}
