import type { Database, SqlValue, Statement } from 'sql.js';
import type { RecordEvent } from './events';
import { isSlimKind, slimData, type PayloadLocation } from './segments';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : v == null ? null : JSON.stringify(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): number => (v === true ? 1 : 0);

export type RunSql = (sql: string, params: SqlValue[]) => void;

/**
 * A row written once a batch ends, many rows a statement: for tables no deriver reads and whose
 * rows commute (distinct keys, or min/max merges), so moving them to the batch's end changes nothing.
 */
interface DeferredInsert {
  /** `INSERT … INTO table (cols) VALUES` */
  head: string;
  /** How many values a row binds. */
  width: number;
  /** `ON CONFLICT …`, or empty. */
  tail: string;
}

const FILE_ROW: DeferredInsert = {
  head: 'INSERT INTO files (session_id, path, action, first_at, last_at) VALUES',
  width: 5,
  tail: `ON CONFLICT(session_id, path, action) DO UPDATE SET first_at = min(first_at, excluded.first_at),
       last_at = max(last_at, excluded.last_at)`,
};
const CHECK_ROW: DeferredInsert = {
  head: 'INSERT OR IGNORE INTO checks (event_id, session_id, kind, command, passed, exit_code, commit_sha, at) VALUES',
  width: 8,
  tail: '',
};
/** Each change to a file, with its time: a session's turns find their files by time. Reads are not kept here. */
const FILE_TOUCH_ROW: DeferredInsert = {
  head: 'INSERT OR IGNORE INTO file_touches (session_id, at, path, action, event_id) VALUES',
  width: 5,
  tail: '',
};
const COMMAND_RAN_ROW: DeferredInsert = {
  head: `INSERT OR IGNORE INTO commands (id, session_id, command, cwd, exit_code, outcome, started_at, duration_ms, source, check_kind, commit_sha)
       VALUES`,
  width: 11,
  tail: '',
};

/** What derivers remember between events of one applier, to skip statements that would change nothing. */
export interface DeriveMemo {
  /** Sessions known to have a row, with the earliest start seen. */
  sessions: Map<string, number>;
  /** Token usage gathered during one batch, per session, written by flushDerived. */
  usage: Map<string, { model: string | null; input: number; output: number; cache: number; at: number }>;
  /** Files touched in this batch, one row per session, path and action (an editor saves the same file often). */
  files: Map<string, [session: string, path: string, action: string, firstAt: number, lastAt: number]>;
  /** Deferred rows of this batch, their values one after another. */
  rows: Map<DeferredInsert, SqlValue[]>;
  /** The latest hook and transcript event of each session in this batch (are its hooks silent?). */
  last: Map<string, [hook: number | null, transcript: number | null, at: number]>;
}
export const newDeriveMemo = (): DeriveMemo => ({ sessions: new Map(), usage: new Map(), files: new Map(), rows: new Map(), last: new Map() });

/** Forgets what a rolled-back batch gathered. */
function clearDeriveMemo(memo: DeriveMemo): void {
  memo.sessions.clear();
  memo.usage.clear();
  memo.files.clear();
  memo.rows.clear();
  memo.last.clear();
}

function defer(memo: DeriveMemo, insert: DeferredInsert, ...values: SqlValue[]): void {
  let rows = memo.rows.get(insert);
  if (!rows) memo.rows.set(insert, (rows = []));
  for (const v of values) rows.push(v);
}

/** Rows a statement, at most; the rest go in power-of-two chunks so few statement texts exist. */
const DEFERRED_CHUNK = 64;
/** Statement texts built once: statements are cached by their text, and building one for every chunk was waste. */
const sqlTexts = new Map<string, string>();
function sqlText(key: string, build: () => string): string {
  let text = sqlTexts.get(key);
  if (text === undefined) sqlTexts.set(key, (text = build()));
  return text;
}

const multiRowSql = (insert: DeferredInsert, rows: number): string =>
  sqlText(`${insert.head}#${rows}`, () => `${insert.head} ${Array(rows).fill(`(${Array(insert.width).fill('?').join(',')})`).join(',')} ${insert.tail}`);

/** Notes a new event's time as its session's latest from hooks or from transcripts. */
export function noteLastSeen(e: RecordEvent, memo: DeriveMemo): void {
  const hook = e.source === 'claude-hook' || e.source === 'codex-hook';
  if (!e.session || (!hook && e.source !== 'claude-transcript' && e.source !== 'codex-rollout')) return;
  const last = memo.last.get(e.session) ?? [null, null, e.at];
  const i = hook ? 0 : 1;
  last[i] = Math.max(last[i] ?? e.at, e.at);
  last[2] = Math.min(last[2], e.at);
  memo.last.set(e.session, last);
}

const later = (col: string): string => `${col} = CASE WHEN excluded.${col} IS NULL THEN ${col} WHEN ${col} IS NULL OR excluded.${col} > ${col} THEN excluded.${col} ELSE ${col} END`;

/** Writes what derivers gathered over a batch; call once after the batch's events, in its transaction. */
export function flushDerived(run: RunSql, memo: DeriveMemo): void {
  for (const [session, [hook, transcript, at]] of memo.last) {
    run(
      `INSERT INTO sessions (id, started_at, last_hook_at, last_transcript_at) VALUES (?,?,?,?)
       ON CONFLICT(id) DO UPDATE SET ${later('last_hook_at')}, ${later('last_transcript_at')}`,
      [session, at, hook, transcript],
    );
  }
  memo.last.clear();
  for (const [session, u] of memo.usage) {
    run(
      `INSERT INTO sessions (id, model, input_tokens, output_tokens, cache_tokens, started_at) VALUES (?,?,?,?,?,?)
       ON CONFLICT(id) DO UPDATE SET model = coalesce(model, excluded.model),
         input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
         cache_tokens = cache_tokens + excluded.cache_tokens`,
      [session, u.model, u.input, u.output, u.cache, u.at],
    );
  }
  memo.usage.clear();
  for (const row of memo.files.values()) defer(memo, FILE_ROW, ...row);
  memo.files.clear();
  for (const [insert, values] of memo.rows) {
    const count = values.length / insert.width;
    let done = 0;
    for (let chunk = DEFERRED_CHUNK; chunk >= 1; chunk >>= 1) {
      while (count - done >= chunk) {
        run(multiRowSql(insert, chunk), values.slice(done * insert.width, (done + chunk) * insert.width));
        done += chunk;
        if (chunk < DEFERRED_CHUNK) break; // below the full size each power of two is needed at most once
      }
    }
  }
  memo.rows.clear();
}

type Deriver = (e: RecordEvent, run: RunSql, memo: DeriveMemo) => void;

/** Who refused a call: Flightdeck's own gate says so in its reason, another hook in Claude Code's prefix. */
function deniedBy(output: string | null): string {
  if (output?.includes('Flightdeck (enforce):')) return "Flightdeck's gate";
  return output && /^PreToolUse:\S+ hook error: /.test(output) ? 'a hook' : 'permissions';
}

const APPROVAL_ROW = `INSERT OR IGNORE INTO approvals (event_id, session_id, kind, subject, reason, by, at, review_id, gate, expires_at)
  VALUES (?,?,?,?,?,?,?,?,?,?)`;

/**
 * A review's columns from its engines' latest verdicts on its current change: concerns combined (each naming its
 * engine), status failed if any engine failed, else concerns if any has one, else passed. An override or a
 * resolution stays: a verdict on the same change does not undo it.
 */
const REVIEW_FROM_VERDICTS = `
  WITH v AS (
    SELECT rv.* FROM review_verdicts rv JOIN reviews r ON r.id = rv.review_id
    WHERE rv.review_id = ?1 AND (rv.change_hash IS NULL OR r.change_hash IS NULL OR rv.change_hash = r.change_hash)
  ), agg AS (
    SELECT
      CASE WHEN max(status = 'failed') THEN 'failed' WHEN max(status = 'concerns') THEN 'concerns' ELSE 'passed' END AS status,
      (SELECT json_group_array(json(c)) FROM (
        SELECT json_set(c.value, '$.engine', coalesce(json_extract(c.value, '$.engine'), v.engine)) AS c
        FROM v, json_each(CASE WHEN json_valid(v.concerns) THEN v.concerns ELSE '[]' END) c ORDER BY v.engine, c.key)) AS concerns,
      (SELECT group_concat(engine, '+') FROM (SELECT engine FROM v ORDER BY engine)) AS engines,
      max(model) AS model,
      (SELECT group_concat(engine || ':' || coalesce(prompt_version, '?'), ' ') FROM (SELECT * FROM v ORDER BY engine)) AS prompt_version,
      (SELECT group_concat(engine || ':' || coalesce(input_hash, '?'), ' ') FROM (SELECT * FROM v ORDER BY engine)) AS input_hash,
      (SELECT group_concat(engine || ': ' || error, '; ') FROM (SELECT * FROM v WHERE error IS NOT NULL ORDER BY engine)) AS error,
      (SELECT by FROM v ORDER BY at DESC LIMIT 1) AS by,
      (SELECT policy_hash FROM v ORDER BY at DESC LIMIT 1) AS policy_hash,
      max(at) AS at, count(*) AS n
    FROM v
  )
  UPDATE reviews SET
    verdict_status = agg.status, concerns = agg.concerns, engine = agg.engines, model = agg.model, prompt_version = agg.prompt_version,
    input_hash = agg.input_hash, error = agg.error, by = agg.by, policy_hash = coalesce(agg.policy_hash, reviews.policy_hash), verdict_at = agg.at,
    verdict = CASE agg.status WHEN 'failed' THEN agg.error
      WHEN 'concerns' THEN json_array_length(agg.concerns) || CASE json_array_length(agg.concerns) WHEN 1 THEN ' concern' ELSE ' concerns' END
      ELSE 'no concerns' END,
    status = CASE WHEN reviews.status IN ('overridden', 'resolved') THEN reviews.status ELSE agg.status END,
    closed_at = CASE WHEN reviews.status IN ('overridden', 'resolved') THEN reviews.closed_at WHEN agg.status = 'passed' THEN agg.at ELSE NULL END
  FROM agg WHERE reviews.id = ?1 AND agg.n > 0`;

const DELETE_CHUNK = 100;
const DELETE_EVENTS = `DELETE FROM events WHERE id IN (${Array(DELETE_CHUNK).fill('?').join(',')})`;

/** How each kind of event shapes the queryable tables; kinds not listed live in `events` only. */
const derivers: Record<string, Deriver> = {
  'session.started': (e, run) => {
    const d = e.data;
    run(
      `INSERT INTO sessions (id, agent, model, intent, boundary, repo, branch, cwd, start_commit, started_at, version, start_dirty)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT(id) DO UPDATE SET
         agent = coalesce(excluded.agent, agent), model = coalesce(excluded.model, model),
         version = coalesce(excluded.version, version),
         intent = coalesce(intent, excluded.intent), boundary = coalesce(excluded.boundary, boundary),
         repo = coalesce(excluded.repo, repo), branch = coalesce(excluded.branch, branch),
         cwd = coalesce(excluded.cwd, cwd), start_commit = coalesce(start_commit, excluded.start_commit),
         start_dirty = coalesce(start_dirty, excluded.start_dirty),
         started_at = min(coalesce(started_at, excluded.started_at), excluded.started_at)`,
      [e.session ?? e.id, str(d.agent), str(d.model), str(d.intent), str(d.boundary), str(d.repo), str(d.branch),
        str(d.cwd), str(d.startCommit), e.at, str(d.version), typeof d.dirty === 'boolean' ? Number(d.dirty) : null],
    );
  },
  'prompt.submitted': (e, run) => {
    if (e.session) setIntent(run, e.session, str(e.data.text), e.at);
    if (e.session) recordPrompt(run, e, str(e.data.text));
  },
  'usage.recorded': (e, _run, memo) => {
    if (!e.session) return;
    // Summed per session and written once per batch: a session has one of these per response.
    const d = e.data;
    const u = memo.usage.get(e.session) ?? { model: null, input: 0, output: 0, cache: 0, at: e.at };
    u.model ??= str(d.model);
    u.input += num(d.inputTokens) ?? 0;
    u.output += num(d.outputTokens) ?? 0;
    u.cache += (num(d.cacheReadTokens) ?? 0) + (num(d.cacheCreationTokens) ?? 0);
    u.at = Math.min(u.at, e.at);
    memo.usage.set(e.session, u);
  },
  'hook.received': (e, run, memo) => {
    ensureSession(run, e, memo);
    const d = e.data;
    if (!e.session) return;
    // A prompt the UserPromptSubmit hook saw is the intent as much as the transcript's copy of it.
    if (d.isPrompt === true) setIntent(run, e.session, str(d.prompt), e.at);
    if (d.isPrompt === true) recordPrompt(run, e, str(d.prompt));
    if (typeof d.head === 'string' && d.hook === 'Stop') {
      setEndCommit(run, e.session, d.head, e.at);
      // The commit this turn ended on: the turn it ends is the one its time falls in (turns.ts).
      run('INSERT OR IGNORE INTO turn_ends (session_id, at, commit_sha, event_id) VALUES (?,?,?,?)', [e.session, e.at, d.head, e.id]);
    }
  },
  'tool.called': (e, run, memo) => {
    ensureSession(run, e, memo);
    const d = e.data;
    const id = str(d.toolUseId) ?? e.id;
    if (typeof d.command === 'string') {
      run(
        `INSERT INTO commands (id, session_id, command, cwd, started_at, source, check_kind) VALUES (?,?,?,?,?,?,?)
         ON CONFLICT(id) DO UPDATE SET command = coalesce(command, excluded.command), cwd = coalesce(cwd, excluded.cwd),
           started_at = coalesce(started_at, excluded.started_at), check_kind = coalesce(check_kind, excluded.check_kind)`,
        [id, e.session ?? null, d.command, str(d.cwd), e.at, e.source ?? null, str(d.check)],
      );
      if (d.check) recordCheck(run, id);
    }
    if (typeof d.path === 'string' && typeof d.action === 'string') touchFile(memo, e, d.path, d.action);
  },
  'tool.result': (e, run, memo) => {
    ensureSession(run, e, memo);
    const d = e.data;
    const id = str(d.toolUseId) ?? e.id;
    const exitCode = num(d.exitCode);
    if (typeof d.command === 'string') {
      run(
        `INSERT INTO commands (id, session_id, command, exit_code, outcome, duration_ms, source, check_kind, commit_sha, note, tree_sha, tree_dirty,
           started_at)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
         ON CONFLICT(id) DO UPDATE SET exit_code = coalesce(excluded.exit_code, exit_code), outcome = excluded.outcome,
           duration_ms = coalesce(excluded.duration_ms, duration_ms, max(0, ? - started_at)), check_kind = coalesce(check_kind, excluded.check_kind),
           commit_sha = coalesce(excluded.commit_sha, commit_sha), note = coalesce(excluded.note, note),
           tree_sha = coalesce(excluded.tree_sha, tree_sha), tree_dirty = coalesce(excluded.tree_dirty, tree_dirty),
           started_at = coalesce(started_at, excluded.started_at)`,
        [id, e.session ?? null, d.command, exitCode, str(d.outcome), num(d.durationMs), e.source ?? null, str(d.check), str(d.commit),
          str(d.interpretation), str(d.tree), typeof d.dirty === 'boolean' ? Number(d.dirty) : null,
          // A result whose call was never seen (a hook without its PreToolUse) still places the command in time.
          e.at - (num(d.durationMs) ?? 0), e.at],
      );
    } else if (typeof d.tool !== 'string') {
      // A result naming its tool without a command is not a shell command's (calls carry the command): no row.
      run(
        `UPDATE commands SET exit_code = coalesce(?, CASE WHEN ? = 'ok' THEN 0 END, exit_code), outcome = ?,
           duration_ms = coalesce(?, duration_ms, max(0, ? - started_at)) WHERE id = ?`,
        [exitCode, str(d.outcome), str(d.outcome), num(d.durationMs), e.at, id],
      );
    }
    // Whether the command is a check is known from the call; a result that came without it may still be one.
    if (d.check || (typeof d.command !== 'string' && typeof d.tool !== 'string')) recordCheck(run, id);
    if (typeof d.path === 'string' && d.created === true) touchFile(memo, e, d.path, 'created');
    // Files a shell command wrote: known from its text, so a hook and a transcript find the same ones.
    if (Array.isArray(d.writes) && d.outcome !== 'rejected' && d.outcome !== 'denied') {
      for (const w of d.writes as unknown[]) {
        const path = typeof w === 'object' && w !== null ? str((w as Record<string, unknown>).path) : null;
        if (path) touchFile(memo, e, path, str((w as Record<string, unknown>).change) ?? 'modified');
      }
    }
    if (d.outcome === 'rejected' || d.outcome === 'denied') {
      const subject = [str(d.tool), str(d.command) ?? str(d.path)].filter(Boolean).join(': ');
      run(APPROVAL_ROW, [
        e.id, e.session ?? null, d.outcome === 'rejected' ? 'rejection' : 'denial', subject || null, str(d.output),
        d.outcome === 'rejected' ? 'user' : deniedBy(str(d.output)), e.at, null, null, null,
      ]);
    }
  },
  'command.ran': (e, run, memo) => {
    ensureSession(run, e, memo);
    const d = e.data;
    const command = str(d.command);
    const exitCode = num(d.exitCode);
    const outcome = str(d.outcome);
    const check = d.check ? str(d.check) : null;
    const commit = str(d.commit);
    defer(memo, COMMAND_RAN_ROW, e.id, e.session ?? null, command, str(d.cwd), exitCode, outcome, e.at, num(d.durationMs),
      e.source ?? null, check, commit);
    // The check row recordCheck would read back from this new command row, written directly.
    if (check !== null && command !== null && (exitCode !== null || outcome === 'error')) {
      defer(memo, CHECK_ROW, `check:${e.id}`, e.session ?? null, check, command, exitCode === 0 ? 1 : 0, exitCode, commit, e.at);
    }
  },
  'file.changed': (e, _run, memo) => {
    if (typeof e.data.path === 'string') touchFile(memo, e, e.data.path, str(e.data.change) ?? 'modified');
  },
  'session.git': (e, run) => {
    if (!e.session) return;
    const d = e.data;
    const upTo = num(d.upTo) ?? e.at;
    run(
      `UPDATE sessions SET start_commit = coalesce(start_commit, ?), commits = ?, diff_stat = ?, git_at = max(coalesce(git_at, 0), ?)
       WHERE id = ? AND coalesce(git_at, 0) <= ?`,
      [str(d.startCommit), JSON.stringify(Array.isArray(d.commits) ? d.commits : []), str(d.diffStat) ?? '', upTo, e.session, upTo],
    );
    if (typeof d.endCommit === 'string') setEndCommit(run, e.session, d.endCommit, upTo);
    // The commit each check ran on, read from history for checks no hook saw (imported from a transcript).
    if (typeof d.checkCommits === 'object' && d.checkCommits !== null) {
      for (const [commandId, sha] of Object.entries(d.checkCommits as Record<string, unknown>)) {
        if (typeof sha !== 'string') continue;
        run('UPDATE commands SET commit_sha = ? WHERE id = ? AND commit_sha IS NULL', [sha, commandId]);
        run('UPDATE checks SET commit_sha = ? WHERE event_id = ? AND commit_sha IS NULL', [sha, `check:${commandId}`]);
      }
    }
  },
  'capture.cursor': (e, run) => {
    run(
      `INSERT INTO capture_cursors (source, offset, at) VALUES (?,?,?)
       ON CONFLICT(source) DO UPDATE SET offset = max(offset, excluded.offset), at = excluded.at`,
      [str(e.data.source) ?? '', num(e.data.offset) ?? 0, e.at],
    );
  },
  'session.ended': (e, run) => {
    run(
      `INSERT INTO sessions (id, ended_at) VALUES (?,?)
       ON CONFLICT(id) DO UPDATE SET ended_at = max(coalesce(ended_at, 0), excluded.ended_at)`,
      [e.session ?? e.id, e.at],
    );
    if (typeof e.data.endCommit === 'string') setEndCommit(run, e.session ?? e.id, e.data.endCommit, e.at);
  },
  'check.recorded': (e, _run, memo) => {
    const d = e.data;
    defer(memo, CHECK_ROW, e.id, e.session ?? null, str(d.kind) ?? 'check', str(d.command) ?? '', bool(d.passed),
      num(d.exitCode), str(d.commit), e.at);
  },
  'review.opened': (e, run) => {
    const d = e.data;
    const id = str(d.reviewId) ?? e.id;
    run(
      `INSERT INTO reviews (id, session_id, subject, categories, status, opened_at, files, intent, boundary, base_commit, policy_hash, change_hash)
       VALUES (?,?,?,?,
         CASE WHEN EXISTS (SELECT 1 FROM approvals WHERE kind = 'override' AND review_id = ?1) THEN 'overridden' ELSE 'pending' END,
         ?,?,?,?,?,?,?)
       ON CONFLICT(id) DO NOTHING`,
      [id, e.session ?? null, str(d.subject), str(d.categories), e.at, str(d.files), str(d.intent), str(d.boundary), str(d.baseCommit),
        str(d.policyHash), str(d.changeHash)],
    );
    // An override recorded before its review arrived (another process's journal) still holds.
    run(`UPDATE reviews SET override_id = (SELECT event_id FROM approvals WHERE kind = 'override' AND review_id = ?1 ORDER BY at DESC LIMIT 1),
           expires_at = (SELECT expires_at FROM approvals WHERE kind = 'override' AND review_id = ?1 ORDER BY at DESC LIMIT 1)
         WHERE id = ?1 AND status = 'overridden' AND override_id IS NULL`, [id]);
    run(REVIEW_FROM_VERDICTS, [id]);
  },
  'review.verdict': (e, run) => {
    const d = e.data;
    const id = str(d.reviewId);
    if (!id) return;
    const changeHash = str(d.changeHash);
    // Each engine's latest verdict counts; replaying an older one changes nothing.
    run(
      `INSERT INTO review_verdicts (review_id, engine, event_id, status, concerns, model, prompt_version, input_hash, policy_hash, change_hash, error, by, at)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT(review_id, engine) DO UPDATE SET event_id = excluded.event_id, status = excluded.status, concerns = excluded.concerns,
         model = excluded.model, prompt_version = excluded.prompt_version, input_hash = excluded.input_hash, policy_hash = excluded.policy_hash,
         change_hash = excluded.change_hash, error = excluded.error, by = excluded.by, at = excluded.at
       WHERE excluded.at > review_verdicts.at OR (excluded.at = review_verdicts.at AND excluded.event_id > review_verdicts.event_id)`,
      [id, str(d.engine) ?? 'unknown', e.id, str(d.status) ?? 'failed', JSON.stringify(Array.isArray(d.concerns) ? d.concerns : []), str(d.model),
        str(d.promptVersion), str(d.inputHash), str(d.policyHash), changeHash, str(d.error), str(d.by), e.at],
    );
    // A verdict on a newer change of the review lifts an override given for the older one; one on the same change does not.
    if (changeHash) {
      run(
        `UPDATE reviews SET change_hash = ?, status = CASE WHEN status = 'overridden' THEN 'pending' ELSE status END, override_id = NULL, expires_at = NULL
         WHERE id = ? AND change_hash IS NOT NULL AND change_hash <> ? AND status <> 'resolved'`,
        [changeHash, id, changeHash],
      );
    }
    run(REVIEW_FROM_VERDICTS, [id]);
  },
  'review.resolved': (e, run) => {
    const d = e.data;
    run(
      `UPDATE reviews SET status = 'resolved', resolved_by = ?, closed_at = coalesce(closed_at, ?)
       WHERE id = ? AND status IN ('pending', 'concerns', 'failed')`,
      [str(d.supersededBy) ?? str(d.by), e.at, str(d.reviewId)],
    );
  },
  'approval.recorded': (e, run) => {
    const d = e.data;
    run(APPROVAL_ROW, [
      e.id, e.session ?? null, str(d.kind) ?? 'approval', str(d.subject), str(d.reason), str(d.by), e.at, null, null, null,
    ]);
  },
  'override.recorded': (e, run) => {
    const d = e.data;
    const reviewId = str(d.reviewId);
    const expiresAt = num(d.expiresAt);
    run(APPROVAL_ROW, [
      e.id, e.session ?? null, 'override', str(d.subject) ?? reviewId ?? str(d.gate), str(d.reason), str(d.by), e.at, reviewId, str(d.gate), expiresAt,
    ]);
    if (reviewId) {
      run(
        `UPDATE reviews SET status = 'overridden', override_id = ?, expires_at = ?, closed_at = ? WHERE id = ? AND status <> 'resolved'`,
        [e.id, expiresAt, e.at, reviewId],
      );
    }
  },
  'decision.recorded': (e, run) => {
    run('INSERT OR IGNORE INTO decisions (event_id, session_id, text, by, at, author) VALUES (?,?,?,?,?,?)', [
      e.id, e.session ?? null, str(e.data.text) ?? '', str(e.data.by), e.at, e.author ?? null,
    ]);
    // The files it is about, repository-relative: the file history finds a decision by path.
    if (Array.isArray(e.data.files)) {
      for (const f of e.data.files as unknown[]) if (typeof f === 'string' && f) run('INSERT OR IGNORE INTO decision_files VALUES (?,?)', [f, e.id]);
    }
  },
  'plan.recorded': (e, run) => {
    const d = e.data;
    const files = Array.isArray(d.files) ? d.files.filter((f): f is string => typeof f === 'string' && f !== '') : [];
    run('INSERT OR IGNORE INTO plans (event_id, session_id, origin, text, todos, at, files, by) VALUES (?,?,?,?,?,?,?,?)', [
      e.id, e.session ?? null, str(d.from) ?? 'unknown', str(d.text), Array.isArray(d.todos) ? JSON.stringify(d.todos) : null, e.at,
      files.length ? JSON.stringify(files) : null, str(d.by),
    ]);
  },
  'edit.weakened': (e, run) => {
    const d = e.data;
    const path = str(d.path);
    if (!path || !Array.isArray(d.signals)) return;
    d.signals.forEach((w: unknown, n) => {
      const sig = typeof w === 'object' && w !== null ? (w as Record<string, unknown>) : {};
      run('INSERT OR IGNORE INTO weakenings (event_id, n, session_id, tool_use_id, path, kind, detail, check_kind, at) VALUES (?,?,?,?,?,?,?,?,?)', [
        e.id, n, e.session ?? null, str(d.toolUseId), path, str(sig.kind) ?? 'unknown', str(sig.detail), str(sig.check), e.at,
      ]);
    });
  },
  'ship.recorded': (e, run) => {
    const d = e.data;
    run(
      `INSERT INTO ships (id, session_id, commit_sha, target, checks, rollback, status, at, previous_commit, by, lock_id, diff_stat, author)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, rollback = coalesce(excluded.rollback, rollback)`,
      [str(d.shipId) ?? e.id, e.session ?? null, str(d.commit), str(d.target), str(d.checks), str(d.rollback),
        str(d.status) ?? 'shipped', e.at, str(d.previousCommit), str(d.by), str(d.lockId), str(d.diffStat), e.author ?? null],
    );
  },
  'archive.recorded': (e, run) => {
    const d = e.data;
    const file = str(d.file);
    if (!file) return;
    const sessions = Array.isArray(d.sessions) ? d.sessions.map(String) : [];
    run('INSERT OR IGNORE INTO archives (file, sessions, events, at) VALUES (?,?,?,?)', [file, sessions.length, num(d.events), e.at]);
    const lastAt = typeof d.lastAt === 'object' && d.lastAt !== null ? (d.lastAt as Record<string, unknown>) : {};
    for (const s of sessions) {
      run('INSERT OR IGNORE INTO archived_sessions (session_id, file, at) VALUES (?,?,?)', [s, file, e.at]);
      const last = num(lastAt[s]);
      if (last !== null) run('UPDATE sessions SET last_at = max(coalesce(last_at, 0), ?) WHERE id = ?', [last, s]);
    }
    // Exactly the events the file holds: any that arrived meanwhile stay.
    const ids = Array.isArray(d.ids) ? d.ids.map(String) : [];
    for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
      const chunk: SqlValue[] = ids.slice(i, i + DELETE_CHUNK);
      while (chunk.length < DELETE_CHUNK) chunk.push(null);
      run(DELETE_EVENTS, chunk);
    }
  },
  'lock.changed': (e, run) => {
    const d = e.data;
    run(
      `INSERT OR IGNORE INTO lock_history (event_id, action, holder, host, reason, at, lock_id, scope, label, pid, by, previous_holder, lock_reason)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      [e.id, str(d.action) ?? 'unknown', str(d.holder), str(d.host), str(d.reason), e.at, str(d.lockId), str(d.scope), str(d.label), num(d.pid),
        str(d.by), str(d.previousHolder), str(d.lockReason)],
    );
  },
};

/** A finished command that is a check becomes a check row, whichever of call and result came first; one that
 * failed without an exit code (timed out, killed) is a failed check. */
function recordCheck(run: RunSql, commandId: string): void {
  run(
    `INSERT OR IGNORE INTO checks (event_id, session_id, kind, command, passed, exit_code, commit_sha, at, tree_sha, tree_dirty)
     SELECT 'check:' || id, session_id, check_kind, command, coalesce(exit_code = 0, 0), exit_code, commit_sha, coalesce(started_at, 0),
       tree_sha, tree_dirty
     FROM commands WHERE id = ? AND check_kind IS NOT NULL AND (exit_code IS NOT NULL OR outcome = 'error')`,
    [commandId],
  );
}

/** What a turn shows of its prompt: the whole text stays in the event's payload. */
const PROMPT_CHARS = 2_000;

/** A prompt as a turn's start; the same prompt from a hook and the transcript is told apart when turns are read. */
function recordPrompt(run: RunSql, e: RecordEvent, text: string | null): void {
  if (!text?.trim()) return;
  const cut = text.length > PROMPT_CHARS ? `${text.slice(0, PROMPT_CHARS)}… (${text.length - PROMPT_CHARS} more characters)` : text;
  run('INSERT OR IGNORE INTO prompts (event_id, session_id, at, text) VALUES (?,?,?,?)', [e.id, e.session ?? '', e.at, cut]);
}

/** The session's intent is its earliest real prompt, whichever source (hook, transcript) delivered it first. */
function setIntent(run: RunSql, session: string, text: string | null, at: number): void {
  if (!text) return;
  run(
    `INSERT INTO sessions (id, intent, intent_at, started_at) VALUES (?,?,?,?)
     ON CONFLICT(id) DO UPDATE SET
       intent = CASE WHEN intent IS NULL OR coalesce(intent_at, 9e15) > excluded.intent_at THEN excluded.intent ELSE intent END,
       intent_at = CASE WHEN intent IS NULL OR coalesce(intent_at, 9e15) > excluded.intent_at THEN excluded.intent_at ELSE intent_at END`,
    [session, text, at, at],
  );
}

/** The session's end commit is the latest HEAD seen, whether a hook read it or git history told it. */
function setEndCommit(run: RunSql, session: string, sha: string, at: number): void {
  run(
    `UPDATE sessions SET end_commit = ?, end_commit_at = ? WHERE id = ? AND coalesce(end_commit_at, 0) <= ?`,
    [sha, at, session, at],
  );
}

/** Hooks and tool events may be the first a session shows of itself: it gets a row then. */
function ensureSession(run: RunSql, e: RecordEvent, memo: DeriveMemo): void {
  if (!e.session) return;
  const known = memo.sessions.get(e.session);
  if (known !== undefined && known <= e.at) return;
  memo.sessions.set(e.session, Math.min(known ?? e.at, e.at));
  run(
    `INSERT INTO sessions (id, agent, cwd, started_at) VALUES (?,?,?,?)
     ON CONFLICT(id) DO UPDATE SET agent = coalesce(agent, excluded.agent), cwd = coalesce(cwd, excluded.cwd),
       started_at = min(coalesce(started_at, excluded.started_at), excluded.started_at)`,
    [e.session, e.source?.startsWith('claude') ? 'claude-code' : null, str(e.data.cwd), e.at],
  );
}

function touchFile(memo: DeriveMemo, e: RecordEvent, path: string, action: string): void {
  const session = e.session ?? '';
  if (action !== 'read') defer(memo, FILE_TOUCH_ROW, session, e.at, path, action, e.id);
  const key = `${session}\0${action}\0${path}`;
  const row = memo.files.get(key);
  if (!row) memo.files.set(key, [session, path, action, e.at, e.at]);
  else {
    row[3] = Math.min(row[3], e.at);
    row[4] = Math.max(row[4], e.at);
  }
}

/** Writes the queryable rows one event implies (none for kinds that live in `events` only). */
export function deriveRows(e: RecordEvent, run: RunSql, memo: DeriveMemo): boolean {
  const derive = derivers[e.kind];
  derive?.(e, run, memo);
  return derive !== undefined;
}

/** Many rows a statement: sql.js pays a fixed cost for each call into WASM. */
const ROWS_PER_INSERT = 50;

/**
 * Rows of one session and source (nearly always, 50 events at a time) bind those two once as ?1 and ?2:
 * sql.js allocates and encodes every string it binds (17% of the insert, measured).
 */
const insertSql = (rows: number, shared: boolean): string =>
  sqlText(`events#${rows}${shared ? 's' : ''}`, () =>
    'INSERT OR IGNORE INTO events (id, kind, at, session_id, source, data, seg, off, len) VALUES ' +
    Array.from({ length: rows }, (_, k) => {
      const p = (i: number): string => `?${3 + 7 * k + i}`;
      return shared ? `(${p(0)},${p(1)},${p(2)},?1,?2,CAST(${p(3)} AS TEXT),${p(4)},${p(5)},${p(6)})` : '(?,?,?,?,?,CAST(? AS TEXT),?,?,?)';
    }).join(','));

/**
 * Applies events to the database. Applying an event that is already there changes nothing, so a
 * journal read twice (replay after a crash, two processes' copies) never duplicates a row.
 */
export class EventApplier {
  private readonly cache = new Map<string, Statement>();
  private readonly memo = newDeriveMemo();
  /** Sessions with events in an archive (loaded when first needed, forgotten when an archive is applied). */
  private archived: Set<string> | undefined;

  /** `archivedIds`, when given, tells which of a session's events are in its archives: they are not recorded again. */
  constructor(
    private readonly db: Database,
    private readonly archivedIds?: (session: string) => ReadonlySet<string>,
  ) {}

  /** Events already archived (a transcript read again, a journal line written twice) are dropped: the archive holds them. */
  private notArchived(events: readonly RecordEvent[]): number[] | undefined {
    if (!this.archivedIds) return undefined;
    this.archived ??= new Set((this.db.exec('SELECT DISTINCT session_id FROM archived_sessions')[0]?.values ?? []).map((r) => String(r[0])));
    if (this.archived.size === 0) return undefined;
    let keep: number[] | undefined;
    const known = new Map<string, ReadonlySet<string>>();
    const idsOf = (session: string): ReadonlySet<string> => {
      let ids = known.get(session);
      if (!ids) known.set(session, (ids = (this.archivedIds as (s: string) => ReadonlySet<string>)(session)));
      return ids;
    };
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as RecordEvent;
      const gone = e.session !== undefined && this.archived.has(e.session) && idsOf(e.session).has(e.id);
      if (gone && !keep) keep = Array.from({ length: i }, (_, j) => j);
      else if (!gone) keep?.push(i);
    }
    return keep;
  }

  /**
   * Returns how many events were new. Runs in one transaction. `dataJson`, when given, holds each
   * event's data as UTF-8 JSON (views into the journal lines, which had to encode it anyway). `at`, when
   * given, says where each event's journal line is: bulky kinds then keep only a summary here (see segments.ts).
   */
  apply(events: readonly RecordEvent[], dataJson?: readonly Uint8Array[], at?: readonly (PayloadLocation | undefined)[]): number {
    const keep = this.notArchived(events);
    if (keep) {
      return this.apply(keep.map((i) => events[i] as RecordEvent), dataJson && keep.map((i) => dataJson[i] as Uint8Array), at && keep.map((i) => at[i]));
    }
    if (events.length === 0) return 0;
    this.db.exec('BEGIN');
    try {
      const lastSeq = Number(this.db.exec('SELECT coalesce(max(seq), 0) FROM events')[0]?.values[0]?.[0] ?? 0);
      let added = 0;
      for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
        const end = Math.min(events.length, i + ROWS_PER_INSERT);
        const first = events[i] as RecordEvent;
        let shared = true;
        for (let j = i + 1; j < end && shared; j++) shared = events[j]?.session === first.session && events[j]?.source === first.source;
        const params: SqlValue[] = shared ? [first.session ?? null, first.source ?? null] : [];
        for (let j = i; j < end; j++) {
          const e = events[j] as RecordEvent;
          const loc = at?.[j];
          const slim = loc !== undefined && loc.seg !== 0 && isSlimKind(e.kind);
          // As bytes: sql.js copies a byte array into WASM far faster than it encodes a string.
          const data = slim ? slimData(e.kind, e.data) : dataJson?.[j] ?? Buffer.from(JSON.stringify(e.data));
          const seg = slim ? loc.seg : null;
          const off = slim ? loc.off : null;
          const len = slim ? loc.len : null;
          if (shared) params.push(e.id, e.kind, e.at, data, seg, off, len);
          else params.push(e.id, e.kind, e.at, e.session ?? null, e.source ?? null, data, seg, off, len);
        }
        this.run(insertSql(end - i, shared), params);
        added += this.db.getRowsModified();
      }
      if (added > 0) this.derive(events, added === events.length ? undefined : this.idsAfter(lastSeq));
      this.db.exec('COMMIT');
      return added;
    } catch (err) {
      this.db.exec('ROLLBACK');
      clearDeriveMemo(this.memo); // rows remembered from the rolled-back batch are gone
      throw err;
    }
  }

  free(): void {
    for (const s of this.cache.values()) s.free();
    this.cache.clear();
  }

  /** Derived rows only for events that were new: replaying an old event must not undo a newer one. */
  private derive(events: readonly RecordEvent[], onlyIds: Set<string> | undefined): void {
    let authored: Map<string, string> | undefined;
    for (const e of events) {
      if (onlyIds) {
        if (!onlyIds.has(e.id)) continue;
        onlyIds.delete(e.id);
      }
      noteLastSeen(e, this.memo);
      if (e.kind === 'archive.recorded') this.archived = undefined;
      if (derivers[e.kind]) deriveRows(e, this.run, this.memo);
      if (e.author !== undefined) {
        // A teammate's event (team sync): rare, so a statement each rather than a column in the tuned insert.
        this.run('UPDATE events SET author = ? WHERE id = ?', [e.author, e.id]);
        if (e.session) (authored ??= new Map()).set(e.session, e.author);
      }
    }
    flushDerived(this.run, this.memo);
    // After the flush: it may be what made the session's row.
    for (const [session, author] of authored ?? []) this.run('UPDATE sessions SET author = coalesce(author, ?) WHERE id = ?', [author, session]);
  }

  private idsAfter(seq: number): Set<string> {
    const ids = new Set<string>();
    for (const [id] of this.db.exec('SELECT id FROM events WHERE seq > ?', [seq])[0]?.values ?? []) ids.add(String(id));
    return ids;
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
