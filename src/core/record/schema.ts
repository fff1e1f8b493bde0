import type { Database } from 'sql.js';
import { RecordError } from './errors';

/**
 * Numbered, forward-only migrations. Each runs once, in order, inside one transaction, and the
 * database's user_version records how far it has come. Never edit a shipped migration: add one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the whole flight record of DESIGN.md.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    session_id TEXT,
    source TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX events_by_session ON events(session_id) WHERE session_id IS NOT NULL;
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    agent TEXT, model TEXT, intent TEXT, boundary TEXT,
    repo TEXT, branch TEXT, cwd TEXT,
    start_commit TEXT, end_commit TEXT,
    started_at INTEGER, ended_at INTEGER
  );
  CREATE TABLE checks (
    event_id TEXT PRIMARY KEY, session_id TEXT, kind TEXT NOT NULL, command TEXT NOT NULL,
    passed INTEGER NOT NULL, exit_code INTEGER, commit_sha TEXT, at INTEGER NOT NULL
  );
  CREATE INDEX checks_by_session ON checks(session_id);
  CREATE TABLE reviews (
    id TEXT PRIMARY KEY, session_id TEXT, subject TEXT, categories TEXT, status TEXT NOT NULL,
    verdict TEXT, engine TEXT, concerns TEXT, opened_at INTEGER, closed_at INTEGER
  );
  CREATE TABLE approvals (
    event_id TEXT PRIMARY KEY, session_id TEXT,
    kind TEXT NOT NULL, -- approval | rejection | denial | override
    subject TEXT, reason TEXT, by TEXT, at INTEGER NOT NULL
  );
  CREATE TABLE decisions (event_id TEXT PRIMARY KEY, session_id TEXT, text TEXT NOT NULL, by TEXT, at INTEGER NOT NULL);
  CREATE TABLE ships (
    id TEXT PRIMARY KEY, session_id TEXT, commit_sha TEXT, target TEXT, checks TEXT,
    rollback TEXT, status TEXT, at INTEGER NOT NULL
  );
  CREATE TABLE lock_history (
    event_id TEXT PRIMARY KEY, action TEXT NOT NULL, holder TEXT, host TEXT, reason TEXT, at INTEGER NOT NULL
  );
  `,
  // 2: what capture derives from agent activity: commands with exit codes, files touched, tokens, import cursors.
  `
  ALTER TABLE sessions ADD COLUMN version TEXT;
  ALTER TABLE sessions ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN cache_tokens INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE commands (
    id TEXT PRIMARY KEY, session_id TEXT, command TEXT, cwd TEXT, exit_code INTEGER, outcome TEXT,
    started_at INTEGER, duration_ms INTEGER, source TEXT, check_kind TEXT
  );
  CREATE INDEX commands_by_session ON commands(session_id);
  CREATE TABLE files (
    session_id TEXT NOT NULL, path TEXT NOT NULL, action TEXT NOT NULL, first_at INTEGER, last_at INTEGER,
    PRIMARY KEY (session_id, path, action)
  ) WITHOUT ROWID;
  CREATE TABLE capture_cursors (source TEXT PRIMARY KEY, offset INTEGER NOT NULL, at INTEGER) WITHOUT ROWID;
  `,
  // 3: what git says about a session's span.
  `
  ALTER TABLE sessions ADD COLUMN commits TEXT;
  ALTER TABLE sessions ADD COLUMN diff_stat TEXT;
  ALTER TABLE sessions ADD COLUMN git_at INTEGER;
  ALTER TABLE sessions ADD COLUMN start_dirty INTEGER;
  ALTER TABLE commands ADD COLUMN commit_sha TEXT;
  -- Tasks and other rare kinds are found by kind and time without scanning every event.
  CREATE INDEX events_by_kind_at ON events(kind, at) WHERE kind IN ('task.started', 'task.ended');
  `,
  // 4: the board counts notes on every update; without this it scans every event (120 ms at 1M events).
  `
  CREATE INDEX events_notes ON events(at) WHERE kind = 'note';
  `,
  // 5: a session's last hook and last transcript event (are its hooks silent?) and its failed checks, found
  // without scanning its events or checks.
  `
  CREATE INDEX events_hook_at ON events(session_id, at) WHERE source = 'claude-hook';
  CREATE INDEX events_transcript_at ON events(session_id, at) WHERE source = 'claude-transcript';
  CREATE INDEX checks_failed ON checks(session_id) WHERE passed = 0;
  `,
  // 6: one flight record from hooks, transcripts or both: the earliest prompt is the intent and the latest
  // HEAD the end commit, whichever source arrives first; what a non-zero exit meant; the tree a check ran on.
  `
  ALTER TABLE sessions ADD COLUMN intent_at INTEGER;
  ALTER TABLE sessions ADD COLUMN end_commit_at INTEGER;
  ALTER TABLE commands ADD COLUMN note TEXT;
  ALTER TABLE commands ADD COLUMN tree_sha TEXT;
  ALTER TABLE commands ADD COLUMN tree_dirty INTEGER;
  ALTER TABLE checks ADD COLUMN tree_sha TEXT;
  ALTER TABLE checks ADD COLUMN tree_dirty INTEGER;
  UPDATE sessions SET intent_at = started_at WHERE intent IS NOT NULL;
  UPDATE sessions SET end_commit_at = coalesce(git_at, ended_at, started_at) WHERE end_commit IS NOT NULL;
  `,
  // 7: the second eye. A review holds what it was about and, per engine, its latest verdict (model, prompt
  // version, hash of what was sent) for the change it reviewed; an override names its review or gate and may expire.
  `
  ALTER TABLE reviews ADD COLUMN files TEXT;
  ALTER TABLE reviews ADD COLUMN intent TEXT;
  ALTER TABLE reviews ADD COLUMN boundary TEXT;
  ALTER TABLE reviews ADD COLUMN base_commit TEXT;
  ALTER TABLE reviews ADD COLUMN policy_hash TEXT;
  ALTER TABLE reviews ADD COLUMN change_hash TEXT;
  ALTER TABLE reviews ADD COLUMN model TEXT;
  ALTER TABLE reviews ADD COLUMN prompt_version TEXT;
  ALTER TABLE reviews ADD COLUMN input_hash TEXT;
  ALTER TABLE reviews ADD COLUMN by TEXT;
  ALTER TABLE reviews ADD COLUMN verdict_status TEXT;
  ALTER TABLE reviews ADD COLUMN verdict_at INTEGER;
  ALTER TABLE reviews ADD COLUMN error TEXT;
  ALTER TABLE reviews ADD COLUMN override_id TEXT;
  ALTER TABLE reviews ADD COLUMN expires_at INTEGER;
  ALTER TABLE reviews ADD COLUMN resolved_by TEXT;
  CREATE INDEX reviews_by_session ON reviews(session_id);
  CREATE INDEX reviews_open ON reviews(opened_at) WHERE status IN ('pending', 'concerns', 'failed', 'overridden');
  CREATE TABLE review_verdicts (
    review_id TEXT NOT NULL, engine TEXT NOT NULL, event_id TEXT NOT NULL, status TEXT NOT NULL, concerns TEXT,
    model TEXT, prompt_version TEXT, input_hash TEXT, policy_hash TEXT, change_hash TEXT, error TEXT, by TEXT, at INTEGER NOT NULL,
    PRIMARY KEY (review_id, engine)
  ) WITHOUT ROWID;
  ALTER TABLE approvals ADD COLUMN review_id TEXT;
  ALTER TABLE approvals ADD COLUMN gate TEXT;
  ALTER TABLE approvals ADD COLUMN expires_at INTEGER;
  `,
  // 8: ship gates. Each lock change names its lock, where it was (local lease or the team's ref), the process
  // that held it, who acted and, for a force-unlock, whose lock it broke; a ship keeps what it replaced and who shipped.
  `
  ALTER TABLE lock_history ADD COLUMN lock_id TEXT;
  ALTER TABLE lock_history ADD COLUMN scope TEXT;
  ALTER TABLE lock_history ADD COLUMN label TEXT;
  ALTER TABLE lock_history ADD COLUMN pid INTEGER;
  ALTER TABLE lock_history ADD COLUMN by TEXT;
  ALTER TABLE lock_history ADD COLUMN previous_holder TEXT;
  ALTER TABLE lock_history ADD COLUMN lock_reason TEXT;
  CREATE INDEX lock_history_by_at ON lock_history(at);
  ALTER TABLE ships ADD COLUMN previous_commit TEXT;
  ALTER TABLE ships ADD COLUMN by TEXT;
  ALTER TABLE ships ADD COLUMN lock_id TEXT;
  ALTER TABLE ships ADD COLUMN diff_stat TEXT;
  `,
  // 9: memory across sessions. A decision names the files it is about; a file's history (the sessions that changed it,
  // the decisions about it) is one indexed lookup by path, not a scan of every session's files.
  `
  CREATE TABLE decision_files (path TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (path, event_id)) WITHOUT ROWID;
  CREATE INDEX files_by_path ON files(path, action);
  CREATE INDEX decisions_by_at ON decisions(at);
  `,
  // 10: bounded memory. Bulky kinds keep a summary in data and where their full journal line is (segments.ts); a
  // session's latest hook and transcript event are columns, not two indexes over every event. A record that had
  // events is marked, so opening it moves their payloads out once (store.ts).
  `
  ALTER TABLE events ADD COLUMN seg INTEGER;
  ALTER TABLE events ADD COLUMN off INTEGER;
  ALTER TABLE events ADD COLUMN len INTEGER;
  ALTER TABLE sessions ADD COLUMN last_hook_at INTEGER;
  ALTER TABLE sessions ADD COLUMN last_transcript_at INTEGER;
  UPDATE sessions SET
    last_hook_at = (SELECT max(at) FROM events e WHERE e.session_id = sessions.id AND e.source = 'claude-hook'),
    last_transcript_at = (SELECT max(at) FROM events e WHERE e.session_id = sessions.id AND e.source = 'claude-transcript');
  DROP INDEX events_hook_at;
  DROP INDEX events_transcript_at;
  INSERT INTO meta (key, value) SELECT 'payloads_inline', '1' WHERE EXISTS (SELECT 1 FROM events);
  -- Retention (archive.ts): files of archived sessions, and which sessions each holds.
  CREATE TABLE archives (file TEXT PRIMARY KEY, sessions INTEGER, events INTEGER, at INTEGER);
  CREATE TABLE archived_sessions (session_id TEXT NOT NULL, file TEXT NOT NULL, at INTEGER, PRIMARY KEY (session_id, file)) WITHOUT ROWID;
  -- A session's last event once its events are archived (before, max(at) of its events says it).
  ALTER TABLE sessions ADD COLUMN last_at INTEGER;
  `,
  // 11: a team's record (team/sync.ts): a teammate's events, and the sessions, decisions and ships they make, carry
  // their author (git email); NULL is this machine's own. Sync pushes only events without one.
  `
  ALTER TABLE events ADD COLUMN author TEXT;
  ALTER TABLE sessions ADD COLUMN author TEXT;
  ALTER TABLE decisions ADD COLUMN author TEXT;
  ALTER TABLE ships ADD COLUMN author TEXT;
  `,
  // 12: the plan held against the result, turn by turn. The plans an agent presented, edits that weakened a check, the
  // prompts, and each change to a file with its time (files keeps only the first and last), so a turn's files are one
  // range lookup. Records from before keep what they have: each file's first and last change stand for its touches, and
  // their prompts are read from the events.
  `
  CREATE TABLE plans (event_id TEXT PRIMARY KEY, session_id TEXT, origin TEXT NOT NULL, text TEXT, todos TEXT, at INTEGER NOT NULL);
  CREATE INDEX plans_by_session ON plans(session_id, at);
  -- Each prompt's time and (cut) text: a session's turns, still there once its events are archived.
  CREATE TABLE prompts (event_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL);
  CREATE INDEX prompts_by_session ON prompts(session_id, at);
  CREATE TABLE weakenings (
    event_id TEXT NOT NULL, n INTEGER NOT NULL, session_id TEXT, tool_use_id TEXT, path TEXT NOT NULL, kind TEXT NOT NULL,
    detail TEXT, check_kind TEXT, at INTEGER NOT NULL, PRIMARY KEY (event_id, n)
  ) WITHOUT ROWID;
  CREATE INDEX weakenings_by_session ON weakenings(session_id, at);
  CREATE TABLE file_touches (
    session_id TEXT NOT NULL, at INTEGER NOT NULL, path TEXT NOT NULL, action TEXT NOT NULL, event_id TEXT NOT NULL,
    PRIMARY KEY (session_id, at, path, action, event_id)
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO file_touches SELECT session_id, first_at, path, action, 'files:first' FROM files WHERE action <> 'read' AND first_at IS NOT NULL;
  INSERT OR IGNORE INTO file_touches SELECT session_id, last_at, path, action, 'files:last' FROM files WHERE action <> 'read' AND last_at IS NOT NULL AND last_at <> first_at;
  `,
  // 13: a plan the user types in (flightdeck plan, Record plan…) names the files it covers and who typed it; each turn's
  // end commit, from the agent's Stop hook (Claude Code, Codex), so a turn shows the commit it ended on. Records from
  // before keep the last commit a turn's commands saw.
  `
  ALTER TABLE plans ADD COLUMN files TEXT;
  ALTER TABLE plans ADD COLUMN by TEXT;
  CREATE TABLE turn_ends (
    session_id TEXT NOT NULL, at INTEGER NOT NULL, commit_sha TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (session_id, at, event_id)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/**
 * The database lives in WASM memory and its durability comes from the journal, so SQLite's own
 * rollback journal, syncs and file locks are only overhead here.
 */
export function tuneInMemory(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA temp_store = MEMORY;');
}

/** Brings a database up to SCHEMA_VERSION; refuses one written by a newer Flightdeck. */
export function migrate(db: Database): void {
  tuneInMemory(db);
  const from = schemaVersion(db);
  // Larger pages mean fewer calls from SQLite into sql.js's in-memory file system (set before any table).
  // Incremental vacuum: pages freed by archiving go back without rewriting the whole database.
  if (from === 0) db.exec('PRAGMA page_size = 16384; PRAGMA auto_vacuum = INCREMENTAL');
  if (from > SCHEMA_VERSION) {
    throw new RecordError(
      `the record has schema ${from}, newer than this Flightdeck understands (${SCHEMA_VERSION}); update Flightdeck`,
      'ESCHEMA',
    );
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v] as string);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
