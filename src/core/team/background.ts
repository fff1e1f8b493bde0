// Team sync in the background (the flightdeck.team.sync setting): at quiet moments only, one at a time, and a remote
// that fails is tried again less and less often (up to an hour), never in a loop. Work never waits on it.
import type { SyncResult } from './sync';

export interface BackgroundSyncOptions {
  /** Between two syncs when all is well. */
  everyMs: number;
  /** A sync starts only once the record has been this long without a new event. */
  quietMs: number;
  /** The first sync, after the window opened. */
  firstAfterMs: number;
  onResult: (result: SyncResult) => void;
  onError: (err: Error) => void;
}

const MAX_BACKOFF_MS = 3_600_000;

export class BackgroundSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncResult> | undefined;
  private lastActivity = 0;
  private failures = 0;
  private disposed = false;

  constructor(
    private readonly run: () => Promise<SyncResult>,
    private readonly options: BackgroundSyncOptions,
  ) {}

  start(): void {
    this.schedule(this.options.firstAfterMs);
  }

  /** The record just changed: a sync due now waits for the next quiet moment. */
  noteActivity(now = Date.now()): void {
    this.lastActivity = now;
  }

  /** Syncs now (the command), or joins the sync already running; the next background sync counts from here. */
  syncNow(): Promise<SyncResult> {
    if (this.running) return this.running;
    const running = this.run();
    this.running = running;
    void running.then(
      () => {
        this.failures = 0;
      },
      () => {
        this.failures++;
      },
    ).finally(() => {
      if (this.running === running) this.running = undefined;
      this.schedule(this.nextDelay());
    });
    return running;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }

  private nextDelay(): number {
    return this.failures === 0 ? this.options.everyMs : Math.min(this.options.everyMs * 2 ** this.failures, MAX_BACKOFF_MS);
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    const quietFor = Date.now() - this.lastActivity;
    if (quietFor < this.options.quietMs) return this.schedule(this.options.quietMs - quietFor);
    if (this.running) return this.schedule(this.options.everyMs);
    this.syncNow().then(this.options.onResult, (err: unknown) => this.options.onError(err instanceof Error ? err : new Error(String(err))));
  }
}
