// `flightdeck lock …` and `flightdeck queue …`: the deploy lock and the ship queue from a shell, a script or CI.
import { existsSync } from 'node:fs';
import { currentHolder, openGate, type Gate } from '../core/gates/gate';
import { describeLock, describeQueue } from '../core/gates/describe';
import { needsSettle, queueOrder } from '../core/gates/rules';
import { DEFAULT_CLI_LEASE_MS, type GateState } from '../core/gates/types';
import { UsageError, type CliArgs } from './args';

type Out = (text: string) => void;

/** Exit codes: 0 done, 1 nothing to do (free, not queued, id does not match), 3 someone else holds it. */
export const LOCK_EXIT = { ok: 0, nothing: 1, held: 3 } as const;

function gateFor(args: CliArgs): Gate {
  if (!existsSync(args.repo)) throw new UsageError(`--repo ${args.repo}: no such folder`);
  try {
    return openGate(args.repo, { remote: args.remote, source: 'cli' });
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOREPO') throw new UsageError(`${args.repo} is not inside a git repository (pass --repo PATH)`);
    throw e;
  }
}

/** The state now, with any expiry or passed turn settled (and recorded) first. */
async function settled(gate: Gate): Promise<GateState> {
  const state = await gate.store.read();
  if (!needsSettle(state, gate.env)) return state;
  return gate.store.transact((tx) => {
    tx.settle();
    return tx.state;
  });
}

function where(gate: Gate): string {
  return gate.store.scope === 'remote' ? `team lock on ${gate.store.where}` : 'local lock';
}

function statusJson(gate: Gate, state: GateState): Record<string, unknown> {
  return { scope: gate.store.scope, where: gate.store.where, lock: state.lock ?? null, queue: queueOrder(state), turn: state.queue.turn ?? null };
}

export async function lock(args: CliArgs, out: Out): Promise<number> {
  const [sub = '', ...extra] = args.positionals;
  if (extra.length) throw new UsageError(`lock ${sub} takes no more words: ${extra.join(' ')}`);
  if (!['status', 'acquire', 'release', 'heartbeat', 'force-unlock'].includes(sub)) {
    throw new UsageError(`lock wants status, acquire, release, heartbeat or force-unlock${sub ? `, not "${sub}"` : ''}`);
  }
  if ((sub === 'force-unlock' || sub === 'heartbeat') && !args.id?.trim()) throw new UsageError(`lock ${sub} needs --id ID (flightdeck lock status shows it)`);
  if (sub === 'force-unlock' && !args.reason?.trim()) throw new UsageError('lock force-unlock needs --reason R: it is recorded with the lock it broke');
  const gate = gateFor(args);
  const now = gate.env.now;
  const print = (json: Record<string, unknown>, text: string): void => out(args.json ? JSON.stringify(json, null, 2) : text);

  if (sub === 'status') {
    const state = await settled(gate);
    const head = state.lock ? `Deploy lock (${where(gate)}): held by ${describeLock(state.lock, now())}` : `Deploy lock (${where(gate)}): free`;
    print(statusJson(gate, state), `${head}\n${describeQueue(state, now())}`);
    return LOCK_EXIT.ok;
  }
  const holder = await currentHolder(gate, 'cli', args.pid);
  if (sub === 'acquire') {
    const leaseMs = args.leaseMinutes === undefined ? DEFAULT_CLI_LEASE_MS : Math.round(args.leaseMinutes * 60_000);
    const r = await gate.store.transact((tx) => tx.acquire(holder, args.reason?.trim() ?? '', leaseMs));
    if (r.status === 'acquired') {
      print({ status: r.status, scope: gate.store.scope, lock: r.lock }, `Deploy lock acquired (${where(gate)}); lock id ${r.lock.id}\nRelease it with: flightdeck lock release --id ${r.lock.id}`);
      return LOCK_EXIT.ok;
    }
    if (r.status === 'held') {
      print({ status: r.status, scope: gate.store.scope, lock: r.lock }, `Deploy lock (${where(gate)}) is held by ${describeLock(r.lock, now())}`);
    } else {
      print(
        { status: r.status, scope: gate.store.scope, entry: r.entry, until: r.until },
        `Deploy lock (${where(gate)}) is free, but it is ${r.entry.who}'s turn (first in the ship queue) until ${new Date(r.until).toISOString()}; join the queue with: flightdeck queue join`,
      );
    }
    return LOCK_EXIT.held;
  }
  if (sub === 'release') {
    const r = await gate.store.transact((tx) => tx.release(holder, args.id?.trim() || undefined));
    if (r.status === 'released') {
      print({ status: r.status, scope: gate.store.scope, lock: r.lock }, `Deploy lock released (${where(gate)}); it was held since ${new Date(r.lock.created).toISOString()}`);
      return LOCK_EXIT.ok;
    }
    if (r.status === 'free') {
      print({ status: r.status, scope: gate.store.scope }, `Deploy lock (${where(gate)}) is not held: nothing to release`);
      return LOCK_EXIT.nothing;
    }
    print({ status: r.status, scope: gate.store.scope, lock: r.lock }, `Deploy lock (${where(gate)}) is not yours: held by ${describeLock(r.lock, now())}`);
    return LOCK_EXIT.held;
  }
  if (sub === 'heartbeat') {
    const r = await gate.store.transact((tx) => tx.heartbeat(args.id?.trim() ?? ''));
    if (r.status === 'renewed') {
      print({ status: r.status, lock: r.lock }, `Deploy lock ${r.lock.id} renewed until ${new Date(r.lock.heartbeat + r.lock.leaseMs).toISOString()}`);
      return LOCK_EXIT.ok;
    }
    print({ status: r.status, lock: r.lock ?? null }, `Deploy lock ${args.id ?? ''} is no longer held${r.lock ? `; now held by ${describeLock(r.lock, now())}` : ''}`);
    return LOCK_EXIT.nothing;
  }
  const r = await gate.store.transact((tx) => tx.forceUnlock(holder, args.id?.trim() ?? '', args.reason?.trim() ?? ''));
  if (r.status === 'unlocked') {
    print({ status: r.status, scope: gate.store.scope, previous: r.lock }, `Deploy lock force-unlocked (${where(gate)}); it was held by ${describeLock(r.lock, now())}`);
    return LOCK_EXIT.ok;
  }
  if (r.status === 'free') {
    print({ status: r.status }, `Deploy lock (${where(gate)}) is not held: nothing to unlock`);
    return LOCK_EXIT.nothing;
  }
  print({ status: r.status, lock: r.lock }, `Deploy lock (${where(gate)}) has id ${r.lock.id}, not ${args.id ?? ''}: nothing unlocked (held by ${describeLock(r.lock, now())})`);
  return LOCK_EXIT.nothing;
}

export async function queue(args: CliArgs, out: Out): Promise<number> {
  const [sub = '', ...extra] = args.positionals;
  if (extra.length) throw new UsageError(`queue ${sub} takes no more words: ${extra.join(' ')}`);
  if (!['status', 'join', 'leave'].includes(sub)) throw new UsageError(`queue wants status, join or leave${sub ? `, not "${sub}"` : ''}`);
  const gate = gateFor(args);
  const now = gate.env.now;
  const print = (json: Record<string, unknown>, text: string): void => out(args.json ? JSON.stringify(json, null, 2) : text);
  if (sub === 'status') {
    const state = await settled(gate);
    print(statusJson(gate, state), describeQueue(state, now()));
    return LOCK_EXIT.ok;
  }
  const holder = await currentHolder(gate, 'cli', args.pid);
  if (sub === 'join') {
    const r = await gate.store.transact((tx) => ({ ...tx.join(holder, args.hotfix, args.reason?.trim() ?? ''), state: tx.state }));
    const turn = r.state.queue.turn?.entryId === r.entry.id ? r.state.queue.turn : undefined;
    const text = r.status === 'already' ? `Already in the ship queue, number ${r.position}` : `Joined the ship queue${r.entry.hotfix ? ' as a hotfix' : ''}: number ${r.position}`;
    const turnText = turn ? `\nIt is your turn: take the lock before ${new Date(turn.until).toISOString()} with: flightdeck lock acquire` : '';
    print({ status: r.status, entry: r.entry, position: r.position, turn: turn ?? null }, text + turnText);
    return LOCK_EXIT.ok;
  }
  const r = await gate.store.transact((tx) => tx.leave(holder));
  if (r.status === 'left') {
    print({ status: r.status, entry: r.entry }, 'Left the ship queue');
    return LOCK_EXIT.ok;
  }
  print({ status: r.status }, 'Not in the ship queue: nothing to leave');
  return LOCK_EXIT.nothing;
}
