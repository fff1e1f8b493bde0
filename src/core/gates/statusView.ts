// What the status-bar deploy lock says: its text, its tooltip (Markdown, every recorded string escaped) and what
// a click does. Pure, so the wording is tested without VS Code.
import { ago } from './describe';
import { queueOrder } from './rules';
import { turnOf } from './watcher';
import type { GateState, Holder, LockInfo, Scope } from './types';

export type LockAction = 'acquire' | 'release' | 'take-turn' | 'none';

export interface LockViewInput {
  /** Undefined while the first read is under way. */
  state?: GateState;
  /** This window's person and machine; undefined until the git identity is known (or in Restricted Mode). */
  me?: Pick<Holder, 'who' | 'host'>;
  now: number;
  trusted: boolean;
  scope: Scope;
  /** The lease file or `origin refs/flightdeck/deploy-lock`. */
  where: string;
  /** The last read failed (an unreachable remote): shown, never read as "free". */
  error?: string;
  /** Why the lock is not read at all (a team lock in Restricted Mode). */
  unread?: string;
}

export interface LockView {
  text: string;
  /** Markdown; recorded strings are escaped, so a reason cannot inject links or markup. */
  tooltip: string;
  action: LockAction;
  tone: 'free' | 'mine' | 'other' | 'turn' | 'error';
}

/** Escapes Markdown so recorded text reads as itself; newlines become spaces (one line per fact). */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!<>|~&$:]/g, '\\$&');
}

/** "Ada Lovelace <ada@example.com>" reads as "Ada Lovelace" in the status bar (the tooltip keeps the e-mail). */
export function shortName(who: string): string {
  const name = who.replace(/\s*<[^>]*>\s*$/, '').trim();
  return name || who.trim() || 'unknown';
}

const mine = (lock: LockInfo, me: LockViewInput['me']): boolean => !!me && lock.who === me.who && lock.host === me.host;
const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

function queueLines(state: GateState, now: number, me: LockViewInput['me']): string[] {
  const entries = queueOrder(state);
  if (entries.length === 0) return ['Ship queue: empty'];
  const turn = state.queue.turn;
  return [
    `Ship queue (${entries.length}):`,
    '',
    ...entries.map((e, i) => {
      const tags = [
        e.hotfix ? '**hotfix**' : '',
        turn?.entryId === e.id && !state.lock ? `its turn, ${ago(turn.until - now)} left to take the lock` : '',
        me && e.who === me.who && e.host === me.host ? 'you' : '',
      ].filter(Boolean);
      const reason = e.reason ? `: "${escapeMarkdown(e.reason)}"` : '';
      return `${i + 1}. ${escapeMarkdown(e.who)} on ${escapeMarkdown(e.host)}, waiting ${ago(now - e.joined)}${tags.length ? ` (${tags.join(', ')})` : ''}${reason}`;
    }),
  ];
}

export function lockView(input: LockViewInput): LockView {
  const { state, me, now, trusted } = input;
  const title = input.scope === 'remote' ? `**Team deploy lock** (${escapeMarkdown(input.where)})` : '**Deploy lock** (this machine)';
  const readOnly = trusted ? [] : ['', '_Restricted Mode: shown read-only; trust the workspace to take the lock or ship._'];
  if (input.unread) return { text: '$(lock) Deploy: not read', tooltip: [title, '', escapeMarkdown(input.unread), ...readOnly].join('\n'), action: 'none', tone: 'error' };
  if (input.error) {
    return {
      text: '$(warning) Deploy: unknown',
      tooltip: [title, '', `The lock could not be read: ${escapeMarkdown(input.error)}`, '', 'It is not taken for free: check the remote, then click to try again.', ...readOnly].join('\n'),
      action: 'none',
      tone: 'error',
    };
  }
  if (!state) return { text: '$(sync~spin) Deploy', tooltip: [title, '', 'Reading the lock…'].join('\n'), action: 'none', tone: 'free' };
  const queued = queueOrder(state).length;
  const queueText = queued ? ` · ${queued} queued` : '';
  const queue = queueLines(state, now, me);
  const click = (what: string): string[] => (trusted ? ['', what] : readOnly);
  const lock = state.lock;
  if (lock) {
    const process = lock.pid === undefined ? escapeMarkdown(lock.label) : `${escapeMarkdown(lock.label)}, pid ${lock.pid}`;
    const held = [
      `Held by **${escapeMarkdown(lock.who)}** on ${escapeMarkdown(lock.host)} (${process})`,
      '',
      `Reason: ${lock.reason ? `"${escapeMarkdown(lock.reason)}"` : '_none given_'}`,
      '',
      `Since ${when(lock.created)} (${ago(now - lock.created)}); lease until ${when(lock.heartbeat + lock.leaseMs)}`,
      '',
      `Lock id: ${escapeMarkdown(lock.id)}`,
    ];
    if (mine(lock, me)) {
      return { text: `$(lock) Deploy: you${queueText}`, tooltip: [title, '', ...held, '', ...queue, ...click('Click to release the lock.')].join('\n'), action: trusted ? 'release' : 'none', tone: 'mine' };
    }
    const place = me ? queueOrder(state).findIndex((e) => e.who === me.who && e.host === me.host) : -1;
    const next = place >= 0
      ? `You are number ${place + 1} in the ship queue: you will be told when it is your turn. Click for Force-unlock (needs the lock id and a reason).`
      : 'Click to join the ship queue, or to force-unlock (needs the lock id and a reason).';
    return {
      text: `$(lock) Deploy: ${shortName(lock.who)} (${ago(now - lock.created)})${queueText}`,
      tooltip: [title, '', ...held, '', ...queue, ...click(next)].join('\n'),
      action: 'none',
      tone: 'other',
    };
  }
  const until = me ? turnOf(state, me.who, me.host) : undefined;
  if (until !== undefined) {
    return {
      text: `$(bell) Your turn to deploy (${Math.max(0, Math.ceil((until - now) / 1000))} s)${queueText}`,
      tooltip: [title, '', `The lock is free and it is **your turn**: take it before ${when(until)}, or the turn passes to the next in line.`, '', ...queue, ...click('Click to take the lock.')].join('\n'),
      action: trusted ? 'take-turn' : 'none',
      tone: 'turn',
    };
  }
  const turn = state.queue.turn;
  const turnEntry = turn && state.queue.entries.find((e) => e.id === turn.entryId);
  const reserved = turn && turnEntry ? [`Free, but it is ${escapeMarkdown(turnEntry.who)}'s turn until ${when(turn.until)}.`, ''] : ['Free: nobody holds it.', ''];
  return {
    text: `$(unlock) Deploy free${queueText}`,
    tooltip: [title, '', ...reserved, ...queue, ...click(turnEntry ? 'Join the ship queue to be next.' : 'Click to take the lock (you can give a reason).')].join('\n'),
    action: trusted && !turnEntry ? 'acquire' : 'none',
    tone: 'free',
  };
}
