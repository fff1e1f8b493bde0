// Follows the deploy gate for a surface (the status bar, the board): the local lease through one file-system
// watch on the record folder, the team lock through an ls-remote at a modest interval; a timer wakes it when
// a lease lapses or a turn passes. Idle, it costs nothing but that watch (or that poll).
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { LEASE_FILE, QUEUE_FILE } from './localStore';
import { needsSettle, nextDeadline } from './rules';
import type { GateStore } from './store';
import type { GateEnv, GateState } from './types';

export interface GateWatchOptions {
  /** The record folder to watch (local lock). */
  dir?: string;
  /** How often to ask the remote (team lock), or to look when the folder cannot be watched. */
  pollMs?: number;
  /** Called when a read fails (an unreachable remote): the surface shows it, the watcher keeps going. */
  onError?: (e: Error) => void;
}

export class GateWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private last = '';
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    private readonly store: GateStore,
    private readonly env: GateEnv,
    private readonly onState: (state: GateState) => void,
    private readonly options: GateWatchOptions = {},
  ) {}

  start(): void {
    const dir = this.options.dir;
    if (this.store.scope === 'local' && dir) {
      try {
        mkdirSync(dir, { recursive: true });
        this.watcher = watch(dir, (_event, name) => {
          if (name === null || name === LEASE_FILE || name === QUEUE_FILE) this.soon();
        });
        this.watcher.on('error', () => this.startPoll(2_000));
      } catch {
        this.startPoll(2_000);
      }
    } else {
      this.startPoll(this.options.pollMs ?? 30_000);
    }
    void this.refresh();
  }

  /** Reads now (after a surface's own change, or when it becomes visible). */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.read().finally(() => {
      this.running = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.close();
    for (const t of [this.poll, this.deadline, this.debounce]) if (t) clearTimeout(t);
  }

  private startPoll(ms: number): void {
    if (this.poll) return;
    this.poll = setInterval(() => void this.refresh(), ms);
    this.poll.unref?.();
  }

  /** Several file events arrive for one atomic replace: read once after they settle. */
  private soon(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), 20);
  }

  private async read(): Promise<void> {
    if (this.disposed) return;
    let state: GateState;
    try {
      state = await this.store.read();
      if (needsSettle(state, this.env)) {
        state = await this.store.transact((tx) => {
          tx.settle();
          return tx.state;
        });
      }
    } catch (e) {
      this.options.onError?.(e as Error);
      return;
    }
    if (this.disposed) return;
    this.armDeadline(state);
    const text = JSON.stringify(state);
    if (text === this.last) return;
    this.last = text;
    this.onState(state);
  }

  private armDeadline(state: GateState): void {
    if (this.deadline) clearTimeout(this.deadline);
    const at = nextDeadline(state);
    if (at === undefined) return;
    // setTimeout's limit is about 24.8 days; a longer lease is looked at again then.
    this.deadline = setTimeout(() => void this.refresh(), Math.min(2 ** 31 - 1, Math.max(0, at - this.env.now()) + 50));
    this.deadline.unref?.();
  }
}

/** Whether it is `holder`'s turn to take the freed lock (the surface tells the user), and until when. */
export function turnOf(state: GateState, who: string, host: string): number | undefined {
  const turn = state.queue.turn;
  const entry = turn && state.queue.entries.find((e) => e.id === turn.entryId);
  return entry && entry.who === who && entry.host === host && !state.lock ? turn.until : undefined;
}
