import { existsSync } from 'node:fs';
import { boardReviews } from './boardReviews';
import { boardShips } from './boardShips';
import type { Database } from 'sql.js';
import { DEFAULT_QUERY, type BoardRecord, type BoardSession, type SessionQuery } from '../../protocol';
import { listEvents, recordStatus } from '../record/queries';
import type { OpenReport, RecordStore } from '../record/store';
import { sessionConcerns } from './trail';

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
      return `${data.agent === 'codex' ? 'Codex' : 'Claude Code'} hook ${text(data.hook)}`;
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
  for (const d of r.damagedSegments ?? []) {
    notices.push(`Some event details could not be read back from ${d.file} (${d.reason})${d.keptAt ? `; a copy is in ${d.keptAt}` : ''}; their summaries are shown.`);
  }
  return notices;
}

/** Transcript activity this long after the last hook event means the hooks stopped firing. */
export const HOOKS_SILENT_AFTER_MS = 2 * 60_000;


/** `%text%` for LIKE, with the user's own `%`, `_` and `\` taken literally. */
const contains = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const HOOK_LAST = 's.last_hook_at';
const TRANSCRIPT_LAST = 's.last_transcript_at';

/** The WHERE clause of a query over `sessions s`, with its parameters. */
function sessionFilter(q: SessionQuery): { where: string; params: (string | number)[] } {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  const text = q.text.trim();
  if (text) {
    terms.push(`(s.intent LIKE ? ESCAPE '\\' OR s.branch LIKE ? ESCAPE '\\' OR s.agent LIKE ? ESCAPE '\\' OR s.id LIKE ? ESCAPE '\\' OR s.author LIKE ? ESCAPE '\\')`);
    params.push(...Array<string>(5).fill(contains(text)));
  }
  // Paths are stored as the OS writes them: a typed `src/a.ts` must find `src\\a.ts` on Windows.
  const file = process.platform === 'win32' ? q.file.trim().replace(/\//g, '\\') : q.file.trim();
  if (file) {
    terms.push(`EXISTS (SELECT 1 FROM files f WHERE f.session_id = s.id AND f.path LIKE ? ESCAPE '\\')`);
    params.push(contains(file));
  }
  if (q.agent) {
    terms.push('s.agent = ?');
    params.push(q.agent);
  }
  if (q.status === 'failed') terms.push(`EXISTS (SELECT 1 FROM checks c WHERE c.session_id = s.id AND c.passed = 0)`);
  if (q.status === 'refused') terms.push(`EXISTS (SELECT 1 FROM approvals a WHERE a.session_id = s.id AND a.kind IN ('rejection', 'denial'))`);
  if (q.status === 'silent') {
    terms.push(`${TRANSCRIPT_LAST} - ${HOOK_LAST} > ?`);
    params.push(HOOKS_SILENT_AFTER_MS);
  }
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}

/** How many sessions match a query, shown or not. */
export function countSessions(db: Database, query: Partial<SessionQuery> = {}): number {
  const { where, params } = sessionFilter({ ...DEFAULT_QUERY, ...query });
  return Number(db.exec(`SELECT count(*) FROM sessions s ${where}`, params)[0]?.values[0]?.[0] ?? 0);
}

/** The newest sessions matching a query, over the whole record, with what needs a look: failed checks, refused actions. */
export function boardSessions(db: Database, query: Partial<SessionQuery> = {}): BoardSession[] {
  const q = { ...DEFAULT_QUERY, ...query };
  const { where, params } = sessionFilter(q);
  const rows = db.exec(
    `SELECT s.id, s.agent, s.intent, s.branch, s.started_at,
       (SELECT count(*) FROM commands m WHERE m.session_id = s.id),
       (SELECT count(DISTINCT path) FROM files f WHERE f.session_id = s.id AND f.action <> 'read'),
       (SELECT count(*) FROM checks c WHERE c.session_id = s.id AND c.passed = 0),
       (SELECT count(*) FROM checks c WHERE c.session_id = s.id AND c.passed = 1),
       (SELECT count(*) FROM approvals a WHERE a.session_id = s.id AND a.kind IN ('rejection', 'denial')),
       ${HOOK_LAST},
       ${TRANSCRIPT_LAST},
       coalesce(s.ended_at, nullif(max(coalesce((SELECT max(at) FROM events e WHERE e.session_id = s.id), 0), coalesce(s.last_at, 0)), 0)),
       (SELECT count(*) FROM reviews r WHERE r.session_id = s.id AND r.status IN ('pending', 'concerns', 'failed')),
       s.author
     FROM (SELECT * FROM sessions s ${where} ORDER BY coalesce(started_at, 0) DESC LIMIT ?) s
     ORDER BY coalesce(s.started_at, 0) DESC`,
    [...params, q.limit],
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
    durationMs: r[4] !== null && r[12] !== null ? Math.max(0, Number(r[12]) - Number(r[4])) : undefined,
    pendingReviews: Number(r[13]),
    ...sessionConcerns(db, String(r[0])),
    ...(r[14] === null || r[14] === undefined ? {} : { author: String(r[14]) }),
  }));
}

/** The record as the board shows it, with the sessions that answer the board's query. */
export function boardRecord(store: RecordStore, query: SessionQuery = DEFAULT_QUERY): BoardRecord {
  const sessions = boardSessions(store.db, query);
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
    query,
    sessions,
    // Counting is only needed when there may be more than the page shows.
    matchingSessions: sessions.length < query.limit ? sessions.length : countSessions(store.db, query),
    reviews: boardReviews(store.db),
    ships: boardShips(store.db),
  };
}
