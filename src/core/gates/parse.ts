// Reading lock and queue JSON written by another process or another machine: a shape this does not know is
// reported, never taken for "free".
import type { LockInfo, QueueEntry, QueueState, Turn } from './types';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function holderOk(v: Record<string, unknown>): boolean {
  return isStr(v.who) && isStr(v.host) && isStr(v.label) && (v.pid === undefined || (Number.isInteger(v.pid) && (v.pid as number) > 0));
}

export function parseLock(text: string): LockInfo | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(v) || !holderOk(v) || !isStr(v.id) || !isStr(v.reason) || !isNum(v.created) || !isNum(v.heartbeat) || !isNum(v.leaseMs)) return undefined;
  return v as unknown as LockInfo;
}

function entryOk(v: unknown): v is QueueEntry {
  return isObj(v) && holderOk(v) && isStr(v.id) && typeof v.hotfix === 'boolean' && isStr(v.reason) && isNum(v.joined);
}

export function parseQueue(text: string): QueueState | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObj(v) || !Array.isArray(v.entries) || !v.entries.every(entryOk)) return undefined;
  const t = v.turn;
  if (t !== undefined && !(isObj(t) && isStr(t.entryId) && isNum(t.since) && isNum(t.until))) return undefined;
  return { entries: v.entries, turn: t as Turn | undefined };
}

/** A lock whose info cannot be read still holds (so nobody deploys over it) until its lease from `seenAt` runs out. */
export function unreadableLock(id: string, seenAt: number, leaseMs: number): LockInfo {
  return { id, who: 'unknown (unreadable lock info)', host: 'unknown', label: 'unknown', reason: 'the lock info could not be read', created: seenAt, heartbeat: seenAt, leaseMs };
}
