// How the lock and the queue read to a person: one line each, naming who, where, since when and why.
import { queueOrder } from './rules';
import type { GateState, LockInfo, QueueEntry } from './types';

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

export function describeLock(lock: LockInfo, now: number): string {
  const process = lock.pid === undefined ? lock.label : `${lock.label}, pid ${lock.pid}`;
  const why = lock.reason ? `: "${lock.reason}"` : ' (no reason given)';
  return `${lock.who} on ${lock.host} (${process}) since ${new Date(lock.created).toISOString()} (${ago(now - lock.created)})${why}; lock id ${lock.id}`;
}

function describeEntry(e: QueueEntry, i: number, turnId: string | undefined, turnUntil: number | undefined, now: number): string {
  const tags = [e.hotfix ? 'hotfix' : '', e.id === turnId && turnUntil !== undefined ? `its turn: ${ago(turnUntil - now)} left to take the lock` : '']
    .filter(Boolean)
    .join(', ');
  return `  ${i + 1}. ${e.who} on ${e.host} (${e.label}) waiting ${ago(now - e.joined)}${tags ? ` [${tags}]` : ''}${e.reason ? `: "${e.reason}"` : ''}`;
}

export function describeQueue(state: GateState, now: number): string {
  const entries = queueOrder(state);
  if (entries.length === 0) return 'Ship queue: empty';
  const turn = state.queue.turn;
  return [`Ship queue (${entries.length}):`, ...entries.map((e, i) => describeEntry(e, i, turn?.entryId, turn?.until, now))].join('\n');
}
