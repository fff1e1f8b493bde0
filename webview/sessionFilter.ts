import type { BoardSession, SessionQuery, SessionStatus } from '../src/protocol';

export const STATUS_LABELS: Record<SessionStatus, string> = {
  all: 'All sessions',
  failed: 'With failed checks',
  refused: 'With refused actions',
  silent: 'With silent hooks',
};

export const isFiltered = (q: SessionQuery): boolean => q.text.trim() !== '' || q.file.trim() !== '' || q.status !== 'all';

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
