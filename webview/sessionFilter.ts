import type { BoardRecord, BoardSession, ImportStatus, SessionQuery, SessionStatus } from '../src/protocol';
import { bytes, count, plural } from './format';

export const STATUS_LABELS: Record<SessionStatus, string> = {
  all: 'All sessions',
  failed: 'With failed checks',
  refused: 'With refused actions',
  silent: 'With silent hooks',
};

export const isFiltered = (q: SessionQuery): boolean => q.text.trim() !== '' || q.file.trim() !== '' || q.status !== 'all' || q.agent !== '';

/** Whether two queries ask for the same sessions (how many of them aside). */
export const sameSearch = (a: SessionQuery, b: SessionQuery): boolean => a.text === b.text && a.file === b.file && a.status === b.status && a.agent === b.agent;

/**
 * The line under the session list. It speaks of the results on screen, never of the query being typed:
 * until those results arrive it says so (the list above still shows the previous query's sessions).
 */
export function pageInfo(r: Pick<BoardRecord, 'query' | 'sessions' | 'matchingSessions'>, asked: SessionQuery): { text: string; pending: boolean } {
  if (!sameSearch(r.query, asked)) return { text: 'Searching…', pending: true };
  const of = isFiltered(r.query) ? `${count(r.matchingSessions)} matching` : count(r.matchingSessions);
  return { text: `Showing ${count(r.sessions.length)} of ${of} sessions`, pending: false };
}

/** "Today", "Yesterday", or the date: how people think of when something happened. */
export function dayLabel(ms: number | undefined, now = new Date()): string {
  if (ms === undefined) return 'Undated';
  const d = new Date(ms);
  const startOf = (x: Date): number => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((startOf(now) - startOf(d)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'short', month: 'short', day: 'numeric', year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric' });
}

/** Sessions (newest first) in runs of the same day. */
export function groupByDay(sessions: readonly BoardSession[]): { day: string; sessions: BoardSession[] }[] {
  const groups: { day: string; sessions: BoardSession[] }[] = [];
  for (const s of sessions) {
    const day = dayLabel(s.startedAt);
    const last = groups[groups.length - 1];
    if (last?.day === day) last.sessions.push(s);
    else groups.push({ day, sessions: [s] });
  }
  return groups;
}

/** What an import coming or under way has got through, in words. */
export function importText(i: ImportStatus): string {
  if (i.phase === 'pending') return 'Importing this folder\'s Claude Code sessions in a moment…';
  if (i.files === 0) return 'Importing Claude Code sessions: looking for this folder\'s transcripts…';
  return `Importing Claude Code sessions: ${bytes(i.doneBytes)} of ${bytes(i.totalBytes)} (${count(i.filesDone)} of ${plural(i.files, 'file')}), ${plural(i.sessions, 'session')} found so far`;
}
