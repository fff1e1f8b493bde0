import type { BoardFileHistory, FileHistoryEntry } from '../src/protocol';
import { h, icon } from './dom';
import { clock } from './format';
import { candidatesText, entryMeta, entryTitle, failureLine, historyCounts, historyPageInfo, oneLine } from './historyFormat';

// The file filter's result above the session list: the named file's history as a compact timeline (a session opens
// its record, a review opens to its concerns, a decision to its whole text), or the files the filter could mean.
// Every string is a text node (dom.ts).

const KIND_ICON: Record<FileHistoryEntry['kind'], string> = { session: 'history', decision: 'law', review: 'eye', override: 'unlock' };

function when(at: number | undefined): HTMLElement {
  return at === undefined
    ? h('span', { class: 'hist-when muted' }, 'undated')
    : h('time', { class: 'hist-when', datetime: new Date(at).toISOString(), title: new Date(at).toString() }, clock(at));
}

/** The headline and meta line; spans (shown as blocks) so they may sit inside a <summary>. */
function head(e: FileHistoryEntry): HTMLElement[] {
  // A decision's whole text: cut to two lines while folded, read in full once opened.
  const title = e.kind === 'decision' ? e.text : entryTitle(e);
  return [
    h('span', { class: 'hist-head' }, icon(KIND_ICON[e.kind]), h('span', { class: 'hist-title' }, title), when(e.at)),
    h('span', { class: 'hist-meta' }, entryMeta(e)),
  ];
}

function sessionEntry(e: Extract<FileHistoryEntry, { kind: 'session' }>, key: string): HTMLElement {
  const item = h('li', {
    class: 'hist hist-session', tabindex: '0', role: 'button', 'data-key': key, 'data-cmd': 'open-session', 'data-session': e.id,
    'aria-label': `Open the flight record of: ${entryTitle(e)}`,
  }, ...head(e));
  for (const f of e.failures) item.append(h('div', { class: `hist-sub ${f.fixed ? 'fixed' : 'fail'}` }, icon(f.fixed ? 'pass' : 'error'), ` ${failureLine(f)}`));
  for (const r of e.reverts) item.append(h('div', { class: 'hist-sub revert' }, icon('discard'), ' reverted: ', h('code', {}, oneLine(r, 120))));
  return item;
}

/** A decision or a review folds open in place: the decision's whole text, the review's concerns about this file. */
function foldedEntry(e: Extract<FileHistoryEntry, { kind: 'decision' | 'review' }>, key: string, path: string, reviewsOnBoard: ReadonlySet<string>): HTMLElement {
  const details = h('details', { class: 'hist-fold' }, h('summary', { 'aria-label': `${e.kind === 'decision' ? 'Decision' : 'Review'}: ${entryTitle(e)}` }, ...head(e)));
  if (e.kind === 'decision') {
    if (e.session) details.append(h('button', { class: 'link', type: 'button', 'data-cmd': 'open-session', 'data-session': e.session }, 'Open the session it was made in'));
  } else {
    const list = h('ol', { class: 'hist-concerns', 'aria-label': `Concerns about ${path}` });
    for (const c of e.concerns) {
      const attrs: Record<string, string> = { class: 'link', type: 'button', 'data-cmd': 'open-concern', 'data-path': path, title: `Open ${path}${c.line ? `:${c.line}` : ''}` };
      if (c.line) attrs['data-line'] = String(c.line);
      list.append(h('li', {}, h('span', { class: `severity sev-${c.severity}` }, c.severity), ' ', h('button', attrs, c.line ? `line ${c.line}` : 'the file'), ` ${c.title}`));
    }
    if (e.concerns.length) details.append(list);
    else details.append(h('p', { class: 'muted' }, 'No concern named this file.'));
    if (reviewsOnBoard.has(e.id)) details.append(h('button', { class: 'link', type: 'button', 'data-cmd': 'show-review', 'data-review': e.id }, 'Show in Reviews'));
  }
  return h('li', { class: `hist hist-${e.kind}`, 'data-key': key }, details);
}

function entryItem(e: FileHistoryEntry, path: string, reviewsOnBoard: ReadonlySet<string>): HTMLElement {
  const key = `hist:${e.kind}:${e.kind === 'override' ? `${e.at}:${e.reviewId || e.gate}` : e.id}`;
  if (e.kind === 'session') return sessionEntry(e, key);
  if (e.kind === 'override') return h('li', { class: 'hist hist-override', 'data-key': key }, ...head(e));
  return foldedEntry(e, key, path, reviewsOnBoard);
}

/** The block above the session list while a file filter is set; `stale` while the answer to a newer filter is on its way. */
export function fileHistoryBlock(hist: BoardFileHistory, stale: boolean, reviewsOnBoard: ReadonlySet<string>): HTMLElement {
  const block = h('section', { class: stale ? 'file-history stale' : 'file-history', 'data-key': 'file-history', 'aria-labelledby': 'history-h', 'aria-busy': stale ? 'true' : 'false' });
  if (hist.path === undefined) {
    block.append(h('h3', { id: 'history-h', class: 'history-h' }, icon('history'), ' File history'), h('p', { class: 'muted', 'data-key': 'candidates-text' }, candidatesText(hist)));
    if (hist.candidates.length) {
      const list = h('ul', { class: 'history-candidates', 'aria-label': 'Files the filter matches', 'data-key': 'candidates' });
      for (const c of hist.candidates) list.append(h('li', { 'data-key': `candidate:${c}` }, h('button', { class: 'link', type: 'button', 'data-cmd': 'filter-file', 'data-path': c, title: `Filter by ${c} and show its history` }, c)));
      if (hist.moreCandidates) list.append(h('li', { class: 'muted', 'data-key': 'more-candidates' }, `and ${hist.candidatesCapped ? 'more than ' : ''}${hist.moreCandidates} more: type more of the path`));
      block.append(list);
    }
    return block;
  }
  block.append(
    h('h3', { id: 'history-h', class: 'history-h' }, icon('history'), ' History of ', h('code', { title: hist.path }, hist.path)),
    h('p', { class: 'muted history-counts', 'data-key': 'history-counts' }, historyCounts(hist)),
  );
  if (!hist.entries.length) return block;
  const list = h('ol', { class: 'history', 'aria-label': `History of ${hist.path}, newest first`, 'data-key': 'history-list' });
  for (const e of hist.entries) list.append(entryItem(e, hist.path, reviewsOnBoard));
  block.append(list, h('p', { class: 'muted page-info', 'data-key': 'history-page' }, historyPageInfo(hist)));
  if (!stale && hist.entries.length < hist.total) {
    block.append(h('vscode-button', { appearance: 'secondary', id: 'older-history', 'data-cmd': 'older-history', 'data-key': 'older-history' }, 'Show older history'));
  }
  return block;
}
