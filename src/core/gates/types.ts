// The shapes of the deploy lock and the ship queue: plain JSON, the same in the local lease file and in the
// commit message of the team's lock ref, read by the CLI, the hooks and (later) the status bar.

/** Who holds (or waits for) the lock, and where. */
export interface Holder {
  /** The git identity: `user.name <user.email>`. */
  who: string;
  host: string;
  /** The process whose death frees the lock at once (on its own host); none for a CLI acquire. */
  pid?: number;
  /** Which window or tool: "cli", "vscode: my-repo", … */
  label: string;
}

export interface LockInfo extends Holder {
  /** Made by the acquirer; force-unlock needs it, as Terraform's does. */
  id: string;
  reason: string;
  /** Milliseconds since the epoch. */
  created: number;
  heartbeat: number;
  /** How long after the last heartbeat the lock lapses. */
  leaseMs: number;
}

export interface QueueEntry extends Holder {
  id: string;
  hotfix: boolean;
  reason: string;
  joined: number;
}

/** The head of the queue after the lock freed: only it may take the lock until `until`. */
export interface Turn {
  entryId: string;
  since: number;
  until: number;
}

export interface QueueState {
  entries: QueueEntry[];
  turn?: Turn;
}

/** Everything the gate keeps: the lock (absent when free) and the queue. */
export interface GateState {
  lock?: LockInfo;
  queue: QueueState;
}

export type Scope = 'local' | 'remote';

/** What the lock rules need from the world; tests inject their own clock and liveness. */
export interface GateEnv {
  now: () => number;
  /** This machine's name: a holder on it is checked for liveness. */
  host: string;
  alive: (pid: number) => boolean;
  /** How long the head of the queue has to take a freed lock. */
  graceMs: number;
}

export const DEFAULT_GRACE_MS = 2 * 60_000;
/** A holder with a process heartbeats; this is how long one missed beat series may last. */
export const DEFAULT_PROCESS_LEASE_MS = 5 * 60_000;
/** A CLI acquire has no process to watch: the lease is all that frees it if nobody releases it. */
export const DEFAULT_CLI_LEASE_MS = 60 * 60_000;
