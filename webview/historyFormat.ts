import { AGENT_LABELS, type BoardFileHistory, type FileHistoryEntry } from '../src/protocol';
import { count, plural } from './format';

// The words of the file filter's history: counts, each entry's line, the page. No DOM here: tested on their own.

/** One line of a text, cut with an ellipsis: the entry's whole text shows when it is opened. */
export function oneLine(text: string, max = 140): string {
  const l = text.replace(/\s+/g, ' ').trim();
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
}

/** "3 sessions · 1 decision · 2 reviews · 1 override · 2 failed checks": nothing that is zero but the sessions. */
export function historyCounts(h: Pick<BoardFileHistory, 'counts'>): string {
  const c = h.counts;
  return [
    plural(c.sessions, 'session'),
    c.decisions ? plural(c.decisions, 'decision') : '',
    c.reviews ? plural(c.reviews, 'review') : '',
    c.overrides ? plural(c.overrides, 'override') : '',
    c.failures ? plural(c.failures, 'failed check') : '',
  ].filter(Boolean).join(' · ');
}

/** The entry's headline: what happened, in the words a person looks for. */
export function entryTitle(e: FileHistoryEntry): string {
  switch (e.kind) {
    case 'session': return oneLine(e.intent) || '(no stated intent)';
    case 'decision': return oneLine(e.text);
    case 'review': return `Review ${e.status}: ${oneLine(e.subject)}`;
    case 'override': return `Override: "${oneLine(e.reason)}"`;
  }
}

/** The line under the headline (the time is shown apart). */
export function entryMeta(e: FileHistoryEntry): string {
  switch (e.kind) {
    case 'session':
      return [e.change, AGENT_LABELS[e.agent] ?? (e.agent || 'agent'), e.author ? `by ${e.author}` : '', e.branch,
        e.failures.length ? plural(e.failures.length, 'failed check') : '', e.reverts.length ? plural(e.reverts.length, 'revert') : ''].filter(Boolean).join(' · ');
    case 'decision': return ['decision', e.by ? `by ${e.by}` : ''].filter(Boolean).join(' · ');
    case 'review': return ['review', e.concerns.length ? `${plural(e.concerns.length, 'concern')} about this file` : 'no concern about this file'].join(' · ');
    case 'override': return ['override', e.by ? `by ${e.by}` : '', e.reviewId ? `of review ${e.reviewId}` : e.gate ? `of the ${e.gate} gate` : ''].filter(Boolean).join(' · ');
  }
}

/** A failed check in a session, as one line. */
export function failureLine(f: { command: string; exitCode?: number; fixed: boolean }): string {
  return `${oneLine(f.command, 100)} failed (exit ${f.exitCode ?? '?'})${f.fixed ? ', passed again later' : ', not seen passing after'}`;
}

/** The line under the timeline: how much of it shows. */
export function historyPageInfo(h: Pick<BoardFileHistory, 'entries' | 'total'>): string {
  if (h.entries.length >= h.total) return `${count(h.total)} ${h.total === 1 ? 'entry' : 'entries'}, newest first`;
  return `Showing ${count(h.entries.length)} of ${count(h.total)} entries, newest first`;
}

/** When the filter does not name one file: what it matches, and what to do. */
export function candidatesText(h: Pick<BoardFileHistory, 'filter' | 'candidates' | 'moreCandidates' | 'candidatesCapped'>): string {
  const n = h.candidates.length + h.moreCandidates;
  if (n === 0) return `No recorded change or decision about a file matching “${oneLine(h.filter, 80)}”.`;
  return `“${oneLine(h.filter, 80)}” matches ${h.candidatesCapped ? 'more than ' : ''}${plural(n, 'changed file')}: pick one to see its history.`;
}
