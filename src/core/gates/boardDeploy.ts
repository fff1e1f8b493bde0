// The deploy lock and the ship queue as the board shows them: plain data from the watcher's last read.
import type { BoardDeploy } from '../../protocol';
import { queueOrder } from './rules';
import type { GateState, Holder, Scope } from './types';

export interface BoardDeployInput {
  state?: GateState;
  me?: Pick<Holder, 'who' | 'host'>;
  scope: Scope;
  where: string;
  /** Why the lock is not shown (unreadable, not followed here); a state is never shown beside it. */
  problem?: string;
}

export function boardDeploy(input: BoardDeployInput): BoardDeploy {
  const { state, me, scope, where } = input;
  const mine = (p: Pick<Holder, 'who' | 'host'>): boolean => !!me && p.who === me.who && p.host === me.host;
  if (input.problem || !state) return { scope, where, problem: input.problem ?? 'reading the lock…', queue: [] };
  const lock = state.lock;
  const turn = state.queue.turn;
  return {
    scope, where,
    lock: lock && { who: lock.who, host: lock.host, reason: lock.reason, mine: mine(lock), id: lock.id, label: lock.label, since: lock.created, leaseUntil: lock.heartbeat + lock.leaseMs },
    queue: queueOrder(state).map((e) => ({
      who: e.who, host: e.host, reason: e.reason, mine: mine(e), id: e.id, hotfix: e.hotfix, joined: e.joined,
      turnUntil: !lock && turn?.entryId === e.id ? turn.until : undefined,
    })),
  };
}
