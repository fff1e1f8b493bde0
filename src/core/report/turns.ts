// A session read as its turns: each prompt with the files, commands and checks that followed it until the next one,
// and for each check failing now, since which turn it fails and when it last passed ("what broke since it last worked").
import type { Database, SqlValue } from 'sql.js';
import { eventsWhere } from '../record/queries';
import type { CheckBreak, Turn } from './flightTrail';

const s = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const iso = (ms: number): string => new Date(ms).toISOString();
const rows = (db: Database, sql: string, params: SqlValue[]): SqlValue[][] => db.exec(sql, params)[0]?.values ?? [];

/** A hook and the transcript deliver the same prompt moments apart: within this, the same text is one prompt. */
const SAME_PROMPT_MS = 120_000;
/** What a turn shows of its prompt and of each command; the whole text is in the record and the trail's commands. */
const MAX_PROMPT = 2_000;
const MAX_COMMAND = 500;
/** Commands a turn lists; the rest are counted (the trail's commands list them all). */
const MAX_TURN_COMMANDS = 200;

export interface Prompt {
  at: number;
  text: string;
}

/** A session's prompts, oldest first: from the transcript and the UserPromptSubmit hook, each once. */
export function sessionPrompts(db: Database, session: string): Prompt[] {
  const kept = rows(db, 'SELECT at, text FROM prompts WHERE session_id = ? ORDER BY at, event_id', [session]);
  return onePerPrompt(kept.length ? kept.map(([at, text]) => ({ at: Number(at), text: s(text) })) : promptsFromEvents(db, session));
}

/** A record from before the prompts table: its prompts are in the events' payloads. */
function promptsFromEvents(db: Database, session: string): Prompt[] {
  const found = eventsWhere(
    db,
    `session_id = ? AND (kind = 'prompt.submitted' OR (kind = 'hook.received' AND json_valid(data) AND json_extract(data, '$.hook') = 'UserPromptSubmit'))`,
    [session],
    5_000,
  );
  const out: Prompt[] = [];
  for (const e of found) {
    const text = e.kind === 'prompt.submitted' ? e.data.text : e.data.isPrompt === true ? e.data.prompt : undefined;
    if (typeof text === 'string' && text.trim()) out.push({ at: e.at, text: clipTo(text, MAX_PROMPT) });
  }
  return out;
}

/** The same prompt from a hook and from the transcript, moments apart, is one. */
function onePerPrompt(found: Prompt[]): Prompt[] {
  const out: Prompt[] = [];
  for (const p of [...found].sort((a, b) => a.at - b.at)) {
    if (!out.some((o) => o.text === p.text && Math.abs(o.at - p.at) <= SAME_PROMPT_MS)) out.push(p);
  }
  return out;
}

/** The 1-based turn a moment falls in (0: before the first prompt). */
export function turnAt(prompts: readonly Prompt[], at: number): number {
  let n = 0;
  while (n < prompts.length && (prompts[n] as Prompt).at <= at) n++;
  return n;
}

const clipTo = (t: string, max: number): string => (t.length > max ? `${t.slice(0, max)}… (${t.length - max} more characters)` : t);

/** Which change to a file a turn made: a deletion or creation says more than a modification. */
const stronger = (a: string, b: string): string => (a === 'deleted' || b === 'deleted' ? 'deleted' : a === 'created' || b === 'created' ? 'created' : 'modified');

/**
 * The commit each turn ended on, by turn number: HEAD when the agent's Stop hook fired (Claude Code, Codex), the last
 * Stop of a turn winning. Sessions without Stop hooks (transcripts alone, records from before) have none.
 */
function turnEndCommits(db: Database, session: string, prompts: readonly Prompt[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const [at, commit] of rows(db, 'SELECT at, commit_sha FROM turn_ends WHERE session_id = ? ORDER BY at, event_id', [session])) {
    out.set(turnAt(prompts, Number(at)), s(commit));
  }
  return out;
}

/** What both the turns and the check breaks read of a session's checks: its runs, and each turn's end commit. Asked once. */
export interface TurnFacts {
  prompts: readonly Prompt[];
  /** kind, command, passed, at, commit_sha of each check run, oldest first. */
  checks: SqlValue[][];
  ends: Map<number, string>;
}

export function turnFacts(db: Database, session: string, prompts: readonly Prompt[]): TurnFacts {
  const checks = rows(db, 'SELECT kind, command, passed, at, commit_sha FROM checks WHERE session_id = ? ORDER BY at, event_id', [session]);
  return { prompts, checks, ends: turnEndCommits(db, session, prompts) };
}

/** The session's turns; activity before the first prompt (a resumed session, hooks only) is turn 0 when there is any. */
export function buildTurns(db: Database, session: string, facts: TurnFacts, rel: (p: string) => string): Turn[] {
  const { prompts } = facts;
  const turns: Turn[] = prompts.map((p, i) => ({
    n: i + 1, at: iso(p.at), prompt: p.text, files: [], commands: [], checks: [], commit: '', commandsOmitted: 0,
  }));
  const zero: Turn = { n: 0, at: '', prompt: '', files: [], commands: [], checks: [], commit: '', commandsOmitted: 0 };
  const turnOf = (at: number): Turn => (turnAt(prompts, at) === 0 ? zero : (turns[turnAt(prompts, at) - 1] as Turn));

  for (const [path, action, at] of rows(db, 'SELECT path, action, at FROM file_touches WHERE session_id = ? ORDER BY at', [session])) {
    const t = turnOf(Number(at));
    const p = rel(s(path));
    const known = t.files.find((f) => f.path === p);
    if (known) known.change = stronger(known.change, s(action));
    else t.files.push({ path: p, change: s(action) });
  }
  const commandRows = rows(db, 'SELECT command, exit_code, outcome, started_at, commit_sha FROM commands WHERE session_id = ? ORDER BY started_at, id', [session]);
  for (const [command, exitCode, outcome, at, commit] of commandRows) {
    const t = turnOf(Number(at ?? 0));
    if (commit) t.commit = s(commit);
    if (t.commands.length >= MAX_TURN_COMMANDS) {
      t.commandsOmitted++;
      continue;
    }
    t.commands.push({ command: clipTo(s(command), MAX_COMMAND), exitCode: exitCode === null || exitCode === undefined ? null : Number(exitCode), outcome: s(outcome), at: iso(Number(at ?? 0)) });
  }
  for (const [kind, command, passed, at, commit] of facts.checks) {
    turnOf(Number(at)).checks.push({ kind: s(kind), command: clipTo(s(command), MAX_COMMAND), passed: passed === 1, at: iso(Number(at)), commit: s(commit) });
  }
  // The commit a turn ended on, where a Stop hook said it, stands over the last one its commands saw.
  for (const [n, commit] of facts.ends) {
    const t = n === 0 ? zero : turns[n - 1];
    if (t) t.commit = commit;
  }
  const busy = zero.files.length + zero.commands.length + zero.commandsOmitted + zero.checks.length > 0;
  return busy ? [zero, ...turns] : turns;
}

/**
 * Each check whose latest run in the session failed: the run since which it fails (its turn and commit), the last run
 * that passed (in this session or an earlier one), and the files changed in between.
 */
export function checkBreaks(db: Database, session: string, facts: TurnFacts, rel: (p: string) => string): CheckBreak[] {
  const { prompts, checks: runs, ends } = facts;
  // A run is placed at the commit its turn ended on, when the Stop hook told it; else at the HEAD the run itself saw.
  const commitOf = (turn: number, ranOn: SqlValue | undefined): string => ends.get(turn) ?? s(ranOn);
  const byCommand = new Map<string, SqlValue[][]>();
  for (const r of runs) {
    const list = byCommand.get(s(r[1])) ?? [];
    list.push(r);
    byCommand.set(s(r[1]), list);
  }
  const out: CheckBreak[] = [];
  for (const [command, list] of byCommand) {
    const last = list[list.length - 1] as SqlValue[];
    if (last[2] === 1) continue;
    let i = list.length - 1;
    while (i > 0 && (list[i - 1] as SqlValue[])[2] !== 1) i--;
    const first = list[i] as SqlValue[];
    const firstAt = Number(first[3]);
    const passedHere = i > 0 ? (list[i - 1] as SqlValue[]) : undefined;
    let lastPassed: CheckBreak['lastPassed'];
    let since: number | undefined;
    if (passedHere) {
      since = Number(passedHere[3]);
      const turn = turnAt(prompts, since);
      lastPassed = { session: '', sessionIntent: '', turn, at: iso(since), commit: commitOf(turn, passedHere[4]) };
    } else {
      // Failing since this session's first run: the last pass, if any, was in an earlier session.
      const [earlier] = rows(
        db,
        `SELECT c.session_id, c.at, c.commit_sha, s.intent FROM checks c LEFT JOIN sessions s ON s.id = c.session_id
         WHERE c.command = ? AND c.passed = 1 AND c.at < ? AND c.session_id IS NOT ? ORDER BY c.at DESC LIMIT 1`,
        [command, firstAt, session],
      );
      if (earlier) {
        const other = s(earlier[0]);
        const otherPrompts = sessionPrompts(db, other);
        const turn = turnAt(otherPrompts, Number(earlier[1]));
        lastPassed = {
          session: other, sessionIntent: s(earlier[3]), turn, at: iso(Number(earlier[1])), commit: turnEndCommits(db, other, otherPrompts).get(turn) ?? s(earlier[2]),
        };
      }
    }
    const changed = rows(
      db,
      'SELECT DISTINCT path FROM file_touches WHERE session_id = ? AND at > ? AND at <= ? ORDER BY at',
      [session, since ?? 0, firstAt],
    ).map((r) => rel(s(r[0])));
    out.push({
      command, kind: s(first[0]), failedRuns: list.length - i,
      failingSince: { turn: turnAt(prompts, firstAt), at: iso(firstAt), commit: commitOf(turnAt(prompts, firstAt), first[4]) },
      lastPassed, changedBetween: [...new Set(changed)],
    });
  }
  return out;
}
