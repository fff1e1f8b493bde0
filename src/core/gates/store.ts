// Where the gate's state lives: the lease and queue files of one machine, or the team's refs on a git remote.
// Both run a GateTx inside their own compare-and-swap and record what changed.
import { hostname, isAlive } from '../record/fileLock';
import type { NewEvent } from '../record/events';
import type { GateFact, GateTx } from './rules';
import { DEFAULT_GRACE_MS, type GateEnv, type GateState, type Scope } from './types';

export interface GateStore {
  readonly scope: Scope;
  /** A human name for where the lock lives: the lease file's path or `origin refs/flightdeck/deploy-lock`. */
  readonly where: string;
  /** The state as stored, without settling expiries (status reads this, then settles through a transaction if needed). */
  read(): Promise<GateState>;
  /** Runs `step` on the current state; stores the result only if nobody changed it meanwhile (else runs it again). */
  transact<R>(step: (tx: GateTx) => R): Promise<R>;
}

/** Receives the facts of each stored transaction, after the state is stored. */
export type GateRecorder = (events: NewEvent[]) => void;

export function defaultGateEnv(overrides: Partial<GateEnv> = {}): GateEnv {
  return { now: Date.now, host: hostname(), alive: isAlive, graceMs: DEFAULT_GRACE_MS, ...overrides };
}

export function factsToEvents(facts: readonly GateFact[], scope: Scope, where: string, source: string): NewEvent[] {
  return facts.map((f) => ({ kind: f.kind, source, data: { ...f.data, scope, where } }));
}

export const sameState = (a: GateState, b: GateState): boolean => JSON.stringify(a) === JSON.stringify(b);
