import type { Database, SqlValue, Statement } from 'sql.js';
import type { RecordEvent } from './events';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : v == null ? null : JSON.stringify(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): number => (v === true ? 1 : 0);

type Deriver = (e: RecordEvent, run: (sql: string, params: SqlValue[]) => void) => void;

/** How each kind of event shapes the queryable tables; kinds not listed live in `events` only. */
const derivers: Record<string, Deriver> = {
  'session.started': (e, run) => {
    const d = e.data;
    run(
      `INSERT INTO sessions (id, agent, model, intent, boundary, repo, branch, cwd, start_commit, started_at)
       VALUES (?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT(id) DO UPDATE SET
         agent = coalesce(excluded.agent, agent), model = coalesce(excluded.model, model),
         intent = coalesce(intent, excluded.intent), boundary = coalesce(excluded.boundary, boundary),
         repo = coalesce(excluded.repo, repo), branch = coalesce(excluded.branch, branch),
         cwd = coalesce(excluded.cwd, cwd), start_commit = coalesce(start_commit, excluded.start_commit),
         started_at = min(coalesce(started_at, excluded.started_at), excluded.started_at)`,
      [e.session ?? e.id, str(d.agent), str(d.model), str(d.intent), str(d.boundary), str(d.repo), str(d.branch),
        str(d.cwd), str(d.startCommit), e.at],
    );
  },
  'session.ended': (e, run) => {
    run(
      `INSERT INTO sessions (id, end_commit, ended_at) VALUES (?,?,?)
       ON CONFLICT(id) DO UPDATE SET end_commit = coalesce(excluded.end_commit, end_commit),
         ended_at = max(coalesce(ended_at, 0), excluded.ended_at)`,
      [e.session ?? e.id, str(e.data.endCommit), e.at],
    );
  },
  'check.recorded': (e, run) => {
    const d = e.data;
    run('INSERT OR IGNORE INTO checks VALUES (?,?,?,?,?,?,?,?)', [
      e.id, e.session ?? null, str(d.kind) ?? 'check', str(d.command) ?? '', bool(d.passed), num(d.exitCode),
      str(d.commit), e.at,
    ]);
  },
  'review.opened': (e, run) => {
    const d = e.data;
    run(
      `INSERT INTO reviews (id, session_id, subject, categories, status, opened_at) VALUES (?,?,?,?,'pending',?)
       ON CONFLICT(id) DO NOTHING`,
      [str(d.reviewId) ?? e.id, e.session ?? null, str(d.subject), str(d.categories), e.at],
    );
  },
  'review.verdict': (e, run) => {
    const d = e.data;
    run(
      `UPDATE reviews SET status = ?, verdict = ?, engine = ?, concerns = ?, closed_at = ? WHERE id = ?`,
      [str(d.status) ?? 'closed', str(d.verdict), str(d.engine), str(d.concerns), e.at, str(d.reviewId)],
    );
  },
  'approval.recorded': (e, run) => {
    const d = e.data;
    run('INSERT OR IGNORE INTO approvals VALUES (?,?,?,?,?,?,?)', [
      e.id, e.session ?? null, str(d.kind) ?? 'approval', str(d.subject), str(d.reason), str(d.by), e.at,
    ]);
  },
  'override.recorded': (e, run) => {
    const d = e.data;
    run('INSERT OR IGNORE INTO approvals VALUES (?,?,?,?,?,?,?)', [
      e.id, e.session ?? null, 'override', str(d.subject), str(d.reason), str(d.by), e.at,
    ]);
  },
  'decision.recorded': (e, run) => {
    run('INSERT OR IGNORE INTO decisions VALUES (?,?,?,?,?)', [
      e.id, e.session ?? null, str(e.data.text) ?? '', str(e.data.by), e.at,
    ]);
  },
  'ship.recorded': (e, run) => {
    const d = e.data;
    run(
      `INSERT INTO ships VALUES (?,?,?,?,?,?,?,?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, rollback = coalesce(excluded.rollback, rollback)`,
      [str(d.shipId) ?? e.id, e.session ?? null, str(d.commit), str(d.target), str(d.checks), str(d.rollback),
        str(d.status) ?? 'shipped', e.at],
    );
  },
  'lock.changed': (e, run) => {
    const d = e.data;
    run('INSERT OR IGNORE INTO lock_history VALUES (?,?,?,?,?,?)', [
      e.id, str(d.action) ?? 'unknown', str(d.holder), str(d.host), str(d.reason), e.at,
    ]);
  },
};

/**
 * Applies events to the database. Applying an event that is already there changes nothing, so a
 * journal read twice (replay after a crash, two processes' copies) never duplicates a row.
 */
export class EventApplier {
  private readonly insert: Statement;
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO events (id, kind, at, session_id, source, data) VALUES (?,?,?,?,?,?)');
  }

  /** Returns how many events were new. Runs in one transaction. */
  apply(events: readonly RecordEvent[]): number {
    if (events.length === 0) return 0;
    let added = 0;
    this.db.exec('BEGIN');
    try {
      for (const e of events) {
        this.insert.run([e.id, e.kind, e.at, e.session ?? null, e.source ?? null, JSON.stringify(e.data)]);
        if (this.db.getRowsModified() === 0) continue;
        added++;
        derivers[e.kind]?.(e, this.run);
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    return added;
  }

  free(): void {
    this.insert.free();
    for (const s of this.cache.values()) s.free();
    this.cache.clear();
  }

  private readonly run = (sql: string, params: SqlValue[]): void => {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    stmt.run(params);
  };
}
