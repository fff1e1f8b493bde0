// The deploy lock's and the ship queue's rules as pure steps on a GateState: the local lease file and the
// team's refs run the same steps inside their own compare-and-swap, so both behave alike.
import { randomName } from '../record/randomName';
import type { GateEnv, GateState, Holder, LockInfo, QueueEntry } from './types';

/** A fact for the flight record; the store adds the scope and turns it into a `lock.changed` or `queue.changed` event. */
export interface GateFact {
  kind: 'lock.changed' | 'queue.changed';
  data: Record<string, unknown>;
}

export const newGateId = (prefix: string, now: number): string => `${prefix}-${now.toString(36)}-${randomName(6)}`;

const sameHolder = (a: Pick<Holder, 'who' | 'host'>, b: Pick<Holder, 'who' | 'host'>): boolean => a.who === b.who && a.host === b.host;

/** Why the lock no longer holds, or undefined while it does: its process died (same host) or its lease ran out. */
export function staleness(lock: LockInfo, env: GateEnv): string | undefined {
  if (lock.pid !== undefined && lock.host === env.host && !env.alive(lock.pid)) return `holder process ${lock.pid} on ${lock.host} is gone`;
  const end = lock.heartbeat + lock.leaseMs;
  if (env.now() > end) return `lease expired at ${new Date(end).toISOString()} (last heartbeat ${new Date(lock.heartbeat).toISOString()})`;
  return undefined;
}

const lockFacts = (lock: LockInfo): Record<string, unknown> => ({
  lockId: lock.id, holder: lock.who, host: lock.host, pid: lock.pid ?? null, label: lock.label, lockReason: lock.reason, created: lock.created,
});

const entryFacts = (e: QueueEntry): Record<string, unknown> => ({ entryId: e.id, who: e.who, host: e.host, label: e.label, hotfix: e.hotfix, reason: e.reason });

export type AcquireResult =
  | { status: 'acquired'; lock: LockInfo }
  | { status: 'held'; lock: LockInfo }
  | { status: 'reserved'; entry: QueueEntry; until: number };
export type ReleaseResult = { status: 'released'; lock: LockInfo } | { status: 'free' } | { status: 'not-yours'; lock: LockInfo };
export type ForceResult = { status: 'unlocked'; lock: LockInfo } | { status: 'free' } | { status: 'id-mismatch'; lock: LockInfo };
export type HeartbeatResult = { status: 'renewed'; lock: LockInfo } | { status: 'lost'; lock?: LockInfo };
export type JoinResult = { status: 'joined' | 'already'; entry: QueueEntry; position: number };
export type LeaveResult = { status: 'left'; entry: QueueEntry } | { status: 'absent' };

/** One transaction on a copy of the state: every step settles expiries and turns first, and notes its facts. */
export class GateTx {
  readonly state: GateState;
  readonly facts: GateFact[] = [];

  constructor(state: GateState, private readonly env: GateEnv) {
    this.state = structuredClone(state);
  }

  /** Frees a dead or lapsed lock, passes a turn whose grace ran out, and gives a freed lock's turn to the head of the queue. */
  settle(): void {
    const { state, env } = this;
    const now = env.now();
    if (state.lock) {
      const why = staleness(state.lock, env);
      if (why) {
        this.facts.push({ kind: 'lock.changed', data: { action: 'expired', ...lockFacts(state.lock), reason: why } });
        state.lock = undefined;
      }
    }
    const q = state.queue;
    if (q.turn && (state.lock || !q.entries.some((e) => e.id === q.turn?.entryId))) q.turn = undefined;
    if (q.turn && now > q.turn.until) {
      const skipped = q.entries.find((e) => e.id === q.turn?.entryId) as QueueEntry;
      q.entries = q.entries.filter((e) => e !== skipped);
      this.facts.push({ kind: 'queue.changed', data: { action: 'turn-passed', ...entryFacts(skipped), reason: `did not take the lock within ${Math.round(env.graceMs / 1000)} s` } });
      q.turn = undefined;
    }
    const head = q.entries[0];
    if (!state.lock && !q.turn && head) {
      q.turn = { entryId: head.id, since: now, until: now + env.graceMs };
      this.facts.push({ kind: 'queue.changed', data: { action: 'turn', ...entryFacts(head), until: q.turn.until } });
    }
  }

  acquire(holder: Holder, reason: string, leaseMs: number): AcquireResult {
    this.settle();
    const { state } = this;
    if (state.lock) return { status: 'held', lock: state.lock };
    const turn = state.queue.turn;
    const turnEntry = turn && state.queue.entries.find((e) => e.id === turn.entryId);
    if (turn && turnEntry && !sameHolder(turnEntry, holder)) return { status: 'reserved', entry: turnEntry, until: turn.until };
    const now = this.env.now();
    const lock: LockInfo = { id: newGateId('lock', now), ...holder, reason, created: now, heartbeat: now, leaseMs };
    state.lock = lock;
    this.facts.push({ kind: 'lock.changed', data: { action: 'acquired', ...lockFacts(lock), reason } });
    const mine = state.queue.entries.find((e) => sameHolder(e, holder));
    if (mine) {
      state.queue.entries = state.queue.entries.filter((e) => e !== mine);
      this.facts.push({ kind: 'queue.changed', data: { action: 'left', ...entryFacts(mine), reason: 'took the lock' } });
    }
    state.queue.turn = undefined;
    return { status: 'acquired', lock };
  }

  /** Releases by lock id, or (without one) when the holder is the same person on the same host. */
  release(by: Pick<Holder, 'who' | 'host'>, id?: string): ReleaseResult {
    this.settle();
    const lock = this.state.lock;
    if (!lock) return { status: 'free' };
    if (id ? id !== lock.id : !sameHolder(lock, by)) return { status: 'not-yours', lock };
    this.state.lock = undefined;
    this.facts.push({ kind: 'lock.changed', data: { action: 'released', ...lockFacts(lock), reason: lock.reason, by: by.who } });
    this.settle();
    return { status: 'released', lock };
  }

  heartbeat(id: string): HeartbeatResult {
    this.settle();
    const lock = this.state.lock;
    if (!lock || lock.id !== id) return { status: 'lost', lock };
    lock.heartbeat = this.env.now();
    return { status: 'renewed', lock };
  }

  /** Frees someone else's lock: needs its id (so a stale status is never what gets broken) and a reason for the record. */
  forceUnlock(by: Holder, id: string, reason: string): ForceResult {
    this.settle();
    const lock = this.state.lock;
    if (!lock) return { status: 'free' };
    if (lock.id !== id) return { status: 'id-mismatch', lock };
    this.state.lock = undefined;
    this.facts.push({
      kind: 'lock.changed',
      data: { action: 'force-unlocked', ...lockFacts(lock), reason, by: by.who, byHost: by.host, previousHolder: lock.who },
    });
    this.settle();
    return { status: 'unlocked', lock };
  }

  /** Joins the queue; a hotfix goes ahead of every ordinary entry (behind earlier hotfixes). Joining again may raise to hotfix. */
  join(holder: Holder, hotfix: boolean, reason: string): JoinResult {
    this.settle();
    const q = this.state.queue;
    let entry = q.entries.find((e) => sameHolder(e, holder));
    let status: JoinResult['status'] = 'already';
    if (!entry || (hotfix && !entry.hotfix)) {
      if (entry) q.entries = q.entries.filter((e) => e !== entry);
      const now = this.env.now();
      entry = entry ? { ...entry, hotfix: true, reason: reason || entry.reason } : { id: newGateId('q', now), ...holder, hotfix, reason, joined: now };
      const at = entry.hotfix ? q.entries.findIndex((e) => !e.hotfix) : -1;
      if (at < 0) q.entries.push(entry);
      else q.entries.splice(at, 0, entry);
      // A hotfix that jumps ahead of a waiting turn does not take it: the turn was given, and its grace is short.
      status = 'joined';
      this.facts.push({ kind: 'queue.changed', data: { action: 'joined', ...entryFacts(entry), position: q.entries.indexOf(entry) + 1 } });
      this.settle();
    }
    return { status, entry, position: q.entries.indexOf(entry) + 1 };
  }

  leave(holder: Pick<Holder, 'who' | 'host'>): LeaveResult {
    this.settle();
    const q = this.state.queue;
    const entry = q.entries.find((e) => sameHolder(e, holder));
    if (!entry) return { status: 'absent' };
    q.entries = q.entries.filter((e) => e !== entry);
    if (q.turn?.entryId === entry.id) q.turn = undefined;
    this.facts.push({ kind: 'queue.changed', data: { action: 'left', ...entryFacts(entry), reason: 'left the queue' } });
    this.settle();
    return { status: 'left', entry };
  }
}

/** The head of the queue waits at the front when its turn was given; otherwise entries keep their order. */
export function queueOrder(state: GateState): QueueEntry[] {
  const turnId = state.queue.turn?.entryId;
  const first = state.queue.entries.filter((e) => e.id === turnId);
  return [...first, ...state.queue.entries.filter((e) => e.id !== turnId)];
}

/** Whether a read state is out of date by the rules (a dead or lapsed lock, a spent turn, a freed lock nobody's turn yet). */
export function needsSettle(state: GateState, env: GateEnv): boolean {
  if (state.lock) return staleness(state.lock, env) !== undefined;
  const turn = state.queue.turn;
  if (!turn) return state.queue.entries.length > 0;
  return env.now() > turn.until || !state.queue.entries.some((e) => e.id === turn.entryId);
}

/** When the state next changes by itself (a lease ends, a turn passes): a watcher sleeps until then, not on a poll. */
export function nextDeadline(state: GateState): number | undefined {
  const times: number[] = [];
  if (state.lock) times.push(state.lock.heartbeat + state.lock.leaseMs);
  if (!state.lock && state.queue.turn) times.push(state.queue.turn.until);
  return times.length ? Math.min(...times) : undefined;
}
