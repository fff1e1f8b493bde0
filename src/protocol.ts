// Every message between the extension and the board webview, in both directions.
// Both sides import it: its types, and the few constants both must agree on (actions, query defaults and limits).

export interface BoardCounts {
  events: number;
  sessions: number;
  checks: number;
  pendingReviews: number;
  overrides: number;
  ships: number;
  notes: number;
}

export interface BoardEvent {
  id: string;
  kind: string;
  at: number;
  summary: string;
}

import type { FlightTrail } from './core/report/flightTrail';

/** Events of one session in equal time buckets, failures marked. */
export interface SessionActivity {
  start: number;
  end: number;
  counts: number[];
  failures: number[];
}

export interface BoardSession {
  id: string;
  agent: string;
  intent: string;
  branch: string;
  startedAt?: number;
  commands: number;
  filesChanged: number;
  failedChecks: number;
  passedChecks: number;
  rejections: number;
  /** Connected hooks stopped reporting while the transcript shows the agent still working. */
  hooksSilent: boolean;
  /** From the first to the last event (or the recorded end). */
  durationMs?: number;
  /** Reviews still open: pending, with concerns, or failed. */
  pendingReviews: number;
  /** Required checks not run after the last change, and files changed outside the task's boundary. */
  skippedChecks: number;
  boundaryViolations: number;
  /** A teammate's session (team sync): their git email. Absent: recorded on this machine. */
  author?: string;
}

/** Which sessions need a look: failed checks, refused actions, hooks gone silent. */
export const SESSION_STATUSES = ['all', 'failed', 'refused', 'silent'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** What the board's session list shows, answered over the whole record by the extension. */
export interface SessionQuery {
  /** Matched against intent, branch, agent and session id (case-insensitive). */
  text: string;
  status: SessionStatus;
  /** Sessions that read or changed a file whose path contains this. */
  file: string;
  /** Sessions of this agent (a key of AGENT_LABELS); '' for every agent. */
  agent: string;
  /** How many of the newest matching sessions to send; grows as the user pages to older ones. */
  limit: number;
}

/** Sessions a page shows first, and how many more each "Show older sessions" asks for. */
export const SESSION_PAGE = 20;
export const SESSION_PAGE_MORE = 50;
export const DEFAULT_QUERY: SessionQuery = { text: '', status: 'all', file: '', agent: '', limit: SESSION_PAGE };
/** The agents the board names and filters by (sessions.agent), as people call them. */
export const AGENT_LABELS: Readonly<Record<string, string>> = { 'claude-code': 'Claude Code', codex: 'Codex' };
/** The longest query the extension answers: search text, file filter, sessions in one list, entries of one file's history. */
export const QUERY_LIMITS = { text: 500, file: 1000, sessions: 10_000, history: 2_000 } as const;

/** A concern as the board lists it, with where it is (jump-to-line). */
export interface BoardConcern {
  file: string;
  line?: number;
  severity: string;
  title: string;
  explanation: string;
  /** "rules: migration-without-down" or "anthropic". */
  source: string;
}

/** A review on the board: open ones first, then the most recent others. */
export interface BoardReview {
  id: string;
  session?: string;
  subject: string;
  /** pending | passed | concerns | failed | resolved | overridden, as of now. */
  status: string;
  open: boolean;
  engines: { engine: string; model?: string; status: string; error?: string }[];
  openedAt?: number;
  verdictAt?: number;
  concerns: BoardConcern[];
  override?: { reason: string; by: string; at: number; expiresAt?: number };
  /** Who marked it resolved. */
  resolvedBy?: string;
  /** The newer review of the same change that closed it. */
  supersededBy?: string;
}

/** A recorded ship on the board: what went out, how it was proven, and the command that undoes it. */
export interface BoardShip {
  id: string;
  at: number;
  commit: string;
  previousCommit?: string;
  target: string;
  /** shipped | failed, as the deploy task ended. */
  status: string;
  by: string;
  lockId?: string;
  /** Commits in previous..commit. */
  commits: number;
  diffStat: string;
  checksOk: boolean;
  checks: { kind: string; status: string }[];
  checksOverride?: string;
  /** Open reviews when it shipped, and the override that let it go (absent: not looked at). */
  reviews?: { open: number; override?: string };
  task?: string;
  exitCode?: number;
  /** The one line to copy that undoes it (or what to do when nothing can be reverted). */
  rollback: string;
  /** A rollback already prepared for it. */
  prepared?: { branch: string; at: number; by: string };
}

/** Someone holding or waiting for the deploy lock. */
export interface BoardDeployPerson {
  who: string;
  host: string;
  reason: string;
  /** This window's person on this machine. */
  mine: boolean;
}

/** The deploy lock and the ship queue, as the status bar's watcher last read them. */
export interface BoardDeploy {
  scope: 'local' | 'remote';
  /** The lease file or `origin refs/flightdeck/deploy-lock`. */
  where: string;
  /** Why the lock is not shown: not read yet, unreadable (never shown as free), not followed here. */
  problem?: string;
  lock?: BoardDeployPerson & { id: string; label: string; since: number; leaseUntil: number };
  /** In order: whose turn first, then hotfixes, then first come first served. */
  queue: (BoardDeployPerson & { id: string; hotfix: boolean; joined: number; turnUntil?: number })[];
}

/** Where the workflow is weak, across the newest sessions (core/report/insights.ts). Counts, never text to trust. */
export interface BoardInsights {
  /** Sessions looked at (the newest ones, at most `window`), and the span their starts cover. */
  sessions: number;
  window: number;
  from?: number;
  to?: number;
  /** Check commands that failed, most failed runs first, with how often they ran and in how many sessions. */
  failingChecks: { command: string; kind: string; runs: number; failed: number; sessions: number }[];
  /** Check kinds a task required and a session did not run after its last change, by sessions that skipped them. */
  skippedChecks: { kind: string; sessions: number }[];
  /** Files changed in the most sessions (repository-relative). */
  files: { path: string; sessions: number }[];
  /** The risk policy's categories the changed files fall into (by path), by sessions. */
  categories: { id: string; title: string; sessions: number; files: number }[];
  /** Sessions under a boundary, those that changed files outside it, and the files. */
  boundary: { bounded: number; violating: number; files: { path: string; sessions: number }[] };
  /** Sessions that ran checks, by how many runs re-ran a check that had just failed: [0, 1, 2, 3, 4+]. */
  retries: { buckets: number[]; total: number; sessions: number };
  /** Overrides in the span, their reasons grouped (same words, any case), most used first. */
  overrides: { total: number; reasons: { reason: string; count: number; by: string; at: number }[] };
  /** Tokens of the newest sessions that used any (oldest first), with the median and total over the span. */
  tokens: { sessions: { id: string; intent: string; startedAt?: number; input: number; output: number; cache: number }[]; median: number; total: number };
  /** A failed check to the same command passing again in the session: times in RECOVERY_BUCKETS, and those still failing. */
  recovery: { buckets: number[]; medianMs?: number; recovered: number; open: number };
}

/** How the time from a failure to green is bucketed (upper bounds, ms): the last takes the rest. */
export const RECOVERY_BUCKETS: readonly { label: string; upTo: number }[] = [
  { label: '< 1 min', upTo: 60_000 },
  { label: '1–5 min', upTo: 5 * 60_000 },
  { label: '5–15 min', upTo: 15 * 60_000 },
  { label: '15–60 min', upTo: 60 * 60_000 },
  { label: '> 1 h', upTo: Infinity },
];
export const RETRY_BUCKETS = ['0', '1', '2', '3', '4+'] as const;

/** One entry of a file's history on the board, newest first. */
export type FileHistoryEntry =
  | {
    kind: 'session'; id: string; at?: number; intent: string; agent: string; branch: string; author?: string;
    /** created | modified | deleted: what the session did to the file. */
    change: string;
    /** Checks that failed in the session, and whether the same command passed again later in it. */
    failures: { command: string; exitCode?: number; commit: string; fixed: boolean }[];
    /** Reverts in the session (commands or "Revert …" commits). */
    reverts: string[];
  }
  | { kind: 'decision'; id: string; at: number; text: string; by: string; session?: string }
  | { kind: 'review'; id: string; at?: number; status: string; subject: string; concerns: { line?: number; severity: string; title: string }[] }
  | { kind: 'override'; at: number; reviewId: string; gate: string; reason: string; by: string };

/** The file filter's result: the history of the one file it names, or the files it could mean. */
export interface BoardFileHistory {
  /** The filter as the webview asked it: the reply's id. */
  filter: string;
  /** How many entries were asked for (the page). */
  limit: number;
  /** The file the filter names (repository-relative), when it names exactly one. */
  path?: string;
  /** Otherwise the files it matches, most recently changed first (capped), and how many more there are. */
  candidates: string[];
  moreCandidates: number;
  /** More files may match than were looked at (the most recent few hundred): the count is a floor. */
  candidatesCapped: boolean;
  /** Newest first: the first `limit` entries of the file's history. */
  entries: FileHistoryEntry[];
  /** All entries, shown or not, and what they are. */
  total: number;
  counts: { sessions: number; decisions: number; reviews: number; overrides: number; /** Failed check runs in the sessions that changed it. */ failures: number };
}

/** History entries a file filter shows first, and how many more "Show older history" asks for. */
export const HISTORY_PAGE = 8;
export const HISTORY_PAGE_MORE = 25;
/** Files named when a filter matches more than one. */
export const HISTORY_CANDIDATES = 8;

/** The board sections that fold away; Sessions always shows. */
export const BOARD_SECTIONS = ['reviews', 'ships', 'insights'] as const;
export type BoardSection = (typeof BOARD_SECTIONS)[number];
/** The sections the user opened (true) or folded (false); the others follow their defaults. */
export type BoardSections = Partial<Record<BoardSection, boolean>>;

export interface BoardRecord {
  dir: string;
  exists: boolean;
  schemaVersion: number;
  counts: BoardCounts;
  journalBytes: number;
  journalGeneration: number;
  eventsSinceSnapshot: number;
  lastSnapshotAt?: number;
  /** What opening the record found that the user must know: damage, files set aside. */
  notices: string[];
  recent: BoardEvent[];
  /** The query the sessions answer. */
  query: SessionQuery;
  /** Newest first: the first `query.limit` sessions matching the query. */
  sessions: BoardSession[];
  /** All sessions matching the query, shown or not. */
  matchingSessions: number;
  /** Open reviews (newest first), then the most recent closed ones. */
  reviews: BoardReview[];
  /** The most recent ships, newest first. */
  ships?: BoardShip[];
}

/** An import of Claude Code's sessions: coming (the window just opened, it starts in a moment) or under way. */
export interface ImportStatus {
  phase: 'pending' | 'running';
  /** Transcript bytes got through, of all this workspace's (0 of 0 until they are listed). */
  doneBytes: number;
  totalBytes: number;
  filesDone: number;
  files: number;
  /** Sessions of this workspace seen in the files got through. */
  sessions: number;
}

export interface BoardState {
  /** The board is read-only in an untrusted workspace. */
  trusted: boolean;
  phase: 'loading' | 'ready' | 'no-workspace' | 'error';
  error?: string;
  record?: BoardRecord;
  /** Set while an import is coming or under way: the board must not say there are no sessions. */
  importing?: ImportStatus;
  /** The deploy lock and ship queue (absent where there is no git repository). */
  deploy?: BoardDeploy;
}

/** Actions the board may ask for; the extension checks each against this list. */
export const BOARD_ACTIONS = ['recordNote', 'verifyRecord', 'revealRecord', 'refresh', 'connectClaude', 'importClaude', 'requestReview'] as const;

/** What the board may do to one review. */
export const REVIEW_ACTIONS = ['rereview', 'resolve', 'override'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
export type BoardAction = (typeof BOARD_ACTIONS)[number];

export type WebviewToHost =
  /** The webview's saved query comes along, so a board shown again answers it at once. */
  | { type: 'ready'; query?: SessionQuery }
  | { type: 'action'; action: BoardAction }
  | { type: 'openSession'; id: string }
  /** A new search, filter, or page of older sessions. */
  | { type: 'querySessions'; query: SessionQuery }
  | { type: 'sessionMarkdown'; id: string }
  | { type: 'copySessionMarkdown'; id: string }
  | { type: 'openFile'; sessionId: string; path: string }
  | { type: 'diffFile'; sessionId: string; path: string }
  | { type: 'reviewAction'; action: ReviewAction; reviewId: string }
  /** Opens a concern's file (repository-relative) at its line. */
  | { type: 'openConcern'; path: string; line?: number }
  /** Copies a recorded ship's rollback command (the extension looks it up: the webview sends only the id). */
  | { type: 'copyRollback'; shipId: string }
  /** Roll back ship… for this ship: prepares the revert on a new branch. */
  | { type: 'rollbackShip'; shipId: string }
  /** The Insights section was opened (send them, and again as the record changes) or closed (stop). */
  | { type: 'insights'; open: boolean }
  /** The user opened or folded a section: the extension keeps the choice for this workspace. */
  | { type: 'sections'; sections: BoardSections }
  /** The history of the file the file filter names (an empty filter: stop sending it). Replied to with the same `file`. */
  | { type: 'fileHistory'; file: string; limit: number }
  /** Sent after each render: what the board now shows, so tests and logs can see it. */
  | { type: 'rendered'; phase: BoardState['phase']; events: number; sessions: number; trusted: boolean };

export type HostToWebview =
  | { type: 'state'; state: BoardState }
  /** The reply to openSession: one session's whole flight record. */
  | { type: 'sessionDetail'; trail: FlightTrail; activity: SessionActivity }
  /** The reply to insights (open): computed apart from the board's state, so the board never waits for them. */
  | { type: 'insights'; insights: BoardInsights }
  /** The reply to fileHistory, and again as the record changes while the filter stays (`history.filter` is the id). */
  | { type: 'fileHistory'; history: BoardFileHistory }
  /** The reply to ready: the sections as the user left them in this workspace (kept by the extension, so a reload keeps them). */
  | { type: 'sections'; sections: BoardSections }
  /** Show on board: the extension sets the file filter (Show file history, its CodeLens). */
  | { type: 'setFileFilter'; file: string };
