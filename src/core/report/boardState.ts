import { existsSync } from 'node:fs';
import type { Database } from 'sql.js';
import type { BoardRecord, BoardSession } from '../../protocol';
import { listEvents, recordStatus } from '../record/queries';
import type { OpenReport, RecordStore } from '../record/store';

const RECENT = 12;

const clipped = (raw: string): string => (raw.length > 300 ? raw.slice(0, 297) + '...' : raw);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One readable line for an event, whatever its kind. */
export function summarize(kind: string, data: Record<string, unknown>): string {
  const what = text(data.command) || text(data.path) || text(data.pattern);
  switch (kind) {
    case 'tool.called':
      return clipped(`${text(data.tool)}${what ? `: ${what}` : ''}`);
    case 'tool.result': {
      const outcome = text(data.outcome);
      const how = typeof data.exitCode === 'number' ? `exit ${data.exitCode}` : outcome || 'done';
      return clipped(`${text(data.tool) || 'tool'} ${how}${what ? `: ${what}` : ''}`);
    }
    case 'usage.recorded':
      return `${Number(data.inputTokens ?? 0).toLocaleString('en-US')} tokens in, ${Number(data.outputTokens ?? 0).toLocaleString('en-US')} out (${text(data.model) || 'model'})`;
    case 'session.started':
      return clipped(`${text(data.agent) || 'agent'} session started${data.branch ? ` on ${text(data.branch)}` : ''}`);
    case 'hook.received':
      return `Claude Code hook ${text(data.hook)}`;
    case 'session.git': {
      const commits = Array.isArray(data.commits) ? data.commits.length : 0;
      return clipped(`git: from ${text(data.startCommit).slice(0, 8) || '?'}, ${commits} commit${commits === 1 ? '' : 's'}${data.diffStat ? `, ${text(data.diffStat)}` : ''}`);
    }
    case 'task.started':
      return clipped(`task: ${text(data.intent)}`);
    case 'task.ended':
      return 'task ended';
    case 'file.changed':
      return clipped(`${text(data.change)} ${text(data.path)}`);
    case 'command.ran':
      return clipped(`terminal${typeof data.exitCode === 'number' ? ` exit ${data.exitCode}` : ''}: ${text(data.command)}`);
  }
  const line = typeof data.text === 'string' ? data.text : typeof data.summary === 'string' ? data.summary : undefined;
  return clipped(line ?? (Object.keys(data).length ? JSON.stringify(data) : kind));
}

/** Bookkeeping, not activity (git facts show in the session itself): never shown in the activity list. */
const HIDDEN_KINDS = ['capture.cursor', 'session.git'];

/** What opening the record found, said so a person knows what happened to their data. */
export function describeReport(r: OpenReport, dir: string): string[] {
  const notices: string[] = [];
  for (const p of r.movedAside) notices.push(`A damaged snapshot was moved aside to ${p}; the record was rebuilt from what survived.`);
  if (r.snapshot === 'previous') notices.push('The latest snapshot was damaged; the previous one and the journal were used.');
  if (r.damagedLines > 0) notices.push(`${r.damagedLines} unreadable journal line(s) were skipped; copies are in ${dir}/damaged.`);
  if (r.possiblyMissing) notices.push(`Some ${r.possiblyMissing} could not be recovered.`);
  return notices;
}

/** Transcript activity this long after the last hook event means the hooks stopped firing. */
export const HOOKS_SILENT_AFTER_MS = 2 * 60_000;

/** The newest sessions with what needs a look: failed checks, rejected or denied actions. */
export function boardSessions(db: Database, limit = 20): BoardSession[] {
  const rows = db.exec(
    `SELECT s.id, s.agent, s.intent, s.branch, s.started_at,
       (SELECT count(*) FROM commands m WHERE m.session_id = s.id),
       (SELECT count(DISTINCT path) FROM files f WHERE f.session_id = s.id AND f.action <> 'read'),
       (SELECT count(*) FROM checks c WHERE c.session_id = s.id AND c.passed = 0),
       (SELECT count(*) FROM checks c WHERE c.session_id = s.id AND c.passed = 1),
       (SELECT count(*) FROM approvals a WHERE a.session_id = s.id AND a.kind IN ('rejection', 'denial')),
       (SELECT max(at) FROM events e WHERE e.session_id = s.id AND e.source = 'claude-hook'),
       (SELECT max(at) FROM events e WHERE e.session_id = s.id AND e.source = 'claude-transcript')
     FROM (SELECT * FROM sessions ORDER BY coalesce(started_at, 0) DESC LIMIT ?) s
     ORDER BY coalesce(s.started_at, 0) DESC`,
    [limit],
  )[0]?.values ?? [];
  return rows.map((r) => ({
    id: String(r[0]),
    agent: r[1] === null ? '' : String(r[1]),
    intent: r[2] === null ? '' : summarize('prompt', { text: String(r[2]) }),
    branch: r[3] === null ? '' : String(r[3]),
    startedAt: r[4] === null ? undefined : Number(r[4]),
    commands: Number(r[5]),
    filesChanged: Number(r[6]),
    failedChecks: Number(r[7]),
    passedChecks: Number(r[8]),
    rejections: Number(r[9]),
    hooksSilent: r[10] !== null && r[11] !== null && Number(r[11]) - Number(r[10]) > HOOKS_SILENT_AFTER_MS,
  }));
}

/** The record as the board shows it; `sessionLimit` grows as the user pages to older sessions. */
export function boardRecord(store: RecordStore, sessionLimit = 20): BoardRecord {
  const sessions = boardSessions(store.db, sessionLimit + 1);
  const s = recordStatus(store);
  return {
    dir: s.dir,
    exists: existsSync(s.dir),
    schemaVersion: s.schemaVersion,
    counts: {
      events: s.counts.events,
      sessions: s.counts.sessions,
      checks: s.counts.checks,
      pendingReviews: s.counts.pendingReviews,
      overrides: s.counts.overrides,
      ships: s.counts.ships,
      notes: s.counts.notes,
    },
    journalBytes: s.journal.bytes,
    journalGeneration: s.journal.generation,
    eventsSinceSnapshot: s.journal.eventsSinceSnapshot,
    lastSnapshotAt: s.lastSnapshotAt,
    notices: describeReport(store.report, s.dir),
    recent: listEvents(store.db, { limit: RECENT, excludeKinds: HIDDEN_KINDS }).map((e) => ({
      id: e.id,
      kind: e.kind,
      at: e.at,
      summary: summarize(e.kind, e.data),
    })),
    sessions: sessions.slice(0, sessionLimit),
    moreSessions: sessions.length > sessionLimit,
  };
}
