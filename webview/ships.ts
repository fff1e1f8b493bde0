import type { BoardDeploy, BoardShip } from '../src/protocol';
import { h, icon } from './dom';
import { ago, clock, plural } from './format';
import { foldSection, type Fold } from './fold';

// The Ships section: the deploy lock and the ship queue (from the status bar's watcher), then the recent ships,
// each with what proved it and the command that undoes it. Read-only but for Copy and Roll back…; every string
// is a text node (dom.ts).

const short = (sha: string): string => sha.slice(0, 12);

function person(p: { who: string; host: string; mine: boolean }): HTMLElement {
  return h('span', { class: 'who', title: `${p.who} on ${p.host}` }, p.mine ? `you (${p.host})` : `${p.who} on ${p.host}`);
}

function lockBlock(d: BoardDeploy): HTMLElement {
  const where = d.scope === 'remote' ? `Team deploy lock · ${d.where}` : 'Deploy lock · this machine';
  const block = h('div', { class: 'deploy-lock', 'data-key': 'deploy-lock', role: 'group', 'aria-label': where }, h('h3', { class: 'day' }, where));
  if (d.problem) {
    block.append(h('p', { class: 'notice', role: 'status' }, icon('warning'), ` ${d.problem}`));
    return block;
  }
  const l = d.lock;
  if (l) {
    block.append(
      h('p', { class: `lock-state ${l.mine ? 'mine' : 'other'}` }, icon('lock'), ' Held by ', person(l), ` · ${l.label} · since ${clock(l.since)} (${ago(l.since).replace(' ago', '')})`),
      h('p', { class: 'lock-reason' }, l.reason ? `Why: "${l.reason}"` : 'Why: no reason given'),
      h('p', { class: 'muted lock-id' }, 'Lock id ', h('code', {}, l.id), ` · lease until ${clock(l.leaseUntil)}`),
    );
  } else {
    block.append(h('p', { class: 'lock-state free' }, icon('unlock'), ' Free: nobody holds it'));
  }
  if (d.queue.length === 0) {
    block.append(h('p', { class: 'muted', 'data-key': 'queue-empty' }, 'Ship queue: empty'));
    return block;
  }
  const list = h('ol', { class: 'ship-queue', 'aria-label': 'Ship queue, in order', 'data-key': 'queue' });
  for (const e of d.queue) {
    const tags = h('span', { class: 'flags' });
    if (e.hotfix) tags.append(h('span', { class: 'flag fail', title: 'hotfixes go ahead of ordinary ships' }, icon('flame'), ' hotfix'));
    if (e.turnUntil !== undefined) tags.append(h('span', { class: 'flag turn', title: 'the lock is free and it is theirs to take' }, icon('bell'), ` its turn until ${clock(e.turnUntil)}`));
    list.append(h('li', { class: e.mine ? 'queued mine' : 'queued', 'data-key': `queued:${e.id}` },
      person(e), ` · waiting since ${clock(e.joined)}`, e.reason ? ` · "${e.reason}"` : '', tags));
  }
  const next = d.queue[0];
  block.append(h('p', { class: 'muted' }, `Ship queue (${d.queue.length})`, next && !d.lock && next.turnUntil !== undefined ? ` · ${next.mine ? 'your' : `${next.who}'s`} turn` : next && d.lock ? ` · next: ${next.mine ? 'you' : next.who}` : ''), list);
  return block;
}

function checksLine(s: BoardShip): string {
  const checks = s.checks.length ? s.checks.map((c) => `${c.kind} ${c.status}`).join(', ') : 'none required';
  return `Checks: ${checks}${s.checksOverride ? ` · shipped anyway: "${s.checksOverride}"` : ''}`;
}

function reviewsLine(s: BoardShip): string {
  if (!s.reviews) return 'Reviews: not looked at';
  if (s.reviews.open === 0) return 'Reviews: none open';
  return `Reviews: ${plural(s.reviews.open, 'open review')}${s.reviews.override ? ` · override: ${s.reviews.override}` : ''}`;
}

function shipItem(s: BoardShip, trusted: boolean): HTMLElement {
  const range = s.previousCommit ? `${short(s.previousCommit)}..${short(s.commit)}` : short(s.commit);
  const copyIcon = icon('copy');
  copyIcon.setAttribute('slot', 'start');
  const item = h('li', { class: `ship status-${s.status}`, 'data-key': `ship:${s.id}`, 'aria-label': `Ship of ${short(s.commit)} to ${s.target}: ${s.status}` },
    h('div', { class: 'ship-head' },
      h('span', { class: `ship-status status-${s.status}` }, icon(s.status === 'shipped' ? 'rocket' : 'error'), ` ${s.status}`),
      h('span', { class: 'ship-subject' }, h('code', {}, range), ` → ${s.target}`),
    ),
    h('div', { class: 'ship-meta' }, [clock(s.at), s.by, plural(s.commits, 'commit'), s.diffStat].filter(Boolean).join(' · ')),
    h('div', { class: `ship-proof${s.checksOk ? '' : ' warn'}` }, checksLine(s)),
    h('div', { class: `ship-proof${s.reviews?.open ? ' warn' : ''}` }, reviewsLine(s)),
    h('div', { class: 'ship-proof muted' }, s.lockId ? `Lock: ${s.lockId}` : 'Lock: not held', s.task ? ` · task "${s.task}" exited ${s.exitCode ?? '?'}` : ''),
    h('div', { class: 'rollback' },
      h('span', { class: 'muted' }, 'Roll back: '),
      h('code', { class: 'rollback-command', title: s.rollback }, s.rollback),
    ),
  );
  if (s.prepared) item.append(h('p', { class: 'muted ship-prepared' }, icon('git-branch'), ` Rollback prepared on ${s.prepared.branch} by ${s.prepared.by || 'someone'} ${ago(s.prepared.at)}`));
  const actions = h('div', { class: 'actions' },
    h('vscode-button', { appearance: 'secondary', 'data-cmd': 'copy-rollback', 'data-ship': s.id }, copyIcon, 'Copy'));
  if (trusted) {
    const undo = icon('discard');
    undo.setAttribute('slot', 'start');
    actions.append(h('vscode-button', { appearance: 'secondary', 'data-cmd': 'rollback-ship', 'data-ship': s.id }, undo, 'Roll back…'));
  }
  item.append(actions);
  return item;
}

/** The section, or nothing outside a repository with no ship recorded. */
export function shipsSection(ships: readonly BoardShip[], deploy: BoardDeploy | undefined, trusted: boolean, fold: Fold): HTMLElement | undefined {
  if (!ships.length && !deploy) return undefined;
  const { section: outer, body: section } = foldSection('ships', 'Ships', fold, { class: 'ships', 'data-key': 'ships-section' });
  if (!fold.expanded) return outer;
  if (deploy) section.append(lockBlock(deploy));
  if (!ships.length) {
    section.append(h('p', { class: 'muted', 'data-key': 'no-ships' }, 'No ships recorded yet. Flightdeck: Ship runs your deploy task under the lock and records what went out and how to undo it.'));
    return outer;
  }
  const list = h('ol', { class: 'ship-list', 'aria-label': 'Recent ships, newest first', 'data-key': 'ship-list' });
  for (const s of ships) list.append(shipItem(s, trusted));
  section.append(h('h3', { class: 'day', 'data-key': 'recent-ships-h' }, 'Recent ships'), list);
  return outer;
}
